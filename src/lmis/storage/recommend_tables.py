"""Tables of the recommend context: behaviour events (append-only) and served recommendation lists.

They share `tables.metadata` (one schema, one migration history). Events of an erased person go
with their seeker row (ON DELETE CASCADE); old events go after the retention period.
"""

from __future__ import annotations

import sqlalchemy as sa

from lmis.storage.tables import metadata

behaviour_event = sa.Table(
    "behaviour_event",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("seeker_id", sa.String(16), sa.ForeignKey("seeker.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # recommend.model.EventKind
    sa.Column("item_kind", sa.String(16), nullable=False),  # posting | course | occupation | search
    sa.Column("item_id", sa.Text, nullable=True),
    sa.Column(
        "employer_id", sa.Text, nullable=True
    ),  # of the posting (normalised name), for hide/diversity/attribution
    sa.Column("list_id", sa.String(16), nullable=True),  # the recommendation list shown, for impressions/clicks
    sa.Column("position", sa.Integer, nullable=True),
    sa.Column("detail", sa.JSON, nullable=True),  # query text, dismissal reason...
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "seeker_id", "at"),
    sa.Index(None, "item_id", "at"),
    sa.Index(None, "kind", "at"),
)

recommendation_list = sa.Table(
    "recommendation_list",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("seeker_id", sa.String(16), sa.ForeignKey("seeker.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # jobs | training | occupations
    sa.Column("items", sa.JSON, nullable=False),  # item ids in the order shown
    sa.Column("ranker", sa.Text, nullable=False),  # method and model version
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "seeker_id", "at"),
)
