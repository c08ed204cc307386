"""Portal pages of a signed-in person's account: overview, second factor, profile, consents, data and activity.

The sign-up and sign-in pages live in `signin.py`; this router includes them, so the app adds
one router for both. Every page needs a full session (`signin.signed_in`); staff whose sign-in
waits for a second factor reach only its set-up.
"""

from __future__ import annotations

import json
from datetime import date

import segno
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lmis.identity import mfa
from lmis.identity import services as accounts
from lmis.identity.audit import my_activity
from lmis.identity.model import STAFF_ROLES, Permission
from lmis.people import services as people
from lmis.people.model import DataCategory, Grantee, PersonalData, TargetGroup
from lmis.people.profile import ProfileDetails
from lmis.shared.errors import Conflict, Invalid, LmisError, NotFound
from lmis.web.auth import IdentityDep
from lmis.web.deps import ServicesDep
from lmis.web.portal import profile_form, signin
from lmis.web.portal import profile_page as profile_view
from lmis.web.portal.profile_form import ProfileForm
from lmis.web.portal.signin import FormDep, Problem, SignedIn, problems_of, see_other, signed_in, status_of
from lmis.web.portal.views import render

router = APIRouter(include_in_schema=False)
router.include_router(signin.router)
router.include_router(profile_view.router)
CONSENT_DATA = (DataCategory.CONTACT, DataCategory.IDENTITY, DataCategory.TARGET_GROUPS)  # the profile always goes


@router.get("/account", response_class=HTMLResponse)
def overview(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """Who is signed in, how, and the way to every account page."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    left = mfa.remaining_recovery_codes(uow=services_.uow(), actor=me.principal) if me.account.mfa_enabled else 0
    flags = {name: name in request.query_params for name in ("sent", "mfa_off")}
    return render(request, "account.html", account=me.account, recovery_left=left, **flags)


@router.post("/account/verify/resend")
def resend(request: Request, services_: ServicesDep, identity: IdentityDep, background: BackgroundTasks) -> Response:
    """Mail a new confirmation link."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    base = services_.settings.public_url.rstrip("/")
    accounts.resend_verification(uow=services_.uow(), account_id=me.account.id, now=services_.now(), base_url=base)
    background.add_task(services_.deliver_mail)
    return see_other("/account?sent=1")


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """End every session of the account, in this browser and every other."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    accounts.sign_out_everywhere(uow=services_.uow(), actor=me.principal, now=services_.now())
    response = see_other("/sign-in?ended=1")
    signin.end_session_cookie(response, services_)
    return response


@router.get("/account/security", response_class=HTMLResponse)
def security(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """The second factor: set it up, or make new recovery codes and (not staff) turn it off."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    return _security(request, services_, me, {}, 200)


def _security(
    request: Request, services_: ServicesDep, me: SignedIn, errors: dict[str, Problem], status: int
) -> HTMLResponse:
    left = mfa.remaining_recovery_codes(uow=services_.uow(), actor=me.principal) if me.account.mfa_enabled else 0
    staff = me.account.role in STAFF_ROLES
    context = {"account": me.account, "recovery_left": left, "staff": staff, "errors": errors}
    return render(request, "security.html", status, **context)


@router.get("/account/security/setup", response_class=HTMLResponse)
def setup_page(request: Request, services_: ServicesDep, identity: IdentityDep, next: str = "") -> Response:
    """Set up an authenticator app: a QR code, the key to type, and a first code to confirm."""
    me = signin.setting_up(identity)
    if me is None:
        return signin.see_other(signin.with_next("/sign-in", signin.here(request)))
    if me.account.mfa_enabled:
        return see_other("/account/security")
    return _setup_form(request, services_, me, signin.safe_next(next), {}, 200)


def _setup_form(
    request: Request, services_: ServicesDep, me: SignedIn, target: str, errors: dict[str, Problem], status: int
) -> HTMLResponse:
    cipher = services_.cipher
    enrolment = mfa.pending_totp(uow=services_.uow(), cipher=cipher, actor=me.principal) or mfa.begin_totp(
        uow=services_.uow(), cipher=cipher, actor=me.principal, now=services_.now()
    )
    secret = enrolment.secret
    qr = segno.make(enrolment.uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff", omitsize=False)
    context = {"grouped": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), "uri": enrolment.uri}
    return render(request, "security_setup.html", status, qr=qr, next=target, errors=errors, **context)


@router.post("/account/security/setup", response_class=HTMLResponse)
def confirm_setup(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Confirm the set-up with a first code; the ten recovery codes are shown once."""
    me = signin.setting_up(identity)
    target = signin.safe_next(form.get("next"))
    if me is None:
        return signin.see_other(signin.with_next("/sign-in", "/account/security/setup"))
    try:
        codes = mfa.confirm_totp(
            uow=services_.uow(),
            cipher=services_.cipher,
            actor=me.principal,
            code=form.get("code"),
            now=services_.now(),
            session_id=me.session.id,
        )
    except Conflict:
        return see_other("/account/security")
    except LmisError as error:
        problem = (
            Problem("setup_code", error.detail) if isinstance(error, Invalid) else Problem("service", error.detail)
        )
        return _setup_form(request, services_, me, target, {"code": problem}, status_of(error))
    return render(request, "recovery_codes.html", codes=codes, next=target)


@router.post("/account/security/recovery-codes", response_class=HTMLResponse)
def replace_codes(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """Make ten new recovery codes (the old ones stop working) and show them once."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        codes = mfa.new_recovery_codes(uow=services_.uow(), actor=me.principal, now=services_.now())
    except LmisError:
        return see_other("/account/security")
    return render(request, "recovery_codes.html", codes=codes, next="/account/security")


@router.post("/account/security/turn-off", response_class=HTMLResponse)
def turn_off(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """Remove the second factor (staff cannot: their role needs one)."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        mfa.turn_off_totp(uow=services_.uow(), actor=me.principal, now=services_.now())
    except LmisError as error:
        return _security(request, services_, me, problems_of(error), status_of(error))
    return see_other("/account?mfa_off=1")


@router.get("/account/profile", response_class=HTMLResponse)
def profile_page(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """A jobseeker's profile and the personal data only they (and those they allow) may read."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    seeker = people.my_profile(uow=services_.uow(), protection=services_.protection, actor=me.principal)
    shown = ProfileForm()
    groups: list[str] = []
    if seeker is not None:
        shown = profile_view.stored_form(seeker, services_)
        groups = sorted(seeker.personal.target_groups)
    context = {"saved": "saved" in request.query_params}
    return profile_view.render_form(request, me, shown.with_blank_rows(), groups, {}, 200, **context)


@router.post("/account/profile", response_class=HTMLResponse)
def save_profile(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Save the profile, its details and personal data; problems come back next to their fields.

    An "add another" button (`add`) sends the form back with one more blank row in that list, unsaved.
    """
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    shown = profile_form.submitted(form)
    names = ("headline", "region", "findable", "phone", "address", "birth_date", "national_id")
    values = {name: form.get(name) for name in names}
    shown.values |= values
    groups = [g for g in form.all("target_groups") if g in TargetGroup.__members__.values()]
    if form.get("add"):
        return profile_view.render_form(request, me, shown.with_blank_rows(form.get("add")), groups, {}, 200)
    try:
        birth = _date(values["birth_date"])
        current = people.my_profile(uow=services_.uow(), protection=services_.protection, actor=me.principal)
        reading = profile_form.read_details(shown, current.details if current else ProfileDetails(), services_)
        if reading.errors:
            return profile_view.render_form(request, me, shown.with_blank_rows(), groups, reading.errors, 422)
        personal = PersonalData(
            phone=values["phone"] or None,
            address=values["address"] or None,
            birth_date=birth,
            national_id=values["national_id"] or None,
            target_groups=frozenset(TargetGroup(g) for g in groups),
        )
        profile = people.ProfileInput(
            headline=values["headline"],
            region=values["region"] or None,
            occupations=tuple(reading.occupations),
            skills=(),
            findable=values["findable"] == "1",
            personal=personal,
            details=reading.details,
        )
        people.save_profile(
            uow=services_.uow(),
            protection=services_.protection,
            actor=me.principal,
            profile=profile,
            now=services_.now(),
        )
    except LmisError as error:
        errors = problems_of(error)
        errors = {"national_id": Problem("national_id_taken")} if isinstance(error, Conflict) else errors
        return profile_view.render_form(request, me, shown.with_blank_rows(), groups, errors, status_of(error))
    return see_other("/account/profile?saved=1")


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{text!r} is not a date like 1990-04-27", field="birth_date") from None


@router.get("/account/consents", response_class=HTMLResponse)
def consents_page(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """Who may read what of my record, since when, and the forms to give or withdraw consent."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    return _consents(request, services_, me, {"grantee": "counsellors"}, [], {}, 200)


def _consents(
    request: Request,
    services_: ServicesDep,
    me: SignedIn,
    values: dict[str, str],
    data: list[str],
    errors: dict[str, Problem],
    status: int,
) -> HTMLResponse:
    mine = people.my_consents(uow=services_.uow(), actor=me.principal)
    seeker = me.principal.can(Permission.MANAGE_OWN_PROFILE)
    context = {"consents": mine, "values": values, "data": data, "errors": errors, "is_seeker": seeker}
    return render(request, "consents.html", status, categories=[c.value for c in CONSENT_DATA], **context)


@router.post("/account/consents", response_class=HTMLResponse)
def grant(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Give counsellors or one API client consent to read chosen data for a stated purpose."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    values = {name: form.get(name) for name in ("grantee", "client_id", "purpose")}
    data = [d for d in form.all("data") if d in {c.value for c in CONSENT_DATA}]
    try:
        grantee = Grantee.CLIENT if values["grantee"] == "client" else Grantee.COUNSELLORS
        people.grant_consent(
            uow=services_.uow(),
            actor=me.principal,
            grantee=grantee,
            purpose=values["purpose"],
            data=frozenset(DataCategory(d) for d in data),
            now=services_.now(),
            client_id=values["client_id"] if grantee is Grantee.CLIENT else None,
        )
    except NotFound:
        return _consents(request, services_, me, values, data, {"": Problem("no_profile")}, 409)
    except LmisError as error:
        return _consents(request, services_, me, values, data, problems_of(error), status_of(error))
    return see_other("/account/consents")


@router.post("/account/consents/{consent_id}/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, consent_id: str, services_: ServicesDep, identity: IdentityDep) -> Response:
    """Withdraw a consent from now on."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        people.withdraw_consent(uow=services_.uow(), actor=me.principal, consent_id=consent_id, now=services_.now())
    except LmisError as error:
        return _consents(request, services_, me, {}, [], problems_of(error), status_of(error))
    return see_other("/account/consents")


@router.get("/account/data", response_class=HTMLResponse)
def data_page(request: Request, identity: IdentityDep) -> Response:
    """Download everything LMIS holds about me, or erase my account."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    return render(request, "my_data.html", account=me.account, errors={})


@router.get("/account/data/export")
def export(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """All my data as a JSON file (GDPR art. 20)."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    data = people.export(uow=services_.uow(), protection=services_.protection, actor=me.principal, now=services_.now())
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="lmis-my-data.json"', "Cache-Control": "no-store"},
    )


@router.post("/account/data/erase", response_class=HTMLResponse)
def erase(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Erase the account once the person typed its e-mail address; then sign out and say goodbye."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    if form.get("email").lower() != me.account.email:
        errors = {"email": Problem("email_mismatch")}
        return render(request, "my_data.html", 422, account=me.account, errors=errors)
    try:
        people.erase(uow=services_.uow(), actor=me.principal, now=services_.now())
    except LmisError as error:
        return render(request, "my_data.html", status_of(error), account=me.account, errors=problems_of(error))
    response: RedirectResponse = see_other("/account/goodbye")
    signin.end_session_cookie(response, services_)
    return response


@router.get("/account/goodbye", response_class=HTMLResponse)
def goodbye(request: Request) -> HTMLResponse:
    """The page after erasure."""
    return render(request, "account_notice.html", notice="goodbye")


@router.get("/account/activity", response_class=HTMLResponse)
def activity(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """What happened to my account and data: sign-ins, changes, and who read my record for which purpose."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    entries = my_activity(uow=services_.uow(), actor=me.principal, limit=200)
    return render(request, "activity.html", entries=entries, myself=me.principal.audit_name)
