"""`lmis recommend` as an operator runs it: the nightly lists and daily e-mail, learning the ranker, retention."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from tests.conftest import EMBEDDING_CACHE, SAMPLE_TAXONOMY
from tests.identities import make_account
from tests.recommendations import DEVELOPER, NURSE, ad, essential_skills, post_coded

from lmis.bootstrap import Services, build
from lmis.cli import cli
from lmis.config import Settings
from lmis.identity.model import Role
from lmis.people import services as people
from lmis.people.profile import ProfileDetails, Steering
from lmis.recommend.model import BehaviourEvent, EventKind
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.importing import import_shipped


@pytest.fixture
def install(tmp_path: Path) -> Iterator[Services]:
    """An embedded install with coded postings and two jobseekers, one of whom wants the daily e-mail."""
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        taxonomy_dir=SAMPLE_TAXONOMY,
        cache_dir=EMBEDDING_CACHE,
        enrich_steps=["salary", "place", "cluster", "fraud"],
        search_semantic=False,
    )
    services = build(settings)
    services.upgrade_database()
    import_shipped(SAMPLE_TAXONOMY, uow=services.uow(), now=services.now, progress=SilentProgress())
    nurse = essential_skills(services, NURSE)
    post_coded(
        services,
        "board",
        [
            (ad("n1", "Staff Nurse", "London", "GB", employer="Hospital A"), NURSE, nurse[:6]),
            (ad("n2", "Ward Nurse", "London", "GB", employer="Hospital B"), NURSE, nurse[2:8]),
            (ad("d1", "Developer", "Leeds", "GB", employer="Tech Co"), DEVELOPER, []),
        ],
    )
    for name, mail in (("Mina", True), ("Jun", False)):
        person = make_account(services, Role.JOBSEEKER, name)
        details = ProfileDetails(steering=Steering(daily_mail=mail))
        profile = people.ProfileInput("Nurse", "GB-ENG", occupations=(NURSE,), details=details)
        people.save_profile(
            uow=services.uow(),
            protection=services.protection,
            actor=person.principal,
            profile=profile,
            now=services.now(),
        )
    yield services
    services.engine.dispose()


def lmis(*args: str, data_dir: Path, **env: str) -> Result:
    """`lmis ARGS` in this process (click's runner), with the install's settings in the environment."""
    environment = {
        "LMIS_DATA_DIR": str(data_dir),
        "LMIS_TAXONOMY_DIR": str(SAMPLE_TAXONOMY),
        "LMIS_CACHE_DIR": str(EMBEDDING_CACHE),
        "LMIS_SEARCH_SEMANTIC": "false",
        "LMIS_DATABASE_URL": None,
        **env,
    }
    return CliRunner().invoke(cli, list(args), env=environment)


def _mail(services: Services) -> list[tuple[str, str]]:
    with services.engine.connect() as connection:
        return [(r.recipient, r.body) for r in connection.execute(sa.text("SELECT recipient, body FROM outbox"))]


def test_the_nightly_batch_lists_jobs_for_everyone_and_mails_only_who_asked_and_only_new_jobs(
    install: Services, tmp_path: Path
) -> None:
    first = lmis("recommend", "batch", data_dir=tmp_path)
    assert first.exit_code == 0, first.output
    assert re.search(r"2 seekers, 2 lists, 1 e-mails queued in [\d.]+ s \([\d.]+ seekers/s\)", first.output)
    mails = [(to, body) for to, body in _mail(install) if "New jobs" in body or "new jobs" in body]
    assert [to.split(".")[0] for to, _ in mails] == ["mina"]
    assert "Staff Nurse" in mails[0][1]
    assert "?list=" in mails[0][1]
    again = lmis("recommend", "batch", data_dir=tmp_path)
    assert "0 e-mails queued" in again.output  # nothing new since the last e-mail
    wrong = lmis("recommend", "batch", "--shard", "2/2", data_dir=tmp_path)
    assert (wrong.exit_code, "--shard" in wrong.output) == (2, True)


def test_the_ranker_is_not_learned_from_too_little_behaviour_and_old_behaviour_is_purged(
    install: Services, tmp_path: Path
) -> None:
    refused = lmis("recommend", "train", data_dir=tmp_path)
    assert refused.exit_code == 1  # `lmis` prints the service's error as one line (see `lmis.cli.main`)
    assert "not enough behaviour" in str(refused.exception)
    assert "transparent scorer stays" in str(refused.exception)
    with install.uow() as uow:
        seeker = next(iter(uow.people.every_seeker()))
        old = install.now() - timedelta(days=100)
        uow.behaviour.add_events([BehaviourEvent(seeker.id, EventKind.VIEW, "posting", "p", old)])
        uow.commit()
    purged = lmis("recommend", "purge", data_dir=tmp_path, LMIS_BEHAVIOUR_RETENTION_DAYS="30")
    assert purged.exit_code == 0, purged.output
    assert purged.output.strip().endswith("1 behaviour events removed")
