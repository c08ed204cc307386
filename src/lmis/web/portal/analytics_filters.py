"""The analytics pages' GET filters: read from the query string, turned into an indicator query (unknown values
raise the service's `Invalid` with its suggestions), and written back into links (downloads, suggestions)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from urllib.parse import urlencode

from fastapi import Request

from lmis.analytics.indicators import IndicatorService, parse_enum
from lmis.analytics.model import Grain, IndicatorQuery, Measure
from lmis.shared.errors import Invalid

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LIMIT = 200  # longest value read from a filter field
# Query-string names that differ from the attribute names (`from` is a Python keyword).
ALIASES = {"start": "from", "end": "to"}
# Service error fields -> the form field that holds the value.
FIELDS = {"start": "from", "end": "to", "dimension": "region"}


@dataclass(frozen=True)
class Filters:
    """What the person chose; every value as typed (strings), empty when not chosen."""

    region: str = ""
    occupation: str = ""
    sector: str = ""
    start: str = ""
    end: str = ""
    grain: str = ""
    measure: str = ""
    level: str = ""
    country: str = ""
    by: str = ""
    programme: str = ""
    series: str = ""

    @classmethod
    def of(cls, request: Request) -> Filters:
        """The filters of a request's query string (values cut at `LIMIT` characters)."""
        params = request.query_params
        found = {f.name: params.get(ALIASES.get(f.name, f.name), "")[:LIMIT].strip() for f in fields(cls)}
        return cls(**found)

    def query(self, service: IndicatorService) -> IndicatorQuery:
        """The indicator query: filters resolved to ids by the service (unknown ones raise `Invalid`)."""
        filters = {"region": [self.region], "occupation": [self.occupation], "sector": [self.sector]}
        return service.query(filters, _day(self.start, "from"), _day(self.end, "to"))

    def grain_or(self, default: Grain = Grain.MONTH) -> Grain:
        return parse_enum(Grain, self.grain, "grain") if self.grain else default

    def measure_or(self, default: Measure) -> Measure:
        return parse_enum(Measure, self.measure, "measure") if self.measure else default

    def level_or(self, default: int | None) -> int | None:
        if not self.level:
            return default
        if not self.level.isdigit():
            raise Invalid(f"level {self.level!r} is not a number", field="level", suggestions=["1", "2", "3", "4"])
        return int(self.level)

    def link(self, **changes: str) -> str:
        """This page's query string with `changes` (form field names or attribute names), empty values left out."""
        named = {FIELDS.get(k, k): v for k, v in changes.items()}
        attrs = {a: named.pop(ALIASES.get(a, a)) for a in list(asdict(self)) if ALIASES.get(a, a) in named}
        chosen = replace(self, **attrs)
        pairs = [(ALIASES.get(name, name), value) for name, value in asdict(chosen).items() if value]
        return urlencode(pairs)


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    if _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)", field=field, suggestions=[])


def form_field(service_field: str | None) -> str:
    """The form field a service error is about (`start` -> `from`)."""
    return FIELDS.get(service_field or "", service_field or "")
