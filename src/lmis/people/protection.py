"""Sealing a seeker's personal data into encrypted fields and opening it again (pure, given a cipher)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from lmis.identity.crypto import FieldCipher, blind_index
from lmis.people.model import DataCategory, PersonalData, Seeker, TargetGroup
from lmis.people.ports import StoredSeeker
from lmis.people.profile import ProfileDetails

CATEGORY_FIELDS: dict[DataCategory, tuple[str, ...]] = {
    DataCategory.CONTACT: ("phone", "address"),
    DataCategory.IDENTITY: ("birth_date", "national_id"),
    DataCategory.TARGET_GROUPS: ("target_groups",),
}


@dataclass(frozen=True, slots=True)
class Protection:
    """The cipher for personal fields and the separate key of the national-id blind index."""

    cipher: FieldCipher
    index_key: bytes

    def seal(self, seeker: Seeker) -> StoredSeeker:
        """The stored form: each personal field encrypted with the seeker id and field name as its context."""
        plain = _plain(seeker.personal)
        encrypted = {
            name: self.cipher.encrypt(value, context=_context(seeker.id, name)) if value is not None else None
            for name, value in plain.items()
        }
        national = seeker.personal.national_id
        return StoredSeeker(
            id=seeker.id,
            account_id=seeker.account_id,
            region=seeker.region,
            headline=seeker.headline,
            occupations=list(seeker.occupations),
            skills=list(seeker.skills),
            findable=seeker.findable,
            created_at=seeker.created_at,
            updated_at=seeker.updated_at,
            encrypted=encrypted,
            national_id_index=self.national_id_index(national) if national else None,
            details=seeker.details.as_json(),
        )

    def national_id_index(self, national_id: str) -> str:
        return blind_index(self.index_key, national_id.replace("-", "").replace(" ", ""))

    def open(self, stored: StoredSeeker, categories: frozenset[DataCategory] | None = None) -> Seeker:
        """The seeker with the personal fields of `categories` decrypted (all when None, none when empty)."""
        wanted = {
            name
            for category, names in CATEGORY_FIELDS.items()
            if categories is None or category in categories
            for name in names
        }
        plain = {
            name: self.cipher.decrypt(token, context=_context(stored.id, name))
            for name, token in stored.encrypted.items()
            if token is not None and name in wanted
        }
        return Seeker(
            id=stored.id,
            account_id=stored.account_id,
            region=stored.region,
            headline=stored.headline,
            occupations=tuple(stored.occupations),
            skills=tuple(stored.skills),
            findable=stored.findable,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
            personal=_personal(plain),
            details=ProfileDetails.from_json(stored.details),
        )

    def rotated(self, stored: StoredSeeker) -> StoredSeeker | None:
        """The row re-encrypted under the active key, or None when it already is."""
        tokens = {name: token for name, token in stored.encrypted.items() if token is not None}
        if not any(self.cipher.needs_rotation(token) for token in tokens.values()):
            return None
        fresh = {
            name: self.cipher.reencrypt(token, context=_context(stored.id, name)) if token is not None else None
            for name, token in stored.encrypted.items()
        }
        return replace(stored, encrypted=fresh)


def _context(seeker_id: str, name: str) -> str:
    return f"seeker:{seeker_id}:{name}"


def _plain(personal: PersonalData) -> dict[str, str | None]:
    """The personal fields as text, by the names of their stored columns (`people.ports.ENCRYPTED_FIELDS`)."""
    return {
        "phone": personal.phone,
        "address": personal.address,
        "birth_date": personal.birth_date.isoformat() if personal.birth_date else None,
        "national_id": personal.national_id,
        "target_groups": json.dumps(sorted(personal.target_groups)) if personal.target_groups else None,
    }


def _personal(plain: dict[str, str]) -> PersonalData:
    birth = plain.get("birth_date")
    groups = plain.get("target_groups")
    return PersonalData(
        phone=plain.get("phone"),
        address=plain.get("address"),
        birth_date=date.fromisoformat(birth) if birth else None,
        national_id=plain.get("national_id"),
        target_groups=frozenset(TargetGroup(g) for g in json.loads(groups)) if groups else frozenset(),
    )
