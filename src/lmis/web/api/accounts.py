"""/api/v1 accounts and people: sign-up, the signed-in account, seeker profiles, consent, export and erasure.

Browsers act through the portal's session cookie (unsafe methods then need `X-CSRF-Token`);
institutions read people through an API client with `personal_data:read` and the person's consent.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from lmis.identity import services as accounts
from lmis.identity.audit import my_activity
from lmis.identity.model import Permission
from lmis.jobs.employers import employer_id_of
from lmis.people import services as people
from lmis.shared.errors import Forbidden, NotFound
from lmis.sources.documents import MAX_BYTES
from lmis.sources.resume_upload import draft_from_document
from lmis.web.api.identity_schemas import (
    AccountOut,
    AuditEntryOut,
    ConsentIn,
    ConsentOut,
    EmailIn,
    NewPasswordIn,
    ProfileIn,
    SeekerOut,
    SeekerPageOut,
    SignUpIn,
    TokenIn,
)
from lmis.web.api.profile_schemas import ProfileDraftOut
from lmis.web.auth import PrincipalDep, SignedInDep, client_ip
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["accounts and people"])
Offset = Annotated[int, Query(ge=0, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.post(
    "/accounts",
    response_model=AccountOut,
    status_code=status.HTTP_201_CREATED,
    summary="Sign up",
    responses=problem_responses(409, 422),
)
def sign_up(body: SignUpIn, services_: ServicesDep) -> AccountOut:
    """Create a jobseeker or employer account; a verification link goes to the address.

    Staff accounts are created by administrators (`POST /admin/accounts`).
    """
    employer = employer_id_of(body.employer, None) if body.employer and body.employer.strip() else None
    account = accounts.sign_up(
        uow=services_.uow(),
        email=body.email,
        password=body.password,
        name=body.name,
        role=body.role,
        now=services_.now(),
        base_url=services_.settings.public_url,
        employer_id=employer,
    )
    services_.deliver_mail()
    return AccountOut.of(account)


@router.post(
    "/accounts/verification",
    response_model=AccountOut,
    summary="Confirm an e-mail address",
    responses=problem_responses(422),
)
def verify(body: TokenIn, services_: ServicesDep) -> AccountOut:
    """Confirm the address with the token of the mailed link (single use, 48 hours)."""
    return AccountOut.of(accounts.verify_email(uow=services_.uow(), token=body.token, now=services_.now()))


@router.post(
    "/accounts/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask for a password reset link",
    responses=problem_responses(422),
)
def ask_reset(body: EmailIn, services_: ServicesDep) -> dict[str, str]:
    """Mail a reset link if the address has an account. The answer is the same either way."""
    accounts.request_password_reset(
        uow=services_.uow(), email=body.email, now=services_.now(), base_url=services_.settings.public_url
    )
    services_.deliver_mail()
    return {"detail": "if the address has an account, a reset link is on its way"}


@router.post(
    "/accounts/password", response_model=AccountOut, summary="Set a new password", responses=problem_responses(422)
)
def reset(body: NewPasswordIn, services_: ServicesDep) -> AccountOut:
    """Set a password with the token of a reset link; every session of the account ends."""
    account = accounts.reset_password(
        uow=services_.uow(), token=body.token, password=body.password, now=services_.now()
    )
    return AccountOut.of(account)


@router.get(
    "/account", response_model=AccountOut, summary="The signed-in account", responses=problem_responses(401, 403)
)
def me(request: Request, principal: SignedInDep) -> AccountOut:
    """The account the session cookie belongs to."""
    account = request.state.identity.account
    if account is None:
        raise Forbidden("API clients have no account; this is for signed-in people")
    return AccountOut.of(account)


@router.get(
    "/account/activity",
    response_model=list[AuditEntryOut],
    summary="What happened to my account",
    responses=problem_responses(401),
)
def activity(services_: ServicesDep, principal: SignedInDep) -> list[AuditEntryOut]:
    """Sign-ins, changes, and every read of my personal data by someone else (with its purpose)."""
    return [AuditEntryOut.of(e) for e in my_activity(uow=services_.uow(), actor=principal)]


@router.post(
    "/account/sessions/end",
    summary="Sign out everywhere",
    responses=problem_responses(401, 403),
)
def end_sessions(services_: ServicesDep, principal: SignedInDep) -> dict[str, int]:
    """End every session of my account, this one included."""
    return {"ended": accounts.sign_out_everywhere(uow=services_.uow(), actor=principal, now=services_.now())}


@router.get(
    "/account/export",
    summary="Download all my data",
    responses={200: {"content": {"application/json": {}}}, **problem_responses(401, 403)},
)
def export_my_data(services_: ServicesDep, principal: SignedInDep) -> JSONResponse:
    """Everything LMIS holds about me as one JSON document (data portability)."""
    data = people.export(uow=services_.uow(), protection=services_.protection, actor=principal, now=services_.now())
    return JSONResponse(data, headers={"Content-Disposition": 'attachment; filename="lmis-my-data.json"'})


@router.delete(
    "/account",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase my account and data",
    responses=problem_responses(401, 403, 404),
)
def erase_me(services_: ServicesDep, principal: SignedInDep) -> Response:
    """Erase my account, profile and consents; statistics keep only an anonymous count."""
    people.erase(uow=services_.uow(), actor=principal, now=services_.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/seekers/me",
    response_model=SeekerOut,
    summary="My jobseeker profile",
    responses=problem_responses(401, 404),
)
def my_profile(services_: ServicesDep, principal: SignedInDep) -> SeekerOut:
    seeker = people.my_profile(uow=services_.uow(), protection=services_.protection, actor=principal)
    if seeker is None:
        raise NotFound("you have no jobseeker profile yet; PUT one")
    return SeekerOut.of(seeker)


@router.put(
    "/seekers/me",
    response_model=SeekerOut,
    summary="Save my jobseeker profile",
    responses=problem_responses(401, 403, 409, 422),
)
def save_profile(body: ProfileIn, services_: ServicesDep, principal: SignedInDep) -> SeekerOut:
    """Create or replace my profile; personal fields are encrypted at rest."""
    profile = people.ProfileInput(
        headline=body.headline,
        region=body.region or None,
        occupations=tuple(body.occupations),
        skills=tuple(body.skills),
        findable=body.findable,
        personal=body.personal.value(),
        details=body.details.domain(),
    )
    seeker = people.save_profile(
        uow=services_.uow(), protection=services_.protection, actor=principal, profile=profile, now=services_.now()
    )
    return SeekerOut.of(seeker)


@router.post(
    "/seekers/me/cv",
    response_model=ProfileDraftOut,
    summary="Read a CV into a profile draft (nothing is saved)",
    responses=problem_responses(400, 401, 403, 422),
)
async def draft_from_cv(
    file: Annotated[UploadFile, File(description="A CV: PDF, DOCX or plain text, at most 5 MB.")],
    services_: ServicesDep,
    principal: SignedInDep,
) -> ProfileDraftOut:
    """Occupations, skills, work history, education, languages and certificates read from the CV with the
    enrichment models; the person corrects the draft and saves it with PUT /seekers/me. `notes` say what
    could not be read."""
    principal.require(Permission.MANAGE_OWN_PROFILE)
    data = await file.read(MAX_BYTES + 1)  # one byte past the limit is enough to refuse it (422, field "file")
    draft = await run_in_threadpool(
        draft_from_document, data, file.filename or "", file.content_type, enricher=services_.enricher
    )
    return ProfileDraftOut.of(draft)


@router.get(
    "/seekers",
    response_model=SeekerPageOut,
    summary="A counsellor's caseload",
    responses=problem_responses(401, 403),
)
def caseload(services_: ServicesDep, principal: SignedInDep, offset: Offset = 0, limit: Limit = 50) -> SeekerPageOut:
    """The jobseekers of the counsellor's region (profiles; personal data is read one person at a time)."""
    found, total = people.caseload(
        uow=services_.uow(), protection=services_.protection, actor=principal, limit=limit, offset=offset
    )
    return SeekerPageOut(items=[SeekerOut.of(s, personal=False) for s in found], total=total)


@router.get(
    "/candidates",
    response_model=SeekerPageOut,
    summary="People who may be found by employers",
    responses=problem_responses(401, 403),
)
def candidates(services_: ServicesDep, principal: SignedInDep, offset: Offset = 0, limit: Limit = 50) -> SeekerPageOut:
    """Profiles of jobseekers who consented to be found (employers and counsellors)."""
    found, total = people.findable_seekers(
        uow=services_.uow(), protection=services_.protection, actor=principal, limit=limit, offset=offset
    )
    return SeekerPageOut(items=[SeekerOut.of(s, personal=False) for s in found], total=total)


@router.get(
    "/seekers/{seeker_id}",
    response_model=SeekerOut,
    summary="One jobseeker",
    responses=problem_responses(401, 404, 422),
)
def read_seeker(
    seeker_id: str,
    request: Request,
    services_: ServicesDep,
    principal: PrincipalDep,
    purpose: Annotated[
        str | None, Query(max_length=300, description="Why you read this person's data (audited).")
    ] = None,
) -> SeekerOut:
    """A jobseeker as you may see them: counsellors of their region, employers and API clients with
    the person's consent. Personal data needs `purpose`; every such read is in the person's activity."""
    seeker = people.read_seeker(
        uow=services_.uow(),
        protection=services_.protection,
        actor=principal,
        seeker_id=seeker_id,
        purpose=purpose,
        now=services_.now(),
        ip=client_ip(request),
    )
    return SeekerOut.of(seeker)


@router.get(
    "/seekers/me/consents",
    response_model=list[ConsentOut],
    summary="My consents",
    responses=problem_responses(401),
)
def my_consents(services_: ServicesDep, principal: SignedInDep) -> list[ConsentOut]:
    return [ConsentOut.of(c) for c in people.my_consents(uow=services_.uow(), actor=principal)]


@router.post(
    "/seekers/me/consents",
    response_model=ConsentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Give consent",
    responses=problem_responses(401, 403, 404, 422),
)
def give_consent(body: ConsentIn, services_: ServicesDep, principal: SignedInDep) -> ConsentOut:
    """Let employers, counsellors or one API client see the chosen data for a stated purpose."""
    consent = people.grant_consent(
        uow=services_.uow(),
        actor=principal,
        grantee=body.grantee,
        purpose=body.purpose,
        data=frozenset(body.data),
        now=services_.now(),
        client_id=body.client_id,
    )
    return ConsentOut.of(consent)


@router.delete(
    "/seekers/me/consents/{consent_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Withdraw consent",
    responses=problem_responses(401, 403, 404),
)
def withdraw_consent(consent_id: str, services_: ServicesDep, principal: SignedInDep) -> Response:
    people.withdraw_consent(uow=services_.uow(), actor=principal, consent_id=consent_id, now=services_.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
