"""Parameter types the API endpoints share, parsed exactly as their OpenAPI schema documents them."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

# A date, or a date and time (RFC 3339), e.g. 2026-11-20 or 2026-11-20T09:00:00Z.
_DATE_FIRST = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ].*)?")


def _dated(value: object) -> object:
    """Refuse what pydantic would otherwise read as Unix seconds ('0.5', '1700000000'): it is no date."""
    if isinstance(value, str) and not _DATE_FIRST.fullmatch(value):
        raise ValueError("give a date (2026-11-20) or an RFC 3339 date-time (2026-11-20T09:00:00Z)")
    return value


Moment = Annotated[
    datetime,
    BeforeValidator(_dated),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]},
        mode="validation",
    ),
]


# How JSON writes numbers (RFC 8259 §6), so "9 ", "0x10", "1_000", "inf" or "nan" are no number here.
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _integer(value: object) -> object:
    if isinstance(value, str) and not _INTEGER.fullmatch(value):
        raise ValueError("give an integer in digits, e.g. 20")
    return value


def _number(value: object) -> object:
    if isinstance(value, str) and not _NUMBER.fullmatch(value):
        raise ValueError("give a number in digits, e.g. 2.5")
    return value


# Last in a query parameter's `Annotated[int | float, Query(...), ...]`: its text reads only as JSON
# writes numbers, where pydantic would also take "9\u00a0" or "inf". (Wrapping the type instead would
# drop `Query`'s bounds from the OpenAPI schema.)
INTEGER_TEXT = BeforeValidator(_integer)
NUMBER_TEXT = BeforeValidator(_number)
