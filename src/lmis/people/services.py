"""Seeker use cases: the profile, who may read it (role, region, consent), export and erasure.

Reading someone else's personal data needs a purpose and is written to the audit log in the
same transaction; a caller who may not see a seeker gets `NotFound`, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from lmis.identity.audit import record
from lmis.identity.model import AccountStatus, Permission, Principal, PrincipalKind, Role, Scope
from lmis.people.model import Consent, DataCategory, Grantee, PersonalData, Seeker, grants
from lmis.people.ports import PeopleUnitOfWork, StoredSeeker
from lmis.people.profile import ProfileDetails, check_details
from lmis.people.protection import Protection
from lmis.shared.errors import Conflict, Forbidden, Invalid, NotFound
from lmis.shared.ids import stable_id
from lmis.taxonomy.model import ConceptKind

ALL_PERSONAL = frozenset({DataCategory.CONTACT, DataCategory.IDENTITY, DataCategory.TARGET_GROUPS})


@dataclass(frozen=True, slots=True)
class ProfileInput:
    """What a person (or their counsellor) states; validated by `save_profile`."""

    headline: str
    region: str | None
    occupations: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    findable: bool = False
    personal: PersonalData = field(default_factory=PersonalData)
    details: ProfileDetails = field(default_factory=ProfileDetails)


def save_profile(
    *, uow: PeopleUnitOfWork, protection: Protection, actor: Principal, profile: ProfileInput, now: datetime
) -> Seeker:
    """Create or update the actor's own seeker record (jobseekers only)."""
    actor.require(Permission.MANAGE_OWN_PROFILE)
    _check(profile)
    check_details(profile.details)
    with uow:
        _check_concepts(uow, profile)
        stored = uow.people.seeker_of_account(actor.id or "")
        seeker = Seeker(
            id=stored.id if stored else stable_id("seeker", f"{actor.id}"),
            account_id=actor.id,
            region=profile.region,
            headline=profile.headline.strip(),
            occupations=profile.occupations,
            skills=tuple(dict.fromkeys((*profile.skills, *profile.details.skill_ids()))),
            findable=profile.findable,
            created_at=stored.created_at if stored else now,
            updated_at=now,
            personal=profile.personal,
            details=profile.details,
        )
        _save(uow, protection, seeker)
        _sync_findable(uow, seeker, now)
        uow.commit()
    return seeker


def _check(profile: ProfileInput) -> None:
    if len(profile.headline.strip()) > 200:
        raise Invalid("a headline has at most 200 characters", field="headline")
    for name, value in (("phone", profile.personal.phone), ("address", profile.personal.address)):
        if value is not None and len(value) > 300:
            raise Invalid(f"the {name} has at most 300 characters", field=name)
    national = profile.personal.national_id
    if national is not None and not (4 <= len(national.strip()) <= 32):
        raise Invalid("a national id number has 4 to 32 characters", field="national_id")
    if len(profile.occupations) > 20 or len(profile.skills) > 100:
        raise Invalid("at most 20 occupations and 100 skills", field="skills")


def _check_concepts(uow: PeopleUnitOfWork, profile: ProfileInput) -> None:
    """Occupations and skills must be taxonomy concept ids of that kind."""
    jobs = tuple(j.occupation_id for j in profile.details.work_history if j.occupation_id)
    wanted = {
        "occupations": (set(profile.occupations) | set(jobs), ConceptKind.OCCUPATION),
        "skills": (set(profile.skills) | set(profile.details.skill_ids()), ConceptKind.SKILL),
    }
    for name, (ids, kind) in wanted.items():
        if not ids:
            continue
        found = {r.concept.id for r in uow.taxonomy.records(ids) if r.concept.kind is kind}
        if unknown := sorted(ids - found):
            raise Invalid(
                f"{', '.join(map(repr, unknown[:5]))} {'is' if len(unknown) == 1 else 'are'} not {kind.value} ids;"
                f" find them with GET /api/v1/{name}?q=...",
                field=name,
            )


def _save(uow: PeopleUnitOfWork, protection: Protection, seeker: Seeker) -> None:
    sealed = protection.seal(seeker)
    if sealed.national_id_index is not None:
        holder = uow.people.seeker_by_national_id(sealed.national_id_index)
        if holder is not None and holder.id != seeker.id:
            raise Conflict("this national id number is registered to another person; ask a counsellor")
    uow.people.save_seeker(sealed)


def _sync_findable(uow: PeopleUnitOfWork, seeker: Seeker, now: datetime) -> None:
    """Being findable is a consent to employers (profile only); turning it off withdraws it."""
    current = [c for c in uow.people.consents(seeker.id) if c.active and c.grantee is Grantee.EMPLOYERS]
    if seeker.findable and not current:
        uow.people.add_consent(
            Consent(
                id=stable_id("consent", f"{seeker.id}\x1femployers\x1f{now.isoformat()}"),
                seeker_id=seeker.id,
                grantee=Grantee.EMPLOYERS,
                client_id=None,
                purpose="recruitment: employers may find my profile",
                data=frozenset({DataCategory.PROFILE}),
                granted_at=now,
            )
        )
    if not seeker.findable:
        for consent in current:
            uow.people.withdraw_consent(consent.id, now)


def my_profile(*, uow: PeopleUnitOfWork, protection: Protection, actor: Principal) -> Seeker | None:
    """The actor's own record with every field, or None before they made one."""
    with uow:
        stored = uow.people.seeker_of_account(actor.id or "") if actor.kind is PrincipalKind.ACCOUNT else None
    return protection.open(stored) if stored else None


def read_seeker(
    *,
    uow: PeopleUnitOfWork,
    protection: Protection,
    actor: Principal,
    seeker_id: str,
    purpose: str | None,
    now: datetime,
    ip: str | None = None,
) -> Seeker:
    """A seeker as the actor may see them, audited when it is someone else's personal data.

    * the person: everything;
    * a counsellor: people of their region, every field, with a stated purpose;
    * an employer: findable people's profile (contact details only with that consent);
    * an API client with `personal_data:read`: what the person consented to for that client;
    * anyone else: `NotFound`.
    """
    with uow:
        stored = uow.people.seeker(seeker_id)
        if stored is None:
            raise NotFound(f"no seeker {seeker_id!r}")
        if actor.kind is PrincipalKind.ACCOUNT and stored.account_id == actor.id:
            return protection.open(stored)
        categories = _visible(actor, stored, uow.people.consents(stored.id))
        if categories is None:
            raise NotFound(f"no seeker {seeker_id!r}")
        if categories:
            if not purpose or len(purpose.strip()) < 3:
                raise Invalid("reading someone's personal data needs a purpose", field="purpose")
            record(
                uow.identity,
                now,
                actor,
                "personal_data_read",
                target=f"account:{stored.account_id}" if stored.account_id else f"seeker:{stored.id}",
                purpose=purpose.strip(),
                ip=ip,
                seeker=stored.id,
                data=sorted(categories),
            )
            uow.commit()
    return protection.open(stored, frozenset(categories))


def _visible(actor: Principal, stored: StoredSeeker, consents: list[Consent]) -> set[DataCategory] | None:
    """The personal data categories the actor may read (empty: the profile only), or None: not at all."""
    if actor.kind is PrincipalKind.CLIENT:
        if Scope.PERSONAL_DATA not in actor.scopes:
            return None
        allowed = {cat for cat in DataCategory if grants(consents, Grantee.CLIENT, cat, actor.id)}
        return allowed - {DataCategory.PROFILE} if allowed else None
    if actor.can(Permission.READ_CASELOAD):
        return set(ALL_PERSONAL) if actor.sees_region(stored.region) else None
    if actor.can(Permission.POST_VACANCIES) and grants(consents, Grantee.EMPLOYERS, DataCategory.PROFILE):
        return {cat for cat in ALL_PERSONAL if grants(consents, Grantee.EMPLOYERS, cat)}
    return None


def caseload(
    *, uow: PeopleUnitOfWork, protection: Protection, actor: Principal, limit: int = 50, offset: int = 0
) -> tuple[list[Seeker], int]:
    """The seekers of a counsellor's region (profiles only; opening one is a separate, audited read)."""
    actor.require(Permission.READ_CASELOAD)
    with uow:
        rows, total = uow.people.seekers(region=actor.region, findable_only=False, limit=limit, offset=offset)
    return [protection.open(row, frozenset()) for row in rows], total


def findable_seekers(
    *, uow: PeopleUnitOfWork, protection: Protection, actor: Principal, limit: int = 50, offset: int = 0
) -> tuple[list[Seeker], int]:
    """Profiles of people who consented to be found by employers (employers and staff)."""
    if not (actor.can(Permission.POST_VACANCIES) or actor.can(Permission.READ_CASELOAD)):
        raise Forbidden("only employers and counsellors search candidates")
    with uow:
        rows, total = uow.people.seekers(region=None, findable_only=True, limit=limit, offset=offset)
    return [protection.open(row, frozenset()) for row in rows], total


def grant_consent(
    *,
    uow: PeopleUnitOfWork,
    actor: Principal,
    grantee: Grantee,
    purpose: str,
    data: frozenset[DataCategory],
    now: datetime,
    client_id: str | None = None,
) -> Consent:
    """Record the actor's consent; a client grant names a live client with `personal_data:read`."""
    actor.require(Permission.MANAGE_OWN_PROFILE)
    if not data:
        raise Invalid("choose what the consent covers", field="data", suggestions=sorted(DataCategory))
    if len(purpose.strip()) < 3:
        raise Invalid("say what the data may be used for", field="purpose")
    with uow:
        seeker = _own(uow, actor)
        if grantee is Grantee.CLIENT:
            client = uow.identity.client(client_id or "")
            if client is None or client.revoked_at is not None or Scope.PERSONAL_DATA not in client.scopes:
                raise Invalid(f"no API client {client_id!r} asks for personal data", field="client_id")
        consent = Consent(
            id=stable_id("consent", f"{seeker.id}\x1f{grantee}\x1f{client_id}\x1f{now.isoformat()}"),
            seeker_id=seeker.id,
            grantee=grantee,
            client_id=client_id if grantee is Grantee.CLIENT else None,
            purpose=purpose.strip(),
            data=data | {DataCategory.PROFILE},
            granted_at=now,
        )
        uow.people.add_consent(consent)
        record(uow.identity, now, actor, "consent_granted", target=f"account:{actor.id}", grantee=consent.grantee_key)
        uow.commit()
    return consent


def withdraw_consent(*, uow: PeopleUnitOfWork, actor: Principal, consent_id: str, now: datetime) -> None:
    with uow:
        seeker = _own(uow, actor)
        consent = next((c for c in uow.people.consents(seeker.id) if c.id == consent_id), None)
        if consent is None:
            raise NotFound(f"no consent {consent_id!r} of yours")
        if consent.active:
            uow.people.withdraw_consent(consent.id, now)
            if consent.grantee is Grantee.EMPLOYERS:
                uow.people.save_seeker(replace(seeker, findable=False, updated_at=now))
            record(uow.identity, now, actor, "consent_withdrawn", target=f"account:{actor.id}", consent=consent.id)
            uow.commit()


def my_consents(*, uow: PeopleUnitOfWork, actor: Principal) -> list[Consent]:
    with uow:
        stored = uow.people.seeker_of_account(actor.id or "")
        return uow.people.consents(stored.id) if stored else []


def _own(uow: PeopleUnitOfWork, actor: Principal) -> StoredSeeker:
    stored = uow.people.seeker_of_account(actor.id or "")
    if stored is None:
        raise NotFound("you have no jobseeker profile yet; make one first")
    return stored


def export(*, uow: PeopleUnitOfWork, protection: Protection, actor: Principal, now: datetime) -> dict[str, Any]:
    """Everything LMIS holds about the actor, as JSON-ready data (GDPR art. 20 portability)."""
    if actor.id is None or actor.kind is not PrincipalKind.ACCOUNT:
        raise Forbidden("sign in to export your data")
    with uow:
        account = uow.identity.account(actor.id)
        stored = uow.people.seeker_of_account(actor.id)
        consents = uow.people.consents(stored.id) if stored else []
        activity = uow.identity.audit(target=f"account:{actor.id}", limit=10_000)
        clients = uow.identity.clients(owner_id=actor.id)
        behaviour = uow.people.behaviour_records(stored.id) if stored else []
        record(uow.identity, now, actor, "data_exported", target=f"account:{actor.id}")
        uow.commit()
    seeker = protection.open(stored) if stored else None
    exported: dict[str, Any] = _jsonable(
        {
            "exported_at": now,
            "account": asdict(account) if account else None,
            "seeker": asdict(seeker) if seeker else None,
            "consents": [asdict(c) for c in consents],
            "api_clients": [asdict(c) for c in clients],
            "activity": [asdict(e) for e in activity],
            "behaviour": behaviour,
        }
    )
    return exported


def erase(*, uow: PeopleUnitOfWork, actor: Principal, now: datetime) -> None:
    """Erase the actor's account and record (GDPR art. 17); analytics keep only an anonymous tally.

    The seeker row, its consents, sessions, tokens and sign-in attempts go; audit entries about
    the person lose the address; the account keeps only its id and status `erased`.
    """
    if actor.id is None or actor.kind is not PrincipalKind.ACCOUNT:
        raise Forbidden("sign in to erase your data")
    with uow:
        account = uow.identity.account(actor.id)
        if account is None or account.status is AccountStatus.ERASED:
            raise NotFound("this account is already erased")
        if account.role not in {Role.JOBSEEKER, Role.EMPLOYER}:
            raise Forbidden("staff accounts are closed by an administrator, not erased")
        stored = uow.people.seeker_of_account(account.id)
        region = stored.region if stored else account.region
        uow.people.tally_erasure(account.created_at.strftime("%Y-%m"), region, account.role.value)
        if stored is not None:
            uow.people.delete_seeker(stored.id)
        uow.identity.erase_account(account.id, now)
        record(uow.identity, now, actor, "erased", target=f"account:{account.id}")
        uow.commit()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
