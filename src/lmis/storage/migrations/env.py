"""Alembic environment: runs migrations on the connection `lmis.storage.migrate` hands over."""

from __future__ import annotations

from alembic import context

from lmis.storage import (
    analytics_tables,  # noqa: F401 - registers the external series and programme tables
    identity_tables,  # noqa: F401 - registers the identity and people tables
    recommend_tables,  # noqa: F401 - registers the recommend tables
    training_tables,  # noqa: F401 - registers the course tables
)
from lmis.storage.search_pg_sql import metadata as search_metadata
from lmis.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    # the search projection's tables (beside their adapter) exist on PostgreSQL only (migration 0004)
    target_metadata=[metadata, search_metadata] if connection.dialect.name == "postgresql" else metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
