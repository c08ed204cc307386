"""Partners over HTTP: pushing postings, and syncing a copy from the snapshot and the change feed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.identities import api_key, bearer, make_account

from lmis.bootstrap import Services
from lmis.identity.model import Role, Scope
from lmis.web.app import create_app

AUTH: dict[str, str] = {}


def ad(external_id: str, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": title,
        "description": f"<p>{title} wanted.</p>",
        "employer": {"name": "Demo Board Employer Ltd"},
        "valid_through": "2099-12-31",
        **extra,
    }


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    """The app, with `AUTH` holding the key of a client the demo board's administrator registered."""
    administrator = make_account(services, Role.PARTNER_ADMIN, partner="demo")
    registered = api_key(services, administrator, {Scope.POSTINGS_PUSH}, sources=frozenset({"demo-board"}))
    AUTH.clear()
    AUTH.update(bearer(registered.api_key))
    with TestClient(create_app(services)) as test_client:
        yield test_client


def push(client: TestClient, records: list[dict[str, Any]]) -> dict[str, Any]:
    response = client.post("/api/v1/partners/demo-board/postings", json=records, headers=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_partner_push_stores_good_records_and_reports_each_bad_one(client: TestClient) -> None:
    body = push(client, [ad("P-1", "Nurse"), {"title": "no id"}, ad("P-3", "Chef", openings="lots")])
    assert (body["received"], body["new"], body["quarantined"]) == (3, 1, 2)
    problems = {(p["position"], p["field"], p["rule"]) for p in body["problems"]}
    assert ("item 2", "external_id", "is required") in problems
    assert ("item 3", "openings", "must be a number") in problems
    again = push(client, [ad("P-1", "Nurse")])
    assert (again["new"], again["unchanged"]) == (0, 1)


def test_a_push_without_a_key_of_the_source_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/partners/demo-board/postings", json=[ad("P-1", "Nurse")])
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    wrong = client.post("/api/v1/partners/demo-board/postings", json=[], headers=bearer("lmis_nope_nope"))
    assert wrong.status_code == 401
    other = client.post("/api/v1/partners/demo-bord/postings", json=[], headers=AUTH)
    assert other.status_code == 403
    assert "demo-board" in other.json()["detail"]


def test_a_push_that_is_not_a_list_of_postings_is_a_422(client: TestClient) -> None:
    response = client.post("/api/v1/partners/demo-board/postings", json={"title": "x"}, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["field"] == "body"


def snapshot(client: TestClient) -> tuple[str, dict[str, dict[str, Any]]]:
    response = client.get("/api/v1/postings/snapshot")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines() if line]
    return response.headers["LMIS-Changes-Cursor"], {row["id"]: row for row in rows}


def follow(client: TestClient, cursor: str, copy: dict[str, dict[str, Any]]) -> str:
    """Apply every change after `cursor` to `copy`, two at a time; return where to resume."""
    while True:
        page = client.get("/api/v1/postings/changes", params={"cursor": cursor, "limit": 2}).json()
        for change in page["changes"]:
            if change["tombstone"]:
                copy.pop(change["tombstone"]["id"], None)
            else:
                copy[change["posting"]["id"]] = change["posting"]
        if not page["changes"]:
            return str(page["next_cursor"])
        cursor = page["next_cursor"]


def comparable(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key: {k: v for k, v in row.items() if k != "provenance"} for key, row in rows.items()}


def test_a_partner_syncs_an_exact_copy_from_the_snapshot_and_the_change_feed(client: TestClient) -> None:
    push(client, [ad(f"S-{n}", f"Job {n}") for n in range(1, 6)])
    cursor, copy = snapshot(client)
    assert len(copy) == 5
    push(client, [ad("S-2", "Job 2, now senior"), ad("S-4", "Job 4", status="removed"), ad("S-6", "Job 6")])
    push(client, [ad("S-7", "Job 7"), ad("S-1", "Job 1", status="removed")])
    cursor = follow(client, cursor, copy)
    _fresh_cursor, fresh = snapshot(client)
    assert comparable(copy) == comparable(fresh)
    assert {row["external_id"] for row in copy.values()} == {"S-2", "S-3", "S-5", "S-6", "S-7"}
    assert follow(client, cursor, copy) == cursor  # caught up: the cursor stays put


def test_a_removed_posting_answers_as_a_tombstone(client: TestClient) -> None:
    push(client, [ad("T-1", "Temp")])
    posting_id = client.get("/api/v1/postings", params={"source": "demo-board"}).json()["items"][0]["id"]
    push(client, [ad("T-1", "Temp", status="removed")])
    assert client.get(f"/api/v1/postings/{posting_id}").json()["status"] == "removed"
    changes = client.get("/api/v1/postings/changes").json()["changes"]
    assert changes[-1]["kind"] == "removed"
    assert changes[-1]["tombstone"]["external_id"] == "T-1"


def test_a_cursor_the_api_did_not_issue_is_a_422(client: TestClient) -> None:
    response = client.get("/api/v1/postings/changes", params={"cursor": "bm9wZQ"})
    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


def test_listing_by_an_unknown_source_is_an_error_with_suggestions(client: TestClient) -> None:
    push(client, [ad("L-1", "Listed")])
    response = client.get("/api/v1/postings", params={"source": "demo-bord"})
    assert response.status_code == 422
    assert response.json()["suggestions"] == ["demo-board"]
