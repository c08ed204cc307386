"""RFC 9457 problem details: how service errors and bad requests are answered."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from lmis.shared.errors import Conflict, Invalid, LmisError, NotFound, Unauthorised

PROBLEM_JSON = "application/problem+json"
_TYPES = "https://lmis.dev/problems/"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json response; `extra` members (e.g. `suggestions`) are added when not None."""
    body = {
        "type": _TYPES + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
    }
    body.update({key: value for key, value in extra.items() if value is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _lmis_error(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, NotFound):
        return problem(404, "Not found", error.detail, suggestions=error.suggestions)
    if isinstance(error, Invalid):
        return problem(422, "Invalid value", error.detail, field=error.field, suggestions=error.suggestions)
    if isinstance(error, Conflict):
        return problem(409, "Conflict", error.detail)
    if isinstance(error, Unauthorised):
        response = problem(401, "Unauthorised", error.detail)
        response.headers["WWW-Authenticate"] = "Bearer"  # RFC 9110 §15.5.2: a 401 names its scheme
        return response
    return problem(400, "Bad request", str(error))


def _validation_error(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RequestValidationError):  # pragma: no cover - registered for this type only
        raise error
    errors = [
        {"field": ".".join(str(part) for part in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
        for e in error.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, "Invalid value", detail, errors=errors)


def _http_error(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, StarletteHTTPException):  # pragma: no cover - registered for this type only
        raise error
    titles = {404: "Not found", 405: "Method not allowed"}
    detail = str(error.detail) if error.detail else titles.get(error.status_code, "Error")
    if error.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}; see /api/v1/docs for the paths that exist"
    return problem(error.status_code, titles.get(error.status_code, "Error"), detail)


def install(app: FastAPI) -> None:
    """Make `app` answer every error as problem+json."""
    app.add_exception_handler(LmisError, _lmis_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
