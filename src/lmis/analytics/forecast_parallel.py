"""Running one function over many series on several processes, in chunks, with progress."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

from lmis.shared.progress import Progress

Item = TypeVar("Item")
Result = TypeVar("Result")
_CHUNKS_PER_JOB = 8  # enough chunks to balance uneven series without paying pickling per series
_MAX_CHUNK = 100


def _single_threaded() -> None:
    """Each worker does one series at a time: BLAS threads would only fight over the same cores."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    threadpool_limits(limits=1)


def _run_chunk(function: Callable[[Item], Result], chunk: Sequence[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def map_series(
    function: Callable[[Item], Result], items: Sequence[Item], *, jobs: int, progress: Progress, label: str
) -> list[Result]:
    """`function` applied to every item, in order; on `jobs` processes when there is enough work.

    `function` must be picklable (a module-level function or a `functools.partial` of one).
    Workers are spawned, not forked, so a progress bar's drawing thread is never copied into them.
    """
    progress.begin(label, len(items))
    if jobs <= 1 or len(items) < 2 * jobs:
        results = []
        for item in items:
            results.append(function(item))
            progress.advance()
        return results
    size = max(1, min(_MAX_CHUNK, len(items) // (jobs * _CHUNKS_PER_JOB)))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    done: dict[int, list[Result]] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_single_threaded) as pool:
        futures = {pool.submit(_run_chunk, function, chunk): number for number, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            number = futures[future]
            done[number] = future.result()
            progress.advance(len(chunks[number]))
    return [result for number in range(len(chunks)) for result in done[number]]
