"""Credentials that are only ever stored hashed: passwords (argon2id), TOTP, recovery codes, tokens and keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults are RFC 9106's second recommended option (argon2id, t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "LMIS"
RECOVERY_CODES = 10


def hash_password(password: str) -> str:
    """The argon2id hash of `password`, with its own salt and parameters."""
    return _HASHER.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when `password` is the one `password_hash` was made from (False for no hash)."""
    if not password_hash:
        _HASHER.hash(password)  # the same work either way, so timing does not tell whether an account exists
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at the next sign-in)."""
    return _HASHER.check_needs_rehash(password_hash)


def password_problem(password: str, email: str) -> str | None:
    """Why `password` is refused, or None; length over composition rules (NIST SP 800-63B §5.1.1.2)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 256:
        return "a password may have at most 256 characters"
    if password.casefold() in {email.casefold(), email.split("@")[0].casefold()}:
        return "a password may not be your e-mail address"
    if len(set(password)) < 4:
        return "a password needs more than three different characters"
    return None


def new_token() -> str:
    """A random URL-safe secret (256 bits) for cookies, e-mail links, keys and codes."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """SHA-256 (hex) of a high-entropy token: what is stored in place of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(left: str, right: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(left.encode(), right.encode())


def new_totp_secret() -> str:
    """A base32 TOTP secret (160 bits, RFC 4226 §4)."""
    return pyotp.random_base32(32)


def totp_context(account_id: str) -> str:
    """The associated data a TOTP secret is encrypted with: it decrypts for this account only."""
    return f"account:{account_id}:totp"


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code or a copied link."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str, at: float, *, after: int | None) -> int | None:
    """The time step `code` is valid for at `at` (±1 step of drift), or None.

    A step at or before `after` (the last one accepted) is refused, so a code cannot be replayed.
    """
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(at // totp.interval)
    for step in (current, current - 1, current + 1):
        if (after is None or step > after) and same(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten one-time recovery codes, each 10 characters in two groups ("abcde-fghij")."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/o/0/1 to misread; 50 bits a code
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_digest(code: str) -> str:
    """The stored form of a recovery code, whatever spacing or case it is typed in."""
    return digest(code.strip().lower().replace(" ", "").replace("-", ""))
