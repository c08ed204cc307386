"""`lmis eval recommend DIR`: the offline ladder of job recommendations (popularity, BM25, embeddings, full).

Needs no database: it reads the three gzipped CSVs of DIR (the layout of
`../shared/data/career_paths_kaggle_jobreco`), embeds postings and profiles with
multilingual-e5-small (cached by content under the cache dir) and prints the metric table,
or one JSON object with --json. docs/recommend.md explains the split, the rungs and the features.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from lmis.cli.context import RichProgress


@click.command("recommend")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the metrics.")
@click.option("--seed", default=1, show_default=True, help="Seed of the ranker and of the bootstrap.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where embeddings are kept between runs [default: the settings' cache dir].",
)
def recommend_command(directory: Path, as_json: bool, seed: int, cache_dir: Path | None) -> None:
    """Job recommendations on DIR (Job_Views, Experience, Positions_Of_Interest .csv.gz): recall@10, nDCG@10.

    The last 25 % of the views' time span is the test period; each rung ranks every posting for
    every applicant with a test view. CIs are bootstrap 95 % intervals over those applicants.
    """
    from lmis.config import load_settings
    from lmis.enrich.e5 import E5Embedder
    from lmis.recommend.jobs_data import read_job_data
    from lmis.recommend.jobs_eval import evaluate_ladder
    from lmis.recommend.jobs_vectors import CachedEmbedder
    from lmis.search.analysis import tokens
    from lmis.shared.errors import Invalid

    started = time.perf_counter()
    try:
        data = read_job_data(directory)
    except Invalid as error:
        raise click.UsageError(str(error)) from None
    if not data.views:
        raise click.UsageError(f"{directory}: Job_Views has no views to evaluate")
    cache = cache_dir or load_settings().resolved_cache_dir() / "embeddings"
    embedder = CachedEmbedder(E5Embedder(), cache)
    with RichProgress(enabled=not as_json) as progress:  # the bars share stdout with the JSON
        result = evaluate_ladder(data, embedder, tokenize=tokens, seed=seed, progress=progress)
    result["seconds"] = round(time.perf_counter() - started, 1)
    if as_json:
        click.echo(json.dumps(result))
    else:
        _table(result)


def _table(result: dict[str, Any]) -> None:
    from lmis.recommend.jobs_eval import RUNGS

    click.echo(
        f"{'rung':<12} {'recall@10':>9} {'95% CI':>17} {'nDCG@10':>9} {'95% CI':>17} {'gini':>6} {'vs below':>9}"
    )
    below: float | None = None
    for rung in RUNGS:
        metrics = result[rung]
        recall, ndcg = metrics["recall_at_10"], metrics["ndcg_at_10"]
        ratio = f"{recall / below:>8.2f}x" if below else f"{'':>9}"
        click.echo(
            f"{rung:<12} {recall:>9.4f} {_ci(metrics['recall_at_10_ci']):>17} {ndcg:>9.4f}"
            f" {_ci(metrics['ndcg_at_10_ci']):>17} {metrics['employer_gini']:>6.3f} {ratio}"
        )
        below = recall
    groups = result["users_by_known"]
    for group, count in groups.items():
        shares = "  ".join(f"{rung} {result[rung]['recall_at_10_by_known'].get(group, 0.0):.4f}" for rung in RUNGS)
        click.echo(f"recall@10 of users with {group} ({count}): {shares}")
    split = result["split"]
    click.echo(
        f"users: {result['users']} applicants with a test view;"
        f" full vs the better of bm25 and embeddings: {result['full_vs_best_single']:.2f}x"
    )
    click.echo(
        f"split: views {split['first_view'][:10]} .. {split['last_view'][:10]}, test from {split['cut'][:19]}"
        f" ({split['train_views']} training / {split['test_views']} test views, {split['postings']} postings);"
        f" the ranker learned on training views with its own cut at {split['ranker_cut'][:19]}"
    )
    click.echo(f"seconds: {result['seconds']}")


def _ci(bounds: list[float]) -> str:
    return f"[{bounds[0]:.4f}, {bounds[1]:.4f}]"
