"""The training tables: courses, their links to ESCO skills, and the quarantine of rejected course records.

They share `tables.metadata` (one schema, one migration history). `course.skills` keeps the
skills in the provider's order for reading a course back; `course_skill` is the same links one
row each, indexed by skill, which is what "courses teaching these skills" reads.
"""

from __future__ import annotations

import sqlalchemy as sa

from lmis.storage.tables import metadata

course = sa.Table(
    "course",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("skills", sa.JSON, nullable=False),  # ESCO skill concept ids, in the provider's order
    sa.Column("region", sa.Text, nullable=True),  # gazetteer place id; None: nationwide or online
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("duration_hours", sa.Float, nullable=True),
    sa.Column("cost", sa.Float, nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("net_cost", sa.Float, nullable=True),  # cost after subsidy, for filtering by what the learner pays
    sa.Column("subsidy", sa.JSON, nullable=True),  # {programme, text, share, amount}
    sa.Column("starts_on", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("language", sa.String(35), nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),  # normalised title, provider and description
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source", "external_id"),
    sa.Index(None, "region"),
    sa.Index(None, "title"),
)

course_skill = sa.Table(
    "course_skill",
    metadata,
    sa.Column("course_id", sa.String(16), sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("skill_id", sa.String(16), primary_key=True),
    sa.Index(None, "skill_id"),
)

course_quarantine = sa.Table(
    "course_quarantine",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("import_id", sa.String(16), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("position", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=True),
    sa.Column("payload", sa.Text, nullable=False),  # the record as it was read, to fix and import again
    sa.Column("problems", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(None, "source", "resolved_at"),
    sa.Index(None, "source", "external_id"),
)
