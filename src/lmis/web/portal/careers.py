"""Portal pages of The Work beyond job lists: training for skill gaps, career paths, candidates for a vacancy,
and a counsellor's caseload (the way to each person's recommendations)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lmis.bootstrap import Services
from lmis.jobs import services as jobs
from lmis.people import services as people
from lmis.people.profile import ProfileDetails
from lmis.recommend import services as work
from lmis.recommend.advice import career_paths, training_for_gaps
from lmis.recommend.candidates import candidates_for_posting
from lmis.shared.errors import LmisError, NotFound
from lmis.taxonomy.services import concept_labels
from lmis.web.auth import IdentityDep
from lmis.web.deps import ServicesDep
from lmis.web.portal.recommendations import base_of, no_profile, place_names
from lmis.web.portal.signin import SignedIn, signed_in
from lmis.web.portal.views import error_page, render

router = APIRouter(include_in_schema=False)
CASELOAD_PAGE = 50


@router.get("/me/training", response_class=HTMLResponse)
def my_training(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """The skills my closest jobs ask for and I lack, and the courses that teach them."""
    return _training(request, services_, identity, "me")


@router.get("/seekers/{seeker_id}/training", response_class=HTMLResponse)
def seeker_training(request: Request, seeker_id: str, services_: ServicesDep, identity: IdentityDep) -> Response:
    """The same, for a counsellor of the person's region."""
    return _training(request, services_, identity, seeker_id)


def _training(request: Request, services_: Services, identity: IdentityDep, seeker_id: str) -> Response:
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        advice = training_for_gaps(
            uow=services_.uow(),
            training=services_.uow,
            recommender=services_.recommender,
            locate=services_.locate,
            actor=me.principal,
            seeker_id=seeker_id,
            now=services_.now(),
            k=10,
        )
    except LmisError as error:
        return no_profile(request, me, error, seeker_id)
    places = place_names(services_, [c.course.region for c in advice.courses])
    return render(request, "training_gaps.html", advice=advice, places=places, base=base_of(seeker_id))


@router.get("/me/careers", response_class=HTMLResponse)
def my_careers(request: Request, services_: ServicesDep, identity: IdentityDep, occupation: str = "") -> Response:
    """Occupations I could move to next from my current one (or one of mine I choose)."""
    return _careers(request, services_, identity, "me", occupation)


@router.get("/seekers/{seeker_id}/careers", response_class=HTMLResponse)
def seeker_careers(
    request: Request, seeker_id: str, services_: ServicesDep, identity: IdentityDep, occupation: str = ""
) -> Response:
    """The same, for a counsellor of the person's region."""
    return _careers(request, services_, identity, seeker_id, occupation)


def _careers(request: Request, services_: Services, identity: IdentityDep, seeker_id: str, occupation: str) -> Response:
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        with services_.uow() as uow:
            stored = work.visible_seeker(uow, me.principal, seeker_id)
        details = ProfileDetails.from_json(stored.details)
        mine = list(dict.fromkeys((*details.past_occupations(), *stored.occupations)))
        labels = concept_labels(uow=services_.uow(), concept_ids=mine)
    except LmisError as error:
        return no_profile(request, me, error, seeker_id)
    chosen = occupation if occupation in mine else ""
    context = {"mine": [(o, labels.get(o, o)) for o in mine], "chosen": chosen, "base": base_of(seeker_id)}
    if not mine:
        return render(request, "careers.html", advice=None, **context)
    try:
        advice = career_paths(
            uow=services_.uow(),
            space=services_.occupation_space,
            transitions=services_.career_transitions(),
            actor=me.principal,
            seeker_id=seeker_id,
            occupation_id=chosen or None,
            k=10,
        )
    except NotFound:  # the occupation is not in the occupation space (another scheme, or a retired concept)
        return render(request, "careers.html", advice=None, **context)
    except LmisError as error:
        return error_page(request, error)
    return render(request, "careers.html", advice=advice, **context)


@router.get("/employers/postings/{posting_id}/candidates", response_class=HTMLResponse)
def candidates(request: Request, posting_id: str, services_: ServicesDep, identity: IdentityDep) -> Response:
    """People who consented to be found and fit the vacancy, with their matched and missing skills."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        found = candidates_for_posting(
            uow=services_.uow(), actor=me.principal, posting_id=posting_id, now=services_.now(), k=20
        )
        posting = jobs.get_posting(posting_id, uow=services_.uow())
    except LmisError as error:
        return error_page(request, error)
    places = place_names(services_, [c.region for c in found])
    return render(request, "candidates.html", posting=posting, found=found, places=places)


@router.get("/seekers", response_class=HTMLResponse)
def caseload(request: Request, services_: ServicesDep, identity: IdentityDep, offset: int = 0) -> Response:
    """A counsellor's caseload: the people of their region, each with links to their recommendations."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    try:
        offset = max(0, offset)
        seekers, total = people.caseload(
            uow=services_.uow(),
            protection=services_.protection,
            actor=me.principal,
            limit=CASELOAD_PAGE,
            offset=offset,
        )
    except LmisError as error:
        return error_page(request, error)
    more = offset + CASELOAD_PAGE if offset + CASELOAD_PAGE < total else None
    context = {"previous": max(0, offset - CASELOAD_PAGE) if offset else None, "more": more, "total": total}
    places = place_names(services_, [s.region for s in seekers])
    return render(request, "caseload.html", seekers=seekers, places=places, **context)
