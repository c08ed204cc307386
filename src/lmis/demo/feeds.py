"""Partner feed files written as records arrive: NDJSON, JSON-LD lines, CSV with its column mapping, RSS 2.0."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from pathlib import Path
from typing import TextIO

from lmis.demo import records
from lmis.demo.model import Vacancy

_BUFFER = 1 << 20


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner source: its name, feed format, share of the ads and how it numbers and links them."""

    source: str
    format: str
    share: float
    id_pattern: str
    host: str

    def external_id(self, number: int) -> str:
        """The partner's id of its `number`th record."""
        return self.id_pattern.format(number)

    def url(self, external_id: str) -> str:
        """Where the partner shows the ad (a reserved .invalid host: it resolves nowhere)."""
        return f"https://{self.host}/jobs/{external_id}"


PARTNERS = (
    Partner("demo-jobboard", "ndjson", 0.40, "JB-{:07d}", "jobboard.demo.invalid"),
    Partner("demo-careers", "jsonld", 0.25, "CAREERS-{:07d}", "careers.demo.invalid"),
    Partner("demo-agency", "csv", 0.20, "AG{:08d}", "agency.demo.invalid"),
    Partner("demo-news", "rss", 0.15, "demo-news-{:07d}", "news.demo.invalid"),
)
_SUFFIX = {"ndjson": "ndjson", "jsonld": "jsonld", "csv": "csv", "rss": "rss"}


def json_line(value: object) -> str:
    """`value` as one compact JSON line (non-ASCII kept as is)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


class Feed:
    """One partner's feed file, open for appending records; `close` finishes it."""

    def __init__(self, partner: Partner, folder: Path, *, country: str, as_of: date) -> None:
        self.partner = partner
        self.country = country
        self.as_of = as_of
        self.records = 0
        self.path = folder / f"{partner.source}.{_SUFFIX[partner.format]}"
        self._file: TextIO = self.path.open("w", encoding="utf-8", newline="", buffering=_BUFFER)
        self._start()

    def write(self, vacancy: Vacancy) -> str:
        """Append the vacancy under the partner's next id; returns that id."""
        self.records += 1
        external_id = self.partner.external_id(self.records)
        self._write(vacancy, external_id, self.partner.url(external_id))
        return external_id

    def close(self) -> None:
        """Finish and close the file."""
        self._finish()
        self._file.close()

    def manifest_entry(self) -> dict[str, object]:
        """What the manifest says about this file."""
        return {"path": self.path.name, "format": self.partner.format, "source": self.partner.source}

    def _start(self) -> None:
        """Write what comes before the first record."""

    def _write(self, vacancy: Vacancy, external_id: str, url: str) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Write what comes after the last record."""


class NdjsonFeed(Feed):
    """Canonical records, one per line."""

    def _write(self, vacancy: Vacancy, external_id: str, url: str) -> None:
        self._file.write(json_line(records.canonical(vacancy, external_id=external_id, url=url, country=self.country)))


class JsonLdFeed(Feed):
    """schema.org JobPosting documents, one per line."""

    def _write(self, vacancy: Vacancy, external_id: str, url: str) -> None:
        document = records.job_posting(
            vacancy, external_id=external_id, source=self.partner.source, url=url, country=self.country
        )
        self._file.write(json_line(document))


class CsvFeed(Feed):
    """Rows under the partner's own header, with `<source>.mapping.json` mapping canonical fields to columns."""

    def _start(self) -> None:
        self._rows = csv.writer(self._file, lineterminator="\n")
        self._rows.writerow(records.CSV_COLUMNS.values())
        self.mapping_path = self.path.with_name(f"{self.partner.source}.mapping.json")
        mapping = {"columns": records.CSV_COLUMNS, "delimiter": ","}
        self.mapping_path.write_text(json.dumps(mapping, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def _write(self, vacancy: Vacancy, external_id: str, url: str) -> None:
        self._rows.writerow(records.csv_row(vacancy, external_id=external_id, url=url, country=self.country))

    def manifest_entry(self) -> dict[str, object]:
        """See `Feed.manifest_entry`; names the column-mapping file too."""
        return {**super().manifest_entry(), "mapping": self.mapping_path.name}


class RssFeed(Feed):
    """An RSS 2.0 channel whose items are the ads."""

    def _start(self) -> None:
        built = format_datetime(datetime.combine(self.as_of, time(0, 0), UTC))
        host = f"https://{self.partner.host}/jobs"
        self._file.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            f"<title>{self.partner.source} job ads (SYNTHETIC DEMO DATA)</title>\n<link>{host}</link>\n"
            "<description>Synthetic job ads generated by LMIS for demonstration; none is a real vacancy."
            f"</description>\n<language>en</language>\n<lastBuildDate>{built}</lastBuildDate>\n"
        )

    def _write(self, vacancy: Vacancy, external_id: str, url: str) -> None:
        self._file.write(records.rss_item(vacancy, guid=external_id, url=url))

    def _finish(self) -> None:
        self._file.write("</channel>\n</rss>\n")


_FEEDS: dict[str, type[Feed]] = {"ndjson": NdjsonFeed, "jsonld": JsonLdFeed, "csv": CsvFeed, "rss": RssFeed}


def open_feed(partner: Partner, folder: Path, *, country: str, as_of: date) -> Feed:
    """The writer of `partner`'s format, its file created in `folder`."""
    return _FEEDS[partner.format](partner, folder, country=country, as_of=as_of)
