"""What the portal shows of a posting's derived fields: occupation, skills, place, pay, vacancy and fraud risk.

`posting.derived` is JSON written by the enrichment steps (`lmis.enrich.enricher`); this module
reads it defensively, so a step that did not run, or an older shape, shows nothing instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lmis.bootstrap import Services
from lmis.enrich import services as enrichment
from lmis.enrich.fraud import MODERATION_THRESHOLD
from lmis.jobs.model import JobPosting
from lmis.shared.errors import LmisError
from lmis.taxonomy import services as taxonomy

_REQUIREMENT_ORDER = {"required": 0, "optional": 1}


@dataclass(frozen=True, slots=True)
class OccupationShown:
    """The posting's occupation: its preferred label, ISCO-08 group, confidence and why."""

    concept_id: str
    label: str
    isco_code: str
    confidence: float | None
    evidence: str
    matched_label: str
    read_from: str
    reviewed: bool
    needs_review: bool


@dataclass(frozen=True, slots=True)
class SkillShown:
    """A skill the advert asks for, whether it is required, and the words it was read from."""

    skill_id: str
    label: str
    requirement: str
    text: str


@dataclass(frozen=True, slots=True)
class PayShown:
    """Pay normalised to a currency and period, with its monthly and annual equivalents."""

    currency: str
    period: str
    minimum: float | None
    maximum: float | None
    monthly_min: float | None
    monthly_max: float | None
    annual_min: float | None
    annual_max: float | None


@dataclass(frozen=True, slots=True)
class FlagShown:
    """A fraud flag that fired and the text that fired it."""

    flag: str
    evidence: str
    weight: float | None


@dataclass(frozen=True, slots=True)
class RiskShown:
    """The advert's fraud risk, the flags behind it and a moderator's judgement once made."""

    score: float
    flags: tuple[FlagShown, ...]
    moderation: str

    @property
    def warn(self) -> bool:
        """Readers are warned: the risk reaches the moderation threshold and no moderator cleared the advert."""
        return self.score >= MODERATION_THRESHOLD and self.moderation != "legitimate"


@dataclass(frozen=True, slots=True)
class VacancyShown:
    """The vacancy the posting belongs to when other postings advertise it too."""

    cluster_id: str
    other_sources: tuple[str, ...]
    postings: int


@dataclass(frozen=True, slots=True)
class PostingInsights:
    """Everything derived about one posting that the posting page shows."""

    occupation: OccupationShown | None
    skills: tuple[SkillShown, ...]
    place: tuple[str, ...]
    pay: PayShown | None
    vacancy: VacancyShown | None
    risk: RiskShown | None


def insights(posting: JobPosting, services: Services) -> PostingInsights:
    """The derived fields of `posting` as the page shows them (the occupation's label and the vacancy looked up)."""
    derived = posting.derived
    return PostingInsights(
        occupation=_occupation(_mapping(derived.get("occupation")), services),
        skills=skills_of(_mapping(derived.get("skills"))),
        place=place_path(_mapping(derived.get("place"))),
        pay=_pay(_mapping(derived.get("salary"))),
        vacancy=_vacancy(posting, _mapping(derived.get("cluster")), services),
        risk=risk_of(_mapping(derived.get("fraud"))),
    )


def occupation_labels(concept_ids: Iterable[str], services: Services) -> dict[str, str]:
    """The preferred label of each stored occupation among `concept_ids` (unknown ids are left out)."""
    labels = {}
    for concept_id in dict.fromkeys(concept_ids):
        try:
            view = taxonomy.get_occupation(concept_id, uow=services.uow())
        except LmisError:
            continue
        labels[concept_id] = view.concept.record.concept.label
    return labels


def skills_of(skills: Mapping[str, object]) -> tuple[SkillShown, ...]:
    """Each skill once (its first mention), required before optional before unstated."""
    seen: dict[str, SkillShown] = {}
    for item in _list(skills.get("items")):
        mention = _mapping(item)
        skill_id = _text(mention.get("skill_id")) or _text(mention.get("uri"))
        if skill_id and skill_id not in seen:
            requirement = _text(mention.get("requirement"))
            seen[skill_id] = SkillShown(skill_id, _text(mention.get("label")), requirement, _text(mention.get("text")))
    return tuple(sorted(seen.values(), key=lambda s: _REQUIREMENT_ORDER.get(s.requirement, 2)))


def place_path(place: Mapping[str, object]) -> tuple[str, ...]:
    """The resolved place from the country down, by name."""
    levels = (_mapping(place.get(level)) for level in ("country", "region", "district", "locality"))
    names = [_text(level.get("name")) for level in levels]
    return tuple(name for i, name in enumerate(names) if name and name not in names[:i])


def risk_of(fraud: Mapping[str, object]) -> RiskShown | None:
    """The fraud risk when any flag fired or a moderator judged the advert."""
    flags = tuple(
        FlagShown(_text(flag.get("flag")), _text(flag.get("evidence")), _number(flag.get("weight")))
        for flag in map(_mapping, _list(fraud.get("flags")))
    )
    moderation = _text(fraud.get("moderation"))
    if not flags and not moderation:
        return None
    return RiskShown(_number(fraud.get("score")) or 0.0, flags, moderation)


def _occupation(occupation: Mapping[str, object], services: Services) -> OccupationShown | None:
    concept_id = _text(occupation.get("concept_id"))
    if not concept_id:
        return None
    matched = _text(occupation.get("matched_label"))
    return OccupationShown(
        concept_id=concept_id,
        label=occupation_labels([concept_id], services).get(concept_id, matched or concept_id),
        isco_code=_text(occupation.get("isco_code")),
        confidence=_number(occupation.get("confidence")),
        evidence=_text(occupation.get("evidence")),
        matched_label=matched,
        read_from=_text(_mapping(occupation.get("read_from")).get("text")),
        reviewed=occupation.get("method") == "review",
        needs_review=occupation.get("needs_review") is True,
    )


def _pay(salary: Mapping[str, object]) -> PayShown | None:
    currency, period = _text(salary.get("currency")), _text(salary.get("period"))
    minimum, maximum = _number(salary.get("minimum")), _number(salary.get("maximum"))
    if minimum is None and maximum is None:
        return None
    return PayShown(
        currency,
        period,
        minimum,
        maximum,
        _number(salary.get("monthly_min")),
        _number(salary.get("monthly_max")),
        _number(salary.get("annual_min")),
        _number(salary.get("annual_max")),
    )


def _vacancy(posting: JobPosting, cluster: Mapping[str, object], services: Services) -> VacancyShown | None:
    cluster_id = _text(cluster.get("cluster_id"))
    if not cluster_id:
        return None
    try:
        view = enrichment.vacancy(cluster_id, uow=services.uow())
    except LmisError:
        return None
    if len(view.members) < 2:
        return None
    others = tuple(source for source in view.sources if source != posting.source)
    return VacancyShown(cluster_id, others, len(view.members))


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
