"""SQL metacharacters in every text filter of the API are harmless: no server error, no leak, nothing changed.

The filters are read from the OpenAPI document, so a filter added later is covered without editing
this test. Each payload goes to every string query parameter of every GET operation, signed in as
an administrator (so that staff-only filters are reached too).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import RULES_ONLY, SCAM, enrichment_services, ingest
from tests.identities import make_account, staff_headers

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.web.app import create_app

PAYLOADS = (
    "' OR '1'='1",
    "'; DROP TABLE posting; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "1) UNION SELECT password_hash FROM account --",
    "nurse' --",
    "\x00",
)
NURSE = {
    "external_id": "n1",
    "title": "Staff nurse",
    "description": "<p>Ward nurse.</p>",
    "employer": {"name": "Seoul Demo Hospital"},
    "address": {"locality": "Seoul", "country": "KR"},
}


@pytest.fixture
def world(tmp_path: Path, database_url: str) -> Iterator[tuple[TestClient, Services, dict[str, str]]]:
    services = enrichment_services(tmp_path, database_url, RULES_ONLY, anonymous_rate_per_minute=1_000_000)
    ingest(services, "board", [NURSE, {**SCAM, "external_id": "s1"}])
    services.search.sync(services.now)
    make_account(services, Role.JOBSEEKER, "Ana")
    headers = staff_headers(services, "Root", Role.ADMIN)
    with TestClient(create_app(services)) as client:
        yield client, services, headers
    services.engine.dispose()


def _string_filters(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """(path, parameter, other required parameters) for every string query parameter of a GET without path ids."""
    found = []
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        parameters = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        required = {p["name"]: "nurse" for p in parameters if p.get("required")}
        for parameter in parameters:
            schema = parameter.get("schema", {})
            kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if "string" in kinds and "enum" not in schema and schema.get("format") != "date-time":
                found.append((path, parameter["name"], required))
    return found


def _counts(services: Services) -> tuple[int, int]:
    with services.engine.connect() as connection:
        postings = connection.execute(sa.text("SELECT count(*) FROM posting")).scalar_one()
        accounts = connection.execute(sa.text("SELECT count(*) FROM account")).scalar_one()
    return int(postings), int(accounts)


def test_sql_metacharacters_in_every_text_filter_are_harmless(
    world: tuple[TestClient, Services, dict[str, str]],
) -> None:
    client, services, headers = world
    filters = _string_filters(client.get("/api/v1/openapi.json").json())
    assert len(filters) >= 15  # search, taxonomy, postings, queues, accounts, audit ...
    before = _counts(services)
    failures = []
    for path, name, required in filters:
        for payload in PAYLOADS:
            response = client.get(path, params={**required, name: payload}, headers=headers)
            body = response.text
            if response.status_code >= 500 or "$argon2" in body or "Traceback" in body or "syntax error" in body:
                failures.append(f"{path}?{name}={payload!r}: {response.status_code} {body[:120]}")
            elif response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json", (path, name, payload)
    assert failures == []
    assert _counts(services) == before
    hits = client.get("/api/v1/postings/search", params={"q": "nurse' --", "semantic": "false"}).json()
    assert [item["posting"]["title"] for item in hits["items"]] == ["Staff nurse"]  # read as words, not as SQL
