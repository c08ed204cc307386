"""search: the PostgreSQL search projection (documents with a tsvector, and the change-feed position)

Only PostgreSQL gets these tables: SQLite deployments search with the embedded tantivy engine,
so on SQLite this revision does nothing. The tables are defined in `lmis.storage.search_pg_sql`,
not in `tables.py`, because they belong to the search adapter, not to the system of record.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ARRAYS = ("occupations", "skills", "places", "employment_types")


def _on_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if not _on_postgresql():
        return
    text_array = postgresql.ARRAY(sa.Text())
    op.create_table(
        "search_document",
        sa.Column("posting_id", sa.Text(collation="C"), nullable=False),  # byte order: ties as Python orders ids
        sa.Column("cluster_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_key", sa.Text(), nullable=False),
        sa.Column("title_words", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("employer", sa.Text(), nullable=False),
        sa.Column("occupations", text_array, nullable=False),
        sa.Column("occupation_group", sa.Text(), nullable=False),
        sa.Column("skills", text_array, nullable=False),
        sa.Column("places", text_array, nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("employment_types", text_array, nullable=False),
        sa.Column("working_time", sa.Text(), nullable=False),
        sa.Column("salary_min", sa.Double(), nullable=True),
        sa.Column("salary_max", sa.Double(), nullable=True),
        sa.Column("education", sa.Text(), nullable=False),
        sa.Column("experience_months", sa.Integer(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_through", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.PrimaryKeyConstraint("posting_id", name="pk_search_document"),
    )
    op.create_index("ix_search_document_document", "search_document", ["document"], postgresql_using="gin")
    for column in _ARRAYS:
        op.create_index(f"ix_search_document_{column}", "search_document", [column], postgresql_using="gin")
    for column in ("posted_at", "salary_max", "cluster_id"):
        op.create_index(f"ix_search_document_{column}", "search_document", [column])
    op.create_table(
        "search_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_state"),
    )


def downgrade() -> None:
    if not _on_postgresql():
        return
    op.drop_table("search_state")
    op.drop_table("search_document")  # its indexes go with it
