"""Staff decisions on the review and moderation queues, shared by the API and the portal.

Until accounts exist (identity issue), staff are whoever holds a token of `LMIS_STAFF_TOKENS`;
the token's name is recorded as the reviewer or moderator.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from lmis.bootstrap import Services
from lmis.enrich import services as enrichment
from lmis.enrich.model import CodingReview, ModerationCase
from lmis.shared.errors import Invalid, LmisError, Unauthorised
from lmis.taxonomy import services as taxonomy
from lmis.taxonomy.schemes import ESCO_OCCUPATION
from lmis.taxonomy.services import ConceptQuery


def staff_member(token: str | None, tokens: Mapping[str, str]) -> str:
    """The name whose staff token `token` is; raises `Unauthorised` when it is nobody's.

    Every configured token is compared in constant time over SHA-256 digests, so neither the
    length of a token nor which entry matched shows in the response time.
    """
    given = hashlib.sha256((token or "").encode()).digest()
    member = None
    for name, expected in tokens.items():
        if hmac.compare_digest(given, hashlib.sha256(expected.encode()).digest()) and expected:
            member = name
    if not token or member is None:
        raise Unauthorised("the review and moderation queues need 'Authorization: Bearer <token>' with a staff token")
    return member


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


def decide_review(services: Services, review_id: str, named: str, *, reviewer: str) -> CodingReview:
    """`reviewer`'s occupation for a review (named as `occupation_id` reads it); the running coder
    learns the new coded example at once."""
    return enrichment.decide_review(
        review_id,
        occupation_id(named, services),
        reviewer=reviewer,
        uow=services.uow(),
        taxonomy_uow=services.uow(),
        now=services.now,
        learn=services.enricher.learn,
    )


def decide_case(services: Services, case_id: str, decision: str, note: str, *, moderator: str) -> ModerationCase:
    """`moderator`'s judgement of a moderation case: fraud (the ad closes) or legitimate."""
    return enrichment.decide_case(
        case_id, decision, moderator=moderator, note=note, uow=services.uow(), now=services.now
    )
