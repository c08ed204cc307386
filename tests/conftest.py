"""Shared fixtures: databases (SQLite always, PostgreSQL when LMIS_TEST_DATABASE_URL is set), services, taxonomy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from lmis.bootstrap import Services, build
from lmis.config import EnrichStep, Settings
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.importing import import_shipped

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TAXONOMY = ROOT / "tests" / "data" / "taxonomy"
SHIPPED_TAXONOMY = ROOT / "data" / "taxonomy"
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_URL = os.environ.get("LMIS_TEST_DATABASE_URL")
# Label embeddings are cached by content hash, so one folder serves every test and run.
EMBEDDING_CACHE = ROOT / ".pytest_cache" / "lmis-embeddings"


def _worker_url(url: str) -> str:
    """The database of this test process: `url` itself, or under pytest-xdist a database of its own beside it
    (`<name>_gw0`, ...), created on first use and dropped when the worker's session ends."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A parallel worker drops the PostgreSQL database it made (its connections are closed by force)."""
    if PG_URL and os.environ.get("PYTEST_XDIST_WORKER"):
        base = sa.engine.make_url(PG_URL)
        engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            name = f"{base.database}_{os.environ['PYTEST_XDIST_WORKER']}"
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The API fuzzing first: it takes minutes, and parallel workers finish together only if it starts early."""
    items.sort(key=lambda item: "test_api_fuzz.py" not in item.nodeid)


def empty_postgres() -> str:
    """A URL to this test process's PostgreSQL database with every table dropped, so each test starts from an
    empty schema; a skip when LMIS_TEST_DATABASE_URL is unset (a failure under LMIS_REQUIRE_POSTGRES)."""
    if not PG_URL:
        if os.environ.get("LMIS_REQUIRE_POSTGRES"):
            pytest.fail("LMIS_REQUIRE_POSTGRES is set but LMIS_TEST_DATABASE_URL is not")
        pytest.skip("LMIS_TEST_DATABASE_URL is not set")
    url = _worker_url(PG_URL)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def database_for(request: pytest.FixtureRequest, folder: Path) -> str:
    """A URL to an empty database of the fixture's param: a SQLite file in `folder`, or PostgreSQL when
    LMIS_TEST_DATABASE_URL is set (skipped, or failed under LMIS_REQUIRE_POSTGRES, when it is not)."""
    if request.param == "sqlite":
        return f"sqlite:///{folder / 'lmis.db'}"
    return empty_postgres()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database: a SQLite file, and PostgreSQL when LMIS_TEST_DATABASE_URL is set."""
    return database_for(request, tmp_path)


def make_services(
    tmp_path: Path,
    database_url: str,
    taxonomy_dir: Path = SAMPLE_TAXONOMY,
    *,
    enrich_steps: list[EnrichStep] | None = None,
) -> Services:
    """Services on `database_url`, migrated, with `taxonomy_dir` as the shipped taxonomy (and some enrichment steps)."""
    settings = Settings(
        env="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        taxonomy_dir=taxonomy_dir,
        cache_dir=EMBEDDING_CACHE,
    )
    if enrich_steps is not None:
        settings = settings.model_copy(update={"enrich_steps": enrich_steps})
    services = build(settings)
    services.upgrade_database()
    return services


@pytest.fixture
def services(tmp_path: Path, database_url: str) -> Iterator[Services]:
    """Migrated, empty services on each test database."""
    built = make_services(tmp_path, database_url)
    yield built
    built.engine.dispose()


@pytest.fixture
def sample_services(services: Services) -> Services:
    """Services with the small sample taxonomy (tests/data/taxonomy) imported."""
    import_shipped(SAMPLE_TAXONOMY, uow=services.uow(), now=services.now, progress=SilentProgress())
    return services


@pytest.fixture(scope="session")
def shipped_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """SQLite services with every shipped release imported (once per test session, ~10 s)."""
    folder = tmp_path_factory.mktemp("shipped")
    # The full ESCO's label embeddings take minutes to build once; enrichment is tested on the sample taxonomy.
    steps: list[EnrichStep] = ["salary", "place", "cluster", "fraud"]
    built = make_services(folder, f"sqlite:///{folder / 'lmis.db'}", SHIPPED_TAXONOMY, enrich_steps=steps)
    import_shipped(SHIPPED_TAXONOMY, uow=built.uow(), now=built.now, progress=SilentProgress())
    yield built
    built.engine.dispose()


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a skip when this machine does not have it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not on this machine")
    return SHARED_DATA
