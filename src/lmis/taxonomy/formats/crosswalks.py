"""Readers of crosswalk files: the published BLS, O*NET and Nesta tables, and a generic format.

The kind of file is told by its header. The generic format, for a country's own tables, is a
CSV with `from_scheme, from_code, to_scheme, to_code` and optional `match`, `confidence`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lmis.shared.delimited import Row, read_header, read_rows
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress
from lmis.taxonomy.model import CodeMapping, MatchType, Release, ReleaseBundle
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ISCO_08, ONET_SOC_2010, ONET_SOC_2019, SOC_2010, SOC_2018

_ONET = "O*NET Resource Center, USDOL/ETA"
_ONET_LICENCE = "CC BY 4.0"


@dataclass(frozen=True, slots=True)
class CrosswalkFormat:
    """A published crosswalk table: which columns hold the codes and who published it."""

    release_id: str
    title: str
    publisher: str
    licence: str
    from_scheme: str
    from_column: str
    to_scheme: str
    to_column: str
    read_match: Callable[[Row], tuple[MatchType, float]]


def _exact(row: Row) -> tuple[MatchType, float]:
    return MatchType.EXACT, 1.0


def _bls_part(row: Row) -> tuple[MatchType, float]:
    # BLS marks with '*' the ISCO groups that map to only part of a SOC code (and back).
    return (MatchType.PARTIAL, 0.8) if row.get("part") == "*" else (MatchType.EXACT, 1.0)


def _nesta_confidence(row: Row) -> tuple[MatchType, float]:
    # Kanders et al. (2020): confidence 2 = strong, 1 = good, 0.5 = weak match; rescaled to [0, 1].
    value = row.require("confidence")
    try:
        score = float(value)
    except ValueError:
        raise row.error(f"{value!r} is not a number", "confidence") from None
    return (MatchType.CLOSE if score < 2 else MatchType.EXACT), min(score / 2, 1.0)


FORMATS = (
    CrosswalkFormat(
        "crosswalk-bls-isco08-soc2010",
        "ISCO-08 to 2010 SOC crosswalk (2012, updated 2015)",
        "U.S. Bureau of Labor Statistics",
        "Public domain (U.S. Government work)",
        ISCO_08.code,
        "isco08_code",
        SOC_2010.code,
        "soc2010_code",
        _bls_part,
    ),
    CrosswalkFormat(
        "crosswalk-onet-soc2010-onet-soc2019",
        "O*NET-SOC 2010 to O*NET-SOC 2019 crosswalk",
        _ONET,
        _ONET_LICENCE,
        ONET_SOC_2010.code,
        "O*NET-SOC 2010 Code",
        ONET_SOC_2019.code,
        "O*NET-SOC 2019 Code",
        _exact,
    ),
    CrosswalkFormat(
        "crosswalk-onet-soc2010-soc2010",
        "O*NET-SOC 2010 to 2010 SOC crosswalk",
        _ONET,
        _ONET_LICENCE,
        ONET_SOC_2010.code,
        "O*NET-SOC 2010 Code",
        SOC_2010.code,
        "2010 SOC Code",
        _exact,
    ),
    CrosswalkFormat(
        "crosswalk-onet-soc2010-soc2018",
        "O*NET-SOC 2010 to 2018 SOC crosswalk",
        _ONET,
        _ONET_LICENCE,
        ONET_SOC_2010.code,
        "O*NET-SOC 2010 Code",
        SOC_2018.code,
        "2018 SOC Code",
        _exact,
    ),
    CrosswalkFormat(
        "crosswalk-onet-soc2019-soc2018",
        "O*NET-SOC 2019 to 2018 SOC crosswalk",
        _ONET,
        _ONET_LICENCE,
        ONET_SOC_2019.code,
        "O*NET-SOC 2019 Code",
        SOC_2018.code,
        "2018 SOC Code",
        _exact,
    ),
    CrosswalkFormat(
        "crosswalk-nesta-esco-onet-2020",
        "ESCO occupations to O*NET-SOC 2010 (Mapping Career Causeways, Nov 2020)",
        "Nesta (Kanders et al. 2020)",
        "MIT (cite the report)",
        ESCO_OCCUPATION.code,
        "concept_uri",
        ONET_SOC_2010.code,
        "onet_code",
        _nesta_confidence,
    ),
)
_GENERIC = ("from_scheme", "from_code", "to_scheme", "to_code")


def read_crosswalk(path: Path, name: str | None, progress: Progress) -> ReleaseBundle:
    """Parse one crosswalk file into a bundle of mappings, recognising its format by header.

    `name` names the release of a generic file (required for it; published tables have
    their own). Raises `MalformedFile` for an unknown header or a bad row.
    """
    header = set(read_header(path))
    known = next((f for f in FORMATS if {f.from_column, f.to_column} <= header), None)
    progress.begin(f"Reading crosswalk {path.name}", 1)
    if known is not None:
        bundle = _read_known(path, known)
    elif set(_GENERIC) <= header:
        bundle = _read_generic(path, name)
    else:
        raise MalformedFile(
            "not a known crosswalk table; a generic one needs columns " + ", ".join(_GENERIC),
            path=str(path),
            line=1,
        )
    progress.advance()
    return bundle


def _read_known(path: Path, fmt: CrosswalkFormat) -> ReleaseBundle:
    bundle = ReleaseBundle(
        Release(
            fmt.release_id,
            "crosswalk",
            fmt.release_id.rsplit("-", 1)[-1],
            fmt.title,
            fmt.publisher,
            fmt.licence,
            path.name,
        )
    )
    seen: set[tuple[str, str]] = set()
    for row in read_rows(path, required=(fmt.from_column, fmt.to_column)):
        pair = (row.require(fmt.from_column), row.require(fmt.to_column))
        if pair in seen:
            continue
        seen.add(pair)
        match, confidence = fmt.read_match(row)
        bundle.mappings.append(CodeMapping(fmt.from_scheme, pair[0], fmt.to_scheme, pair[1], match, confidence))
    return bundle


def _read_generic(path: Path, name: str | None) -> ReleaseBundle:
    if not name:
        raise MalformedFile("a generic crosswalk needs a release name (--name)", path=str(path), line=1)
    bundle = ReleaseBundle(Release(name, "crosswalk", "1", name, "", "", path.name))
    for row in read_rows(path, required=_GENERIC):
        match_text = row.get("match") or MatchType.EXACT.value
        try:
            match = MatchType(match_text)
        except ValueError:
            options = ", ".join(m.value for m in MatchType)
            raise row.error(f"{match_text!r} is not one of {options}", "match") from None
        confidence_text = row.get("confidence") or "1"
        try:
            confidence = float(confidence_text)
        except ValueError:
            raise row.error(f"{confidence_text!r} is not a number", "confidence") from None
        if not 0 <= confidence <= 1:
            raise row.error("confidence must be between 0 and 1", "confidence")
        codes = [row.require(column) for column in _GENERIC]
        bundle.mappings.append(CodeMapping(codes[0], codes[1], codes[2], codes[3], match, confidence))
    return bundle
