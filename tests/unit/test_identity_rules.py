"""The pure rules of identity: regional scopes, permissions, scopes, passwords, TOTP codes and recovery codes."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest

from lmis.identity import credentials as creds
from lmis.identity.model import ANONYMOUS, Permission, Principal, PrincipalKind, Role, Scope, region_covers
from lmis.people.model import Consent, DataCategory, Grantee, grants
from lmis.shared.errors import Forbidden


@pytest.mark.parametrize(
    ("scope", "region", "covered"),
    [
        (None, "KR-11", True),
        (None, None, True),
        ("KR", "KR-11-dobong-gu", True),
        ("KR-11", "KR-11", True),
        ("KR-11", "KR-11-dobong-gu", True),
        ("KR-11", "KR-1", False),
        ("KR-11", "KR-110", False),
        ("KR-11", "KR-26", False),
        ("KR-11", None, False),
    ],
)
def test_a_regional_scope_covers_its_region_and_the_places_below_it_only(
    scope: str | None, region: str | None, covered: bool
) -> None:
    assert region_covers(scope, region) is covered


def test_a_role_grants_its_permissions_and_nothing_else() -> None:
    counsellor = Principal(PrincipalKind.ACCOUNT, id="c", role=Role.COUNSELLOR, region="KR-11")
    counsellor.require(Permission.READ_CASELOAD)
    with pytest.raises(Forbidden, match="manage_accounts"):
        counsellor.require(Permission.MANAGE_ACCOUNTS)
    with pytest.raises(Forbidden, match="sign in"):
        ANONYMOUS.require(Permission.MANAGE_OWN_PROFILE)
    assert not Principal(PrincipalKind.ACCOUNT, id="a", role=Role.ADMIN).can(Permission.POST_VACANCIES)


def test_a_client_pushes_only_with_the_scope_and_only_to_its_own_sources() -> None:
    client = Principal(
        PrincipalKind.CLIENT, id="k", scopes=frozenset({Scope.POSTINGS_PUSH}), sources=frozenset({"board"})
    )
    client.require_push("board")
    with pytest.raises(Forbidden, match="board"):
        client.require_push("other")
    reader = Principal(PrincipalKind.CLIENT, id="r", scopes=frozenset({Scope.OPEN_DATA}), sources=frozenset({"board"}))
    with pytest.raises(Forbidden, match="postings:push"):
        reader.require_push("board")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 12"),
        ("ana@example.org", "e-mail"),
        ("aaaaaaaaaaaaaaaa", "different characters"),
        ("correct horse battery staple", None),
    ],
)
def test_passwords_are_judged_by_length_and_guessability_not_composition(password: str, problem: str | None) -> None:
    found = creds.password_problem(password, "ana@example.org")
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_a_password_hash_is_argon2id_and_checks_only_its_own_password() -> None:
    stored = creds.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert creds.password_matches(stored, "correct horse battery staple")
    assert not creds.password_matches(stored, "Correct horse battery staple")
    assert not creds.password_matches(None, "anything")


def test_a_totp_code_is_accepted_once_within_one_step_of_drift() -> None:
    secret = creds.new_totp_secret()
    now = 1_800_000_000.0
    code = pyotp.TOTP(secret).at(now)
    step = creds.totp_step(secret, code, now + 29, after=None)
    assert step is not None
    assert creds.totp_step(secret, code, now, after=step) is None  # replay refused
    assert creds.totp_step(secret, pyotp.TOTP(secret).at(now - 30), now, after=None) is not None
    assert creds.totp_step(secret, pyotp.TOTP(secret).at(now - 90), now, after=None) is None
    assert creds.totp_step(secret, "12345", now, after=None) is None


def test_recovery_codes_are_distinct_and_match_however_they_are_typed() -> None:
    codes = creds.new_recovery_codes()
    assert len(set(codes)) == 10
    first = codes[0]
    assert creds.recovery_digest(first.upper().replace("-", " ")) == creds.recovery_digest(first)


def test_only_an_active_consent_to_that_grantee_and_category_grants_access() -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    contact, profile = frozenset({DataCategory.CONTACT}), frozenset({DataCategory.PROFILE})
    consents = [
        Consent("1", "s", Grantee.CLIENT, "k1", "training offers", contact, since),
        Consent("2", "s", Grantee.EMPLOYERS, None, "recruitment", profile, since, withdrawn_at=since),
    ]
    assert grants(consents, Grantee.CLIENT, DataCategory.CONTACT, "k1")
    assert not grants(consents, Grantee.CLIENT, DataCategory.CONTACT, "k2")
    assert not grants(consents, Grantee.CLIENT, DataCategory.IDENTITY, "k1")
    assert not grants(consents, Grantee.EMPLOYERS, DataCategory.PROFILE)
