"""Checking one record of an episode file as it was sent: every bad field named, with what would do (pure).

Columns: docs/evaluation.md. A record with a problem is quarantined whole, never half stored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from lmis.analytics.programme_model import ProgrammeKind
from lmis.shared.errors import did_you_mean

T = TypeVar("T")

PROGRAMME_COLUMNS = ("programme_id", "programme_name", "programme_kind", "programme_description")
COLUMNS = (
    "external_id",
    "person_key",
    "registered_on",
    "region",
    "age",
    "sex",
    "education_isced",
    "months_unemployed",
    "earnings_before",
    *PROGRAMME_COLUMNS,
    "started_on",
    "ended_on",
    "employed_3m",
    "employed_6m",
    "employed_12m",
    "earnings_after",
    "days_to_job",
    "synthetic",
)
REQUIRED_COLUMNS = ("external_id", "person_key", "registered_on", "programme_id")
_PERSON_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_PROGRAMME_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_NATIONAL_ID = re.compile(r"\d{6}-?[1-8]\d{6}|\d{16}")  # the shapes of a Korean RRN and an Indonesian NIK
_SEX = {"f": "F", "female": "F", "woman": "F", "w": "F", "여": "F", "여성": "F", "perempuan": "F", "p": "F"}
_SEX |= {"m": "M", "male": "M", "man": "M", "남": "M", "남성": "M", "laki-laki": "M", "l": "M"}
_SEX |= {"x": "X", "other": "X", "diverse": "X", "non-binary": "X"}
_TRUE, _FALSE = {"1", "true", "yes", "y", "t"}, {"0", "false", "no", "n", "f"}
_LENGTHS = {"external_id": 200, "programme_name": 300, "programme_description": 5_000, "region": 200}
MAX_EARNINGS = 1e13


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a record cannot be stored: the field, the value as sent, the reason and what would be accepted."""

    field: str
    value: str
    reason: str
    suggestions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON-ready data (quarantine rows, the CLI's JSON output)."""
        return {"field": self.field, "value": self.value, "reason": self.reason, "suggestions": list(self.suggestions)}


@dataclass(frozen=True, slots=True)
class ProgrammeFields:
    """The programme a record names; `name` and `kind` are required with an id."""

    id: str
    name: str
    kind: ProgrammeKind
    description: str


@dataclass(frozen=True, slots=True)
class EpisodeFields:
    """A record's values, checked and typed; `region` is as written (the service resolves it)."""

    external_id: str
    person_key: str
    registered_on: date | None
    region: str
    age: int | None
    sex: str | None
    education_isced: int | None
    months_unemployed: int | None
    earnings_before: float | None
    programme: ProgrammeFields | None
    started_on: date | None
    ended_on: date | None
    employed_3m: bool | None
    employed_6m: bool | None
    employed_12m: bool | None
    earnings_after: float | None
    days_to_job: int | None
    synthetic: bool


@dataclass
class _Reader:
    """Reads a record's fields once each, collecting a problem for every bad value instead of stopping."""

    values: Mapping[str, object]
    problems: list[Problem] = field(default_factory=list)
    _texts: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        if name not in self._texts:
            self._texts[name] = self._read(name)
        return self._texts[name]

    def _read(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            self.problem(name, value, "must be text")
            return ""
        text = str(value).strip()
        limit = _LENGTHS.get(name)
        if limit is not None and len(text) > limit:
            self.problem(name, text, f"has {len(text)} characters; at most {limit}")
        return text

    def problem(self, name: str, value: object, reason: str, suggestions: list[str] | tuple[str, ...] = ()) -> None:
        self.problems.append(Problem(name, _shown(value), reason, tuple(suggestions)))

    def parsed(self, name: str, parse: Callable[[str], T], reason: str) -> T | None:
        text = self.text(name)
        if not text:
            return None
        try:
            return parse(text)
        except ValueError:
            self.problem(name, text, reason)
            return None


def check_episode(values: Mapping[str, object]) -> tuple[EpisodeFields, list[Problem]]:
    """The typed fields of a record and every problem found; the fields are usable only without a problem."""
    read = _Reader(values)
    for name in sorted(set(values) - set(COLUMNS)):
        read.problem(name, values[name], "is not an episode field", did_you_mean(name, COLUMNS))
    for name in ("external_id", "person_key", "registered_on"):
        if not read.text(name):
            read.problem(name, "", "a value is required")
    fields = EpisodeFields(
        external_id=read.text("external_id"),
        person_key=_person_key(read),
        registered_on=read.parsed("registered_on", date.fromisoformat, "must be a date as YYYY-MM-DD"),
        region=read.text("region"),
        age=read.parsed("age", _bounded(15, 100), "must be a whole number of years from 15 to 100"),
        sex=_sex(read),
        education_isced=read.parsed("education_isced", _bounded(0, 8), "must be an ISCED 2011 level from 0 to 8"),
        months_unemployed=read.parsed("months_unemployed", _bounded(0, 600), "must be whole months from 0 to 600"),
        earnings_before=read.parsed("earnings_before", _money, "must be an amount, 0 or more"),
        programme=_programme(read),
        started_on=read.parsed("started_on", date.fromisoformat, "must be a date as YYYY-MM-DD"),
        ended_on=read.parsed("ended_on", date.fromisoformat, "must be a date as YYYY-MM-DD"),
        employed_3m=read.parsed("employed_3m", _flag, "must be true or false (or empty: not observed)"),
        employed_6m=read.parsed("employed_6m", _flag, "must be true or false (or empty: not observed)"),
        employed_12m=read.parsed("employed_12m", _flag, "must be true or false (or empty: not observed)"),
        earnings_after=read.parsed("earnings_after", _money, "must be an amount, 0 or more"),
        days_to_job=read.parsed("days_to_job", _bounded(0, 10_000), "must be whole days from 0 to 10000"),
        synthetic=bool(read.parsed("synthetic", _flag, "must be true or false")),
    )
    _check_together(fields, read)
    return fields, read.problems


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse


def _money(text: str) -> float:
    value = float(text.replace(",", ""))
    if not math.isfinite(value) or not 0 <= value <= MAX_EARNINGS:
        raise ValueError(text)
    return value


def _flag(text: str) -> bool:
    lowered = text.casefold()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(text)


def _person_key(read: _Reader) -> str:
    key = read.text("person_key")
    if key and (_NATIONAL_ID.fullmatch(key.replace(" ", "")) or not _PERSON_KEY.fullmatch(key)):
        read.problem(
            "person_key",
            "(withheld)",  # it may be personal data: not repeated in the quarantine's problems
            "must be a pseudonymous key of 1-64 letters, digits, '.', '_', ':' or '-' (never a name, "
            "e-mail address or national id)",
        )
    return key


def _sex(read: _Reader) -> str | None:
    text = read.text("sex")
    if not text:
        return None
    found = _SEX.get(text.casefold())
    if found is None:
        read.problem("sex", text, "is not a sex code; use F, M or X", ["F", "M", "X"])
    return found


def _programme(read: _Reader) -> ProgrammeFields | None:
    identifier = read.text("programme_id")
    name, kind_text, description = (read.text(c) for c in PROGRAMME_COLUMNS[1:])
    if not identifier:
        for column, value in (("programme_name", name), ("programme_kind", kind_text)):
            if value:
                read.problem(column, value, "is given but programme_id is empty (empty: the comparison pool)")
        return None
    if not _PROGRAMME_ID.fullmatch(identifier):
        read.problem("programme_id", identifier, "must be 1-64 letters, digits, '.', '_' or '-'")
    if not name:
        read.problem("programme_name", "", "a programme needs its name")
    kind = _kind(kind_text, read)
    return ProgrammeFields(identifier, name, kind or ProgrammeKind.OTHER, description)


def _kind(text: str, read: _Reader) -> ProgrammeKind | None:
    try:
        return ProgrammeKind(text.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        kinds = [kind.value for kind in ProgrammeKind]
        reason = f"is not a programme kind; use one of {', '.join(kinds)}"
        read.problem("programme_kind", text, reason, did_you_mean(text, kinds) if text else kinds)
        return None


def _check_together(fields: EpisodeFields, read: _Reader) -> None:
    """Rules across fields: a participant has a start, dates run forwards, the pool has no programme dates."""
    if fields.programme is not None and fields.started_on is None and not read.text("started_on"):
        read.problem("started_on", "", "a participant's episode needs the programme's start date")
    if fields.programme is None:
        for name in ("started_on", "ended_on"):
            if read.text(name):
                read.problem(name, read.text(name), "is given but programme_id is empty (the comparison pool)")
    registered, started, ended = fields.registered_on, fields.started_on, fields.ended_on
    if registered and started and started < registered:
        read.problem("started_on", started.isoformat(), f"is before registered_on {registered.isoformat()}")
    if started and ended and ended < started:
        read.problem("ended_on", ended.isoformat(), f"is before started_on {started.isoformat()}")
