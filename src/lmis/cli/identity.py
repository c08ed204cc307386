"""`lmis identity`: the first administrator, API clients from the shell, key rotation, retention and mail."""

from __future__ import annotations

import getpass
from datetime import timedelta
from typing import TYPE_CHECKING

import click

from lmis.cli.context import RichProgress, services

if TYPE_CHECKING:
    from lmis.identity.model import Principal


@click.group()
def identity() -> None:
    """Accounts, API clients, encryption keys and retention (run on the server, as its operator)."""


def _operator() -> Principal:
    from lmis.identity.model import operator

    return operator(f"cli:{getpass.getuser()}")


@identity.command("create-account")
@click.option("--email", required=True, help="The person's e-mail address.")
@click.option("--name", required=True, help="The person's name.")
@click.option(
    "--role",
    type=click.Choice(["jobseeker", "employer", "counsellor", "analyst", "partner_admin", "admin"]),
    default="admin",
    show_default=True,
)
@click.option("--region", default=None, help="Regional scope as a gazetteer id (KR-11); none means national.")
@click.option("--partner", default=None, help="The partner institution a partner_admin administers.")
@click.option("--employer-id", default=None, help="The employer an employer account acts for.")
def create_account(
    email: str, name: str, role: str, region: str | None, partner: str | None, employer_id: str | None
) -> None:
    """Create an account (the first administrator, say); the set-password link is mailed and printed."""
    from lmis.identity import services as accounts
    from lmis.identity.model import Role

    built = services()
    account = accounts.create_account(
        uow=built.uow(),
        actor=_operator(),
        email=email,
        name=name,
        role=Role(role),
        now=built.now(),
        base_url=built.settings.public_url,
        region=region,
        employer_id=employer_id,
        partner=partner,
    )
    with built.uow() as uow:
        link = next((m.body for m in uow.identity.unsent_mail() if m.recipient == account.email), "")
    built.deliver_mail()
    click.echo(f"account {account.id} ({account.role.value}) created for {account.email}")
    for line in link.splitlines():
        if "/account/reset?token=" in line:
            click.echo(f"set-password link (valid 48 hours, once): {line.strip()}")


@identity.command("register-client")
@click.option("--owner", required=True, help="E-mail of the partner administrator (or administrator) who owns it.")
@click.option("--name", required=True)
@click.option(
    "--scope", "scopes", multiple=True, required=True, help="open_data:read, postings:push, personal_data:read"
)
@click.option("--source", "sources", multiple=True, help="A source the client pushes to (repeat for more).")
@click.option("--purpose", default="", help="Why the client reads personal data (required for that scope).")
@click.option("--quota", "quota_per_day", type=int, default=10_000, show_default=True, help="Requests a day.")
@click.option("--rate", "rate_per_minute", type=int, default=120, show_default=True, help="Requests a minute.")
def register_client(
    owner: str,
    name: str,
    scopes: tuple[str, ...],
    sources: tuple[str, ...],
    purpose: str,
    quota_per_day: int,
    rate_per_minute: int,
) -> None:
    """Register an API client for an institution and print its key and secret (shown only now)."""
    from lmis.identity import clients
    from lmis.identity.model import principal_of
    from lmis.shared.errors import NotFound

    built = services()
    with built.uow() as uow:
        account = uow.identity.account_by_email(owner.strip().lower())
    if account is None:
        raise NotFound(f"no account {owner!r}; create it with `lmis identity create-account`")
    request = clients.ClientRequest(
        name=name,
        scopes=clients.parse_scopes(list(scopes)),
        purpose=purpose,
        sources=frozenset(sources),
        quota_per_day=quota_per_day,
        rate_per_minute=rate_per_minute,
    )
    registered = clients.register_client(uow=built.uow(), actor=principal_of(account), request=request, now=built.now())
    click.echo(f"client {registered.client.id} registered; store these now, they are not shown again:")
    click.echo(f"  API key:       {registered.api_key}")
    click.echo(f"  client secret: {registered.client_secret}")


@identity.command("rotate-keys")
@click.option("--reencrypt-only", is_flag=True, help="Do not add a key; move values still under old keys.")
def rotate_keys(reencrypt_only: bool) -> None:
    """Make a new encryption key active and re-encrypt every personal field under it.

    The keyring file in the secrets folder is updated (a keyring given in LMIS_ENCRYPTION_KEYRING
    must be rotated where it is kept; then run this with --reencrypt-only).
    """
    from dataclasses import replace

    from lmis.people.rotation import reencrypt_all
    from lmis.storage.secrets_file import save_keyring

    built = services()
    if not reencrypt_only:
        if built.settings.encryption_keyring:
            raise click.ClickException("the keyring comes from LMIS_ENCRYPTION_KEYRING; rotate it there")
        keyring = built.secrets.keyring.with_new_active_key()
        path = save_keyring(built.settings.resolved_secrets_dir(), keyring)
        built = replace(built, secrets=replace(built.secrets, keyring=keyring))
        click.echo(f"new active key {keyring.active} written to {path}")
    with RichProgress() as progress:
        report = reencrypt_all(uow=built.uow(), protection=built.protection, progress=progress)
    click.echo(
        f"re-encrypted {report.seekers} seekers and {report.totp_secrets} second-factor secrets; "
        f"{report.unchanged} already under key {built.secrets.keyring.active}"
    )


@identity.command()
def purge() -> None:
    """Apply the retention rules: old sign-in attempts, expired sessions and tokens, old audit entries."""
    built = services()
    now = built.now()
    settings = built.settings
    with built.uow() as uow:
        counts = uow.identity.purge(
            attempts_before=now - timedelta(days=settings.attempt_retention_days),
            audit_before=now - timedelta(days=settings.audit_retention_days),
            unverified_before=now - timedelta(days=30),
        )
        uow.commit()
    click.echo(", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items()) + " removed")


@identity.command("send-mail")
def send_mail() -> None:
    """Deliver what is waiting in the outbox (the server does this after each request that writes mail)."""
    click.echo(f"{services().deliver_mail()} messages sent")
