"""The database schema as SQLAlchemy Core tables; Alembic migrations are generated from it."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _release_fk() -> sa.Column[str]:
    return sa.Column(
        "release_id",
        sa.String(64),
        sa.ForeignKey("taxonomy_release.id", ondelete="CASCADE"),
        nullable=False,
    )


taxonomy_release = sa.Table(
    "taxonomy_release",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("family", sa.String(32), nullable=False),
    sa.Column("version", sa.String(32), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("publisher", sa.Text, nullable=False),
    sa.Column("licence", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("current", sa.Boolean, nullable=False),
    sa.Column("schemes", sa.JSON, nullable=False),
    sa.Column("concept_count", sa.Integer, nullable=False),
    sa.Column("mapping_count", sa.Integer, nullable=False),
)

taxonomy_scheme = sa.Table(
    "taxonomy_scheme",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("family", sa.String(32), nullable=False),
)

taxonomy_concept = sa.Table(
    "taxonomy_concept",
    metadata,
    _release_fk(),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Column("scheme", sa.String(64), nullable=False),
    sa.Column("code", sa.String(255), nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("uri", sa.String(255)),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("replaced_by", sa.String(16)),
    sa.Column("attributes", sa.JSON, nullable=False),
    sa.PrimaryKeyConstraint("release_id", "concept_id"),
    sa.Index(None, "concept_id"),
    sa.Index(None, "scheme", "code"),
    sa.Index(None, "uri"),
)

taxonomy_label = sa.Table(
    "taxonomy_label",
    metadata,
    _release_fk(),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("label_type", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),
    sa.Index(None, "release_id", "concept_id"),
    sa.Index(None, "kind", "search_text"),
)

taxonomy_broader = sa.Table(
    "taxonomy_broader",
    metadata,
    _release_fk(),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Column("broader_id", sa.String(16), nullable=False),
    sa.Index(None, "concept_id"),
    sa.Index(None, "broader_id"),
)

taxonomy_occupation_skill = sa.Table(
    "taxonomy_occupation_skill",
    metadata,
    _release_fk(),
    sa.Column("occupation_id", sa.String(16), nullable=False),
    sa.Column("skill_id", sa.String(16), nullable=False),
    sa.Column("relevance", sa.String(16), nullable=False),
    sa.Index(None, "occupation_id"),
    sa.Index(None, "skill_id"),
)

taxonomy_skill_link = sa.Table(
    "taxonomy_skill_link",
    metadata,
    _release_fk(),
    sa.Column("skill_id", sa.String(16), nullable=False),
    sa.Column("related_id", sa.String(16), nullable=False),
    sa.Column("relevance", sa.String(16), nullable=False),
    sa.Index(None, "skill_id"),
    sa.Index(None, "related_id"),
)

taxonomy_collection = sa.Table(
    "taxonomy_collection",
    metadata,
    _release_fk(),
    sa.Column("collection", sa.String(32), nullable=False),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Index(None, "concept_id"),
)

onet_task = sa.Table(
    "onet_task",
    metadata,
    _release_fk(),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Column("task_id", sa.String(16), nullable=False),
    sa.Column("statement", sa.Text, nullable=False),
    sa.Column("task_type", sa.String(16), nullable=False),
    sa.Index(None, "concept_id"),
)

onet_rating = sa.Table(
    "onet_rating",
    metadata,
    _release_fk(),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Column("domain", sa.String(16), nullable=False),
    sa.Column("element_id", sa.String(16), nullable=False),
    sa.Column("element_name", sa.Text, nullable=False),
    sa.Column("scale", sa.String(4), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("suppress", sa.Boolean, nullable=False),
    sa.Index(None, "concept_id"),
)

onet_technology = sa.Table(
    "onet_technology",
    metadata,
    _release_fk(),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Column("example", sa.Text, nullable=False),
    sa.Column("commodity_code", sa.String(16), nullable=False),
    sa.Column("commodity_title", sa.Text, nullable=False),
    sa.Column("hot", sa.Boolean, nullable=False),
    sa.Column("in_demand", sa.Boolean, nullable=False),
    sa.Index(None, "concept_id"),
)

taxonomy_mapping = sa.Table(
    "taxonomy_mapping",
    metadata,
    _release_fk(),
    sa.Column("from_scheme", sa.String(64), nullable=False),
    sa.Column("from_code", sa.String(255), nullable=False),
    sa.Column("to_scheme", sa.String(64), nullable=False),
    sa.Column("to_code", sa.String(255), nullable=False),
    sa.Column("match", sa.String(16), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Index(None, "from_scheme", "from_code"),
    sa.Index(None, "to_scheme", "to_code"),
)

RELEASE_CONTENT = (
    taxonomy_concept,
    taxonomy_label,
    taxonomy_broader,
    taxonomy_occupation_skill,
    taxonomy_skill_link,
    taxonomy_collection,
    onet_task,
    onet_rating,
    onet_technology,
    taxonomy_mapping,
)

# -- jobs and ingestion ------------------------------------------------------------------------

employer = sa.Table(
    "employer",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("normalised_name", sa.Text, nullable=False),
    sa.Column("registration_id", sa.String(64), nullable=False),
    sa.Column("industry", sa.Text, nullable=False),
    sa.Column("size", sa.String(32), nullable=False),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Index(None, "normalised_name"),
)

posting = sa.Table(
    "posting",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description_html", sa.Text, nullable=False),
    sa.Column("description_text", sa.Text, nullable=False),
    sa.Column("employer_id", sa.String(16), sa.ForeignKey("employer.id")),
    sa.Column("street", sa.Text, nullable=False),
    sa.Column("locality", sa.Text, nullable=False),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("postal_code", sa.String(32), nullable=False),
    sa.Column("country", sa.String(64), nullable=False),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("employment_types", sa.JSON, nullable=False),
    sa.Column("working_hours", sa.Text, nullable=False),
    sa.Column("salary_currency", sa.String(3)),
    sa.Column("salary_min", sa.Float),
    sa.Column("salary_max", sa.Float),
    sa.Column("salary_unit", sa.String(8)),
    sa.Column("salary_text", sa.Text, nullable=False),
    sa.Column("education", sa.Text, nullable=False),
    sa.Column("experience_months", sa.Integer),
    sa.Column("openings", sa.Integer),
    sa.Column("valid_through", sa.DateTime(timezone=True)),
    sa.Column("date_posted", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("language", sa.String(35), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("retrieved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("licence", sa.Text, nullable=False),
    sa.Column("raw_id", sa.String(16), nullable=False),
    sa.Column("run_id", sa.String(16), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("derived", sa.JSON, nullable=False),
    sa.Column("change_sequence", sa.BigInteger, nullable=False),
    sa.Column("change_kind", sa.String(16), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source", "external_id"),
    sa.Index(None, "change_sequence", unique=True),
    sa.Index(None, "status", "valid_through"),
    sa.Index(None, "employer_id"),
    sa.Index(None, "date_posted"),
)

change_counter = sa.Table(
    "change_counter",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

ingest_run = sa.Table(
    "ingest_run",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("format", sa.String(32), nullable=False),
    sa.Column("format_options", sa.JSON, nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("counts", sa.JSON, nullable=False),
    sa.Column("replay_of", sa.String(16)),
    sa.Column("error", sa.Text, nullable=False),
    sa.Index(None, "started_at"),
)

raw_record = sa.Table(
    "raw_record",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("run_id", sa.String(16), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("position", sa.String(64), nullable=False),
    sa.Column("ordinal", sa.BigInteger, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decode_error", sa.Text, nullable=False),
    sa.Index(None, "run_id", "ordinal"),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("raw_id", sa.String(16), nullable=False),
    sa.Column("run_id", sa.String(16), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("position", sa.String(64), nullable=False),
    sa.Column("problems", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_by", sa.String(16)),
    sa.Index(None, "source", "resolved_by"),
    sa.Index(None, "run_id"),
)

fetch_state = sa.Table(
    "fetch_state",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("etag", sa.Text, nullable=False),
    sa.Column("last_modified", sa.Text, nullable=False),
    sa.Column("fetched_at", sa.DateTime(timezone=True)),
)

posting_key = sa.Table(
    "posting_key",
    metadata,
    sa.Column("posting_id", sa.String(16), sa.ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

coding_example = sa.Table(
    "coding_example",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("concept_id", sa.String(16), nullable=False),
    sa.Column("isco_code", sa.String(8), nullable=False),
    sa.Column("origin", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("text", "concept_id"),
)

coding_review = sa.Table(
    "coding_review",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("posting_id", sa.String(16), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("candidates", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("chosen_concept_id", sa.String(16)),
    sa.Column("reviewer", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Index(None, "status", "confidence"),
    sa.Index(None, "posting_id", "status"),
)

moderation_case = sa.Table(
    "moderation_case",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("posting_id", sa.String(16), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("flags", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("moderator", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Index(None, "status", "score"),
    sa.Index(None, "posting_id", "status"),
)

dedup_signature = sa.Table(
    "dedup_signature",
    metadata,
    sa.Column("posting_id", sa.String(16), primary_key=True),
    sa.Column("cluster_id", sa.String(16), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("employer", sa.Text, nullable=False),
    sa.Column("locality", sa.Text, nullable=False),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("date_posted", sa.Date),
    sa.Column("skills", sa.JSON, nullable=False),
    sa.Column("text_hash", sa.String(32), nullable=False),
    sa.Column("minhash", sa.LargeBinary, nullable=False),
    sa.Column("matched_id", sa.String(16)),
    sa.Column("method", sa.String(16)),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("method_version", sa.String(32), nullable=False),
    sa.Index(None, "cluster_id"),
    sa.Index(None, "text_hash", "employer"),
)

dedup_block = sa.Table(
    "dedup_block",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(40), nullable=False),
    sa.Column("posting_id", sa.String(16), nullable=False),
    sa.Index(None, "key", "id"),
    sa.Index(None, "posting_id"),
)

wage_observation = sa.Table(
    "wage_observation",
    metadata,
    sa.Column("posting_id", sa.String(16), primary_key=True),
    sa.Column("isco_major", sa.String(1), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("annual", sa.Float, nullable=False),
    sa.Index(None, "isco_major", "currency", "annual"),
)
