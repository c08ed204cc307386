"""The ASGI application: the open API under /api/v1 and the portal at /."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from lmis import __version__
from lmis.bootstrap import Services
from lmis.shared.progress import SilentProgress
from lmis.web import auth, problems
from lmis.web import oidc as single_sign_on
from lmis.web.api import (
    access,
    accounts,
    employer_postings,
    enrichment,
    indicators,
    postings,
    programmes,
    recommendations,
    search,
    series,
    taxonomy,
    training,
)
from lmis.web.csrf import CsrfMiddleware
from lmis.web.deps import ServicesDep
from lmis.web.guards import NulGuard, SecurityHeaders
from lmis.web.portal import accounts as portal_accounts
from lmis.web.portal import admin as portal_admin
from lmis.web.portal import analytics as portal_analytics
from lmis.web.portal import careers as portal_careers
from lmis.web.portal import postings as portal_postings
from lmis.web.portal import queues as portal_queues
from lmis.web.portal import recommendations as portal_recommendations
from lmis.web.portal import search as portal_search
from lmis.web.portal import views as portal

API_PREFIX = "/api/v1"
logger = logging.getLogger(__name__)
_DESCRIPTION = """
The open API of LMIS, a labour market information system.

* Every coded field is `{id, code, scheme, label, release}`: `id` is opaque and stable across
  releases, `code` is the code in its scheme.
* Errors are RFC 9457 `application/problem+json`; unknown codes and schemes are answered with
  404 or 422 and `suggestions`, never with an empty 200.
* Lists are paged with opaque cursors: pass `next_cursor` back as `cursor`. Page size is 1 to
  100 (default 20); text search ranks at most 1,000 results.

This service uses the ESCO classification of the European Commission. It includes information
from the O*NET 29.3 Database by the U.S. Department of Labor, Employment and Training
Administration (USDOL/ETA), used under the CC BY 4.0 licence.
"""


def create_app(services: Services) -> FastAPI:
    """Build the application around `services` (created by `lmis.bootstrap.build`).

    While it serves, a background thread applies the change feed to the search index every
    `search_sync_seconds`, so postings written by any process become searchable, and another
    refreshes the analytics snapshot every `analytics_refresh_seconds`.
    """
    app = FastAPI(
        lifespan=_keeping_search_fresh(services),
        title="LMIS API",
        version=__version__,
        description=_DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.services = services
    problems.install(app)
    # Any request may carry wrong credentials (401), a NUL character (422) or exceed a rate limit (429).
    api = APIRouter(prefix=API_PREFIX, responses=problems.problem_responses(401, 422, 429))
    api.include_router(taxonomy.router)
    api.include_router(search.router)
    api.include_router(postings.router)
    api.include_router(employer_postings.router)
    api.include_router(enrichment.router)
    api.include_router(accounts.router)
    api.include_router(access.router)
    api.include_router(training.router)
    api.include_router(series.router)
    api.include_router(recommendations.router)
    api.include_router(programmes.router)
    api.include_router(indicators.router)
    api.add_api_route("/health", health, methods=["GET"], tags=["service"], summary="Service health")
    app.include_router(api)
    app.include_router(portal.router)
    app.include_router(portal_search.router)
    app.include_router(portal_postings.router)
    app.include_router(portal_queues.router)
    app.include_router(portal_admin.router)
    app.include_router(portal_accounts.router)
    app.include_router(portal_recommendations.router)
    app.include_router(portal_careers.router)
    app.include_router(portal_analytics.router)
    app.include_router(single_sign_on.router)
    app.mount("/static", StaticFiles(directory=Path(portal.__file__).parent / "static"), name="static")
    portal.install(app)
    auth.install(app)
    app.add_middleware(CsrfMiddleware, key=lambda: services.secrets.signing_key, exempt=("/oauth/token",))
    app.add_middleware(NulGuard)  # nothing with a NUL reaches a form parser or a database
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries them, refusals too
    return app


def app_from_settings() -> FastAPI:
    """The application on services built from the environment (one per server process)."""
    from lmis.bootstrap import build
    from lmis.config import load_settings

    services = build(load_settings())
    services.search.warm()
    return create_app(services)


def _keeping_search_fresh(services: Services) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()

        def follow() -> None:
            while not stop.is_set():
                try:
                    services.search.sync(services.now)
                except Exception:  # a bad moment must not end the thread; the next round retries
                    logger.exception("search index sync failed")
                stop.wait(services.settings.search_sync_seconds)

        def refresh_analytics() -> None:
            every = services.settings.analytics_refresh_seconds
            while every and not stop.wait(every):  # the first refresh after one interval: `lmis init` made one
                try:
                    services.refresh_analytics(SilentProgress())
                except Exception:
                    logger.exception("analytics refresh failed")

        threads = [
            threading.Thread(target=follow, name="search-sync", daemon=True),
            threading.Thread(target=refresh_analytics, name="analytics-refresh", daemon=True),
        ]
        for thread in threads:
            thread.start()
        yield
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    return lifespan


def health(services: ServicesDep) -> dict[str, str | bool | None]:
    """Whether the database answers and its schema is at the newest migration."""
    current, head = services.database_revision()
    return {
        "status": "ok" if current == head else "migrations pending",
        "schema": current,
        "newest_schema": head,
        "version": __version__,
    }
