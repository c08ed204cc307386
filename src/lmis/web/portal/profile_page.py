"""The profile page: the form filled from the stored profile (or from a CV), rendered with its choices, and the CV
upload that fills it with a draft for the person to correct and confirm (nothing is saved before they do)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from lmis.bootstrap import Services
from lmis.identity.model import Permission
from lmis.people import services as people
from lmis.people.model import Seeker, TargetGroup
from lmis.people.profile import Isced, LanguageLevel, Proficiency, ProfileDetails, ProfileSkill, WorkingTime
from lmis.shared.errors import Invalid, LmisError
from lmis.sources.documents import MAX_BYTES
from lmis.sources.resume_upload import draft_from_document
from lmis.taxonomy.services import concept_labels
from lmis.web.auth import IdentityDep
from lmis.web.deps import ServicesDep
from lmis.web.portal.profile_form import ProfileForm, form_of, language_names
from lmis.web.portal.signin import Problem, SignedIn, problems_of, signed_in, status_of
from lmis.web.portal.views import render

router = APIRouter(include_in_schema=False)
CHOICES = {
    "isced_levels": [int(level) for level in Isced],
    "proficiencies": [p.value for p in Proficiency],
    "language_levels": [x.value for x in LanguageLevel],
    "working_times": [w.value for w in WorkingTime],
    "target_groups": [g.value for g in TargetGroup],
    "language_names": language_names,
    "max_upload_mb": MAX_BYTES // 1024 // 1024,
}


def render_form(
    request: Request,
    me: SignedIn,
    shown: ProfileForm,
    groups: list[str],
    errors: dict[str, Problem],
    status: int,
    **extra: Any,
) -> HTMLResponse:
    """The profile page with `shown` in its fields and each problem next to its field."""
    seeker = me.principal.can(Permission.MANAGE_OWN_PROFILE)
    context = {"values": shown.values, "rows": shown.rows, "groups": groups, "errors": errors, "is_seeker": seeker}
    return render(request, "profile.html", status, **CHOICES, **context, **{"saved": False, **extra})


def stored_form(seeker: Seeker, services_: Services) -> ProfileForm:
    """The form of a stored profile: skills saved without a level show as intermediate, declared."""
    details = seeker.details
    extra = tuple(ProfileSkill(s) for s in seeker.skills if s not in set(details.skill_ids()))
    details = ProfileDetails(
        (*details.skills, *extra),
        details.work_history,
        details.education,
        details.languages,
        details.certificates,
        details.wishes,
        details.steering,
    )
    shown = _with_labels(seeker.headline, seeker.region, list(seeker.occupations), details, services_)
    personal = seeker.personal
    shown.values |= {
        "findable": "1" if seeker.findable else "",
        "phone": personal.phone or "",
        "address": personal.address or "",
        "birth_date": personal.birth_date.isoformat() if personal.birth_date else "",
        "national_id": personal.national_id or "",
    }
    return shown


def _with_labels(
    headline: str, region: str | None, occupations: list[str], details: ProfileDetails, services_: Services
) -> ProfileForm:
    jobs = [j.occupation_id for j in details.work_history if j.occupation_id]
    labels = concept_labels(uow=services_.uow(), concept_ids={*occupations, *details.skill_ids(), *jobs})
    return form_of(headline, region, occupations, details, labels)


UploadDep = Annotated[UploadFile | None, File(description="A CV: PDF, DOCX or plain text.")]


@router.post("/account/profile/cv", response_class=HTMLResponse)
def upload_cv(request: Request, services_: ServicesDep, identity: IdentityDep, file: UploadDep = None) -> Response:
    """Read an uploaded CV into the profile form for the person to check; nothing is saved until they do."""
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    current = people.my_profile(uow=services_.uow(), protection=services_.protection, actor=me.principal)
    shown = stored_form(current, services_) if current else ProfileForm()
    groups: list[str] = sorted(current.personal.target_groups) if current else []
    try:
        me.principal.require(Permission.MANAGE_OWN_PROFILE)
        if file is None or not file.filename:
            raise Invalid("choose a file to upload", field="file")
        data = file.file.read(MAX_BYTES + 1)
        draft = draft_from_document(
            data, file.filename, file.content_type, enricher=services_.enricher, today=services_.now().date()
        )
    except LmisError as error:
        problems = problems_of(error)
        if isinstance(error, Invalid) and error.field == "file":
            problems = {"file": Problem("file_unreadable", error.detail)}
        return render_form(request, me, shown.with_blank_rows(), groups, problems, status_of(error))
    occupations = [o.concept_id for o in draft.occupations]
    region = current.region if current else None
    drafted = _with_labels(draft.headline, region, occupations, draft.details, services_)
    for name in ("findable", "phone", "address", "birth_date", "national_id"):
        drafted.values[name] = shown.values.get(name, "")
    if not drafted.values["headline"]:
        drafted.values["headline"] = shown.values.get("headline", "")
    return render_form(
        request, me, drafted.with_blank_rows(), groups, {}, 200, drafted_from=file.filename, notes=list(draft.notes)
    )
