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
