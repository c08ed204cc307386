"""Taxonomy use cases: import releases, find occupations and skills, read one, crosswalk codes.

Each function runs in one transaction of the unit of work it is given and raises
`NotFound` or `Invalid` (with suggestions) rather than returning nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime

from lmis.shared.errors import Invalid, NotFound, did_you_mean
from lmis.shared.paging import Page, make_page, page_request
from lmis.shared.progress import Progress, SilentProgress
from lmis.shared.text import tokens
from lmis.taxonomy.crosswalk import Route, chain
from lmis.taxonomy.matching import rank, spelling_suggestions
from lmis.taxonomy.model import (
    OCCUPATION_KINDS,
    SKILL_KINDS,
    ConceptKind,
    ConceptRecord,
    ConceptRef,
    ImportOutcome,
    Label,
    LabelType,
    Match,
    ReleaseBundle,
    ReleaseInfo,
    Scheme,
)
from lmis.taxonomy.ports import LinkedConcept, OnetDetails, TaxonomyRepository, TaxonomyUnitOfWork
from lmis.taxonomy.schemes import ALIASES, ISCO_08

MAX_TEXT_MATCHES = 1_000  # text search ranks at most this many concepts; paging stops there
_HIT_LIMIT = 5_000
# Searches without a scheme cover the international frame LMIS codes to (ESCO, ISCO-08) and the
# country's own schemes; O*NET-SOC and SOC are searched when named (or with `all`).
DEFAULT_FAMILIES = frozenset({"esco", "isco", "national"})


# -- importing ------------------------------------------------------------------------------


def import_release(
    bundle: ReleaseBundle,
    fingerprint: str,
    *,
    uow: TaxonomyUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress | None = None,
) -> ImportOutcome:
    """Store a parsed release unless the same input (`fingerprint`) is stored already.

    A different fingerprint replaces the stored release as a whole in one transaction.
    Relations to concepts the bundle does not define are left out and listed in the outcome's
    warnings.
    """
    warnings = _drop_dangling(bundle)
    with uow:
        if uow.taxonomy.fingerprint_of(bundle.release.id) == fingerprint:
            return ImportOutcome(bundle.release.id, False, bundle.counts(), warnings)
        uow.taxonomy.store_release(bundle, fingerprint, now(), progress or SilentProgress())
        uow.commit()
    return ImportOutcome(bundle.release.id, True, bundle.counts(), warnings)


def _drop_dangling(bundle: ReleaseBundle) -> list[str]:
    """Remove relations whose concepts the release does not define; say what was removed.

    Published files are not always consistent (ESCO v1.1.1 relates 65 skills to an
    occupation missing from its occupation list); such rows cannot be shown or used, so they
    are left out and reported rather than failing the whole release.
    """
    defined = {c.id for c in bundle.concepts}
    warnings = []
    for part, ends in (
        ("labels", lambda r: (r.concept_id,)),
        ("occupation_skills", lambda r: (r.occupation_id, r.skill_id)),
        ("skill_links", lambda r: (r.skill_id, r.related_id)),
        ("collections", lambda r: (r.concept_id,)),
        ("tasks", lambda r: (r.concept_id,)),
        ("ratings", lambda r: (r.concept_id,)),
        ("technology", lambda r: (r.concept_id,)),
        ("broader", lambda r: (r.concept_id,)),
    ):
        rows = getattr(bundle, part)
        kept = [row for row in rows if all(end in defined for end in ends(row))]
        if len(kept) < len(rows):
            missing = sorted({e for row in rows for e in ends(row) if e not in defined})
            warnings.append(
                f"{len(rows) - len(kept)} {part} left out: they refer to {len(missing)} concept(s) "
                f"the release does not define (first: {', '.join(missing[:3])})"
            )
            setattr(bundle, part, kept)
    return warnings


# -- listing --------------------------------------------------------------------------------


def list_releases(*, uow: TaxonomyUnitOfWork) -> list[ReleaseInfo]:
    """Every stored release, newest import first."""
    with uow:
        return uow.taxonomy.releases()


def list_schemes(*, uow: TaxonomyUnitOfWork) -> list[Scheme]:
    """Every scheme a stored release provides."""
    with uow:
        return uow.taxonomy.schemes()


# -- finding --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConceptQuery:
    """A search for occupations or skills: by `text` (any stored language) or exact `code`."""

    text: str = ""
    code: str = ""
    schemes: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ConceptSearch:
    """A page of matches; when nothing matched, `suggestions` holds nearby spellings to try."""

    page: Page[Match]
    suggestions: list[str]


def find_occupations(
    query: ConceptQuery, *, cursor: str | None, limit: int | None, uow: TaxonomyUnitOfWork
) -> ConceptSearch:
    """Occupations (and occupation groups) matching `query`, best first, each with its ISCO-08 group."""
    return _find(query, OCCUPATION_KINDS, cursor, limit, uow, annotate=_with_isco)


def _with_isco(matches: list[Match], repository: TaxonomyRepository) -> list[Match]:
    groups = isco_groups(matches, repository)
    return [replace(m, isco=groups.get(m.concept.id)) for m in matches]


def isco_groups(matches: Collection[Match], repository: TaxonomyRepository) -> dict[str, ConceptRef]:
    """The ISCO-08 group of each matched occupation that has one, by concept id.

    ESCO occupations carry theirs (`iscoGroup`); ISCO groups are their own; other schemes
    use a direct mapping to ISCO-08 when one is stored (a national scheme's `isco08`).
    """
    codes: dict[str, str] = {}
    records = {r.concept.id: r for r in repository.records([m.concept.id for m in matches])}
    direct: dict[tuple[str, str], str] = {}
    for concept_id, record in records.items():
        concept = record.concept
        if concept.scheme == ISCO_08.code:
            codes[concept_id] = concept.code
        elif "isco_group" in concept.attributes:
            codes[concept_id] = str(concept.attributes["isco_group"])
        else:
            direct[(concept.scheme, concept.code)] = concept_id
    for stored in repository.mappings_touching(list(direct)) if direct else []:
        m = stored.mapping
        owner = direct.get((m.from_scheme, m.from_code))
        if m.to_scheme == ISCO_08.code and owner and owner not in codes:
            codes[owner] = m.to_code
    refs = repository.refs_by_code(ISCO_08.code, set(codes.values()))
    return {cid: refs[code] for cid, code in codes.items() if code in refs}


def find_skills(
    query: ConceptQuery, *, cursor: str | None, limit: int | None, uow: TaxonomyUnitOfWork
) -> ConceptSearch:
    """Skills, knowledge and skill groups matching `query`, best first."""
    return _find(query, SKILL_KINDS, cursor, limit, uow)


def _find(
    query: ConceptQuery,
    kinds: frozenset[ConceptKind],
    cursor: str | None,
    limit: int | None,
    uow: TaxonomyUnitOfWork,
    annotate: Callable[[list[Match], TaxonomyRepository], list[Match]] | None = None,
) -> ConceptSearch:
    """Search concepts of `kinds`; `annotate` adds to the matches of the page, in the same transaction."""
    if not query.text.strip() and not query.code.strip():
        raise Invalid("give text to search for (q) or a code (code)", field="q")
    context = f"{sorted(kinds)}|{query}"
    request = page_request(cursor, limit, context=context)
    with uow:
        schemes = _resolve_schemes(query.schemes, uow.taxonomy)
        if query.code.strip():
            records = uow.taxonomy.concepts_by_code(query.code.strip(), schemes=schemes, kinds=kinds)
            matches = [Match(r.ref, 1.0, r.concept.code, r.concept.language, LabelType.PREFERRED) for r in records]
        else:
            words = tokens(query.text)
            if not words:
                raise Invalid(f"{query.text!r} has no letters or digits to search for", field="q")
            hits = uow.taxonomy.label_hits(
                words, kinds=kinds, schemes=schemes, language=query.language, limit=_HIT_LIMIT
            )
            matches = rank(query.text, hits)[:MAX_TEXT_MATCHES]
        suggestions = [] if matches or not query.text.strip() else _spellings(query, kinds, schemes, uow.taxonomy)
        window = matches[request.offset : request.offset + request.size]
        if annotate is not None:
            window = annotate(window, uow.taxonomy)
    return ConceptSearch(make_page(window, len(matches), request, context=context), suggestions)


def _spellings(
    query: ConceptQuery, kinds: frozenset[ConceptKind], schemes: list[str], repository: TaxonomyRepository
) -> list[str]:
    """Nearby spellings of a query that found nothing, from labels sharing a word's first letters."""
    labels: list[str] = []
    for word in tokens(query.text):
        stem = word[:3] if len(word) > 3 else word[:2]
        hits = repository.label_hits([stem], kinds=kinds, schemes=schemes, language=query.language, limit=2_000)
        labels += [hit.text for hit in hits]
    return spelling_suggestions(query.text, labels)


def _resolve_schemes(asked: Collection[str], repository: TaxonomyRepository) -> list[str]:
    """Scheme codes for a search; `all` means every scheme (an empty list to the repository).

    None asked means the schemes of the default families; a deployment that stores none of
    them (say, O*NET alone) searches everything it has rather than nothing.
    """
    stored = repository.schemes()
    known = {s.code for s in stored}
    if not asked:
        return [s.code for s in stored if s.family in DEFAULT_FAMILIES]
    if [name.lower() for name in asked] == ["all"]:
        return []
    return [_scheme_name(name, known, "scheme") for name in asked]


# -- reading one ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConceptView:
    """One concept with its names and place in its hierarchy (root first in `path`)."""

    record: ConceptRecord
    labels: list[Label]
    path: list[ConceptRef]
    narrower: list[ConceptRef]
    collections: list[str]


@dataclass(frozen=True, slots=True)
class OccupationView:
    """An occupation with the skills it needs, its codes in other schemes and O*NET details."""

    concept: ConceptView
    essential_skills: list[LinkedConcept]
    optional_skills: list[LinkedConcept]
    crosswalks: list[CrosswalkAnswer]
    onet: OnetDetails


@dataclass(frozen=True, slots=True)
class SkillView:
    """A skill with its related skills."""

    concept: ConceptView
    related: list[LinkedConcept]


def get_occupation(concept_id: str, *, uow: TaxonomyUnitOfWork, crosswalk_to: Collection[str] = ()) -> OccupationView:
    """The occupation `concept_id` with skills, hierarchy and its codes in `crosswalk_to` schemes.

    Raises `NotFound` when no current release has it, or when the id is a skill's.
    """
    with uow:
        view = _concept_view(concept_id, OCCUPATION_KINDS, "occupation", uow.taxonomy)
        skills = uow.taxonomy.skills_of(concept_id)
        concept = view.record.concept
        answers = [
            _crosswalk(concept.uri or concept.code, concept.scheme, target, uow.taxonomy)
            for target in crosswalk_to
            if target != concept.scheme
        ]
        return OccupationView(
            view,
            [s for s in skills if s.relevance.value == "essential"],
            [s for s in skills if s.relevance.value == "optional"],
            [a for a in answers if a.routes],
            uow.taxonomy.onet_details(concept_id),
        )


def concept_labels(*, uow: TaxonomyUnitOfWork, concept_ids: Collection[str]) -> dict[str, str]:
    """Concept id -> label of the stored concepts among `concept_ids` (unknown ids are left out)."""
    if not concept_ids:
        return {}
    with uow:
        return {ref.id: ref.label for ref in uow.taxonomy.refs(list(concept_ids)).values()}


def get_skill(concept_id: str, *, uow: TaxonomyUnitOfWork) -> SkillView:
    """The skill `concept_id` with its hierarchy, collections and related skills."""
    with uow:
        view = _concept_view(concept_id, SKILL_KINDS, "skill", uow.taxonomy)
        return SkillView(view, uow.taxonomy.related_skills(concept_id))


def occupations_for_skill(
    concept_id: str, *, cursor: str | None, limit: int | None, uow: TaxonomyUnitOfWork
) -> Page[LinkedConcept]:
    """Occupations that need the skill, essential first."""
    context = f"skill-occupations|{concept_id}"
    request = page_request(cursor, limit, context=context)
    with uow:
        _concept_view(concept_id, SKILL_KINDS, "skill", uow.taxonomy)
        items, total = uow.taxonomy.occupations_needing(concept_id, request.offset, request.size)
    return make_page(items, total, request, context=context)


def _concept_view(
    concept_id: str, kinds: frozenset[ConceptKind], noun: str, repository: TaxonomyRepository
) -> ConceptView:
    record = repository.concept(concept_id)
    if record is None or record.concept.kind not in kinds:
        hint = " (it is a skill)" if record and noun == "occupation" else ""
        hint = " (it is an occupation)" if record and noun == "skill" else hint
        raise NotFound(f"no {noun} with id {concept_id!r} in the current releases{hint}")
    return ConceptView(
        record,
        repository.labels(concept_id),
        _path(concept_id, repository),
        repository.narrower(concept_id),
        repository.collections_of(concept_id),
    )


def _path(concept_id: str, repository: TaxonomyRepository) -> list[ConceptRef]:
    """Ancestors from the root down to the direct parent, following the first parent found."""
    path: list[ConceptRef] = []
    seen = {concept_id}
    current = concept_id
    while parents := [p for p in repository.broader_ids(current) if p not in seen]:
        refs = repository.refs(parents)
        if not refs:
            break
        parent = sorted(refs.values(), key=lambda r: (r.scheme, r.code))[0]
        path.insert(0, parent)
        seen.add(parent.id)
        current = parent.id
    return path


# -- crosswalks -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrosswalkTarget:
    """A code reached in the target scheme, the concept it names (when stored) and how."""

    code: str
    concept: ConceptRef | None
    route: Route


@dataclass(frozen=True, slots=True)
class CrosswalkAnswer:
    """The codes of `source` in `target_scheme`, best first."""

    source: ConceptRef | None
    source_scheme: str
    source_code: str
    target_scheme: str
    routes: list[CrosswalkTarget]


def crosswalk(code: str, from_scheme: str, to_scheme: str, *, uow: TaxonomyUnitOfWork) -> CrosswalkAnswer:
    """Translate `code` of `from_scheme` into `to_scheme`, chaining crosswalks as needed.

    Raises `Invalid` for an unknown scheme and `NotFound` when the code is in no crosswalk
    (with close codes as suggestions), never an empty answer.
    """
    with uow:
        return _crosswalk(code, from_scheme, to_scheme, uow.taxonomy, strict=True)


def _crosswalk(
    code: str, from_scheme: str, to_scheme: str, repository: TaxonomyRepository, *, strict: bool = False
) -> CrosswalkAnswer:
    schemes = repository.crosswalk_schemes() | {s.code for s in repository.schemes()}
    source_scheme, target_scheme = (
        _scheme_name(s, schemes, field) for s, field in ((from_scheme, "from"), (to_scheme, "to"))
    )
    source = repository.refs_by_code(source_scheme, [code]).get(code)
    start = code
    if source is not None and source_scheme == "esco-occupation":
        record = repository.concept(source.id)
        start = (record.concept.uri if record else None) or code
    routes = chain(
        (source_scheme, start),
        target_scheme,
        lambda nodes: [(m.mapping, m.crosswalk) for m in repository.mappings_touching(nodes)],
    )
    if strict and not routes:
        _explain_no_route(code, source_scheme, target_scheme, source, repository)
    concepts = repository.refs_by_code(target_scheme, [r.code for r in routes])
    targets = [CrosswalkTarget(r.code, concepts.get(r.code), r) for r in routes]
    return CrosswalkAnswer(source, source_scheme, code, target_scheme, targets)


def _scheme_name(name: str, known: set[str], field: str) -> str:
    """The scheme code `name` stands for (aliases allowed); raises `Invalid` with close names."""
    code = ALIASES.get(name.lower(), name.lower())
    if code not in known:
        raise Invalid(
            f"unknown scheme {name!r}; known schemes are {', '.join(sorted(known)) or 'none'}",
            field=field,
            suggestions=did_you_mean(name, known),
        )
    return code


def _explain_no_route(
    code: str, source_scheme: str, target_scheme: str, source: ConceptRef | None, repository: TaxonomyRepository
) -> None:
    if source is None and not repository.mappings_touching([(source_scheme, code)]):
        raise NotFound(
            f"{code!r} is not a code of {source_scheme} in any stored release or crosswalk",
            suggestions=_codes_like(code, source_scheme, repository),
        )
    raise NotFound(f"no crosswalk chain of up to 4 steps leads from {source_scheme} {code} to {target_scheme}")


def _codes_like(code: str, scheme: str, repository: TaxonomyRepository) -> list[str]:
    """Stored codes of `scheme` sharing the longest possible prefix with `code`, closest first."""
    for length in range(len(code), 1, -1):
        candidates = repository.codes_starting(scheme, code[:length], limit=50)
        if candidates:
            return did_you_mean(code, candidates, limit=5) or candidates[:5]
    return []
