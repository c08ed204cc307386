"""What the recommendation tests share: postings coded to chosen occupations and skills, and seekers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lmis.bootstrap import Services
from lmis.ingest.validation import posting_id
from lmis.jobs.model import ChangeKind
from lmis.taxonomy.model import SkillRelevance
from lmis.taxonomy.schemes import ESCO_OCCUPATION, concept_id
from tests.e2e.enrichment_app import ingest

ESCO = "http://data.europa.eu/esco/occupation/"
NURSE = concept_id(ESCO_OCCUPATION.code, ESCO + "8d3e8aaa-791b-4c75-a465-f3f827028f50")  # ISCO 2221
ADVANCED_NURSE = concept_id(ESCO_OCCUPATION.code, ESCO + "36494988-69d2-4420-9db4-eb56605ac983")  # ISCO 2221
DEVELOPER = concept_id(ESCO_OCCUPATION.code, ESCO + "f2b15a0e-e65a-438a-affb-29b9d50b77d1")  # ISCO 2512
ISCO = {NURSE: "2221", ADVANCED_NURSE: "2221", DEVELOPER: "2512"}


def essential_skills(services: Services, occupation: str) -> list[str]:
    """The occupation's essential skill ids in the sample taxonomy, in a stable order."""
    with services.uow() as uow:
        linked = uow.taxonomy.skills_of(occupation)
    return sorted(link.concept.id for link in linked if link.relevance is SkillRelevance.ESSENTIAL)


def ad(external_id: str, title: str, locality: str, country: str, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": title,
        "description": extra.pop("description", f"<p>{title}: details to follow.</p>"),
        "employer": {"name": extra.pop("employer", "Demo Hospital")},
        "address": {"locality": locality, "country": country},
        "date_posted": extra.pop("date_posted", "2026-11-20"),
        **extra,
    }


def post_coded(services: Services, source: str, coded: list[tuple[dict[str, Any], str, list[str]]]) -> list[str]:
    """Ingest the ads, then give each the (occupation, skills) coding a test needs; returns posting ids."""
    ingest(services, source, [record for record, _, _ in coded])
    ids = [posting_id(source, record["external_id"]) for record, _, _ in coded]
    with services.uow() as uow:
        found = uow.jobs.get_many(ids)
        changed = []
        for pid, (_, occupation, skills) in zip(ids, coded, strict=True):
            posting = found[pid]
            derived = {
                **posting.derived,
                "occupation": {"concept_id": occupation, "isco_code": ISCO[occupation]},
                "skills": {"items": [{"skill_id": s} for s in skills]},
            }
            changed.append((replace(posting, derived=derived), ChangeKind.UPDATED))
        uow.jobs.save(changed, services.now())
        uow.commit()
    services.search.sync(services.now)
    return ids
