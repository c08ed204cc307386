"""Enrichment over HTTP: describing documents, vacancies, and the staff review and moderation queues."""

from __future__ import annotations

from typing import Any

import pytest
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
from tests.identities import staff_headers

from lmis.ingest.validation import posting_id

client_with = pytest.fixture(name="client_with")(app_with)


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_describing_documents_returns_every_step_with_its_trace_or_the_problems_and_stores_nothing(
    client_with: App,
) -> None:
    client, services = client_with(EVERY_STEP)
    body = ok(client.post("/api/v1/enrich", json={"documents": [NURSE, {"description": "no title"}, "text"]}))
    good, untitled, not_an_object = body["results"]
    assert good["index"] == 0
    derived = good["derived"]
    assert set(derived) == {"salary", "place", "occupation", "skills", "cluster", "fraud"}
    assert (derived["salary"]["monthly_min"], derived["salary"]["period"]) == (3_000_000, "month")
    assert derived["place"]["country"]["id"] == "KR"
    assert derived["place"]["method"]
    occupation = derived["occupation"]
    assert occupation["isco_code"] == "2221"
    assert occupation["read_from"] == {"field": "title", "text": "Staff nurse"}
    assert occupation["evidence"]
    assert 1 <= len(occupation["candidates"]) <= 5
    assert occupation["taxonomy_release"] == "esco-1.1.1"
    text = "We need a registered nurse. You must have patient care experience. Python is a plus."
    items = derived["skills"]["items"]
    assert items
    for item in items:
        span = item["read_from"]
        assert text[span["start"] : span["end"]] == item["text"]
    assert {"label": "Python", "requirement": "optional"}.items() <= next(
        item for item in items if item["label"] == "Python"
    ).items()
    assert derived["cluster"]["matched_id"] is None
    assert derived["fraud"]["flags"] == []
    assert untitled == {"index": 1, "problems": [{"field": "title", "value": "", "rule": "is required"}]}
    assert not_an_object["index"] == 2
    assert not_an_object["problems"][0]["rule"] == "must be a JSON object, not str"
    assert ok(client.get("/api/v1/postings"))["total"] == 0
    assert ok(client.get("/api/v1/reviews", headers=staff_headers(services)))["total"] == 0


def test_a_request_chooses_lexical_or_semantic_skill_extraction_and_says_which_it_got(client_with: App) -> None:
    client, _services = client_with(["skills"])
    ad = {
        "title": "Nurse",
        "description": "<p>You will deliver professional nursing care to patients. Python is a plus.</p>",
    }

    def skills(mode: str) -> dict[str, Any]:
        body = ok(client.post("/api/v1/enrich", json={"documents": [ad], "skill_extraction": mode}))
        found: dict[str, Any] = body["results"][0]["derived"]["skills"]
        return found

    lexical, semantic = skills("lexical"), skills("semantic")
    assert lexical["method"].endswith("/lexical")
    assert semantic["method"].endswith("/semantic")
    assert {item["evidence"] for item in lexical["items"]} <= {"lexical"}
    assert len(semantic["items"]) > len(lexical["items"])  # sentence similarity finds what no label spells out
    refused = client.post("/api/v1/enrich", json={"documents": [ad], "skill_extraction": "magic"})
    assert refused.status_code == 422


def test_more_than_a_hundred_documents_is_a_422_that_says_to_split_the_batch(client_with: App) -> None:
    client, _services = client_with(RULES_ONLY)
    response = client.post("/api/v1/enrich", json={"documents": [{"title": "Nurse"}] * 101})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == "documents"
    assert "at most 100 documents, got 101; split the batch" in problem["detail"]
    assert client.post("/api/v1/enrich", json={"documents": []}).status_code == 422
    assert client.post("/api/v1/enrich", json=[{"title": "Nurse"}]).status_code == 422
    assert len(ok(client.post("/api/v1/enrich", json={"documents": [{"title": "Nurse"}] * 100}))["results"]) == 100


def test_an_advert_asking_for_a_fee_up_front_and_a_whatsapp_chat_gets_fraud_flags_with_their_evidence(
    client_with: App,
) -> None:
    client, _services = client_with(RULES_ONLY)
    fraud = ok(client.post("/api/v1/enrich", json={"documents": [SCAM]}))["results"][0]["derived"]["fraud"]
    flags = {flag["flag"]: flag for flag in fraud["flags"]}
    assert {"upfront_fee", "off_platform_contact"} <= set(flags)
    assert fraud["score"] >= 0.5
    fee = flags["upfront_fee"]
    assert fee["evidence"] == "registration fee"
    assert fee["field"] == "description_text"
    assert fee["end"] - fee["start"] == len("registration fee")
    assert "WhatsApp" in flags["off_platform_contact"]["evidence"]
    assert (fraud["method"], fraud["version"]) == ("fraud-rules-1", "weights-default-1")


def test_a_reviewer_recodes_an_uncertain_occupation_and_the_coder_learns_from_it(client_with: App) -> None:
    client, services = client_with(CODING)
    ingest(services, "board", [{"external_id": "N-1", **NURSE}, {"external_id": "N-2", "title": "Care nurse"}])
    assert client.get("/api/v1/reviews").status_code == 401
    wrong = client.get("/api/v1/reviews", headers={"Authorization": "Bearer guess"})
    assert (wrong.status_code, wrong.headers["www-authenticate"]) == (401, "Bearer")
    queue = ok(client.get("/api/v1/reviews", headers=staff_headers(services)))
    assert queue["total"] >= 1
    confidences = [item["confidence"] for item in queue["items"]]
    assert confidences == sorted(confidences)  # least confident first
    review = next(item for item in queue["items"] if item["posting_id"] == posting_id("board", "N-1"))
    assert review["status"] == "open"
    assert all(c["evidence"] and c["isco_code"] for c in review["candidates"])
    assert ok(client.get(f"/api/v1/reviews/{review['id']}", headers=staff_headers(services))) == review
    # The reviewer picks a candidate the coder did not rank first.
    chosen = review["candidates"][1]["concept_id"]
    path = f"/api/v1/reviews/{review['id']}/decision"
    assert client.post(path, json={"concept_id": chosen}).status_code == 401
    unknown = client.post(path, json={"concept_id": "no-such-occupation"}, headers=staff_headers(services))
    assert (unknown.status_code, unknown.json()["field"]) == (422, "concept_id")
    decided = ok(client.post(path, json={"concept_id": chosen}, headers=staff_headers(services)))
    assert (decided["status"], decided["chosen_concept_id"]) == ("decided", chosen)
    assert decided["reviewer"].startswith("Ana <account:")  # the signed-in reviewer's name and account
    occupation = ok(client.get(f"/api/v1/postings/{posting_id('board', 'N-1')}"))["derived"]["occupation"]
    assert (occupation["concept_id"], occupation["method"], occupation["confidence"]) == (chosen, "review", 1.0)
    open_ids = [item["id"] for item in ok(client.get("/api/v1/reviews", headers=staff_headers(services)))["items"]]
    assert review["id"] not in open_ids
    done = ok(client.get("/api/v1/reviews?status=decided", headers=staff_headers(services)))
    assert [item["id"] for item in done["items"]] == [review["id"]]
    again = client.post(path, json={"concept_id": chosen}, headers=staff_headers(services))
    assert (again.status_code, again.headers["content-type"]) == (409, "application/problem+json")
    # The running coder learnt the decision as a coded example: the same title now codes to the choice.
    described = ok(client.post("/api/v1/enrich", json={"documents": [NURSE]}))["results"][0]["derived"]
    assert described["occupation"]["concept_id"] == chosen


def test_a_reviewer_may_name_any_esco_occupation_by_its_code_or_uri(client_with: App) -> None:
    client, services = client_with(CODING)
    ingest(services, "board", [{"external_id": "N-1", **NURSE}])
    review = ok(client.get("/api/v1/reviews", headers=staff_headers(services)))["items"][0]
    uri = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"  # software developer
    decided = ok(
        client.post(
            f"/api/v1/reviews/{review['id']}/decision", json={"concept_id": uri}, headers=staff_headers(services)
        )
    )
    occupation = ok(client.get(f"/api/v1/postings/{posting_id('board', 'N-1')}"))["derived"]["occupation"]
    assert occupation["concept_id"] == decided["chosen_concept_id"]
    assert occupation["isco_code"] == "2512"


def test_an_unknown_queue_status_is_a_422_with_did_you_mean_and_unknown_items_are_404(client_with: App) -> None:
    client, services = client_with(RULES_ONLY)
    reviews = client.get("/api/v1/reviews?status=opn", headers=staff_headers(services))
    assert reviews.status_code == 422
    assert (reviews.json()["field"], reviews.json()["suggestions"]) == ("status", ["open"])
    cases = client.get("/api/v1/moderation?status=fruad", headers=staff_headers(services))
    assert (cases.status_code, cases.json()["suggestions"][0]) == (422, "fraud")
    assert client.get("/api/v1/reviews/nope", headers=staff_headers(services)).status_code == 404
    assert client.get("/api/v1/moderation/nope", headers=staff_headers(services)).status_code == 404
    assert client.get("/api/v1/reviews?limit=101", headers=staff_headers(services)).status_code == 422


def test_a_moderator_judges_a_scam_advert_and_it_is_closed(client_with: App) -> None:
    client, services = client_with(RULES_ONLY)
    honest = {"title": "Night porter", "description": "<p>Hotel night porter, 40 hours a week.</p>", "employer": "Inn"}
    ingest(services, "board", [{"external_id": "S-1", **SCAM}, {"external_id": "H-1", **honest}])
    assert client.get("/api/v1/moderation").status_code == 401
    queue = ok(client.get("/api/v1/moderation", headers=staff_headers(services)))
    assert queue["total"] == 1
    case = queue["items"][0]
    assert case["posting_id"] == posting_id("board", "S-1")
    assert {"upfront_fee", "off_platform_contact"} <= {flag["flag"] for flag in case["flags"]}
    assert all(flag["evidence"] for flag in case["flags"])
    path = f"/api/v1/moderation/{case['id']}/decision"
    assert client.post(path, json={"decision": "fraud"}).status_code == 401
    typo = client.post(path, json={"decision": "fraudulent"}, headers=staff_headers(services))
    assert (typo.status_code, typo.json()["suggestions"][0]) == (422, "fraud")
    judged = ok(client.post(path, json={"decision": "fraud", "note": "fee up front"}, headers=staff_headers(services)))
    assert (judged["status"], judged["note"]) == ("fraud", "fee up front")
    assert judged["moderator"].startswith("Ana <account:")
    posting = ok(client.get(f"/api/v1/postings/{posting_id('board', 'S-1')}"))
    assert posting["status"] == "closed"
    assert posting["derived"]["fraud"]["moderation"] == "fraud"
    assert ok(client.get("/api/v1/moderation", headers=staff_headers(services)))["total"] == 0
    assert [
        c["id"] for c in ok(client.get("/api/v1/moderation?status=fraud", headers=staff_headers(services)))["items"]
    ] == [case["id"]]
    assert client.post(path, json={"decision": "legitimate"}, headers=staff_headers(services)).status_code == 409


def test_two_copies_of_one_advert_on_two_sites_are_one_vacancy(client_with: App) -> None:
    client, services = client_with(RULES_ONLY)
    advert = {
        "title": "Warehouse operative",
        "description": "<p>Pick and pack orders in our Leeds warehouse. Forklift licence welcome. Day shifts.</p>",
        "employer": {"name": "Demo Logistics Ltd"},
        "address": {"locality": "Leeds", "country": "GB"},
    }
    ingest(services, "board-a", [{"external_id": "A-1", "date_posted": "2026-10-01", **advert}])
    ingest(services, "board-b", [{"external_id": "B-7", "date_posted": "2026-10-03", **advert}])
    # The copy seen second names the vacancy (the first copy's `derived.cluster` dates from before the copy).
    cluster = ok(client.get(f"/api/v1/postings/{posting_id('board-b', 'B-7')}"))["derived"]["cluster"]
    assert cluster["matched_id"] == posting_id("board-a", "A-1")
    vacancy = ok(client.get(f"/api/v1/vacancies/{cluster['cluster_id']}"))
    assert vacancy["cluster_id"] == cluster["cluster_id"]
    assert vacancy["sources"] == ["board-a", "board-b"]
    assert (vacancy["first_seen"], vacancy["last_seen"], vacancy["repost_count"]) == ("2026-10-01", "2026-10-03", 0)
    by_id = {p["posting_id"]: p for p in vacancy["postings"]}
    assert set(by_id) == {posting_id("board-a", "A-1"), posting_id("board-b", "B-7")}
    linked = by_id[posting_id("board-b", "B-7")]
    assert (linked["source"], linked["matched_id"], linked["method"]) == (
        "board-b",
        posting_id("board-a", "A-1"),
        "exact",
    )
    assert linked["confidence"] > 0.9
    missing = client.get("/api/v1/vacancies/no-such-vacancy")
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")


def test_the_enrichment_endpoints_are_documented_in_the_openapi_schema(client_with: App) -> None:
    client, _services = client_with(RULES_ONLY)
    spec = ok(client.get("/api/v1/openapi.json"))
    paths = {
        ("post", "/api/v1/enrich"),
        ("get", "/api/v1/vacancies/{cluster_id}"),
        ("get", "/api/v1/reviews"),
        ("get", "/api/v1/reviews/{review_id}"),
        ("post", "/api/v1/reviews/{review_id}/decision"),
        ("get", "/api/v1/moderation"),
        ("get", "/api/v1/moderation/{case_id}"),
        ("post", "/api/v1/moderation/{case_id}/decision"),
    }
    for method, path in paths:
        operation = spec["paths"][path][method]
        assert operation["tags"] == ["enrichment"]
        assert operation["summary"]
        assert operation["description"]
        assert ("security" in operation) == ("reviews" in path or "moderation" in path)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
