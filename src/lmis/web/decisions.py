"""Staff decisions on the review and moderation queues, shared by the API and the portal.

Reviewers and moderators are signed-in staff whose role grants the permission; the account's
name and id are recorded as the reviewer or moderator.
"""

from __future__ import annotations

from lmis.bootstrap import Services
from lmis.enrich import services as enrichment
from lmis.enrich.model import CodingReview, ModerationCase
from lmis.identity.model import Permission, Principal
from lmis.shared.errors import Invalid, LmisError
from lmis.taxonomy import services as taxonomy
from lmis.taxonomy.schemes import ESCO_OCCUPATION
from lmis.taxonomy.services import ConceptQuery


def staff_name(principal: Principal, permission: Permission) -> str:
    """How a decision records its maker ("Ana Kim <account:ab12…>"); `Forbidden` without `permission`."""
    principal.require(permission)
    return f"{principal.name} <{principal.audit_name}>"


def occupation_id(named: str, services: Services) -> str:
    """The stored id of the ESCO occupation a reviewer names by its id, ESCO code (e.g. 2221.2) or URI."""
    text = named.strip()
    if not text:
        raise Invalid("choose one of the candidates or name an ESCO occupation", field="concept_id")
    query = ConceptQuery(code=text, schemes=(ESCO_OCCUPATION.code,))
    try:
        found = taxonomy.find_occupations(query, cursor=None, limit=2, uow=services.uow()).page.items
    except LmisError:  # no ESCO stored: the id is checked (and refused) by the decision itself
        return text
    return found[0].concept.id if len(found) == 1 else text


def decide_review(services: Services, review_id: str, named: str, *, principal: Principal) -> CodingReview:
    """A reviewer's occupation for a review (named as `occupation_id` reads it); the running coder
    learns the new coded example at once."""
    reviewer = staff_name(principal, Permission.REVIEW_CODES)
    return enrichment.decide_review(
        review_id,
        occupation_id(named, services),
        reviewer=reviewer,
        uow=services.uow(),
        taxonomy_uow=services.uow(),
        now=services.now,
        learn=services.enricher.learn,
    )


def decide_case(services: Services, case_id: str, decision: str, note: str, *, principal: Principal) -> ModerationCase:
    """A moderator's judgement of a moderation case: fraud (the ad closes) or legitimate."""
    moderator = staff_name(principal, Permission.MODERATE_POSTINGS)
    return enrichment.decide_case(
        case_id, decision, moderator=moderator, note=note, uow=services.uow(), now=services.now
    )
