"""Field-level encryption of personal data (AES-256-GCM with rotating keys) and blind indexes for exact lookups."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lmis.shared.errors import Invalid

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM nonce size NIST SP 800-38D recommends; random per encryption
TAG_BYTES = 16
FORMAT_VERSION = "v1"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # no "." so a key id never splits a token
_URLSAFE_BASE64 = re.compile(r"(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?")


def new_key() -> bytes:
    """Return a fresh random 32-byte AES-256 key."""
    return secrets.token_bytes(KEY_BYTES)


def new_key_id() -> str:
    """Return a short opaque key id such as "k3f9a0c12"; it says nothing about the key."""
    return "k" + secrets.token_hex(4)


@dataclass(frozen=True)
class Keyring:
    """Every encryption key by id: `active` encrypts new values, the others are kept to decrypt old ones."""

    active: str
    keys: Mapping[str, bytes] = field(repr=False)  # never print key material

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise Invalid(f"key id {key_id!r} must be 1-64 letters, digits, '_' or '-'", field="keys")
            if len(key) != KEY_BYTES:
                raise Invalid(f"key {key_id!r} has {len(key)} bytes; AES-256 needs {KEY_BYTES}", field="keys")
        if self.active not in self.keys:
            raise Invalid(
                f"active key {self.active!r} is not in the keyring", field="active", suggestions=sorted(self.keys)
            )
        # A read-only copy, so a caller's dict changing later cannot change the keyring.
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def with_new_active_key(self) -> Keyring:
        """Return this keyring plus a fresh key that becomes the active one (old keys stay for decryption)."""
        key_id = new_key_id()
        while key_id in self.keys:
            key_id = new_key_id()
        return Keyring(active=key_id, keys={**self.keys, key_id: new_key()})

    def to_json(self) -> str:
        """Serialise as {"active": id, "keys": {id: standard base64 of the key}}."""
        keys = {key_id: base64.b64encode(key).decode("ascii") for key_id, key in self.keys.items()}
        return json.dumps({"active": self.active, "keys": keys}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        """Read what `to_json` wrote; anything else raises `Invalid` saying what is wrong (never the key bytes)."""
        try:
            document: Any = json.loads(text)
        except json.JSONDecodeError as error:
            raise Invalid(f"keyring is not valid JSON: {error.msg} at line {error.lineno}", field="keyring") from None
        if not isinstance(document, dict) or not isinstance(document.get("active"), str):
            raise Invalid('keyring must be an object with a string "active" key id', field="active")
        encoded = document.get("keys")
        if not isinstance(encoded, dict) or not encoded:
            raise Invalid('keyring must have a non-empty "keys" object of key id -> base64 key', field="keys")
        return cls(
            active=document["active"],
            keys={key_id: _key_from_base64(key_id, value) for key_id, value in encoded.items()},
        )


def _key_from_base64(key_id: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise Invalid(f"key {key_id!r} must be a base64 string", field="keys")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise Invalid(f"key {key_id!r} is not valid base64", field="keys") from None


class FieldCipher:
    """Encrypts and decrypts single field values as ASCII tokens `v1.<key id>.<urlsafe base64 of nonce + ciphertext>`.

    `context` names where the value lives (e.g. "seeker:<id>:phone") and is bound to the
    ciphertext as AES-GCM associated data, so a token copied to another record or field fails
    to decrypt. Errors name the key id and the reason, never the plaintext.
    """

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """Encrypt `plaintext` under the active key with a fresh random nonce."""
        key_id = self.keyring.active
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{FORMAT_VERSION}.{key_id}.{body}"

    def decrypt(self, token: str, *, context: str) -> str:
        """Return the plaintext of `token`; raise `Invalid` if the key is unknown, or it was altered or moved."""
        key_id, payload = _parse(token)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise Invalid(f"token was encrypted under key {key_id!r}, which is not in the keyring", field="token")
        nonce, sealed = payload[:NONCE_BYTES], payload[NONCE_BYTES:]
        try:
            plaintext = cipher.decrypt(nonce, sealed, context.encode("utf-8"))
        except InvalidTag:
            raise Invalid(
                f"token under key {key_id!r} failed authentication for context {context!r}: "
                "it was altered, or it belongs to another record or field",
                field="token",
            ) from None
        try:
            return plaintext.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(f"value under key {key_id!r} decrypted to bytes that are not UTF-8", field="token") from None

    def key_id_of(self, token: str) -> str:
        """Return the id of the key `token` was encrypted under (the token's format is checked, not its tag)."""
        return _parse(token)[0]

    def needs_rotation(self, token: str) -> bool:
        """Say whether `token` was encrypted under a key other than the active one."""
        return self.key_id_of(token) != self.keyring.active

    def reencrypt(self, token: str, *, context: str) -> str:
        """Decrypt `token` and encrypt its value again under the active key (for key rotation)."""
        return self.encrypt(self.decrypt(token, context=context), context=context)


def _parse(token: str) -> tuple[str, bytes]:
    """Split a token into its key id and nonce + ciphertext + tag, or raise `Invalid` saying why."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != FORMAT_VERSION:
        raise Invalid(
            f"not a {FORMAT_VERSION} encrypted value (expected '{FORMAT_VERSION}.<key id>.<data>')", field="token"
        )
    key_id, body = parts[1], parts[2]
    if not _KEY_ID.fullmatch(key_id):
        raise Invalid("encrypted value has a malformed key id", field="token")
    # The standard decoder skips characters outside the alphabet; an exact pattern rejects them.
    if not _URLSAFE_BASE64.fullmatch(body):
        raise Invalid(f"encrypted value under key {key_id!r} is not valid urlsafe base64", field="token")
    payload = base64.urlsafe_b64decode(body)
    if len(payload) < NONCE_BYTES + TAG_BYTES:
        raise Invalid(f"encrypted value under key {key_id!r} is truncated", field="token")
    return key_id, payload


def blind_index(key: bytes, value: str) -> str:
    """Return a keyed hash (HMAC-SHA256, hex) of `value` stripped and case-folded, for exact-match lookups.

    Stored next to an encrypted column, it finds a person by e-mail or national id without
    decrypting every row. `key` must be a separate secret from every `Keyring` key: the index
    is deterministic (equal values give equal indexes), so anyone holding its key can test
    guesses of low-entropy values such as phone numbers. It does not rotate with the keyring;
    changing it means recomputing every stored index.
    """
    if len(key) < 16:
        raise Invalid(f"blind index key has {len(key)} bytes; use at least 16 (32 recommended)", field="key")
    normalised = value.strip().casefold().encode("utf-8")
    return hmac.new(key, normalised, hashlib.sha256).hexdigest()
