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
    partner_tokens: dict[str, str] = Field(
        default_factory=dict,
        description='Partner push credentials as JSON, {"source": "token"}; until accounts exist (identity issue).',
    )
    staff_tokens: dict[str, str] = Field(
        default_factory=dict,
        description=(
            'Staff credentials for the review and moderation queues as JSON, {"name": "token"};'
            " until accounts exist (identity issue)."
        ),
    )
    max_push_records: int = Field(1_000, ge=1, le=10_000, description="Most postings one partner push may carry.")
    default_language: Literal["en", "ko", "id"] = Field(
        "en", description="Portal language when the browser asks for none we have."
    )

    def resolved_cache_dir(self) -> Path:
        """The embedding cache in force: the configured folder or DATA_DIR/cache."""
        return self.cache_dir or self.data_dir / "cache"

    def search_dir(self) -> Path:
        """The folder of the embedded search index and the title vectors."""
        return self.data_dir / "search"

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one or the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.data_dir / 'lmis.db'}"


def load_settings() -> Settings:
    """Read the settings from the environment."""
    return Settings()
