"""`lmis eval`: quality evaluations on gold files (metric tables, or one JSON object with --json)."""

from __future__ import annotations

import functools
import gzip
import json
import random
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lmis.cli.context import services
from lmis.cli.eval_jobs import recommend_command
from lmis.cli.eval_transitions import transitions_command
from lmis.cli.gold_titles import gold_titles, read_title_rows
from lmis.cli.search_eval import search_command

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lmis.bootstrap import Services
    from lmis.enrich.coding import CodedExample, OccupationCoder
    from lmis.enrich.ports import Vectors
    from lmis.enrich.skills import SkillExtractor


@click.group("eval")
def evaluate() -> None:
    """Measure enrichment and search quality on gold sets (docs/enrichment.md, docs/search.md)."""


@evaluate.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=click.IntRange(1), help="Evaluate a seeded random sample of this many rows.")
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--examples",
    "examples_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Coded titles (same CSV form) the coder learns from; rows that PATH also holds (by `row`) are left out.",
)
@click.option("--folds", type=click.IntRange(2), help="K-fold cross-validation: each fold learns from the others.")
@click.option("--fit-calibration", is_flag=True, help="Also fit and print the confidence calibration.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the metrics.")
def coding(
    path: Path,
    limit: int | None,
    seed: int,
    examples_path: Path | None,
    folds: int | None,
    fit_calibration: bool,
    as_json: bool,
) -> None:
    """Occupation coding of the titles in PATH (CSV; title|text, gold esco_uri or isco_code).

    With --folds K the rows are split into K seeded folds and each fold is coded with the
    other folds as coded examples; the metrics are over all rows (cross-validated).
    """
    from lmis.enrich.coding_eval import evaluate_coding

    rows = read_title_rows(path)
    if limit and limit < len(rows):
        rows = random.Random(seed).sample(rows, limit)  # noqa: S311 - a reproducible sample, not a secret
    built = services()
    coder, embed = _coder(built)
    items = gold_titles(rows, built)
    held = {item.key for item in items} - {""}
    extra = [
        item
        for item in (gold_titles(read_title_rows(examples_path), built) if examples_path else [])
        if item.key not in held
    ]
    metrics, calibration = evaluate_coding(coder, items, extra, embed, folds=folds, seed=seed, fit=fit_calibration)
    _print(metrics, as_json)
    if calibration is not None and not as_json:
        click.echo(f"calibration: {calibration}")


@evaluate.command("coding-languages")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--english",
    "english_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The English gold file the check sets were translated from (e.g. jobbert_titles_val.csv.gz).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the metrics.")
def coding_languages(paths: tuple[Path, ...], english_path: Path, as_json: bool) -> None:
    """Coding of translated check sets (CSV: row, title, esco_uri) beside the English titles of the same rows.

    The rest of the English file serves as coded examples (the check rows are left out), so
    each language is coded as a deployed coder would code it. Keys: `<lang>_<metric>`, `en_<metric>`.
    """
    from lmis.enrich.coding_eval import evaluate_coding

    built = services()
    coder, embed = _coder(built)
    english = gold_titles(read_title_rows(english_path), built)
    by_key = {item.key: item for item in english}
    checks = {path.stem.rsplit("_", 1)[-1]: gold_titles(read_title_rows(path), built) for path in paths}
    in_checks = {item.key for items in checks.values() for item in items}
    missing = in_checks - by_key.keys()
    if missing:
        raise click.UsageError(f"{len(missing)} check rows are not in {english_path}, e.g. {sorted(missing)[:3]}")
    examples = [item for item in english if item.key not in in_checks]
    metrics: dict[str, float] = {}
    for language, items in {"en": [by_key[key] for key in sorted(in_checks)], **checks}.items():
        scored, _calibration = evaluate_coding(coder, items, examples, embed)
        metrics.update({f"{language}_{name}": value for name, value in scored.items()})
    _print(metrics, as_json)


@evaluate.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the metrics.")
def dedup(path: Path, as_json: bool) -> None:
    """Duplicate clusters against the gold `cluster` field of canonical NDJSON records in PATH.

    Pairwise precision, recall, F1 and B-cubed F1, and F1 per `perturbation` kind when present.
    """
    from lmis.enrich.dedup_eval import evaluate_dedup

    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    records = []
    for number, line in enumerate(raw.decode("utf-8").split("\n"), start=1):  # not splitlines: U+2028 is text
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise click.UsageError(f"{path}, line {number}: not JSON ({error.msg})") from None
    _print(evaluate_dedup(records), as_json)


@evaluate.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the metrics.")
def skills(paths: tuple[Path, ...], as_json: bool) -> None:
    """ESCO skill ranking of the sentences in PATHS (Decorte et al. CSV: sentence, label): RP@5, RP@10, MRR.

    e.g. ../shared/data/skill_extraction/decorte_esco/*_validation_annotations.csv
    """
    from lmis.enrich.skills_eval import evaluate_decorte, read_decorte

    sentences = [sentence for path in paths for sentence in read_decorte(path)]
    _print(evaluate_decorte(_skill_extractor(), sentences), as_json)


@evaluate.command("skill-spans")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=click.IntRange(1), help="Evaluate a seeded random sample of this many sentences.")
@click.option("--seed", default=1, show_default=True)
@click.option("--windows", is_flag=True, help="Fuse 2-4 word windows into the similarity: tighter spans, ~12x slower.")
@click.option("--lexical", is_flag=True, help="Word-for-word label matches only (the ingestion hook's default mode).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the metrics.")
def skill_spans(
    paths: tuple[Path, ...], limit: int | None, seed: int, windows: bool, lexical: bool, as_json: bool
) -> None:
    """Skill and knowledge spans of SkillSpan CoNLL files in PATHS: strict and loose span F1.

    e.g. ../shared/data/skill_extraction/skillspan/skillspan_*_dev.conll.gz
    """
    from lmis.enrich.skills_eval import evaluate_skillspan, read_conll

    sentences = [sentence for path in paths for sentence in read_conll(path)]
    if limit and limit < len(sentences):
        sentences = random.Random(seed).sample(sentences, limit)  # noqa: S311 - a reproducible sample, not a secret
    start = time.perf_counter()
    metrics = evaluate_skillspan(_skill_extractor(windowed=windows), sentences, semantic=not lexical)
    seconds = time.perf_counter() - start
    _print({**metrics, "per_second": len(sentences) / seconds if seconds else 0.0}, as_json)


def _skill_extractor(*, windowed: bool = False) -> SkillExtractor:
    from lmis.enrich.building import build_skill_extractor
    from lmis.enrich.e5 import E5Embedder

    built = services()
    cache_dir = built.settings.resolved_cache_dir()
    return build_skill_extractor(uow=built.uow(), embedder=E5Embedder(), cache_dir=cache_dir, windowed=windowed)


def _coder(built: Services) -> tuple[OccupationCoder, Callable[[Sequence[CodedExample]], Vectors]]:
    """The labels-only coder and a cached embedder of coded examples."""
    from lmis.enrich.building import build_occupation_coder, example_vectors
    from lmis.enrich.e5 import E5Embedder

    embedder, cache_dir = E5Embedder(), built.settings.resolved_cache_dir()
    coder = build_occupation_coder(uow=built.uow(), embedder=embedder, cache_dir=cache_dir)
    return coder, functools.partial(example_vectors, embedder=embedder, cache_dir=cache_dir)


def _print(metrics: dict[str, float], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(metrics))
        return
    for name, value in metrics.items():
        click.echo(f"{name:<26} {value:>10.4f}" if name != "n" else f"{name:<26} {int(value):>10d}")


evaluate.add_command(search_command)
evaluate.add_command(transitions_command)
evaluate.add_command(recommend_command)
