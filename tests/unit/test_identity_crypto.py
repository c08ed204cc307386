"""Field-level encryption of personal data: tokens, contexts, tampering, key rotation and blind indexes."""

from __future__ import annotations

import base64
import json

import pytest

from lmis.identity.crypto import FieldCipher, Keyring, blind_index, new_key, new_key_id
from lmis.shared.errors import Invalid

PHONE = "seeker:42:phone"


def keyring() -> Keyring:
    return Keyring(active="k1", keys={"k1": bytes(range(32))})


def flip_byte(token: str, position: int) -> str:
    """Flip one bit of the nonce + ciphertext + tag a token carries, keeping its format valid."""
    version, key_id, body = token.split(".")
    payload = bytearray(base64.urlsafe_b64decode(body))
    payload[position] ^= 0x01
    return f"{version}.{key_id}.{base64.urlsafe_b64encode(bytes(payload)).decode()}"


def test_a_new_key_is_32_random_bytes_and_a_key_id_is_short_and_opaque() -> None:
    assert len(new_key()) == 32
    assert new_key() != new_key()
    key_id = new_key_id()
    assert key_id.startswith("k")
    assert len(key_id) == 9
    assert new_key_id() != key_id


def test_a_value_round_trips_through_an_ascii_token() -> None:
    cipher = FieldCipher(keyring())
    token = cipher.encrypt("+254 712 345 678", context=PHONE)
    assert token.isascii()
    assert token.startswith("v1.k1.")
    assert "712" not in token
    assert cipher.decrypt(token, context=PHONE) == "+254 712 345 678"


def test_non_ascii_and_empty_values_round_trip() -> None:
    cipher = FieldCipher(keyring())
    for value in ["", "Zoë Ødegård", "김민준", "नर्स"]:
        assert cipher.decrypt(cipher.encrypt(value, context=PHONE), context=PHONE) == value


def test_the_same_value_encrypts_differently_each_time() -> None:
    cipher = FieldCipher(keyring())
    assert cipher.encrypt("same", context=PHONE) != cipher.encrypt("same", context=PHONE)


def test_a_token_copied_to_another_record_or_field_does_not_decrypt() -> None:
    cipher = FieldCipher(keyring())
    token = cipher.encrypt("secret@example.org", context="seeker:42:email")
    for elsewhere in ["seeker:43:email", "seeker:42:phone"]:
        with pytest.raises(Invalid, match="failed authentication") as caught:
            cipher.decrypt(token, context=elsewhere)
        assert "secret" not in caught.value.detail


@pytest.mark.parametrize("position", [0, 12, -1], ids=["nonce", "ciphertext", "tag"])
def test_a_tampered_token_does_not_decrypt(position: int) -> None:
    cipher = FieldCipher(keyring())
    token = cipher.encrypt("1985-03-14", context=PHONE)
    with pytest.raises(Invalid, match="altered") as caught:
        cipher.decrypt(flip_byte(token, position), context=PHONE)
    assert "1985" not in str(caught.value)


def test_a_token_relabelled_with_another_key_id_does_not_decrypt() -> None:
    ring = keyring().with_new_active_key()
    token = FieldCipher(ring).encrypt("x", context=PHONE)
    relabelled = token.replace(f".{ring.active}.", ".k1.")
    with pytest.raises(Invalid, match="under key 'k1' failed authentication"):
        FieldCipher(ring).decrypt(relabelled, context=PHONE)


def test_a_token_under_an_unknown_key_fails_naming_the_key() -> None:
    other = FieldCipher(Keyring(active="kgone", keys={"kgone": new_key()}))
    token = other.encrypt("x", context=PHONE)
    with pytest.raises(Invalid, match="'kgone', which is not in the keyring"):
        FieldCipher(keyring()).decrypt(token, context=PHONE)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("plain text", "not a v1 encrypted value"),
        ("v2.k1.AAAA", "not a v1 encrypted value"),
        ("v1.k1.AAAA.AAAA", "not a v1 encrypted value"),
        ("v1.k 1.AAAA", "malformed key id"),
        ("v1.k1.not*base64", "not valid urlsafe base64"),
        ("v1.k1.AAAA", "truncated"),
    ],
)
def test_a_malformed_token_fails_saying_why(token: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        FieldCipher(keyring()).decrypt(token, context=PHONE)


def test_rotation_keeps_old_values_readable_and_reencrypt_moves_them_to_the_active_key() -> None:
    old = keyring()
    old_token = FieldCipher(old).encrypt("A1234567", context="seeker:7:national_id")
    rotated = old.with_new_active_key()
    assert rotated.active != "k1"
    assert set(rotated.keys) == {"k1", rotated.active}
    cipher = FieldCipher(rotated)
    assert cipher.key_id_of(old_token) == "k1"
    assert cipher.needs_rotation(old_token)
    assert cipher.decrypt(old_token, context="seeker:7:national_id") == "A1234567"
    new_token = cipher.reencrypt(old_token, context="seeker:7:national_id")
    assert cipher.key_id_of(new_token) == rotated.active
    assert not cipher.needs_rotation(new_token)
    assert cipher.decrypt(new_token, context="seeker:7:national_id") == "A1234567"


def test_reencrypt_refuses_a_token_from_another_context() -> None:
    cipher = FieldCipher(keyring().with_new_active_key())
    token = FieldCipher(keyring()).encrypt("x", context=PHONE)
    with pytest.raises(Invalid, match="failed authentication"):
        cipher.reencrypt(token, context="seeker:43:phone")


def test_a_keyring_round_trips_through_json_with_base64_keys() -> None:
    ring = keyring().with_new_active_key()
    document = json.loads(ring.to_json())
    assert document["active"] == ring.active
    assert base64.b64decode(document["keys"]["k1"]) == bytes(range(32))
    assert Keyring.from_json(ring.to_json()) == ring


def test_a_keyring_never_shows_its_keys_in_its_repr() -> None:
    assert "keys" not in repr(keyring())


def test_a_keyring_is_not_changed_by_changing_the_dict_it_was_built_from() -> None:
    keys = {"k1": bytes(32)}
    ring = Keyring(active="k1", keys=keys)
    keys["k2"] = bytes(32)
    assert set(ring.keys) == {"k1"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[]", 'string "active"'),
        ('{"active": "k1"}', 'non-empty "keys"'),
        ('{"active": "k1", "keys": {}}', 'non-empty "keys"'),
        ('{"active": "k1", "keys": {"k1": 5}}', "'k1' must be a base64 string"),
        ('{"active": "k1", "keys": {"k1": "***"}}', "'k1' is not valid base64"),
        ('{"active": "k1", "keys": {"k1": "AAAA"}}', "'k1' has 3 bytes; AES-256 needs 32"),
        ('{"active": "k2", "keys": {"k1": "' + base64.b64encode(bytes(32)).decode() + '"}}', "'k2' is not in"),
        ('{"active": "k.1", "keys": {"k.1": "' + base64.b64encode(bytes(32)).decode() + '"}}', "key id 'k.1'"),
    ],
)
def test_an_invalid_keyring_fails_with_a_clear_message(text: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        Keyring.from_json(text)


def test_a_blind_index_is_stable_and_ignores_case_and_surrounding_space() -> None:
    key = bytes(range(32, 64))
    index = blind_index(key, "Amina.Otieno@Example.org")
    assert index == blind_index(key, "  amina.otieno@example.ORG\n")
    assert len(index) == 64
    assert int(index, 16) >= 0
    assert index != blind_index(key, "amina.otieno@example.com")


def test_a_blind_index_depends_on_its_key() -> None:
    assert blind_index(bytes(32), "A1234567") != blind_index(bytes(range(32)), "A1234567")


def test_a_blind_index_refuses_a_short_key() -> None:
    with pytest.raises(Invalid, match="at least 16"):
        blind_index(b"short", "x")
