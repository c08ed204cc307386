"""RFC 9457 problem details: how service errors and bad requests are answered."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from lmis.shared.errors import Conflict, Forbidden, Invalid, LmisError, NotFound, RateLimited, Unauthorised

PROBLEM_JSON = "application/problem+json"
_TYPES = "https://lmis.dev/problems/"
_UNREADABLE_BODY = "There was an error parsing the body"  # FastAPI's detail (fastapi/routing.py)
_WHEN = {
    400: "The request cannot be carried out as it stands.",
    401: "The credentials are missing or wrong (`WWW-Authenticate` names the scheme).",
    403: "The caller is known but may not do this.",
    404: "Nothing has this id or name; `suggestions` lists near misses.",
    405: "The path does not take this method (`Allow` lists those it takes).",
    409: "The request conflicts with the resource's state, e.g. deciding twice.",
    422: "A value (or the body) is malformed or names nothing known: `field` says which, `suggestions` what would do.",
    429: "A quota is used up; `Retry-After` says when to try again.",
}
_HEADER = {"schema": {"type": "string"}}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {**_HEADER, "required": True, "description": "The scheme to authenticate with."}},
    405: {"Allow": {**_HEADER, "required": True, "description": "The methods the path takes."}},
    429: {
        "Retry-After": {**_HEADER, "required": True, "description": "Seconds to wait."},
        "RateLimit-Policy": {**_HEADER, "description": "The quota (IETF RateLimit headers draft)."},
        "RateLimit": {**_HEADER, "description": "What is left of the quota."},
    },
}


def _problem_schema(status: int) -> dict[str, Any]:
    """The JSON schema of an RFC 9457 problem with `status`, with the members LMIS adds."""
    texts = {"type": "array", "items": {"type": "string"}}
    error = {
        "type": "object",
        "required": ["field", "message"],
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
    }
    return {
        "title": f"Problem{status}",
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "A URI naming the kind of problem."},
            "title": {"type": "string"},
            "status": {"type": "integer", "enum": [status]},
            "detail": {"type": "string", "description": "What went wrong, for a person to read."},
            "field": {"type": "string", "description": "The parameter or field at fault."},
            "suggestions": {**texts, "description": "Values that would be accepted (did you mean)."},
            "errors": {"type": "array", "items": error, "description": "Every malformed value of the request."},
            "retry_after": {"type": "integer", "minimum": 1, "description": "Seconds until a retry may succeed."},
        },
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route that may answer these problem statuses (OpenAPI response objects)."""
    return {
        status: {
            "description": _WHEN[status],
            "content": {PROBLEM_JSON: {"schema": _problem_schema(status)}},
            **({"headers": _HEADERS[status]} if status in _HEADERS else {}),
        }
        for status in statuses
    }


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
    return _lmis_error_response(error)


def _lmis_error_response(error: Exception) -> JSONResponse:
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
    if isinstance(error, Forbidden):
        return problem(403, "Forbidden", error.detail)
    if isinstance(error, RateLimited):
        response = problem(429, "Too many requests", error.detail, retry_after=error.retry_after)
        response.headers["Retry-After"] = str(error.retry_after)
        response.headers["RateLimit-Policy"] = f'"quota";q={error.limit};w={error.window_seconds}'
        response.headers["RateLimit"] = f'"quota";r=0;t={error.retry_after}'
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
    if error.status_code == 400 and error.detail == _UNREADABLE_BODY:
        # FastAPI answers malformed JSON with a 422 but a body that is not UTF-8 with this 400: one answer for both.
        return problem(422, "Invalid value", "the body is not JSON in UTF-8", field="body")
    titles = {400: "Bad request", 404: "Not found", 405: "Method not allowed"}
    detail = str(error.detail) if error.detail else titles.get(error.status_code, "Error")
    if error.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}; see /api/v1/docs for the paths that exist"
    response = problem(error.status_code, titles.get(error.status_code, "Error"), detail)
    response.headers.update(error.headers or {})
    if error.status_code == 405:  # RFC 9110 §15.5.6: every method the resource takes, not one route's
        response.headers["Allow"] = ", ".join(_methods_at(request))
    return response


def _methods_at(request: Request) -> list[str]:
    """The methods of every route whose path matches the request's (one path may have a route a method)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Make `app` answer every error as problem+json."""
    app.add_exception_handler(LmisError, _lmis_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


def lmis_error_response(error: LmisError) -> JSONResponse:
    """The problem+json answer to a service error raised outside a route (middleware)."""
    return _lmis_error_response(error)
