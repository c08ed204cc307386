"""Does programme evaluation recover the demo's known effects, how often do its intervals cover them, how fast is it?

    python -m bench.programme_evaluation [--episodes 10000] [--seeds 30] [--first-seed 1] [--json FILE]

For each seed, the demo generator writes its programme file (`lmis.demo.programmes`, Korean profile,
three programmes with selection on observables and known true effects), `lmis programmes import`'s
code path stores it in a fresh SQLite database (places resolved with the shipped gazetteer) and
`evaluate_programme` estimates every outcome of every programme. It prints:

1. the first seed's table: true effect, matched estimate with its 95% interval, naive difference;
2. over all seeds, per programme and outcome: coverage of the 95% intervals, mean error and RMSE of
   the matched estimate against the naive difference's (the baseline: what ignoring selection gives),
   and the share of evaluations with every covariate at |SMD| < 0.1 after matching;
3. time: import per 10,000 episodes, and one outcome's evaluation (median and p95), against the
   estimated time of a bootstrap of the whole procedure with 199 replications (the alternative to
   Abadie-Imbens errors: 20 replications timed, scaled).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from bench.measure import p95
from lmis.analytics.evaluation import fit_score, match_on_score, matched_difference
from lmis.analytics.evaluation_design import build_design, has_covariates, outcome_value
from lmis.analytics.programme_model import Outcome, ProgrammeEvaluation
from lmis.analytics.programmes import evaluate_programme, import_episodes
from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.demo.profiles import KOREA
from lmis.demo.programmes import FILE, PROGRAMMES, write_programmes
from lmis.identity.model import operator
from lmis.shared.progress import SilentProgress
from lmis.sources.programme_file import read_episodes

AS_OF = date(2026, 11, 1)
REPLICATIONS = 199


def _services(folder: Path) -> Services:
    settings = Settings(env="test", data_dir=folder / "data", database_url=f"sqlite:///{folder / 'lmis.db'}")
    services = build(settings)
    services.upgrade_database()
    return services


def _run_seed(seed: int, episodes: int, regions: Any) -> tuple[dict[str, Any], dict[str, ProgrammeEvaluation], dict]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        services = _services(root)
        rng = random.Random(f"lmis-demo:{seed}:programmes")
        entry = write_programmes(root, rng=rng, count=episodes, profile=KOREA, as_of=AS_OF, progress=SilentProgress())
        start = time.perf_counter()
        import_episodes(
            read_episodes(root / FILE),
            source="demo",
            uow=services.uow,
            regions=regions,
            now=services.now,
            progress=SilentProgress(),
        )
        timings: dict[str, Any] = {"import": time.perf_counter() - start, "evaluate": []}
        found = {}
        for programme in PROGRAMMES:
            start = time.perf_counter()
            found[programme.id] = evaluate_programme(
                programme.id, uow=services.uow(), actor=operator("bench"), min_cell=10
            )
            timings["evaluate"].append((time.perf_counter() - start) / len(Outcome))
        if seed == 1:
            timings["bootstrap_replication"] = _bootstrap_replication(services)
        services.engine.dispose()
    return entry, found, timings


def _bootstrap_replication(services: Services) -> float:
    """Seconds of one bootstrap replication (resample, fit, match, estimate) of employment at 12 months."""
    with services.uow() as uow:
        episodes = uow.programmes.evaluation_episodes("DEMO-VT")
    chosen = [e for e in episodes if has_covariates(e) and not math.isnan(outcome_value(e, Outcome.EMPLOYED_12M))]
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(20):
        sample = [chosen[i] for i in rng.integers(0, len(chosen), len(chosen))]
        treated = np.array([e.programme_id == "DEMO-VT" for e in sample])
        design = build_design(sample, treated, min_level=10)
        score = fit_score(design)
        matching = match_on_score(score.logit, treated)
        outcome = np.array([outcome_value(e, Outcome.EMPLOYED_12M) for e in sample])
        matched_difference(outcome, score.logit, treated, matching)
    return (time.perf_counter() - start) / 20


def _estimates(found: ProgrammeEvaluation) -> dict[str, tuple[Any, Any, float]]:
    """(matched, naive, max |SMD| after) by outcome name, with the earnings DiD as its own."""
    rows: dict[str, tuple[Any, Any, float]] = {}
    for effect in found.effects:
        worst = max((abs(r.smd_after) for r in effect.balance if r.smd_after is not None), default=math.nan)
        rows[effect.outcome.value] = (effect.matched, effect.naive, worst)
        if effect.did is not None:
            rows["earnings_did"] = (effect.did, effect.naive_did, worst)
    return rows


def _first_table(entry: dict[str, Any], found: dict[str, ProgrammeEvaluation]) -> list[str]:
    lines = [f"{'programme':<9} {'outcome':<15} {'true':>12} {'matched':>12} {'95% interval':>27} {'naive':>12}"]
    for programme, evaluation in found.items():
        for outcome, (matched, naive, _worst) in _estimates(evaluation).items():
            truth = entry["true_effects"][programme][outcome]
            interval = f"[{matched.low:,.3f}, {matched.high:,.3f}]"
            values = f"{truth:>12,.3f} {matched.value:>12,.3f} {interval:>27} {naive.value:>12,.3f}"
            lines.append(f"{programme:<9} {outcome:<15} {values}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        regions = _services(Path(folder)).course_regions
    tally: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    imports, evaluations, first, replication = [], [], [], 0.0
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        entry, found, timings = _run_seed(seed, args.episodes, regions)
        imports.append(timings["import"] * 10_000 / args.episodes)
        evaluations += timings["evaluate"]
        replication = timings.get("bootstrap_replication", replication)
        if not first:
            first = _first_table(entry, found)
        for programme, evaluation in found.items():
            for outcome, (matched, naive, worst) in _estimates(evaluation).items():
                truth = entry["true_effects"][programme][outcome]
                row = tally[programme, outcome]
                row["covered"].append(float(matched.low <= truth <= matched.high))
                row["error"].append(matched.value - truth)
                row["naive_error"].append(naive.value - truth)
                row["balanced"].append(float(worst < 0.1))
                row["se"].append(matched.se)
        print(f"seed {seed} done", flush=True)
    print("\n".join(["", f"First seed ({args.first_seed}), {args.episodes:,} episodes:", *first, ""]))
    summary = _summary(tally)
    print(f"Over {args.seeds} seeds:")
    print(
        f"{'programme':<9} {'outcome':<15} {'coverage':>8} {'mean error':>12} {'RMSE':>12} {'naive RMSE':>12} "
        f"{'RMSE ratio':>10} {'mean SE':>12} {'balanced':>8}"
    )
    for (programme, outcome), row in summary.items():
        print(
            f"{programme:<9} {outcome:<15} {row['coverage']:>8.2f} {row['mean_error']:>12,.4f} {row['rmse']:>12,.4f} "
            f"{row['naive_rmse']:>12,.4f} {row['naive_rmse'] / row['rmse']:>10.1f} {row['mean_se']:>12,.4f} "
            f"{row['balanced']:>8.2f}"
        )
    timing = {
        "import_per_10000_s": {"median": statistics.median(imports), "p95": p95(imports)},
        "evaluate_one_outcome_s": {"median": statistics.median(evaluations), "p95": p95(evaluations)},
        "bootstrap_199_estimated_s": replication * REPLICATIONS,
    }
    print(
        f"\nimport of 10,000 episodes: median {timing['import_per_10000_s']['median']:.2f} s, "
        f"p95 {timing['import_per_10000_s']['p95']:.2f} s; one outcome's evaluation: median "
        f"{timing['evaluate_one_outcome_s']['median']:.3f} s, p95 {timing['evaluate_one_outcome_s']['p95']:.3f} s; "
        f"a bootstrap with {REPLICATIONS} replications instead: about {timing['bootstrap_199_estimated_s']:.1f} s "
        f"({timing['bootstrap_199_estimated_s'] / statistics.median(evaluations):.0f}x)"
    )
    if args.json:
        serialisable = {f"{p}/{o}": row for (p, o), row in summary.items()}
        args.json.write_text(json.dumps({"summary": serialisable, "timing": timing}, indent=2) + "\n", encoding="utf-8")


def _summary(tally: dict[tuple[str, str], dict[str, list[float]]]) -> dict[tuple[str, str], dict[str, float]]:
    summary = {}
    for key, row in sorted(tally.items()):
        errors, naive = np.array(row["error"]), np.array(row["naive_error"])
        summary[key] = {
            "coverage": float(np.mean(row["covered"])),
            "mean_error": float(errors.mean()),
            "rmse": float(np.sqrt((errors**2).mean())),
            "naive_rmse": float(np.sqrt((naive**2).mean())),
            "mean_se": float(np.mean(row["se"])),
            "balanced": float(np.mean(row["balanced"])),
        }
    return summary


if __name__ == "__main__":
    main()
