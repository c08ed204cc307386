"""Vacancies employers post and manage themselves through LMIS (the `employers` source).

An employer account acts for one employer: it posts under that employer's name only, and it
updates or withdraws only the vacancies it posted; ads that partners send stay the partners'.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from lmis.identity.model import Permission, Principal
from lmis.ingest.model import IngestRun, QuarantineEntry
from lmis.ingest.pipeline import Enrich
from lmis.ingest.ports import IngestUnitOfWork
from lmis.ingest.services import accept_push
from lmis.ingest.validation import posting_id
from lmis.jobs.employers import employer_id_of
from lmis.jobs.model import JobPosting
from lmis.shared.errors import Forbidden, Invalid, NotFound
from lmis.shared.progress import SilentProgress

EMPLOYER_SOURCE = "employers"


def post_vacancy(
    record: object,
    *,
    principal: Principal,
    uow: IngestUnitOfWork,
    now: Callable[[], datetime],
    enrich: Enrich | None = None,
    posting: str | None = None,
) -> tuple[str, IngestRun, list[QuarantineEntry]]:
    """Post (or, with `posting`, replace) a vacancy of the principal's employer; returns its id.

    The record is a canonical posting (docs/ingest.md); its employer must be the account's.
    """
    principal.require(Permission.POST_VACANCIES)
    if not isinstance(record, dict):
        raise Invalid("the body must be one posting as a JSON object", field="body")
    employer = record.get("employer")
    name = employer.get("name") if isinstance(employer, dict) else None
    registration = employer.get("registration_id") if isinstance(employer, dict) else None
    if not isinstance(name, str) or employer_id_of(name, registration if isinstance(registration, str) else None) != (
        principal.employer_id
    ):
        raise Forbidden("an employer account posts under its own employer's name (and registration number) only")
    if posting is not None:
        external_id = _own(posting, principal, uow).external_id
    else:
        external_id = str(record.get("external_id") or f"api-{secrets.token_hex(8)}")
    run, held = accept_push(
        EMPLOYER_SOURCE,
        [{**record, "external_id": external_id}],
        uow=uow,
        now=now,
        progress=SilentProgress(),
        enrich=enrich,
    )
    return posting_id(EMPLOYER_SOURCE, external_id), run, held


def withdraw_vacancy(posting: str, *, principal: Principal, uow: IngestUnitOfWork, now: datetime) -> None:
    """Withdraw one of the principal's vacancies (a tombstone in the change feed)."""
    principal.require(Permission.POST_VACANCIES)
    own = _own(posting, principal, uow)
    with uow:
        uow.jobs.remove(EMPLOYER_SOURCE, [own.external_id], now)
        uow.commit()


def _own(posting: str, principal: Principal, uow: IngestUnitOfWork) -> JobPosting:
    with uow:
        found = uow.jobs.get(posting)
    if found is None:
        raise NotFound(f"no posting with id {posting!r}")
    employer = found.employer
    owner = employer_id_of(employer.name, employer.registration_id) if employer else None
    if found.source != EMPLOYER_SOURCE or owner != principal.employer_id:
        raise Forbidden("this vacancy belongs to another employer (or came from a partner, who manages it)")
    return found
