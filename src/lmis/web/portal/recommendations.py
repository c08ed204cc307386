"""Portal pages of The Work for a jobseeker: recommended jobs with reasons, feedback, steering and "why this job".

A jobseeker reads their own pages under `/me`; a counsellor reads those of a person of their
region under `/seekers/{id}` (read-only: feedback and steering are the person's own). Every page
calls the recommend services directly, as the API does; none works through HTTP.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lmis.bootstrap import Services
from lmis.identity.model import Principal, PrincipalKind, Role
from lmis.people.profile import STEERING_WEIGHTS, ProfileDetails
from lmis.recommend import services as work
from lmis.recommend.advice import skills_to_reach
from lmis.recommend.explaining import explain_posting
from lmis.recommend.model import DismissReason, EventKind
from lmis.shared.errors import Invalid, LmisError, NotFound
from lmis.web.auth import IdentityDep
from lmis.web.deps import ServicesDep
from lmis.web.portal.signin import FormDep, Problem, SignedIn, see_other, signed_in
from lmis.web.portal.views import error_page, render

router = APIRouter(include_in_schema=False)
SHOWN = 20
FEEDBACK = {"save": EventKind.SAVE, "apply": EventKind.APPLY, "dismiss": EventKind.DISMISS}
DONE = ("save", "apply", "dismiss", "steered", "shown")


def base_of(seeker_id: str) -> str:
    """Where a seeker's pages live: `/me` for the person, `/seekers/{id}` for their counsellor."""
    return "/me" if seeker_id == "me" else f"/seekers/{seeker_id}"


def place_names(services_: Services, place_ids: list[str | None]) -> dict[str, str]:
    """Gazetteer names of place ids (ids the gazetteer does not know are left out)."""
    places = services_.search.vocabulary().places
    return {pid: place.name for pid in place_ids if pid and (place := places.get(pid)) is not None}


def no_profile(request: Request, me: SignedIn, error: LmisError, seeker_id: str) -> HTMLResponse:
    """The person has no jobseeker profile yet (or may not read this one): say what to do."""
    if seeker_id != "me" or not isinstance(error, NotFound):
        return error_page(request, error)
    return render(request, "no_profile.html", 404, is_seeker=me.account.role is Role.JOBSEEKER)


def note_opened(services_: Services, principal: Principal, posting_id: str, list_id: str | None) -> None:
    """A jobseeker opened a posting: a `click` when they came from a recommendation list, a `view` otherwise.

    Nothing is noted for other roles or people without a profile; a list id that was not shown to
    them counts as a plain view.
    """
    if principal.kind is not PrincipalKind.ACCOUNT or principal.role is not Role.JOBSEEKER:
        return
    for kind, list_ in ((EventKind.CLICK, list_id), (EventKind.VIEW, None)):
        if kind is EventKind.CLICK and not (list_ and len(list_) <= 64):
            continue
        try:
            work.record_event(
                uow=services_.uow(),
                actor=principal,
                seeker_id="me",
                kind=kind,
                posting_id=posting_id,
                now=services_.now(),
                list_id=list_,
            )
            return
        except Invalid:
            continue
        except NotFound:
            return


@router.get("/me/recommendations", response_class=HTMLResponse)
def my_recommendations(request: Request, services_: ServicesDep, identity: IdentityDep, done: str = "") -> Response:
    """Jobs recommended to me, each with a one-line reason, feedback buttons, and how I steer them."""
    return _jobs_page(request, services_, identity, "me", done)


@router.get("/seekers/{seeker_id}/recommendations", response_class=HTMLResponse)
def seeker_recommendations(request: Request, seeker_id: str, services_: ServicesDep, identity: IdentityDep) -> Response:
    """A counsellor's read-only view of the jobs recommended to a person of their region."""
    return _jobs_page(request, services_, identity, seeker_id, "")


def _jobs_page(
    request: Request,
    services_: Services,
    identity: IdentityDep,
    seeker_id: str,
    done: str,
    errors: dict[str, Problem] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        served = work.recommend_jobs(
            uow=services_.uow(),
            recommender=services_.recommender,
            locate=services_.locate,
            actor=me.principal,
            seeker_id=seeker_id,
            now=services_.now(),
            k=SHOWN,
        )
        details = _details(services_, me.principal, seeker_id)
    except LmisError as error:
        return no_profile(request, me, error, seeker_id)
    weights = {name: details.steering.weight(name) for name in STEERING_WEIGHTS}
    shown = {f"weight-{name}": f"{value:g}" for name, value in weights.items()} | (values or {})
    context = {
        "served": served,
        "base": base_of(seeker_id),
        "own": seeker_id == "me",
        "places": place_names(services_, [item.region for item in served.items]),
        "steering": details.steering,
        "weight_names": STEERING_WEIGHTS,
        "reasons": [r.value for r in DismissReason],
        "values": shown,
        "errors": errors or {},
        "done": done if done in DONE else "",
    }
    return render(request, "recommendations.html", 422 if errors else 200, **context)


def _details(services_: Services, principal: Principal, seeker_id: str) -> ProfileDetails:
    with services_.uow() as uow:
        stored = work.visible_seeker(uow, principal, seeker_id)
    return ProfileDetails.from_json(stored.details)


@router.post("/me/recommendations/events", response_class=HTMLResponse)
def feedback(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Save a job, say I applied, or dismiss it with a reason (a reason can steer the next list)."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    action = form.get("kind")
    try:
        if action not in FEEDBACK:
            raise Invalid("choose save, apply or dismiss", field="kind", suggestions=list(FEEDBACK))
        reason = form.get("reason") if action == "dismiss" else ""
        if reason and reason not in {r.value for r in DismissReason}:
            raise Invalid(f"no reason {reason!r}", field="reason", suggestions=[r.value for r in DismissReason])
        work.record_event(
            uow=services_.uow(),
            actor=me.principal,
            seeker_id="me",
            kind=FEEDBACK[action],
            posting_id=form.get("posting_id"),
            now=services_.now(),
            list_id=form.get("list_id") or None,
            reason=DismissReason(reason) if reason else None,
        )
    except LmisError as error:
        return error_page(request, error)
    return see_other(f"/me/recommendations?done={action}")


@router.post("/me/recommendations/steering", response_class=HTMLResponse)
def save_steering(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Save how much each part of the score weighs (0 to 3) and whether a daily e-mail comes."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    values = {f"weight-{name}": form.get(f"weight-{name}") for name in STEERING_WEIGHTS}
    weights: dict[str, float] = {}
    errors: dict[str, Problem] = {}
    for name in STEERING_WEIGHTS:
        try:
            weight = float(values[f"weight-{name}"].replace(",", "."))
        except ValueError:
            weight = -1.0
        if not 0 <= weight <= 3:
            errors[f"weight-{name}"] = Problem("weight_range")
        weights[name] = weight
    if errors:
        return _jobs_page(request, services_, identity, "me", "", errors, values)
    try:
        now = services_.now()
        daily = form.get("daily_mail") == "1"
        work.steer(uow=services_.uow(), actor=me.principal, seeker_id="me", now=now, weights=weights, daily_mail=daily)
    except LmisError as error:
        return error_page(request, error)
    return see_other("/me/recommendations?done=steered")


@router.post("/me/recommendations/employers", response_class=HTMLResponse)
def show_employer(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Show a hidden employer's jobs again."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        employer = form.get("show_employer")
        if not employer:
            raise Invalid("name the employer to show again", field="show_employer")
        work.steer(uow=services_.uow(), actor=me.principal, seeker_id="me", now=services_.now(), show_employer=employer)
    except LmisError as error:
        return error_page(request, error)
    return see_other("/me/recommendations?done=shown")


@router.get("/me/recommendations/jobs/{posting_id}", response_class=HTMLResponse)
def why_mine(request: Request, posting_id: str, services_: ServicesDep, identity: IdentityDep) -> Response:
    """Why this job was recommended to me: skills matched and missing, occupation, distance, pay, score parts."""
    return _why(request, services_, identity, "me", posting_id)


@router.get("/seekers/{seeker_id}/recommendations/jobs/{posting_id}", response_class=HTMLResponse)
def why_theirs(
    request: Request, seeker_id: str, posting_id: str, services_: ServicesDep, identity: IdentityDep
) -> Response:
    """The same explanation, for a counsellor of the person's region."""
    return _why(request, services_, identity, seeker_id, posting_id)


def _why(request: Request, services_: Services, identity: IdentityDep, seeker_id: str, posting_id: str) -> Response:
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    recommender, locate, now = services_.recommender, services_.locate, services_.now()
    try:
        item = explain_posting(
            uow=services_.uow(),
            recommender=recommender,
            locate=locate,
            actor=me.principal,
            seeker_id=seeker_id,
            posting_id=posting_id,
            now=now,
        )
        reach = skills_to_reach(
            uow=services_.uow(),
            training=services_.uow,
            recommender=recommender,
            locate=locate,
            actor=me.principal,
            seeker_id=seeker_id,
            posting_id=posting_id,
            now=now,
        )
    except LmisError as error:
        if seeker_id == "me" and isinstance(error, NotFound) and "profile" in error.detail:
            return no_profile(request, me, error, seeker_id)
        return error_page(request, error)
    context = {"item": item, "why": item.explanation, "reach": reach, "base": base_of(seeker_id)}
    places = place_names(services_, [item.region, *(c.course.region for c in reach.courses)])
    return render(request, "why_job.html", **context, places=places, own=seeker_id == "me")
