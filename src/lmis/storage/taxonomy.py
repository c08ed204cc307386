"""SQL adapter of the taxonomy repository (SQLite and PostgreSQL, SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lmis.shared.progress import Progress
from lmis.shared.text import normalise
from lmis.storage import tables as t
from lmis.storage.time import aware
from lmis.taxonomy.model import (
    CodeMapping,
    Concept,
    ConceptKind,
    ConceptRecord,
    ConceptRef,
    Label,
    LabelHit,
    LabelType,
    MatchType,
    Rating,
    Release,
    ReleaseBundle,
    ReleaseInfo,
    Scheme,
    SkillRelevance,
    Task,
    TechnologySkill,
)
from lmis.taxonomy.ports import LinkedConcept, OnetDetails, StoredMapping

_CHUNK = 5_000
_IN_CHUNK = 500
_current = sa.select(t.taxonomy_release.c.id).where(t.taxonomy_release.c.current).scalar_subquery()


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ref(row: Any) -> ConceptRef:
    return ConceptRef(row.concept_id, row.code, row.scheme, row.label, row.release_id)


class SqlTaxonomyRepository:
    """The taxonomy repository on one open connection (the unit of work owns the transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    # -- writing ----------------------------------------------------------------------------

    def fingerprint_of(self, release_id: str) -> str | None:
        """See `TaxonomyRepository.fingerprint_of`."""
        query = sa.select(t.taxonomy_release.c.fingerprint).where(t.taxonomy_release.c.id == release_id)
        return self._db.execute(query).scalar_one_or_none()

    def release_with_fingerprint(self, fingerprint: str) -> str | None:
        """See `TaxonomyRepository.release_with_fingerprint`."""
        r = t.taxonomy_release.c
        return self._db.execute(sa.select(r.id).where(r.fingerprint == fingerprint)).scalars().first()

    def store_release(self, bundle: ReleaseBundle, fingerprint: str, imported_at: datetime, progress: Progress) -> None:
        """See `TaxonomyRepository.store_release`."""
        release = bundle.release
        for table in t.RELEASE_CONTENT:
            self._db.execute(table.delete().where(table.c.release_id == release.id))
        self._db.execute(t.taxonomy_release.delete().where(t.taxonomy_release.c.id == release.id))
        self._supersede({s.code for s in bundle.schemes})
        self._db.execute(
            t.taxonomy_release.insert(),
            {
                **_release_values(release),
                "fingerprint": fingerprint,
                "imported_at": imported_at,
                "current": True,
                "schemes": sorted(s.code for s in bundle.schemes),
                "concept_count": len(bundle.concepts),
                "mapping_count": len(bundle.mappings),
            },
        )
        for scheme in bundle.schemes:
            self._db.execute(t.taxonomy_scheme.delete().where(t.taxonomy_scheme.c.code == scheme.code))
            self._db.execute(t.taxonomy_scheme.insert(), _scheme_values(scheme))
        rows = list(_content_rows(bundle))
        progress.begin(f"Writing {release.id}", sum(len(r) for _, r in rows))
        for table, values in rows:
            for chunk in _chunks(values, _CHUNK):
                self._db.execute(table.insert(), list(chunk))
                progress.advance(len(chunk))
        for table in (t.taxonomy_label, t.taxonomy_concept):
            # Fresh statistics after a bulk load, so both planners pick the label and code indexes.
            self._db.execute(sa.text(f"ANALYZE {table.name}"))

    def _supersede(self, schemes: set[str]) -> None:
        if not schemes:
            return
        stored = self._db.execute(
            sa.select(t.taxonomy_release.c.id, t.taxonomy_release.c.schemes).where(t.taxonomy_release.c.current)
        )
        older = [row.id for row in stored if schemes & set(row.schemes)]
        if older:
            self._db.execute(
                t.taxonomy_release.update().where(t.taxonomy_release.c.id.in_(older)).values(current=False)
            )

    # -- releases and schemes ---------------------------------------------------------------

    def releases(self) -> list[ReleaseInfo]:
        """See `TaxonomyRepository.releases`."""
        query = sa.select(t.taxonomy_release).order_by(t.taxonomy_release.c.imported_at.desc(), t.taxonomy_release.c.id)
        return [
            ReleaseInfo(
                Release(r.id, r.family, r.version, r.title, r.publisher, r.licence, r.source),
                aware(r.imported_at),
                r.fingerprint,
                r.current,
                r.concept_count,
                r.mapping_count,
            )
            for r in self._db.execute(query)
        ]

    def schemes(self) -> list[Scheme]:
        """See `TaxonomyRepository.schemes`."""
        query = sa.select(t.taxonomy_scheme).order_by(t.taxonomy_scheme.c.code)
        return [Scheme(r.code, r.title, r.family) for r in self._db.execute(query)]

    def crosswalk_schemes(self) -> set[str]:
        """See `TaxonomyRepository.crosswalk_schemes`."""
        m = t.taxonomy_mapping.c
        query = sa.union(sa.select(m.from_scheme).distinct(), sa.select(m.to_scheme).distinct())
        return {row[0] for row in self._db.execute(query)}

    # -- finding concepts -------------------------------------------------------------------

    def label_hits(
        self,
        words: Sequence[str],
        *,
        kinds: Collection[ConceptKind],
        schemes: Collection[str],
        language: str | None,
        limit: int,
    ) -> list[LabelHit]:
        """See `TaxonomyRepository.label_hits`; shorter labels come first, as closer matches."""
        label, concept = t.taxonomy_label.c, t.taxonomy_concept.c
        query = (
            sa.select(
                label.concept_id,
                label.release_id,
                label.kind,
                label.text,
                label.language,
                label.label_type,
                concept.code,
                concept.scheme,
                concept.label,
            )
            .join_from(
                t.taxonomy_label,
                t.taxonomy_concept,
                sa.and_(concept.release_id == label.release_id, concept.concept_id == label.concept_id),
            )
            .where(label.release_id.in_(_current), label.kind.in_([k.value for k in kinds]))
            .order_by(sa.func.length(label.search_text), label.text)
            .limit(limit)
        )
        for word in words:
            query = query.where(label.search_text.like(_like(word), escape="\\"))
        if schemes:
            query = query.where(concept.scheme.in_(list(schemes)))
        if language:
            query = query.where(label.language == language)
        return [
            LabelHit(_ref(r), ConceptKind(r.kind), r.text, r.language, LabelType(r.label_type))
            for r in self._db.execute(query)
        ]

    def concepts_by_code(
        self, code: str, *, schemes: Collection[str], kinds: Collection[ConceptKind]
    ) -> list[ConceptRecord]:
        """See `TaxonomyRepository.concepts_by_code`."""
        c = t.taxonomy_concept.c
        query = (
            sa.select(t.taxonomy_concept)
            .where(c.release_id.in_(_current), sa.or_(c.code == code, c.uri == code))
            .where(c.kind.in_([k.value for k in kinds]))
            .order_by(c.scheme, c.code)
        )
        if schemes:
            query = query.where(c.scheme.in_(list(schemes)))
        return [_record(row) for row in self._db.execute(query)]

    def codes_starting(self, scheme: str, prefix: str, *, limit: int) -> list[str]:
        """See `TaxonomyRepository.codes_starting`."""
        c, m = t.taxonomy_concept.c, t.taxonomy_mapping.c
        pattern = _like(prefix)[1:]
        query = (
            sa.union(
                sa.select(c.code.label("code")).where(c.scheme == scheme, c.code.like(pattern, escape="\\")),
                sa.select(m.from_code).where(m.from_scheme == scheme, m.from_code.like(pattern, escape="\\")),
                sa.select(m.to_code).where(m.to_scheme == scheme, m.to_code.like(pattern, escape="\\")),
            )
            .order_by("code")
            .limit(limit)
        )
        return [row[0] for row in self._db.execute(query)]

    def concept(self, concept_id: str) -> ConceptRecord | None:
        """See `TaxonomyRepository.concept`."""
        c = t.taxonomy_concept.c
        query = sa.select(t.taxonomy_concept).where(c.concept_id == concept_id, c.release_id.in_(_current))
        row = self._db.execute(query).first()
        return _record(row) if row else None

    def refs(self, concept_ids: Collection[str]) -> dict[str, ConceptRef]:
        """See `TaxonomyRepository.refs`."""
        c = t.taxonomy_concept.c
        found: dict[str, ConceptRef] = {}
        for chunk in _chunks(sorted(set(concept_ids)), _IN_CHUNK):
            query = sa.select(c.concept_id, c.code, c.scheme, c.label, c.release_id).where(
                c.concept_id.in_(chunk), c.release_id.in_(_current)
            )
            found.update((row.concept_id, _ref(row)) for row in self._db.execute(query))
        return found

    def refs_by_code(self, scheme: str, codes: Collection[str]) -> dict[str, ConceptRef]:
        """See `TaxonomyRepository.refs_by_code`."""
        c = t.taxonomy_concept.c
        found: dict[str, ConceptRef] = {}
        for chunk in _chunks(sorted(set(codes)), _IN_CHUNK):
            query = sa.select(c.concept_id, c.code, c.uri, c.scheme, c.label, c.release_id).where(
                c.scheme == scheme, c.release_id.in_(_current), sa.or_(c.code.in_(chunk), c.uri.in_(chunk))
            )
            for row in self._db.execute(query):
                found[row.code if row.code in chunk else row.uri] = _ref(row)
        return found

    # -- one concept's neighbourhood --------------------------------------------------------

    def labels(self, concept_id: str) -> list[Label]:
        """See `TaxonomyRepository.labels`."""
        label = t.taxonomy_label.c
        query = (
            sa.select(label.language, label.label_type, label.text)
            .where(label.concept_id == concept_id, label.release_id.in_(_current))
            .order_by(label.language, label.label_type, label.text)
        )
        return [Label(concept_id, r.language, LabelType(r.label_type), r.text) for r in self._db.execute(query)]

    def broader_ids(self, concept_id: str) -> list[str]:
        """See `TaxonomyRepository.broader_ids`."""
        b = t.taxonomy_broader.c
        query = sa.select(b.broader_id).where(b.concept_id == concept_id, b.release_id.in_(_current))
        return sorted({row.broader_id for row in self._db.execute(query)})

    def narrower(self, concept_id: str) -> list[ConceptRef]:
        """See `TaxonomyRepository.narrower`."""
        b = t.taxonomy_broader.c
        query = sa.select(b.concept_id).where(b.broader_id == concept_id, b.release_id.in_(_current))
        refs = self.refs([row.concept_id for row in self._db.execute(query)])
        return sorted(refs.values(), key=lambda ref: (ref.code, ref.label))

    def skills_of(self, occupation_id: str) -> list[LinkedConcept]:
        """See `TaxonomyRepository.skills_of`."""
        o = t.taxonomy_occupation_skill.c
        query = sa.select(o.skill_id, o.relevance).where(o.occupation_id == occupation_id, o.release_id.in_(_current))
        links = [(row.skill_id, row.relevance) for row in self._db.execute(query)]
        return self._linked(links)

    def occupations_needing(self, skill_id: str, offset: int, limit: int) -> tuple[list[LinkedConcept], int]:
        """See `TaxonomyRepository.occupations_needing`."""
        o, c = t.taxonomy_occupation_skill.c, t.taxonomy_concept.c
        where = sa.and_(o.skill_id == skill_id, o.release_id.in_(_current))
        total = self._db.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        query = (
            sa.select(c.concept_id, c.code, c.scheme, c.label, c.release_id, o.relevance)
            .join_from(
                t.taxonomy_occupation_skill,
                t.taxonomy_concept,
                sa.and_(c.concept_id == o.occupation_id, c.release_id == o.release_id),
            )
            .where(where)
            .order_by(o.relevance, c.label, c.concept_id)
            .offset(offset)
            .limit(limit)
        )
        return [LinkedConcept(_ref(r), SkillRelevance(r.relevance)) for r in self._db.execute(query)], total

    def related_skills(self, skill_id: str) -> list[LinkedConcept]:
        """See `TaxonomyRepository.related_skills`."""
        s = t.taxonomy_skill_link.c
        current = s.release_id.in_(_current)
        forward = sa.select(s.related_id.label("other"), s.relevance).where(s.skill_id == skill_id, current)
        backward = sa.select(s.skill_id.label("other"), s.relevance).where(s.related_id == skill_id, current)
        links = [(row.other, row.relevance) for row in self._db.execute(sa.union(forward, backward))]
        return self._linked(links)

    def _linked(self, links: Iterable[tuple[str, str]]) -> list[LinkedConcept]:
        pairs = list(links)
        records = {r.concept.id: r for r in self.records([cid for cid, _ in pairs])}
        linked = [
            LinkedConcept(
                records[cid].ref, SkillRelevance(relevance), str(records[cid].concept.attributes.get("skill_type", ""))
            )
            for cid, relevance in pairs
            if cid in records
        ]
        return sorted(linked, key=lambda item: (item.relevance.value, item.concept.label))

    def records(self, concept_ids: Collection[str]) -> list[ConceptRecord]:
        """See `TaxonomyRepository.records`."""
        c = t.taxonomy_concept.c
        found: list[ConceptRecord] = []
        for chunk in _chunks(sorted(set(concept_ids)), _IN_CHUNK):
            query = sa.select(t.taxonomy_concept).where(c.concept_id.in_(chunk), c.release_id.in_(_current))
            found.extend(_record(row) for row in self._db.execute(query))
        return found

    def collections_of(self, concept_id: str) -> list[str]:
        """See `TaxonomyRepository.collections_of`."""
        m = t.taxonomy_collection.c
        query = sa.select(m.collection).where(m.concept_id == concept_id, m.release_id.in_(_current))
        return sorted({row.collection for row in self._db.execute(query)})

    def mappings_touching(self, nodes: Collection[tuple[str, str]]) -> list[StoredMapping]:
        """See `TaxonomyRepository.mappings_touching`."""
        m = t.taxonomy_mapping.c
        found: list[StoredMapping] = []
        for chunk in _chunks(sorted(set(nodes)), _IN_CHUNK):
            query = sa.select(t.taxonomy_mapping).where(
                m.release_id.in_(_current),
                sa.or_(sa.tuple_(m.from_scheme, m.from_code).in_(chunk), sa.tuple_(m.to_scheme, m.to_code).in_(chunk)),
            )
            found.extend(
                StoredMapping(
                    CodeMapping(r.from_scheme, r.from_code, r.to_scheme, r.to_code, MatchType(r.match), r.confidence),
                    r.release_id,
                )
                for r in self._db.execute(query)
            )
        return found

    def onet_details(self, concept_id: str) -> OnetDetails:
        """See `TaxonomyRepository.onet_details`."""
        task, tech, rating = t.onet_task.c, t.onet_technology.c, t.onet_rating.c
        tasks = self._db.execute(
            sa.select(task.task_id, task.statement, task.task_type)
            .where(task.concept_id == concept_id, task.release_id.in_(_current))
            .order_by(task.task_type, task.task_id)
        )
        technology = self._db.execute(
            sa.select(tech.example, tech.commodity_code, tech.commodity_title, tech.hot, tech.in_demand)
            .where(tech.concept_id == concept_id, tech.release_id.in_(_current))
            .order_by(tech.hot.desc(), tech.example)
        )
        ratings = self._db.execute(
            sa.select(
                rating.domain, rating.element_id, rating.element_name, rating.scale, rating.value, rating.suppress
            )
            .where(rating.concept_id == concept_id, rating.release_id.in_(_current))
            .order_by(rating.domain, rating.scale, rating.value.desc())
        )
        return OnetDetails(
            [Task(concept_id, r.task_id, r.statement, r.task_type) for r in tasks],
            [
                TechnologySkill(concept_id, r.example, r.commodity_code, r.commodity_title, r.hot, r.in_demand)
                for r in technology
            ],
            [Rating(concept_id, r.domain, r.element_id, r.element_name, r.scale, r.value, r.suppress) for r in ratings],
        )


def _scheme_values(scheme: Scheme) -> dict[str, str]:
    """The row of `taxonomy_scheme` for a scheme."""
    return {"code": scheme.code, "title": scheme.title, "family": scheme.family}


def _release_values(release: Release) -> dict[str, str]:
    return {
        "id": release.id,
        "family": release.family,
        "version": release.version,
        "title": release.title,
        "publisher": release.publisher,
        "licence": release.licence,
        "source": release.source,
    }


def _record(row: sa.Row[Any]) -> ConceptRecord:
    concept = Concept(
        row.concept_id,
        row.scheme,
        row.code,
        ConceptKind(row.kind),
        row.label,
        row.language,
        row.uri,
        row.description,
        row.status,
        row.replaced_by,
        dict(row.attributes or {}),
    )
    return ConceptRecord(concept, row.release_id)


def _content_rows(bundle: ReleaseBundle) -> Iterator[tuple[sa.Table, list[dict[str, Any]]]]:
    rid = bundle.release.id
    kinds = {c.id: c.kind.value for c in bundle.concepts}
    yield (
        t.taxonomy_concept,
        [
            {
                "release_id": rid,
                "concept_id": c.id,
                "scheme": c.scheme,
                "code": c.code,
                "kind": c.kind.value,
                "label": c.label,
                "language": c.language,
                "uri": c.uri,
                "description": c.description,
                "status": c.status,
                "replaced_by": c.replaced_by,
                "attributes": dict(c.attributes),
            }
            for c in bundle.concepts
        ],
    )
    unique_labels = dict.fromkeys((lb.concept_id, lb.language, lb.label_type, lb.text) for lb in bundle.labels)
    yield (
        t.taxonomy_label,
        [
            {
                "release_id": rid,
                "concept_id": cid,
                "kind": kinds[cid],
                "language": language,
                "label_type": label_type.value,
                "text": text,
                "search_text": normalise(text),
            }
            for cid, language, label_type, text in unique_labels
        ],
    )
    yield (
        t.taxonomy_broader,
        [
            {"release_id": rid, "concept_id": cid, "broader_id": bid}
            for cid, bid in dict.fromkeys((b.concept_id, b.broader_id) for b in bundle.broader)
        ],
    )
    yield (
        t.taxonomy_occupation_skill,
        [
            {
                "release_id": rid,
                "occupation_id": r.occupation_id,
                "skill_id": r.skill_id,
                "relevance": r.relevance.value,
            }
            for r in bundle.occupation_skills
        ],
    )
    yield (
        t.taxonomy_skill_link,
        [
            {"release_id": rid, "skill_id": r.skill_id, "related_id": r.related_id, "relevance": r.relevance.value}
            for r in bundle.skill_links
        ],
    )
    yield (
        t.taxonomy_collection,
        [{"release_id": rid, "collection": m.collection, "concept_id": m.concept_id} for m in bundle.collections],
    )
    yield (
        t.onet_task,
        [
            {
                "release_id": rid,
                "concept_id": k.concept_id,
                "task_id": k.task_id,
                "statement": k.statement,
                "task_type": k.task_type,
            }
            for k in bundle.tasks
        ],
    )
    yield (
        t.onet_rating,
        [
            {
                "release_id": rid,
                "concept_id": r.concept_id,
                "domain": r.domain,
                "element_id": r.element_id,
                "element_name": r.element_name,
                "scale": r.scale,
                "value": r.value,
                "suppress": r.suppress,
            }
            for r in bundle.ratings
        ],
    )
    yield (
        t.onet_technology,
        [
            {
                "release_id": rid,
                "concept_id": k.concept_id,
                "example": k.example,
                "commodity_code": k.commodity_code,
                "commodity_title": k.commodity_title,
                "hot": k.hot,
                "in_demand": k.in_demand,
            }
            for k in bundle.technology
        ],
    )
    yield (
        t.taxonomy_mapping,
        [
            {
                "release_id": rid,
                "from_scheme": m.from_scheme,
                "from_code": m.from_code,
                "to_scheme": m.to_scheme,
                "to_code": m.to_code,
                "match": m.match.value,
                "confidence": m.confidence,
            }
            for m in bundle.mappings
        ],
    )
