"""`lmis eval transitions FILE`: next-occupation recall, MRR and nDCG on observed or expert occupation pairs."""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from lmis.cli.context import RichProgress, services

if TYPE_CHECKING:
    import numpy as np

    from lmis.recommend.pathways import OccupationSpace

KINDS = ("esco_uri", "onet_soc", "isco_code", "title")
SCHEME_OF = {"esco_uri": "esco-occupation", "onet_soc": "onet-soc-2019", "isco_code": "isco-08"}
SCHEME_NAMES = {"onet": "onet-soc-2019", "esco": "esco-occupation", "isco": "isco-08"}
# The plain skills baseline of each scheme: a signal every space carries with weight 0 by default.
BASELINE_SIGNAL = {"onet-soc-2019": "skills_knowledge", "esco-occupation": "skill_set", "isco-08": "skills"}
K = 10


@click.command("transitions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scheme",
    type=click.Choice(sorted(SCHEME_NAMES)),
    default="onet",
    show_default=True,
    help="The scheme titles are coded into when both sides are free titles.",
)
@click.option("--weights", help="Override signal weights for an experiment, e.g. 'activities=1,titles=0.5'.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the metrics.")
def transitions_command(path: Path, scheme: str, weights: str | None, as_json: bool) -> None:
    """Next-occupation ranking against the occupation pairs in PATH (CSV, optionally gzipped).

    Columns: one `from_<kind>` and one `to_<kind>`, kind = esco_uri, onet_soc, isco_code or title
    (titles are coded with the occupation coder into the other side's scheme). Rows are grouped
    by source; each source's targets are its relevant set. Metrics: recall@10 (mean over sources;
    pairs_recall_at_10 over pairs), MRR and nDCG@10, beside a leave-one-source-out popularity
    baseline and the plain skills cosine. Rows that cannot be resolved are counted by reason.
    """
    rows, from_kind, to_kind = _read(path)
    target_scheme = _scheme(from_kind, to_kind, SCHEME_NAMES[scheme])
    space = _space(target_scheme, "title" in (from_kind, to_kind), show=not as_json)
    pairs, skipped = _resolve(space, rows, from_kind, to_kind, show=not as_json)
    chosen = _parse_weights(weights, space) if weights else None
    with RichProgress(enabled=not as_json) as progress:
        progress.begin(f"Ranking {len(space.ids):,} occupations for each source", len(_by_source(pairs)))
        metrics = evaluate_pairs(space, pairs, chosen, progress.advance)
    metrics["skipped"] = {"count": sum(skipped.values()), "by_reason": dict(skipped)}
    metrics["scheme"] = target_scheme
    _print(metrics, as_json)


def _read(path: Path) -> tuple[list[dict[str, str]], str, str]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    header = [name.strip() for name in reader.fieldnames or []]
    accepted = ", ".join(f"{side}_{kind}" for side in ("from", "to") for kind in KINDS)
    found = {side: [c for c in header if c in {f"{side}_{kind}" for kind in KINDS}] for side in ("from", "to")}
    unknown = [c for c in header if c.startswith(("from_", "to_")) and c not in found["from"] + found["to"]]
    if unknown or len(found["from"]) != 1 or len(found["to"]) != 1:
        problem = f"unknown column(s) {', '.join(unknown)}" if unknown else "need exactly one from_ and one to_ column"
        raise click.UsageError(f"{path}: {problem}; accepted columns: {accepted}")
    rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    return rows, found["from"][0].removeprefix("from_"), found["to"][0].removeprefix("to_")


def _scheme(from_kind: str, to_kind: str, titles_scheme: str) -> str:
    schemes = {SCHEME_OF[kind] for kind in (from_kind, to_kind) if kind != "title"}
    if len(schemes) > 1:
        raise click.UsageError(
            f"from_{from_kind} and to_{to_kind} are codes of different schemes: use one scheme, or titles on one side"
        )
    return schemes.pop() if schemes else titles_scheme


def _space(scheme: str, with_titles: bool, *, show: bool) -> OccupationSpace:
    from lmis.config import load_settings
    from lmis.enrich.e5 import E5Embedder
    from lmis.storage.occupation_space import load_occupation_space

    settings = services().settings if with_titles else load_settings()
    embedder = E5Embedder()
    with RichProgress(enabled=show) as progress:
        return load_occupation_space(
            settings.taxonomy_dir,
            scheme,
            cache_dir=settings.resolved_cache_dir(),
            embed=embedder.passages,
            embedder_version=embedder.version,
            progress=progress,
        )


def _resolve(
    space: OccupationSpace, rows: list[dict[str, str]], from_kind: str, to_kind: str, *, show: bool = False
) -> tuple[list[tuple[int, int]], Counter[str]]:
    """The (source row, target row) pairs of the file, and how many rows were skipped for which reason."""
    titles = [row[f"{s}_title"] for row in rows for s in ("from", "to") if f"{s}_title" in row]
    coded = _code_titles(space, titles, show=show)
    pairs: list[tuple[int, int]] = []
    skipped: Counter[str] = Counter()
    for row in rows:
        ends = []
        for side, kind in (("from", from_kind), ("to", to_kind)):
            value = row.get(f"{side}_{kind}", "")
            found = coded.get(value) if kind == "title" else _code_row(space, kind, value)
            if not value:
                skipped[f"empty {side}_{kind}"] += 1
            elif found is None:
                skipped[f"{'title not coded' if kind == 'title' else 'unknown code'} ({side}_{kind})"] += 1
            ends.append(found if value else None)
        if ends[0] is None or ends[1] is None:
            continue
        if ends[0] == ends[1]:
            skipped["same occupation on both sides"] += 1
            continue
        pairs.append((ends[0], ends[1]))
    return pairs, skipped


def _code_row(space: OccupationSpace, kind: str, value: str) -> int | None:
    from lmis.taxonomy.schemes import concept_id

    index = space.index()
    if kind == "esco_uri":
        return index.get(concept_id(space.scheme, value))
    if kind == "onet_soc" and len(value) == 7:
        value += ".00"  # a SOC detailed code names its O*NET-SOC occupation of the same code
    return index.get(value)


def _code_titles(space: OccupationSpace, titles: list[str], *, show: bool) -> dict[str, int]:
    """Each distinct title coded into the space's scheme (absent when the coder gives nothing usable)."""
    distinct = sorted({t for t in titles if t})
    if not distinct:
        return {}
    from lmis.enrich.building import build_occupation_coder
    from lmis.enrich.e5 import E5Embedder
    from lmis.storage.occupation_space import esco_to_onet
    from lmis.taxonomy.schemes import ESCO_OCCUPATION, concept_id

    built = services()
    with RichProgress(enabled=show) as progress:
        coder = build_occupation_coder(
            uow=built.uow(), embedder=E5Embedder(), cache_dir=built.settings.resolved_cache_dir(), progress=progress
        )
        progress.begin(f"Coding {len(distinct):,} titles", len(distinct))
        candidates = []
        for start in range(0, len(distinct), 256):
            candidates += coder.code(distinct[start : start + 256], top=5)
            progress.advance(min(256, len(distinct) - start))
    index = space.index()
    onet = {
        concept_id(ESCO_OCCUPATION.code, uri): [code for code, _conf in codes]
        for uri, codes in esco_to_onet(built.settings.taxonomy_dir / "crosswalks").items()
    }
    coded: dict[str, int] = {}
    for title, ranked in zip(distinct, candidates, strict=True):
        for candidate in ranked:
            keys = {"esco-occupation": [candidate.concept_id], "isco-08": [candidate.isco]}.get(
                space.scheme, onet.get(candidate.concept_id, [])
            )
            found = next((index[key] for key in keys if key in index), None)
            if found is not None:
                coded[title] = found
                break
    return coded


def _parse_weights(text: str, space: OccupationSpace) -> dict[str, float]:
    known = sorted({*space.dense, *space.sparse, *space.carried, "job_zone", "hierarchy"})
    chosen: dict[str, float] = {}
    for part in text.split(","):
        name, _sep, value = part.partition("=")
        if name.strip() not in known:
            raise click.BadParameter(
                f"{name.strip()!r} is not a signal; signals: {', '.join(known)}", param_hint="--weights"
            )
        try:
            chosen[name.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a number", param_hint="--weights") from None
    return chosen


def _by_source(pairs: list[tuple[int, int]]) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for source, target in pairs:
        grouped[source].add(target)
    return grouped


def evaluate_pairs(
    space: OccupationSpace,
    pairs: list[tuple[int, int]],
    weights: Mapping[str, float] | None = None,
    advance: object = None,
) -> dict[str, object]:
    """Recall@10, MRR, nDCG@10 of the recommender and of the popularity and skills-cosine baselines."""
    import numpy as np

    from lmis.recommend.pathways import content_scores

    grouped = _by_source(pairs)
    popularity = Counter(target for _source, target in pairs)
    baseline = {BASELINE_SIGNAL[space.scheme]: 1.0}
    scored: dict[str, list[tuple[float, float, float, int, int]]] = defaultdict(list)
    for source, relevant in grouped.items():
        own = Counter(t for s, t in pairs if s == source)
        counts = np.array([popularity[j] - own[j] for j in range(len(space.ids))], dtype=np.float32)
        rankings = {
            "recommender": content_scores(space, source, weights)[0],
            "skills_cosine": content_scores(space, source, baseline)[0],
            "popularity": counts,
        }
        for name, scores in rankings.items():
            scores = scores.astype(np.float64)
            scores[source] = -np.inf
            scored[name].append(_ranking_metrics(np.argsort(-scores, kind="stable"), relevant))
        if callable(advance):
            advance()
    results = {name: _summary(values) for name, values in scored.items()}
    main = results.pop("recommender", _summary([]))
    return {**main, "rows": len(pairs), "sources": len(grouped), "baselines": results}


def _ranking_metrics(order: np.ndarray, relevant: set[int]) -> tuple[float, float, float, int, int]:
    top = [int(j) for j in order[:K]]
    hits = [j in relevant for j in top]
    position = next(rank for rank, j in enumerate(order) if int(j) in relevant)
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), K)))
    return sum(hits) / len(relevant), 1 / (position + 1), dcg / ideal, sum(hits), len(relevant)


def _summary(values: list[tuple[float, float, float, int, int]]) -> dict[str, float]:
    if not values:
        return {"recall_at_10": 0.0, "mrr": 0.0, "ndcg_at_10": 0.0, "pairs_recall_at_10": 0.0}
    return {
        "recall_at_10": sum(v[0] for v in values) / len(values),
        "mrr": sum(v[1] for v in values) / len(values),
        "ndcg_at_10": sum(v[2] for v in values) / len(values),
        "pairs_recall_at_10": sum(v[3] for v in values) / sum(v[4] for v in values),
    }


def _print(metrics: dict[str, object], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(metrics))
        return
    baselines = cast("dict[str, dict[str, float]]", metrics["baselines"])
    names = ("recall_at_10", "pairs_recall_at_10", "mrr", "ndcg_at_10")
    click.echo(f"{'metric':<22}{'recommender':>13}{'skills_cosine':>15}{'popularity':>12}")
    for name in names:
        values = [cast("float", metrics[name]), baselines["skills_cosine"][name], baselines["popularity"][name]]
        click.echo(f"{name:<22}" + "".join(f"{float(v):>{w}.4f}" for v, w in zip(values, (13, 15, 12), strict=True)))
    skipped = cast("dict[str, Any]", metrics["skipped"])
    click.echo(f"scheme {metrics['scheme']}: {metrics['rows']} pairs from {metrics['sources']} sources evaluated")
    click.echo(f"skipped {skipped['count']} rows" + "".join(f"; {r}: {n}" for r, n in skipped["by_reason"].items()))
