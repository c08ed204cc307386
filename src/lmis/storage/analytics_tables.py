"""Tables of the analytics context: official statistics as external series, active labour market
programmes with their participants' episodes and outcomes, and the quarantine of rejected records.

They share `tables.metadata` (one schema, one migration history). Platform indicators are not
stored here: they are computed from Parquet snapshots of the operational tables (`analytics_snapshot`).
"""

from __future__ import annotations

import sqlalchemy as sa

from lmis.storage.tables import metadata

external_series = sa.Table(
    "external_series",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),  # stable: a hash of (source, code), so a re-import updates
    sa.Column("source", sa.String(64), nullable=False),  # the importer or publisher kind: bls_oews, indeed, fred...
    sa.Column("code", sa.Text, nullable=False),  # the publisher's own key of the series
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("measure", sa.String(64), nullable=False),  # employment, job_openings, postings_index, wage_median...
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("frequency", sa.String(8), nullable=False),  # year | quarter | month | week | day
    sa.Column("dimensions", sa.JSON, nullable=False),  # {"country": "US", "occupation": "SOC:15-1252", ...}
    sa.Column("publisher", sa.Text, nullable=False),
    sa.Column("licence", sa.Text, nullable=False),
    sa.Column("attribution", sa.Text, nullable=False),
    sa.Column("location", sa.Text, nullable=False),  # the file it was read from
    sa.Column("notes", sa.Text, nullable=False),  # caveats a reader must know (method changes, code versions)
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source", "code"),
    sa.Index(None, "measure"),
)

external_observation = sa.Table(
    "external_observation",
    metadata,
    sa.Column("series_id", sa.String(16), sa.ForeignKey("external_series.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("period", sa.Date, primary_key=True),  # the first day of the period
    sa.Column("value", sa.Float, nullable=True),  # None with a flag: published as not available
    sa.Column("flag", sa.String(16), nullable=False),  # "" | not_available | top_coded | estimate
    # SQLite: the rows live in the primary key's B-tree (a million observations: a quarter less
    # CPU to insert, 45% less disk than a rowid table with a separate key index; docs/official-series.md)
    sqlite_with_rowid=False,
)

programme = sa.Table(
    "programme",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # the programme's own code
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),  # training | wage_subsidy | job_search | public_works | other
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

programme_episode = sa.Table(
    "programme_episode",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=False),
    sa.Column("person_key", sa.String(64), nullable=False),  # pseudonymous: never a name or a national id
    # None: a registered jobseeker who took part in no programme (the comparison pool)
    sa.Column("programme_id", sa.String(64), sa.ForeignKey("programme.id", ondelete="CASCADE"), nullable=True),
    sa.Column("registered_on", sa.Date, nullable=False),
    sa.Column("started_on", sa.Date, nullable=True),
    sa.Column("ended_on", sa.Date, nullable=True),
    sa.Column("region", sa.Text, nullable=True),  # gazetteer place id
    sa.Column("age", sa.Integer, nullable=True),
    sa.Column("sex", sa.String(8), nullable=True),
    sa.Column("education_isced", sa.Integer, nullable=True),
    sa.Column("months_unemployed", sa.Integer, nullable=True),  # before registration
    sa.Column("earnings_before", sa.Float, nullable=True),  # in the 12 months before registration
    sa.Column("earnings_after", sa.Float, nullable=True),  # in the 12 months after the start (or registration)
    sa.Column("employed_3m", sa.Boolean, nullable=True),  # None: not observed (yet)
    sa.Column("employed_6m", sa.Boolean, nullable=True),
    sa.Column("employed_12m", sa.Boolean, nullable=True),
    sa.Column("days_to_job", sa.Integer, nullable=True),  # None: no job found while observed
    sa.Column("synthetic", sa.Boolean, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source", "external_id"),
    sa.Index(None, "programme_id"),
    sa.Index(None, "registered_on"),
)

analytics_quarantine = sa.Table(
    "analytics_quarantine",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("import_id", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # series | episode
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("position", sa.String(64), nullable=False),  # line or row number in the file
    sa.Column("payload", sa.Text, nullable=False),  # the record as it was read, to fix and import again
    sa.Column("problems", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(None, "kind", "source", "resolved_at"),
)
