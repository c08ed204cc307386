"""/api/v1/indicators/programmes over HTTP: who may read, effects with intervals and balance, suppression, errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.conftest import make_services
from tests.identities import staff_headers
from tests.programme_data import import_programme_sample

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.web.app import create_app

API = "/api/v1/indicators/programmes"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, TestClient]]:
    """The app on SQLite with 1,000 demo episodes: three programmes and a comparison pool (built once: the
    API only reads; storage on PostgreSQL is covered by tests/integration/test_programme_storage.py)."""
    folder = tmp_path_factory.mktemp("programme-api")
    services = make_services(folder, f"sqlite:///{folder / 'lmis.db'}")
    report = import_programme_sample(services, folder, count=1_000)
    assert report.quarantined == 0, report.reasons
    with TestClient(create_app(services)) as test_client:
        yield services, test_client
    services.engine.dispose()


@pytest.fixture
def client(world: tuple[Services, TestClient]) -> TestClient:
    return world[1]


@pytest.fixture
def services(world: tuple[Services, TestClient]) -> Services:
    return world[0]


@pytest.fixture
def analyst(services: Services) -> dict[str, str]:
    return staff_headers(services, "Programme analyst", Role.ANALYST)


def test_an_analyst_lists_the_programmes_with_their_participants(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get(API, headers=analyst)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [p["programme"]["id"] for p in body["programmes"]] == ["DEMO-JSA", "DEMO-VT", "DEMO-WS"]
    assert all(p["participants"] >= 10 for p in body["programmes"])
    assert body["comparison_pool"] > 300
    assert body["min_cell"] == 10


def test_effects_come_with_intervals_balance_naive_difference_and_method(
    client: TestClient, analyst: dict[str, str]
) -> None:
    response = client.get(f"{API}/DEMO-VT/effects", params={"outcome": "earnings_after"}, headers=analyst)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["programme"]["kind"] == "training"
    assert body["version"] == "programme-evaluation/1"
    assert "Abadie-Imbens" in body["method"]
    (effect,) = body["effects"]
    assert effect["outcome"] == "earnings_after"
    assert effect["unit"] == "earnings"
    for name in ("matched", "naive", "did", "naive_did"):
        estimate = effect[name]
        assert estimate["low"] < estimate["value"] < estimate["high"], (name, estimate)
        assert estimate["suppressed"] is None
    rows = {row["covariate"]: row for row in effect["balance"]}
    assert {"age", "months unemployed", "log earnings before"} <= set(rows)
    assert rows["age"]["smd_before"] is not None
    assert rows["age"]["smd_after"] is not None
    assert effect["counts"]["matched_treated"] >= 10
    assert body["time_to_job"]["days"] == [91, 182, 365]


def test_every_outcome_is_evaluated_when_none_is_named(client: TestClient, analyst: dict[str, str]) -> None:
    body = client.get(f"{API}/DEMO-JSA/effects", headers=analyst).json()
    assert [e["outcome"] for e in body["effects"]] == [
        "employed_12m",
        "employed_6m",
        "employed_3m",
        "earnings_after",
        "days_to_job",
    ]


def test_figures_from_too_few_persons_are_null_and_marked(
    client: TestClient, services: Services, analyst: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services.settings, "analytics_min_cell", 100_000)
    listed = client.get(API, headers=analyst).json()
    effects = client.get(f"{API}/DEMO-WS/effects", params={"outcome": "employed_12m"}, headers=analyst).json()
    assert all(p["participants"] is None and p["suppressed"] for p in listed["programmes"])
    (effect,) = effects["effects"]
    assert effect["matched"]["value"] is None
    assert "fewer than 100000 participants" in effect["matched"]["suppressed"]
    assert effect["counts"] is None


def test_an_unknown_programme_is_a_404_with_a_suggestion(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get(f"{API}/DEMO-TV/effects", headers=analyst)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "DEMO-VT" in response.json()["suggestions"]


def test_an_unknown_outcome_is_a_422_with_did_you_mean(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get(f"{API}/DEMO-VT/effects", params={"outcome": "employed12m"}, headers=analyst)
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "outcome"
    assert "employed_12m" in problem["suggestions"]


def test_anonymous_callers_sign_in_and_jobseekers_may_not_read(client: TestClient, services: Services) -> None:
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/DEMO-VT/effects").status_code == 401
    seeker = staff_headers(services, "A jobseeker", Role.JOBSEEKER)
    assert client.get(API, headers=seeker).status_code == 403
    counsellor = staff_headers(services, "A counsellor", Role.COUNSELLOR)
    assert client.get(API, headers=counsellor).status_code == 200
