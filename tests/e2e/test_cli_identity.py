"""`lmis identity` as an operator runs it: the first administrator, a partner's client, key rotation, retention."""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlalchemy as sa
from tests.e2e.test_cli_ingest import lmis
from tests.identities import make_account

from lmis.bootstrap import build
from lmis.config import Settings
from lmis.identity.model import Role
from lmis.people import services as people
from lmis.people.model import PersonalData


def test_the_operator_creates_the_first_administrator_and_gets_a_set_password_link(tmp_path: Path) -> None:
    assert lmis("db", "upgrade", data_dir=tmp_path).returncode == 0
    made = lmis("identity", "create-account", "--email", "Root@Example.org", "--name", "Root", data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "(admin) created for root@example.org" in made.stdout
    assert re.search(r"set-password link .*: http://127\.0\.0\.1:8000/account/reset\?token=\S+", made.stdout)
    twice = lmis("identity", "create-account", "--email", "root@example.org", "--name", "Root", data_dir=tmp_path)
    assert twice.returncode == 1
    assert "exists" in twice.stderr


def test_a_partner_client_is_registered_from_the_shell_and_its_key_is_printed_once(tmp_path: Path) -> None:
    assert lmis("db", "upgrade", data_dir=tmp_path).returncode == 0
    lmis(
        "identity",
        "create-account",
        "--email",
        "feeds@board.org",
        "--name",
        "Board",
        "--role",
        "partner_admin",
        "--partner",
        "board",
        data_dir=tmp_path,
    )
    made = lmis(
        "identity", "register-client", "--owner", "feeds@board.org", "--name", "board feed",
        "--scope", "postings:push", "--source", "board", "--quota", "500", data_dir=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert re.search(r"API key:\s+lmis_\w+_\S+", made.stdout)
    unknown = lmis(
        "identity", "register-client", "--owner", "feeds@board.org", "--name", "x", "--scope", "postings:pull",
        data_dir=tmp_path,
    )  # fmt: skip
    assert unknown.returncode == 1
    assert "postings:push" in unknown.stderr  # did you mean


def test_rotating_keys_re_encrypts_every_personal_field_and_the_data_still_reads(tmp_path: Path) -> None:
    assert lmis("db", "upgrade", data_dir=tmp_path).returncode == 0
    services = build(Settings(data_dir=tmp_path))
    seeker = make_account(services, Role.JOBSEEKER, "Ana")
    profile = people.ProfileInput("Nurse", "KR-11", personal=PersonalData(phone="010-2222", national_id="A1234567"))
    people.save_profile(
        uow=services.uow(), protection=services.protection, actor=seeker.principal, profile=profile, now=services.now()
    )
    old_key = services.secrets.keyring.active
    services.engine.dispose()

    rotated = lmis("identity", "rotate-keys", data_dir=tmp_path)
    assert rotated.returncode == 0, rotated.stderr
    assert "re-encrypted 1 seekers" in rotated.stdout
    keyring = json.loads((tmp_path / "secrets" / "keyring.json").read_text())
    assert keyring["active"] != old_key
    assert set(keyring["keys"]) == {old_key, keyring["active"]}
    after = build(Settings(data_dir=tmp_path))
    with after.engine.connect() as connection:
        phone = connection.execute(sa.text("SELECT phone_enc FROM seeker")).scalar_one()
    assert phone.startswith(f"v1.{keyring['active']}.")
    mine = people.my_profile(uow=after.uow(), protection=after.protection, actor=seeker.principal)
    assert mine is not None
    assert mine.personal.phone == "010-2222"
    after.engine.dispose()
    again = lmis("identity", "rotate-keys", "--reencrypt-only", data_dir=tmp_path)
    assert "re-encrypted 0 seekers" in again.stdout


def test_purge_applies_the_retention_rules_and_says_what_it_removed(tmp_path: Path) -> None:
    assert lmis("db", "upgrade", data_dir=tmp_path).returncode == 0
    purged = lmis("identity", "purge", data_dir=tmp_path)
    assert purged.returncode == 0, purged.stderr
    assert "0 sign in attempts" in purged.stdout
    assert "0 unverified accounts removed" in purged.stdout
