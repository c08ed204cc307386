"""recommend: profile details, behaviour events and served recommendation lists

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seeker") as batch:
        batch.add_column(sa.Column("details", sa.JSON(), nullable=True))
    op.create_table(
        "behaviour_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("seeker_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=True),
        sa.Column("employer_id", sa.Text(), nullable=True),
        sa.Column("list_id", sa.String(length=16), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["seeker.id"], name=op.f("fk_behaviour_event_seeker_id_seeker"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_behaviour_event")),
    )
    op.create_index(op.f("ix_behaviour_event_item_id_at"), "behaviour_event", ["item_id", "at"])
    op.create_index(op.f("ix_behaviour_event_kind_at"), "behaviour_event", ["kind", "at"])
    op.create_index(op.f("ix_behaviour_event_seeker_id_at"), "behaviour_event", ["seeker_id", "at"])
    op.create_table(
        "recommendation_list",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("seeker_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("ranker", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["seeker.id"], name=op.f("fk_recommendation_list_seeker_id_seeker"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_list")),
    )
    op.create_index(op.f("ix_recommendation_list_seeker_id_at"), "recommendation_list", ["seeker_id", "at"])


def downgrade() -> None:
    op.drop_table("recommendation_list")
    op.drop_table("behaviour_event")
    with op.batch_alter_table("seeker") as batch:
        batch.drop_column("details")
