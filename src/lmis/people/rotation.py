"""Key rotation: re-encrypt every personal field and second-factor secret under the keyring's active key."""

from __future__ import annotations

from dataclasses import dataclass

from lmis.identity.credentials import totp_context
from lmis.people.ports import PeopleUnitOfWork
from lmis.people.protection import Protection
from lmis.shared.progress import Progress

BATCH = 500  # rows re-encrypted a transaction


@dataclass(frozen=True, slots=True)
class RotationReport:
    seekers: int
    totp_secrets: int
    unchanged: int


def reencrypt_all(*, uow: PeopleUnitOfWork, protection: Protection, progress: Progress) -> RotationReport:
    """Move every encrypted value to the active key; values already under it are left alone.

    Run after a new key became active (`lmis identity rotate-keys`); old keys stay in the keyring
    until this has finished, and may be removed after.
    """
    with uow:
        stored = list(uow.people.every_seeker())
        secrets = uow.identity.encrypted_totp_secrets()
    progress.begin("re-encrypting", len(stored) + len(secrets))
    seekers = totp = unchanged = 0
    for start in range(0, len(stored), BATCH):
        with uow:
            for row in stored[start : start + BATCH]:
                fresh = protection.rotated(row)
                if fresh is None:
                    unchanged += 1
                else:
                    uow.people.save_seeker(fresh)
                    seekers += 1
            uow.commit()
        progress.advance(len(stored[start : start + BATCH]))
    with uow:
        for account_id, token in secrets:
            if protection.cipher.needs_rotation(token):
                fresh_token = protection.cipher.reencrypt(token, context=totp_context(account_id))
                uow.identity.set_totp_secret(account_id, fresh_token)
                totp += 1
            else:
                unchanged += 1
        uow.commit()
    progress.advance(len(secrets))
    return RotationReport(seekers, totp, unchanged)
