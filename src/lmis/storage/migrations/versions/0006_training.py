"""training: courses, their links to ESCO skills, and the course quarantine

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("duration_hours", sa.Float(), nullable=True),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("net_cost", sa.Float(), nullable=True),
        sa.Column("subsidy", sa.JSON(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_course_source_external_id")),
    )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_course_title"), ["title"], unique=False)

    op.create_table(
        "course_skill",
        sa.Column("course_id", sa.String(length=16), nullable=False),
        sa.Column("skill_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_skill_course_id_course"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("course_id", "skill_id", name=op.f("pk_course_skill")),
    )
    with op.batch_alter_table("course_skill", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_skill_skill_id"), ["skill_id"], unique=False)

    op.create_table(
        "course_quarantine",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("import_id", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("position", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_quarantine")),
    )
    with op.batch_alter_table("course_quarantine", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_quarantine_source_external_id"), ["source", "external_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_quarantine_source_resolved_at"), ["source", "resolved_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("course_quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_quarantine_source_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_course_quarantine_source_external_id"))

    op.drop_table("course_quarantine")
    with op.batch_alter_table("course_skill", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_skill_skill_id"))

    op.drop_table("course_skill")
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_title"))
        batch_op.drop_index(batch_op.f("ix_course_region"))

    op.drop_table("course")
