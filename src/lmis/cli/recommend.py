"""`lmis recommend`: the nightly job lists and daily e-mail, learning the ranker, and behaviour retention."""

from __future__ import annotations

import getpass
import time
import zlib

import click

from lmis.cli.context import RichProgress, services


@click.group()
def recommend() -> None:
    """The Work's batch jobs (run on the server, as its operator; see docs/recommend.md)."""


@recommend.command()
@click.option(
    "--mail/--no-mail", default=True, show_default=True, help="Queue the daily e-mail for those who chose it."
)
@click.option("--limit", type=click.IntRange(1), help="Only the first N seekers (a trial run).")
@click.option(
    "--shard", default="0/1", show_default=True, help="I/N: this process takes every seeker whose id hashes to I mod N."
)
@click.option("--size", "k", type=click.IntRange(1, 50), default=20, show_default=True, help="Jobs in each list.")
def batch(mail: bool, limit: int | None, shard: str, k: int) -> None:
    """Fresh job lists for every jobseeker (and the daily e-mail); prints seekers a second."""
    from lmis.identity.model import operator
    from lmis.recommend.daily import every_seeker_id, nightly

    index, count = _shard(shard)
    built = services()
    ids = [s for s in every_seeker_id(built.uow()) if zlib.crc32(s.encode()) % count == index][:limit]
    with RichProgress() as bar:
        bar.begin("job lists", len(ids))
        report = nightly(
            uow=built.uow,
            recommender=built.recommender,
            locate=built.locate,
            actor=operator(f"cli:{getpass.getuser()}"),
            seeker_ids=ids,
            now=built.now(),
            base_url=built.settings.public_url.rstrip("/"),
            clock=time.perf_counter,
            progress=bar,
            mail=mail,
            k=k,
        )
    click.echo(
        f"{report.seekers} seekers, {report.lists} lists, {report.mailed} e-mails queued"
        f" in {report.seconds:.1f} s ({report.per_second:.1f} seekers/s)"
    )


def _shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise click.BadParameter("give the shard as I/N, e.g. 0/4", param_hint="--shard") from None
    if not 0 <= index < count:
        raise click.BadParameter(f"I must be from 0 to N-1 (got {text})", param_hint="--shard")
    return index, count


@recommend.command()
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True, help="Learn from this many days.")
def train(days: int) -> None:
    """Learn the job ranker from served lists and reactions (LightGBM LambdaRank); the server uses it on restart."""
    from lmis.recommend.learning import learn_ranker

    built = services()
    ranker, report = learn_ranker(
        uow=built.uow, recommender=built.recommender, locate=built.locate, now=built.now(), days=days
    )
    folder = built.settings.data_dir / "recommend"
    folder.mkdir(parents=True, exist_ok=True)
    ranker.save(folder / "ranker.txt")
    click.echo(f"learned from {report.groups} of {report.lists} lists ({report.items} items): {folder / 'ranker.txt'}")


@recommend.command()
def purge() -> None:
    """Delete behaviour events and served lists older than LMIS_BEHAVIOUR_RETENTION_DAYS."""
    from lmis.recommend.services import purge_behaviour

    built = services()
    gone = purge_behaviour(uow=built.uow(), now=built.now(), retention_days=built.settings.behaviour_retention_days)
    click.echo(f"{gone} behaviour events removed")
