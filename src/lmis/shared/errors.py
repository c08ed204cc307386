"""The errors every service raises; the web edge maps them to RFC 9457 problem details."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process


class LmisError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(LmisError):
    """The thing asked for does not exist; `suggestions` lists close existing values."""

    def __init__(self, detail: str, *, suggestions: Iterable[str] = ()) -> None:
        super().__init__(detail)
        self.suggestions = list(suggestions)


class Conflict(LmisError):
    """The request contradicts what is stored (a duplicate, a stale version)."""


class Unauthorised(LmisError):
    """The caller's credentials are missing or wrong."""


class Forbidden(LmisError):
    """The caller is known but may not do this (a role, scope, region or consent is missing)."""


class RateLimited(LmisError):
    """The caller has used up a quota or rate limit; `retry_after` says in how many seconds to try again."""

    def __init__(self, detail: str, *, retry_after: int, limit: int, window_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
        self.limit = limit
        self.window_seconds = window_seconds


class Invalid(LmisError):
    """A value is unacceptable; names the field and, where possible, what would be accepted."""

    def __init__(self, detail: str, *, field: str | None = None, suggestions: Iterable[str] = ()) -> None:
        super().__init__(detail)
        self.field = field
        self.suggestions = list(suggestions)


class MalformedFile(Invalid):
    """A file cannot be read as its format requires; names the file, line and column."""

    def __init__(self, detail: str, *, path: str, line: int, column: str | None = None) -> None:
        where = f"{path}, line {line}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {detail}", field=column)
        self.path = path
        self.line = line
        self.column = column


def did_you_mean(value: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """Return up to `limit` of `choices` that look like `value`, best first.

    Uses a weighted ratio so that typos ("nurce") and different word order both match;
    choices scoring under 60 of 100 are left out, so an empty list means "nothing close".
    """
    pool = list(dict.fromkeys(choices))
    matches = process.extract(value, pool, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    return [choice for choice, _score, _index in matches]
