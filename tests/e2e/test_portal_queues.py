"""The portal over HTTP: what a posting page shows of enrichment, vacancies, and the review and moderation queues."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import (
    CODING,
    EVERY_STEP,
    NURSE,
    RULES_ONLY,
    SCAM,
    App,
    app_with,
    ingest,
)
from tests.identities import make_account, sign_in_browser

from lmis.bootstrap import Services
from lmis.enrich import services as enrichment
from lmis.enrich.model import ModerationStatus, ReviewStatus
from lmis.identity.model import Role
from lmis.ingest.validation import posting_id
from lmis.jobs import services as jobs

KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}
portal_with = pytest.fixture(name="portal_with")(app_with)


def page(client: TestClient, path: str, status: int = 200, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def text_of(html: str) -> str:
    """The page's text with tags removed and white space folded, for phrase checks."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_navigation_links_both_queues_for_staff_only_and_empty_queues_say_so(portal_with: App) -> None:
    client, services = portal_with(RULES_ONLY)
    anonymous = page(client, "/")
    assert '<a href="/review"' not in anonymous
    assert '<a href="/moderation"' not in anonymous
    sign_in_browser(client, services, make_account(services, Role.ANALYST, "Sri Wahyuni"))
    analyst = page(client, "/")
    assert '<a href="/review"' in analyst
    assert '<a href="/moderation"' not in analyst  # analysts review codes but do not moderate
    sign_in_browser(client, services, make_account(services, Role.COUNSELLOR, "Ana Kim"))
    home = page(client, "/")
    assert '<a href="/review"' in home
    assert '<a href="/moderation"' in home
    assert "Nothing waits for review." in page(client, "/review")
    assert "심사를 기다리는 공고가 없습니다." in page(client, "/moderation", **KOREAN)
    assert "no occupation review" in page(client, "/review/nope", 404)
    assert "no vacancy cluster" in page(client, "/vacancies/nope", 404)


def test_the_posting_page_shows_what_enrichment_read_from_the_advert_in_english_and_korean(
    portal_with: App,
) -> None:
    client, services = portal_with(EVERY_STEP)
    ingest(services, "board-a", [{"external_id": "A-1", **NURSE}])
    ingest(services, "board-b", [{"external_id": "B-1", **NURSE}])
    english = text_of(page(client, f"/postings/{posting_id('board-b', 'B-1')}"))
    assert "What LMIS read from this advert" in english
    assert "ISCO-08 2221" in english
    assert "read from the title “Staff nurse”" in english
    assert "South Korea Seoul" in english
    assert "KRW 3,000,000 per month" in english
    assert "Equivalent: KRW 36,000,000 per year" in english
    assert "Python optional" in english
    assert "Also posted on 1 other site." in english
    cluster = jobs.get_posting(posting_id("board-b", "B-1"), uow=services.uow()).derived["cluster"]
    assert f'href="/vacancies/{cluster["cluster_id"]}"' in page(client, f"/postings/{posting_id('board-b', 'B-1')}")
    korean = text_of(page(client, f"/postings/{posting_id('board-b', 'B-1')}", **KOREAN))
    assert "LMIS가 이 공고에서 읽어 낸 정보" in korean
    assert "다른 사이트 1곳에도 게시되었습니다." in korean
    assert "Python 우대" in korean


def test_a_scam_advert_warns_readers_and_lists_its_fraud_flags(portal_with: App) -> None:
    client, services = portal_with(RULES_ONLY)
    ingest(services, "board", [{"external_id": "S-1", **SCAM}])
    html = page(client, f"/postings/{posting_id('board', 'S-1')}")
    assert "Be careful: this advert shows signs of a job scam." in html
    assert "Asks for a fee up front: <q>registration fee</q>" in html
    assert "Moves contact off the platform" in html
    assert "선입금이나 수수료를 요구함" in page(client, f"/postings/{posting_id('board', 'S-1')}", **KOREAN)


def test_the_vacancy_page_lists_every_posting_of_the_vacancy(portal_with: App) -> None:
    client, services = portal_with(RULES_ONLY)
    advert = {
        "title": "Warehouse operative",
        "description": "<p>Pick and pack orders in our Leeds warehouse. Forklift licence welcome. Day shifts.</p>",
        "employer": {"name": "Demo Logistics Ltd"},
    }
    ingest(services, "board-a", [{"external_id": "A-1", "date_posted": "2026-10-01", **advert}])
    ingest(services, "board-b", [{"external_id": "B-7", "date_posted": "2026-10-03", **advert}])
    cluster = jobs.get_posting(posting_id("board-b", "B-7"), uow=services.uow()).derived["cluster"]
    html = page(client, f"/vacancies/{cluster['cluster_id']}")
    assert f'<a href="/postings/{posting_id("board-a", "A-1")}">Warehouse operative</a>' in html
    assert f'<a href="/postings/{posting_id("board-b", "B-7")}">Warehouse operative</a>' in html
    assert '<th scope="col">' in html
    assert "board-a, board-b" in text_of(html)
    assert "same text" in html
    korean = text_of(page(client, f"/vacancies/{cluster['cluster_id']}", **KOREAN))
    assert "하나의 채용과 그 모든 공고" in korean


def test_a_reviewer_decides_through_the_review_form_without_javascript(portal_with: App) -> None:
    client, services = portal_with(CODING)
    ingest(services, "board", [{"external_id": "N-1", **NURSE}])
    reviews, _total = enrichment.list_reviews(status=ReviewStatus.OPEN, offset=0, limit=10, uow=services.uow())
    review = reviews[0]
    queue = page(client, "/review")
    assert f'<a href="/review/{review.id}">Staff nurse (night shift)</a>' in queue
    assert '<th scope="col">Confidence</th>' in queue
    assert "직업 검토 대기열" in page(client, "/review", **KOREAN)
    form = page(client, f"/review/{review.id}")
    candidates = [str(c["concept_id"]) for c in review.candidates]
    for concept_id in candidates:
        assert f'name="concept_id" value="{concept_id}"' in form
    assert 'type="password"' not in form
    sign_in_link = f'<a href="/sign-in?next=/review/{review.id}">Sign in as a reviewer to save a decision.</a>'
    assert sign_in_link in form
    chosen = candidates[1]
    _only_a_signed_in_reviewer_may_decide(client, services, review.id, chosen)
    token = sign_in_browser(client, services, make_account(services, Role.COUNSELLOR, "Ana Kim"))
    assert "Sign in as a reviewer" not in page(client, f"/review/{review.id}")
    unchosen = client.post(f"/review/{review.id}", data={"csrf_token": token})
    assert unchosen.status_code == 422
    assert "choose one of the candidates" in unchosen.text
    decision = {"concept_id": chosen, "csrf_token": token}
    saved = client.post(f"/review/{review.id}", data=decision, follow_redirects=False)
    assert (saved.status_code, saved.headers["location"]) == (303, f"/review?decided={review.id}")
    after = page(client, saved.headers["location"])
    assert "Your decision was saved." in after
    assert "Nothing waits for review." in after
    posting = text_of(page(client, f"/postings/{posting_id('board', 'N-1')}"))
    assert "Chosen by a reviewer." in posting
    decided = page(client, f"/review/{review.id}")
    assert 'name="concept_id"' not in decided
    assert f'href="/occupations/{chosen}"' in decided
    twice = client.post(f"/review/{review.id}", data=decision)
    assert twice.status_code == 409
    assert "already decided" in twice.text


def _only_a_signed_in_reviewer_may_decide(client: TestClient, services: Services, review_id: str, chosen: str) -> None:
    token = sign_in_browser(client, services, None)
    anonymous = client.post(f"/review/{review_id}", data={"concept_id": chosen, "csrf_token": token})
    assert anonymous.status_code == 403
    assert f'<a href="/sign-in?next=/review/{review_id}">Sign in as a reviewer' in anonymous.text
    assert 'role="alert"' in anonymous.text
    assert f'value="{chosen}" aria-describedby="candidate-2-evidence" checked' in anonymous.text
    korean = client.post(f"/review/{review_id}", data={"csrf_token": token}, headers=KOREAN)
    assert "검토자로 로그인" in korean.text
    token = sign_in_browser(client, services, make_account(services, Role.JOBSEEKER))
    jobseeker = client.post(f"/review/{review_id}", data={"concept_id": chosen, "csrf_token": token})
    assert jobseeker.status_code == 403
    assert "Your account may not review occupations." in jobseeker.text


def test_a_moderator_judges_an_advert_through_the_moderation_form(portal_with: App) -> None:
    client, services = portal_with(RULES_ONLY)
    ingest(services, "board", [{"external_id": "S-1", **SCAM}])
    cases, _total = enrichment.list_cases(status=ModerationStatus.OPEN, offset=0, limit=10, uow=services.uow())
    case = cases[0]
    queue = page(client, "/moderation")
    assert f'<a href="/moderation/{case.id}">Data entry from home</a>' in queue
    assert "Asks for a fee up front: <q>registration fee</q>" in queue
    assert "공고 심사 대기열" in page(client, "/moderation", **KOREAN)
    form = page(client, f"/moderation/{case.id}")
    assert "Pay a small <mark>registration fee</mark> of $50" in form
    assert '<th scope="row">Asks for a fee up front</th>' in form
    assert 'name="decision" value="fraud"' in form
    token = sign_in_browser(client, services, make_account(services, Role.ANALYST))
    refused = client.post(f"/moderation/{case.id}", data={"decision": "fraud", "csrf_token": token})
    assert (refused.status_code, "Your account may not moderate adverts." in refused.text) == (403, True)
    token = sign_in_browser(client, services, make_account(services, Role.COUNSELLOR, "Budi Santoso"))
    undecided = client.post(f"/moderation/{case.id}", data={"csrf_token": token})
    assert (undecided.status_code, "choose fraud or legitimate" in undecided.text) == (422, True)
    saved = client.post(
        f"/moderation/{case.id}",
        data={"decision": "fraud", "note": "asks for a fee", "csrf_token": token},
        follow_redirects=False,
    )
    assert (saved.status_code, saved.headers["location"]) == (303, f"/moderation?decided={case.id}")
    after = page(client, saved.headers["location"])
    assert "Your decision was saved." in after
    assert "fraud; the advert is closed." in after
    posting = text_of(page(client, f"/postings/{posting_id('board', 'S-1')}"))
    assert "This vacancy is closed." in posting
    assert "A moderator judged this advert fraudulent." in posting
    assert "Be careful" in posting  # still a scam: readers of the closed advert are warned
    twice = client.post(f"/moderation/{case.id}", data={"decision": "legitimate", "csrf_token": token})
    assert twice.status_code == 409
