"""Checking one course record as a provider sent it: field by field, every problem named with a suggestion (pure)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from lmis.shared.errors import did_you_mean
from lmis.training.model import Mode, Subsidy

T = TypeVar("T")

COLUMNS = (
    "external_id",
    "title",
    "provider",
    "description",
    "skills",
    "region",
    "mode",
    "duration_hours",
    "cost",
    "currency",
    "subsidy_programme",
    "subsidy_text",
    "subsidy_share",
    "subsidy_amount",
    "starts_on",
    "ends_on",
    "url",
    "language",
)
REQUIRED = ("external_id", "title", "provider", "skills", "mode")
MAX_SKILLS = 100
MAX_HOURS = 10_000.0
_LENGTHS = {"external_id": 200, "title": 300, "provider": 200, "description": 20_000, "subsidy_programme": 200}
_MODE_ALIASES = {
    "in_person": Mode.IN_PERSON,
    "in person": Mode.IN_PERSON,
    "in-person": Mode.IN_PERSON,
    "classroom": Mode.IN_PERSON,
    "offline": Mode.IN_PERSON,
    "online": Mode.ONLINE,
    "e-learning": Mode.ONLINE,
    "elearning": Mode.ONLINE,
    "remote": Mode.ONLINE,
    "distance": Mode.ONLINE,
    "blended": Mode.BLENDED,
    "hybrid": Mode.BLENDED,
}
_CURRENCY = re.compile(r"[A-Z]{3}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


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
class CourseFields:
    """A course record's values, checked and typed; `skills` and `region` are as written, resolved by the service."""

    external_id: str
    title: str
    provider: str
    description: str
    skills: tuple[str, ...]
    region: str
    mode: Mode
    duration_hours: float | None
    cost: float | None
    currency: str | None
    subsidy: Subsidy | None
    starts_on: date | None
    ends_on: date | None
    url: str
    language: str


@dataclass
class _Reader:
    """Reads the fields of one record, collecting a problem for each bad value instead of stopping."""

    values: Mapping[str, object]
    problems: list[Problem] = field(default_factory=list)

    def text(self, name: str) -> str:
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
        raw = self.values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            return parse(str(raw).strip())
        except ValueError:
            self.problem(name, raw, reason)
            return None


def check_course(values: Mapping[str, object]) -> tuple[CourseFields, list[Problem]]:
    """The typed fields of a record and every problem found (all of them, not only the first).

    The fields are usable only when there is no problem; bad values are left empty in them, so that
    the skills and region can still be checked and reported in the same pass.
    """
    read = _Reader(values)
    unknown = sorted(set(values) - set(COLUMNS))
    for name in unknown:
        read.problem(name, values[name], "is not a course field", did_you_mean(name, COLUMNS))
    for name in REQUIRED:
        if not _present(values.get(name)):
            read.problem(name, "", "a value is required")
    fields = CourseFields(
        external_id=read.text("external_id"),
        title=read.text("title"),
        provider=read.text("provider"),
        description=read.text("description"),
        skills=_skills(read),
        region=read.text("region"),
        mode=_mode(read),
        duration_hours=read.parsed(
            "duration_hours", _hours, f"must be a number of hours above 0, at most {MAX_HOURS:g}"
        ),
        cost=read.parsed("cost", _amount, "must be a number, 0 or more (0: free)"),
        currency=_currency(read),
        subsidy=_subsidy(read),
        starts_on=read.parsed("starts_on", date.fromisoformat, "must be a date as YYYY-MM-DD"),
        ends_on=read.parsed("ends_on", date.fromisoformat, "must be a date as YYYY-MM-DD"),
        url=_url(read),
        language=_language(read),
    )
    _check_together(fields, read)
    return fields, read.problems


def _present(value: object) -> bool:
    if isinstance(value, list):
        return any(_present(item) for item in value)
    return value is not None and bool(str(value).strip())


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _skills(read: _Reader) -> tuple[str, ...]:
    raw = read.values.get("skills")
    if isinstance(raw, list):
        items = [str(item).strip() for item in raw if not isinstance(item, (dict, list))]
    elif isinstance(raw, str):
        items = [part.strip() for part in raw.split("|")]
    else:
        items = []
    skills = tuple(dict.fromkeys(item for item in items if item))
    if len(skills) > MAX_SKILLS:
        read.problem("skills", f"{len(skills)} skills", f"at most {MAX_SKILLS} skills a course")
    return skills


def _mode(read: _Reader) -> Mode:
    text = read.text("mode")
    mode = _MODE_ALIASES.get(text.casefold().replace("_", " ").strip()) or _MODE_ALIASES.get(text.casefold())
    if mode is None and text:
        read.problem("mode", text, "is not a mode; use in_person, online or blended", did_you_mean(text, list(Mode)))
    return mode or Mode.IN_PERSON


def _hours(text: str) -> float:
    value = _number(text)
    if not 0 < value <= MAX_HOURS:
        raise ValueError(text)
    return value


def _amount(text: str) -> float:
    value = _number(text.replace(",", ""))
    if value < 0:
        raise ValueError(text)
    return value


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _share(text: str) -> float:
    """A share as 0.8 or 80%."""
    value = _number(text[:-1]) / 100 if text.endswith("%") else _number(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


def _currency(read: _Reader) -> str | None:
    text = read.text("currency").upper()
    if text and not _CURRENCY.fullmatch(text):
        read.problem("currency", text, "must be an ISO 4217 code of three letters", ["KRW", "IDR", "GBP", "USD"])
    return text or None


def _subsidy(read: _Reader) -> Subsidy | None:
    programme, text = read.text("subsidy_programme"), read.text("subsidy_text")
    share = read.parsed("subsidy_share", _share, "must be a share between 0 and 1, or a percentage such as 80%")
    amount = read.parsed("subsidy_amount", _amount, "must be a number, 0 or more")
    if not (programme or text or share is not None or amount is not None):
        return None
    if not programme:
        read.problem("subsidy_programme", "", "name the programme that pays the subsidy")
    return Subsidy(programme, text, share, amount)


def _url(read: _Reader) -> str:
    text = read.text("url")
    if text and not _URL.fullmatch(text):
        read.problem("url", text, "must be an http(s) address")
    return text


def _language(read: _Reader) -> str:
    text = read.text("language")
    if text and not _LANGUAGE.fullmatch(text):
        read.problem("language", text, "must be a language tag such as en, ko or id")
    return text


def _check_together(fields: CourseFields, read: _Reader) -> None:
    """Rules across fields: a fee needs its currency, dates run forwards, a course in person is held somewhere."""
    if fields.cost and fields.currency is None and not any(p.field == "currency" for p in read.problems):
        read.problem("currency", "", "a cost needs its currency (ISO 4217, e.g. KRW)")
    if fields.subsidy is not None and fields.subsidy.amount is not None and fields.currency is None:
        read.problem("currency", "", "a subsidy amount needs the currency it is in")
    if fields.starts_on and fields.ends_on and fields.ends_on < fields.starts_on:
        read.problem("ends_on", fields.ends_on.isoformat(), f"is before starts_on {fields.starts_on.isoformat()}")
    if fields.mode is Mode.IN_PERSON and not fields.region and _present(read.values.get("mode")):
        read.problem("region", "", "a course held in person needs a region (a place id such as KR-11, or its name)")
