"""What access control costs: password hashing, and a request's latency by the credentials it carries.

    python -m bench.identity [--requests 500] [--postgres URL] [--json FILE]

Times argon2id hashing and verification (the sign-in cost), then sends the same cheap request
(`GET /api/v1/schemes`) through the app over real HTTP (uvicorn on a free port) anonymously (the
baseline: an in-memory rate limit), with an API key (key look-up, the client's rate, and its
daily quota counted in the database) and with a session cookie (session look-up). Reports median
and p95 per kind and the ratio to the anonymous baseline, on SQLite and, when given, PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from tests.e2e.conftest import free_port
from tests.identities import make_account, session_cookie

from bench.measure import p95, timed
from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.identity import clients
from lmis.identity.credentials import hash_password, password_matches
from lmis.identity.model import Role, Scope
from lmis.web.app import create_app
from lmis.web.csrf import SESSION_COOKIE


def hashing(repeat: int = 20) -> dict[str, float]:
    stored = hash_password("correct horse battery staple")
    make = timed(lambda: hash_password("correct horse battery staple"), repeat, scale=1000)
    check = timed(lambda: password_matches(stored, "correct horse battery staple"), repeat, scale=1000)
    return {"hash_median_ms": round(statistics.median(make), 1), "verify_median_ms": round(statistics.median(check), 1)}


def _services(folder: Path, url: str | None) -> Services:
    settings = Settings(
        env="test",
        data_dir=folder,
        database_url=url,
        anonymous_rate_per_minute=1_000_000,
        account_rate_per_minute=1_000_000,
    )
    built = build(settings)
    built.upgrade_database()
    return built


def _credentials(built: Services) -> dict[str, dict[str, Any]]:
    partner = make_account(built, Role.PARTNER_ADMIN, partner="bench")
    request = clients.ClientRequest(
        "bench", frozenset({Scope.OPEN_DATA}), "benchmark", quota_per_day=10_000_000, rate_per_minute=100_000
    )
    key = clients.register_client(uow=built.uow(), actor=partner.principal, request=request, now=built.now()).api_key
    person = make_account(built, Role.JOBSEEKER, "bench seeker")
    return {
        "anonymous": {},
        "api_key": {"headers": {"Authorization": f"Bearer {key}"}},
        "session": {"cookies": {SESSION_COOKIE: session_cookie(built, person)}},
    }


def latencies(built: Services, requests: int) -> dict[str, dict[str, float]]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(built), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    results: dict[str, dict[str, float]] = {}
    try:
        for kind, options in _credentials(built).items():
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", **options) as http:
                for _ in range(20):
                    http.get("/api/v1/schemes").raise_for_status()
                spent = timed(lambda http=http: http.get("/api/v1/schemes").raise_for_status(), requests, scale=1000)
            results[kind] = {"median_ms": round(statistics.median(spent), 2), "p95_ms": round(p95(spent), 2)}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    base = results["anonymous"]["p95_ms"]
    for row in results.values():
        row["p95_vs_anonymous"] = round(row["p95_ms"] / base, 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--postgres", default=None, help="also measure on this PostgreSQL URL (its tables are created)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    report: dict[str, Any] = {"argon2id": hashing()}
    print(f"argon2id: {report['argon2id']}")
    for name, url in (("sqlite", None), ("postgresql", args.postgres)):
        if name == "postgresql" and not url:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            built = _services(Path(tmp), url)
            report[name] = latencies(built, args.requests)
            built.engine.dispose()
        print(f"\n{name}: GET /api/v1/schemes over HTTP, {args.requests} requests")
        print(f"{'credentials':12} {'median ms':>10} {'p95 ms':>8} {'p95 / anonymous':>16}")
        for kind, row in report[name].items():
            print(f"{kind:12} {row['median_ms']:>10} {row['p95_ms']:>8} {row['p95_vs_anonymous']:>16}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
