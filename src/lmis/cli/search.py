"""`lmis search`: rebuild or update the search index, see its state, and search from the shell."""

from __future__ import annotations

import json

import click

from lmis.cli.context import RichProgress, services


@click.group()
def search() -> None:
    """The job search index (a projection of the postings, rebuilt at will)."""


@search.command()
def reindex() -> None:
    """Rebuild the whole index from the database (postings changed meanwhile are caught up after)."""
    built = services()
    with RichProgress() as progress:
        report = built.search.reindex(built.now, progress)
    click.echo(f"{report.indexed} postings indexed ({built.search.index.name}), change feed at {report.sequence}")


@search.command()
def sync() -> None:
    """Apply the changes since the index's last update (the server does this every few seconds)."""
    built = services()
    report = built.search.sync(built.now)
    if report is None:
        raise click.ClickException("another process is writing the index; it will catch up by itself")
    click.echo(f"{report.indexed} indexed, {report.removed} removed, change feed at {report.sequence}")


@search.command()
def status() -> None:
    """The engine, how many postings it holds and how far behind the change feed it is."""
    built = services()
    with built.uow() as uow:
        head = uow.jobs.head()
    index = built.search.index
    at = index.sequence()
    click.echo(f"engine {index.name}: {index.size()} postings, at change {at} of {head} ({head - at} behind)")


@search.command(name="query")
@click.argument("text")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--keyword-only", is_flag=True, help="No semantic (title embedding) retrieval.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON lines.")
def query(text: str, limit: int, keyword_only: bool, as_json: bool) -> None:
    """Search live postings for TEXT and print the hits and how the text was read."""
    from lmis.search.interpret import SearchRequest

    built = services()
    response = built.search.service().search(SearchRequest(text, limit=limit, semantic=not keyword_only), built.now())
    with built.uow() as uow:
        postings = uow.jobs.get_many([h.posting_id for h in response.hits])
    said = response.interpretation
    if not as_json:
        click.echo(
            f"{response.total} {response.counts} ({response.relation.value}, {response.mode}); read as {said.must}"
        )
    for hit in response.hits:
        posting = postings[hit.posting_id]
        if as_json:
            click.echo(
                json.dumps({"id": hit.posting_id, "title": posting.title, "score": hit.score}, ensure_ascii=False)
            )
        else:
            click.echo(f"{hit.posting_id}  {hit.score:8.4f}  {hit.matched_by:<8}  {posting.title}")
