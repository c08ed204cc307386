"""Settings: the only reader of the environment (variables prefixed LMIS_)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EnrichStep = Literal["salary", "place", "occupation", "skills", "cluster", "fraud"]


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "lmis"


def _shipped(name: str) -> Path:
    """A shipped data folder: inside an installed wheel, else `data/<name>` of the checkout."""
    package = Path(__file__).resolve().parent
    in_wheel = package / "_shipped" / name
    return in_wheel if in_wheel.is_dir() else package.parents[1] / "data" / name


def _shipped_taxonomy_dir() -> Path:
    return _shipped("taxonomy")


def _shipped_gazetteer() -> Path:
    return _shipped("gazetteer") / "places.csv.gz"


class Settings(BaseSettings):
    """Everything LMIS can be configured with; defaults give a working embedded install."""

    model_config = SettingsConfigDict(env_prefix="LMIS_", extra="ignore")

    env: Literal["development", "production", "test"] = Field(
        "development", description="Deployment kind: development, production or test."
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder of the embedded database, search index and snapshots.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the database; unset means SQLite at DATA_DIR/lmis.db.",
    )
    taxonomy_dir: Path = Field(
        default_factory=_shipped_taxonomy_dir,
        description="Folder of the shipped taxonomy releases that `lmis init` imports.",
    )
    cache_dir: Path | None = Field(
        None, description="Folder of cached label and title embeddings; unset means DATA_DIR/cache."
    )
    gazetteer_path: Path = Field(
        default_factory=_shipped_gazetteer,
        description="Gazetteer file (places.csv.gz) that place resolution reads; the shipped one by default.",
    )
    enrich_steps: list[EnrichStep] = Field(
        default_factory=lambda: list(get_args(EnrichStep)),
        description="Enrichment steps ingestion runs, as JSON; occupation and skills embed ESCO labels on first use.",
    )
    skill_extraction: Literal["lexical", "semantic"] = Field(
        "lexical",
        description="How ingestion finds skills: ESCO labels word for word (fast), or also by sentence embeddings.",
    )
    review_threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="Occupation codes less confident than this go to the review queue."
    )
    search_engine: Literal["tantivy", "postgresql"] = Field(
        "tantivy",
        description="Search engine: the embedded tantivy index in DATA_DIR/search, or tables in PostgreSQL.",
    )
    search_semantic: bool = Field(
        True,
        description="Hybrid search: also find postings by title embeddings (per query `semantic=false` turns it off).",
    )
    search_sync_seconds: float = Field(
        2.0,
        ge=0.1,
        le=3600,
        description="How often the server brings the search index up to date with the change feed.",
    )
    host: str = Field("127.0.0.1", description="Address `lmis serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `lmis serve` listens on.")
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address people reach this install at: links in mail, the OpenID Connect issuer.",
    )
    secrets_dir: Path | None = Field(
        None, description="Folder of the encryption keyring and signing keys; unset means DATA_DIR/secrets."
    )
    encryption_keyring: str | None = Field(
        None,
        description='Keyring of personal-data encryption as JSON {"active": id, "keys": {id: base64}}; unset: a file.',
    )
    secret_key: str | None = Field(
        None, description="Secret that signs CSRF tokens; unset means a random key kept in the secrets folder."
    )
    mail_backend: Literal["console", "file", "smtp"] = Field(
        "console", description="Where mail goes: the server log, files in DATA_DIR/outbox, or an SMTP server."
    )
    smtp_host: str = Field("localhost", description="SMTP server for `mail_backend=smtp`.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port (587 uses STARTTLS).")
    mail_from: str = Field("LMIS <no-reply@localhost>", description="Sender of account mail.")
    cookie_secure: bool | None = Field(
        None, description="Send session cookies only over HTTPS; unset means when PUBLIC_URL is https."
    )
    anonymous_rate_per_minute: int = Field(
        300, ge=1, le=1_000_000, description="API requests a minute one address may make without credentials."
    )
    account_rate_per_minute: int = Field(
        600, ge=1, le=1_000_000, description="API requests a minute one signed-in account may make."
    )
    audit_retention_days: int = Field(730, ge=30, description="How long `lmis identity purge` keeps audit entries.")
    behaviour_retention_days: int = Field(
        540,
        ge=30,
        description="How long `lmis recommend purge` keeps behaviour events and served recommendation lists.",
    )
    analytics_refresh_seconds: float = Field(
        900.0,
        ge=0,
        description="How often the server refreshes the analytics snapshot from the database (0: never; "
        "then run `lmis analytics refresh` from a scheduler).",
    )
    analytics_min_cell: int = Field(
        10,
        ge=1,
        description="Disclosure control: the fewest people a published cell built from personal records may count; "
        "smaller cells, and the cells that would let them be recovered from totals, are suppressed.",
    )
    attempt_retention_days: int = Field(
        90, ge=1, description="How long sign-in attempts, expired sessions and used tokens are kept."
    )
    external_oidc_issuer: str | None = Field(
        None, description="Issuer URL of an external OpenID Connect provider (a national e-ID) people may sign in with."
    )
    external_oidc_client_id: str | None = Field(None, description="LMIS's client id at the external provider.")
    external_oidc_client_secret: str | None = Field(None, description="LMIS's client secret at the external provider.")
    external_oidc_name: str = Field("e-ID", description="How the portal names the external provider.")
    max_push_records: int = Field(1_000, ge=1, le=10_000, description="Most postings one partner push may carry.")
    default_language: Literal["en", "ko", "id"] = Field(
        "en", description="Portal language when the browser asks for none we have."
    )

    def resolved_cache_dir(self) -> Path:
        """The embedding cache in force: the configured folder or DATA_DIR/cache."""
        return self.cache_dir or self.data_dir / "cache"

    def analytics_dir(self) -> Path:
        """The folder of the analytics snapshots (Parquet) that indicators are computed from."""
        return self.data_dir / "analytics"

    def search_dir(self) -> Path:
        """The folder of the embedded search index and the title vectors."""
        return self.data_dir / "search"

    def resolved_secrets_dir(self) -> Path:
        """The folder of the install's keys: the configured one or DATA_DIR/secrets."""
        return self.secrets_dir or self.data_dir / "secrets"

    def secure_cookies(self) -> bool:
        """Whether cookies carry `Secure`: as configured, else when the public address is https."""
        return self.cookie_secure if self.cookie_secure is not None else self.public_url.startswith("https://")

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one or the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.data_dir / 'lmis.db'}"


def load_settings() -> Settings:
    """Read the settings from the environment."""
    return Settings()
