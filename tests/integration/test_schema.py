"""The migrations build exactly the schema the code describes, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lmis.storage import migrate
from lmis.storage.search_pg_sql import metadata as search_metadata
from lmis.storage.tables import metadata


def test_the_migrated_database_has_no_difference_from_the_table_definitions(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    migrate.upgrade(engine)
    described = [metadata, search_metadata] if engine.dialect.name == "postgresql" else metadata
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), described)
    engine.dispose()
    assert differences == []
