"""schema.org `JobPosting` in JSON-LD: one document per line, a JSON array of them, or HTML pages embedding them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from typing import BinaryIO

from lmis.ingest.model import Draft, ParseError, Payload, Problem
from lmis.sources.ndjson import load_object
from lmis.sources.text import decode


class JsonLdFormat:
    """JSON-LD job postings, mapped from schema.org names onto the canonical record.

    The input kind is told by its first character: `<` an HTML page (its
    `<script type="application/ld+json">` blocks are read), `[` a JSON array, else one
    document per line.
    """

    name = "jsonld"

    def options(self) -> dict[str, object]:
        """Nothing to rebuild this format with."""
        return {}

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        """Documents (lines or array items) or whole HTML pages."""
        head = _head(data)
        if head.startswith(b"<") or head.startswith(b"["):
            whole = decode("file", data.read())
            if head.startswith(b"<") or whole.decode_error:
                yield whole
                return
            yield from _array_items(whole)
            return
        for number, line in enumerate(data, start=1):
            if line.strip():
                yield decode(f"line {number}", line.rstrip(b"\r\n"))

    def parse(self, payload: str) -> list[Draft]:
        """Every JobPosting of the payload, as canonical drafts."""
        documents = _scripts(payload) if payload.lstrip().startswith("<") else [load_object(payload)]
        postings = [node for document in documents for node in _nodes(document) if _is_job_posting(node)]
        if not postings:
            types = sorted({str(node.get("@type")) for document in documents for node in _nodes(document)})
            raise ParseError(Problem("@type", ", ".join(types) or "none", "holds no schema.org JobPosting"))
        return [to_canonical(node) for node in postings]


def _head(data: BinaryIO) -> bytes:
    """The first bytes of `data` without consuming them (seeking back when it cannot peek)."""
    peek = getattr(data, "peek", None)
    if peek is not None:
        head: bytes = peek(64)[:64]
    else:
        start = data.tell()
        head = data.read(64)
        data.seek(start)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()


def _array_items(whole: Payload) -> Iterator[Payload]:
    try:
        items = json.loads(whole.text)
    except json.JSONDecodeError:
        yield whole
        return
    for number, item in enumerate(items if isinstance(items, list) else [items], start=1):
        yield Payload(f"item {number}", json.dumps(item, ensure_ascii=False))


class _ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script" and ("type", "application/ld+json") in [(k, (v or "").lower()) for k, v in attrs]
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def _scripts(page: str) -> list[dict[str, object]]:
    collector = _ScriptCollector()
    collector.feed(page)
    documents: list[dict[str, object]] = []
    for block in collector.blocks:
        try:
            value = json.loads(block)
        except json.JSONDecodeError as error:
            raise ParseError(Problem("script", block[:80], f"is not valid JSON-LD: {error.msg}")) from None
        documents += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]
    return documents


def _nodes(document: Mapping[str, object]) -> list[Mapping[str, object]]:
    graph = document.get("@graph")
    return [n for n in graph if isinstance(n, Mapping)] if isinstance(graph, list) else [document]


def _is_job_posting(node: Mapping[str, object]) -> bool:
    kind = node.get("@type")
    return kind == "JobPosting" or (isinstance(kind, list) and "JobPosting" in kind)


def _get(node: object, *path: str) -> object:
    for key in path:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node[0] if isinstance(node, list) and node and isinstance(node[0], Mapping) else node


def _identifier(node: Mapping[str, object]) -> object:
    ident = node.get("identifier")
    if isinstance(ident, Mapping):
        ident = ident.get("value")
    return ident or node.get("fileid") or node.get("@id") or node.get("url")


def _salary(node: Mapping[str, object]) -> object:
    base = node.get("baseSalary")
    if not isinstance(base, Mapping):
        return base
    value = base.get("value")
    amount = value if isinstance(value, Mapping) else {"value": value}
    low, high, single = amount.get("minValue"), amount.get("maxValue"), amount.get("value")
    numeric = _is_number(single)
    return {
        "currency": base.get("currency"),
        "min": low if low is not None else (single if numeric else None),
        "max": high if high is not None else (single if numeric else None),
        "unit": amount.get("unitText") or base.get("unitText"),
        "text": "" if numeric or single is None else str(single),
    }


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return value is not None and not isinstance(value, bool)


def to_canonical(node: Mapping[str, object]) -> dict[str, object]:
    """Map one schema.org JobPosting onto the canonical record of docs/ingest.md."""
    organisation = _get(node, "hiringOrganization")
    address = _get(node, "jobLocation", "address")
    experience = _get(node, "experienceRequirements", "monthsOfExperience")
    draft: dict[str, object] = {
        "external_id": _identifier(node),
        "title": node.get("title"),
        "description": node.get("description"),
        "employer": {"name": _get(organisation, "name"), "url": _get(organisation, "url") or ""}
        if isinstance(organisation, Mapping)
        else organisation,
        "address": {
            "street": _get(address, "streetAddress") or "",
            "locality": _get(address, "addressLocality") or "",
            "region": _get(address, "addressRegion") or "",
            "postal_code": _get(address, "postalCode") or "",
            "country": _get(address, "addressCountry", "name")
            if isinstance(_get(address, "addressCountry"), Mapping)
            else _get(address, "addressCountry") or "",
        }
        if isinstance(address, Mapping)
        else address,
        "latitude": _get(node, "jobLocation", "geo", "latitude"),
        "longitude": _get(node, "jobLocation", "geo", "longitude"),
        "employment_type": node.get("employmentType"),
        "working_hours": node.get("workHours"),
        "salary": _salary(node),
        "education": _get(node, "educationRequirements", "credentialCategory") or node.get("educationRequirements")
        if not isinstance(node.get("educationRequirements"), Mapping)
        else _get(node, "educationRequirements", "credentialCategory"),
        "experience_months": experience,
        "openings": node.get("totalJobOpenings"),
        "date_posted": node.get("datePosted"),
        "valid_through": node.get("validThrough"),
        "language": node.get("inLanguage"),
        "url": node.get("url"),
    }
    return {key: value for key, value in draft.items() if value not in (None, "", {})}
