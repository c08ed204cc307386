"""The install's secrets on disk: the encryption keyring, the blind-index key, the signing secret and the ID token key.

Each is read from its setting when given (several servers must share them), else from a file in
the secrets folder, made on first use with owner-only permissions (0600).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from lmis.identity.crypto import Keyring, new_key, new_key_id

OIDC_KEY_FILE = "oidc-signing.pem"


@dataclass(frozen=True)
class InstallSecrets:
    keyring: Keyring
    index_key: bytes
    signing_key: bytes  # HMAC key of CSRF tokens and signed cookies


def load_secrets(folder: Path, *, keyring_json: str | None, secret_key: str | None) -> InstallSecrets:
    """Read (or create) the install's secrets; given settings win over the files."""
    keyring = Keyring.from_json(keyring_json) if keyring_json else _keyring_file(folder / "keyring.json")
    signing = secret_key.encode() if secret_key else _random_file(folder / "signing.key")
    return InstallSecrets(keyring, _random_file(folder / "index.key"), signing)


def _keyring_file(path: Path) -> Keyring:
    if not path.exists():  # made once: processes starting together all end up with the first one written
        key_id = new_key_id()
        _write_once(path, Keyring(key_id, {key_id: new_key()}).to_json())
    return Keyring.from_json(path.read_text(encoding="utf-8"))


def save_keyring(folder: Path, keyring: Keyring) -> Path:
    """Replace the keyring file (after a rotation); returns its path."""
    path = folder / "keyring.json"
    write_private(path, keyring.to_json())
    return path


def _random_file(path: Path) -> bytes:
    if not path.exists():
        _write_once(path, base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
    return base64.b64decode(path.read_text(encoding="ascii"))


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable by its owner only, atomically (a reader never sees half a key)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_suffix(path.suffix + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    partial.replace(path)


@dataclass(frozen=True)
class OidcSigningKey:
    """The RSA key that signs this install's ID tokens (RS256); `kid` is its RFC 7638 thumbprint."""

    key: RSAKey = field(repr=False)  # never print key material
    kid: str

    def sign(self, claims: Mapping[str, Any]) -> str:
        """`claims` as a compact JWT signed with RS256, the algorithm every OIDC client supports (OIDC §15.1)."""
        return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": self.kid}, dict(claims), self.key, algorithms=["RS256"])

    def jwks(self) -> dict[str, Any]:
        """The public half as a JWK Set (RFC 7517 §5), what relying parties verify ID tokens with."""
        public = {**self.key.as_dict(private=False), "kid": self.kid, "use": "sig", "alg": "RS256"}
        return {"keys": [public]}


def load_oidc_key(folder: Path) -> OidcSigningKey:
    """Read (or create) the ID token signing key, an RSA 2048 key in PEM in the secrets folder.

    Made once: when several processes start together, the first file written wins and the others
    read it, so every worker signs with the key the JWKS publishes.
    """
    path = folder / OIDC_KEY_FILE
    if not path.exists():
        candidate = RSAKey.generate_key(2048, private=True)
        _write_once(path, candidate.as_pem(private=True).decode("ascii"))
    key = RSAKey.import_key(path.read_bytes())
    return OidcSigningKey(key, key.thumbprint())


def _write_once(path: Path, text: str) -> None:
    """Create `path` with `text` (owner-only) unless it exists; a concurrent creator's file is kept."""
    partial = path.with_suffix(f"{path.suffix}.{secrets.token_hex(4)}.partial")
    write_private(partial, text)
    try:
        os.link(partial, path)  # atomic and refuses to replace an existing file (POSIX link(2))
    except FileExistsError:
        pass
    finally:
        partial.unlink()
