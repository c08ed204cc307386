"""From a parsed draft to a `JobPosting`, or the list of problems that keep it out (pure).

Every rule names the field, the value found and what was expected, so a quarantined record
says exactly what to fix. The canonical field names are documented in docs/ingest.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from lmis.ingest.html import has_active_content, plain_text, sanitise, unescape_if_escaped
from lmis.ingest.model import Draft, Problem
from lmis.jobs.employers import normalise_employer_name
from lmis.jobs.model import (
    Address,
    Employer,
    EmploymentType,
    JobPosting,
    PostingStatus,
    Provenance,
    Salary,
    SalaryUnit,
)
from lmis.shared.ids import stable_id

MAX_TITLE = 300
MAX_TEXT_FIELD = 1_000
MAX_DESCRIPTION = 100_000
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_EMPLOYMENT_ALIASES = {
    "contract": "contractor",
    "internship": "intern",
    "fulltime": "full_time",
    "parttime": "part_time",
}
E = TypeVar("E", EmploymentType, SalaryUnit, PostingStatus)
_FROM_FIELD = object()  # `_Reader.choice` reads the field itself unless given a value (None included)
PARTNER_STATUSES = frozenset({PostingStatus.PUBLISHED, PostingStatus.CLOSED, PostingStatus.REMOVED})


@dataclass(frozen=True, slots=True)
class Context:
    """Where the draft came from; becomes the posting's provenance."""

    source: str
    raw_id: str
    run_id: str
    retrieved_at: datetime
    licence: str = ""


def posting_id(source: str, external_id: str) -> str:
    """The stable id of the posting `external_id` of `source`."""
    return stable_id("posting", f"{source}\x1f{external_id}")


def content_hash(draft: Draft) -> str:
    """A hash of everything a partner sent, independent of key order."""
    canonical = json.dumps(draft, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_posting(draft: Draft, context: Context, digest: str | None = None) -> JobPosting | list[Problem]:
    """Validate and normalise `draft`; returns the posting, or every problem found.

    `digest` is the draft's `content_hash` when the caller computed it already.
    """
    read = _Reader(draft)
    external_id = read.text("external_id", required=True, limit=200)
    status = read.status()
    title = read.text("title", required=status is not PostingStatus.REMOVED, limit=MAX_TITLE)
    description_html, description_text = read.description()
    employer = read.employer()
    salary = read.salary()
    url = read.url()
    posting = JobPosting(
        id=posting_id(context.source, external_id),
        source=context.source,
        external_id=external_id,
        title=" ".join(title.split()),
        description_html=description_html,
        description_text=description_text,
        employer=employer,
        address=read.address(),
        latitude=read.number("latitude", low=-90, high=90),
        longitude=read.number("longitude", low=-180, high=180),
        employment_types=read.employment_types(),
        working_hours=read.text("working_hours"),
        salary=salary,
        education=read.text("education"),
        experience_months=read.integer("experience_months", low=0, high=600),
        openings=read.integer("openings", low=1, high=100_000),
        valid_through=read.moment("valid_through"),
        date_posted=read.moment("date_posted"),
        updated_at=read.moment("updated_at"),
        status=status,
        language=read.language(),
        url=url,
        provenance=Provenance(
            context.source, context.retrieved_at, context.licence, url, context.raw_id, context.run_id
        ),
        content_hash=digest or content_hash(draft),
    )
    return read.problems or posting


class _Reader:
    """Reads typed values out of a draft, collecting a `Problem` for each bad one."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.problems: list[Problem] = []

    def fail(self, field: str, value: object, rule: str) -> None:
        self.problems.append(Problem(field, "" if value is None else str(value), rule))

    def value(self, field: str, within: Mapping[str, object] | None = None) -> object:
        return (self.draft if within is None else within).get(field.rsplit(".", 1)[-1])

    def text(
        self,
        field: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT_FIELD,
        within: Mapping[str, object] | None = None,
    ) -> str:
        raw = self.value(field, within)
        if raw is None or raw == "":
            if required:
                self.fail(field, raw, "is required")
            return ""
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            self.fail(field, raw, "must be text")
            return ""
        text = str(raw).strip()
        if "\x00" in text:
            self.fail(field, text[:80].replace("\x00", "\\0"), "contains a NUL character")
            return ""
        if required and not text:
            self.fail(field, raw, "is required")
        if len(text) > limit:
            self.fail(field, text[:100], f"is longer than {limit} characters")
        return text

    def number(
        self, field: str, *, low: float, high: float, within: Mapping[str, object] | None = None
    ) -> float | None:
        raw = self.value(field, within)
        if raw is None or raw == "":
            return None
        try:
            number = float(raw) if isinstance(raw, str | int | float) and not isinstance(raw, bool) else None
        except ValueError:
            number = None
        if number is None or number != number:  # NaN is not a number here
            self.fail(field, raw, "must be a number")
            return None
        if not low <= number <= high:
            self.fail(field, raw, f"must be between {low:g} and {high:g}")
            return None
        return number

    def integer(self, field: str, *, low: int, high: int) -> int | None:
        number = self.number(field, low=low, high=high)
        if number is not None and number != int(number):
            self.fail(field, self.draft.get(field), "must be a whole number")
            return None
        return None if number is None else int(number)

    def moment(self, field: str) -> datetime | None:
        raw = self.value(field)
        if raw is None or raw == "":
            return None
        try:
            parsed = datetime.fromisoformat(str(raw).strip())
        except ValueError:
            self.fail(field, raw, "must be an ISO 8601 date or date-time")
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def choice(self, field: str, kind: type[E], default: E | None = None, raw: object = _FROM_FIELD) -> E | None:
        value = self.value(field) if raw is _FROM_FIELD else raw
        if value is None or value == "":
            return default
        key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
        key = _EMPLOYMENT_ALIASES.get(key, key)
        try:
            return kind(key)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            self.fail(field, value, f"is not one of {allowed}")
            return default

    def status(self) -> PostingStatus:
        found = self.choice("status", PostingStatus) or PostingStatus.PUBLISHED
        if found not in PARTNER_STATUSES:
            allowed = ", ".join(sorted(s.value for s in PARTNER_STATUSES))
            self.fail("status", found.value, f"is not one of {allowed} (expiry follows valid_through)")
            return PostingStatus.PUBLISHED
        return found

    def employment_types(self) -> tuple[EmploymentType, ...]:
        raw = self.value("employment_type")
        values = raw if isinstance(raw, list) else [] if raw in (None, "") else [raw]
        found = [self.choice("employment_type", EmploymentType, raw=value) for value in values]
        return tuple(dict.fromkeys(value for value in found if value is not None))

    def description(self) -> tuple[str, str]:
        markup = unescape_if_escaped(self.text("description", limit=MAX_DESCRIPTION))
        if has_active_content(markup):
            self.fail("description", markup[:100], "contains script, frames or event handlers")
        clean = sanitise(markup)
        return clean, plain_text(clean)

    def employer(self) -> Employer | None:
        raw = self.value("employer")
        if raw is None or raw == "":
            return None
        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, Mapping):
            self.fail("employer", raw, "must be a name or an object with a name")
            return None
        name = self.text("employer.name", required=True, within=raw)
        fields = ("registration_id", "industry", "size", "region", "url")
        values = {key: self.text(f"employer.{key}", within=raw) for key in fields}
        return Employer(name=name, normalised_name=normalise_employer_name(name), **values) if name else None

    def address(self) -> Address:
        raw = self.value("address")
        if raw is None or raw == "":
            return Address()
        if not isinstance(raw, Mapping):
            self.fail("address", raw, "must be an object (street, locality, region, postal_code, country)")
            return Address()
        limits = {"street": MAX_TEXT_FIELD, "locality": MAX_TEXT_FIELD, "region": MAX_TEXT_FIELD}
        limits |= {"postal_code": 32, "country": 64}  # the stored columns' widths
        return Address(**{key: self.text(f"address.{key}", within=raw, limit=limit) for key, limit in limits.items()})

    def salary(self) -> Salary | None:
        raw = self.value("salary")
        if raw is None or raw == "":
            return None
        if isinstance(raw, str):
            return Salary(text=raw.strip())
        if not isinstance(raw, Mapping):
            self.fail("salary", raw, "must be text or an object (currency, min, max, unit, text)")
            return None
        currency = self.text("salary.currency", within=raw).upper() or None
        if currency and not _CURRENCY.match(currency):
            self.fail("salary.currency", currency, "must be an ISO 4217 code such as GBP")
        low = self.number("salary.min", low=0, high=1e12, within=raw)
        high = self.number("salary.max", low=0, high=1e12, within=raw)
        unit = self.choice("salary.unit", SalaryUnit, raw=raw.get("unit"))
        if low is not None and high is not None and low > high:
            self.fail("salary.min", low, f"is above salary.max ({high:g})")
            return None
        return Salary(currency, low, high, unit, self.text("salary.text", within=raw))

    def language(self) -> str:
        language = self.text("language", limit=35)
        if language and not _LANGUAGE.match(language):
            self.fail("language", language, "must be a language tag such as en or ko-KR")
        return language.lower()

    def url(self) -> str:
        url = self.text("url", limit=2_000)
        if url and not url.lower().startswith(("http://", "https://")):
            self.fail("url", url, "must be an http(s) address")
            return ""
        return url
