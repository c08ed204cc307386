"""The identity and people tables: accounts, sessions, one-time tokens, API clients, usage, audit, seekers, consent.

They share `tables.metadata` (one schema, one migration history); personal data columns hold
`FieldCipher` tokens (`*_enc`) and, where a value must be found again, a keyed blind index.
"""

from __future__ import annotations

import sqlalchemy as sa

from lmis.storage.tables import metadata

account = sa.Table(
    "account",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("email", sa.Text, nullable=False, unique=True),  # normalised (stripped, lower case)
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=True),  # argon2id; None for accounts made by an external sign-in
    sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("region", sa.Text, nullable=True),
    sa.Column("employer_id", sa.String(16), nullable=True),  # `jobs` employer id, which exists before its first posting
    sa.Column("partner", sa.Text, nullable=True),
    sa.Column("totp_secret_enc", sa.Text, nullable=True),
    sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("totp_last_step", sa.BigInteger, nullable=True),  # refuses a code used before (RFC 6238 §5.2)
    sa.Column("recovery_codes", sa.JSON, nullable=False, default=list),  # SHA-256 of unused codes
    sa.Column("external_subject", sa.Text, nullable=True, unique=True),  # "<issuer> <sub>" of an external e-ID
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

browser_session = sa.Table(
    "browser_session",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the cookie secret
    sa.Column("account_id", sa.String(16), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ip", sa.Text, nullable=True),
    sa.Column("user_agent", sa.Text, nullable=True),
    sa.Index(None, "account_id"),
)

sign_in_attempt = sa.Table(
    "sign_in_attempt",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("ip", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("succeeded", sa.Boolean, nullable=False),
    sa.Index(None, "email", "at"),
    sa.Index(None, "ip", "at"),
)

account_token = sa.Table(
    "account_token",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the token sent by e-mail
    sa.Column("account_id", sa.String(16), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(24), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(None, "account_id"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(None, "sent_at"),
)

api_client = sa.Table(
    "api_client",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("owner_id", sa.String(16), sa.ForeignKey("account.id"), nullable=False),
    sa.Column("partner", sa.Text, nullable=True),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("sources", sa.JSON, nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("quota_per_day", sa.Integer, nullable=False),
    sa.Column("rate_per_minute", sa.Integer, nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=True),  # OAuth2 client credentials (SHA-256)
    sa.Column("redirect_uris", sa.JSON, nullable=False, default=list),  # single sign-on relying parties
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(None, "owner_id"),
    sa.Index(None, "partner"),
)

api_key = sa.Table(
    "api_key",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),  # the public part of the key, shown in lists
    sa.Column("client_id", sa.String(16), sa.ForeignKey("api_client.id", ondelete="CASCADE"), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(None, "client_id"),
)

access_token = sa.Table(
    "access_token",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the bearer token
    sa.Column("client_id", sa.String(16), sa.ForeignKey("api_client.id", ondelete="CASCADE"), nullable=False),
    sa.Column("account_id", sa.String(16), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=True),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "expires_at"),
)

authorization_code = sa.Table(
    "authorization_code",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the code
    sa.Column("client_id", sa.String(16), sa.ForeignKey("api_client.id", ondelete="CASCADE"), nullable=False),
    sa.Column("account_id", sa.String(16), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
    sa.Column("redirect_uri", sa.Text, nullable=False),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("nonce", sa.Text, nullable=True),
    sa.Column("code_challenge", sa.Text, nullable=False),
    sa.Column("auth_time", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
)

api_usage = sa.Table(
    "api_usage",
    metadata,
    sa.Column("client_id", sa.String(16), sa.ForeignKey("api_client.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("requests", sa.Integer, nullable=False),
    sa.Column("refused", sa.Integer, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(48), nullable=False),
    sa.Column("target", sa.Text, nullable=True),
    sa.Column("purpose", sa.Text, nullable=True),
    sa.Column("ip", sa.Text, nullable=True),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Index(None, "at"),
    sa.Index(None, "actor"),
    sa.Index(None, "target"),
)

seeker = sa.Table(
    "seeker",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column(
        "account_id", sa.String(16), sa.ForeignKey("account.id", ondelete="SET NULL"), nullable=True, unique=True
    ),
    sa.Column("region", sa.Text, nullable=True),
    sa.Column("headline", sa.Text, nullable=False),
    sa.Column("occupations", sa.JSON, nullable=False),  # taxonomy concept ids the person is looking for
    sa.Column("skills", sa.JSON, nullable=False),
    sa.Column("findable", sa.Boolean, nullable=False),  # consents to be found by employers
    sa.Column("details", sa.JSON, nullable=True),  # people.profile.ProfileDetails.as_json()
    sa.Column("phone_enc", sa.Text, nullable=True),
    sa.Column("address_enc", sa.Text, nullable=True),
    sa.Column("birth_date_enc", sa.Text, nullable=True),
    sa.Column("national_id_enc", sa.Text, nullable=True),
    sa.Column("national_id_index", sa.String(64), nullable=True, unique=True),
    sa.Column("target_groups_enc", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "region"),
)

consent = sa.Table(
    "consent",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("seeker_id", sa.String(16), sa.ForeignKey("seeker.id", ondelete="CASCADE"), nullable=False),
    sa.Column("grantee", sa.Text, nullable=False),  # "employers", "counsellors" or "client:<id>"
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),  # categories of data the grantee may see
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(None, "seeker_id"),
    sa.Index(None, "grantee"),
)

erasure_tally = sa.Table(
    "erasure_tally",
    metadata,
    sa.Column("month", sa.String(7), primary_key=True),  # month of registration, YYYY-MM
    sa.Column("region", sa.Text, primary_key=True),  # "" when unknown
    sa.Column("role", sa.String(16), primary_key=True),
    sa.Column("erased", sa.Integer, nullable=False),
)
