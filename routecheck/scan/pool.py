"""Parsing admitted files in parallel, only when there is enough parsing to pay for the processes."""

from __future__ import annotations

import os
from collections.abc import Sequence

from routecheck.scan.analyze import Analyzer, ParseJob
from routecheck.scan.facts import FileFacts
from routecheck.scan.settings import ScanSettings

#: Below this many characters to parse (~0.4 s of libcst on one core) a pool costs more than it saves:
#: forking is cheap (libcst is imported first, so workers inherit it), but results come back pickled.
POOL_THRESHOLD_CHARS = 400_000

_worker_analyzer: Analyzer | None = None  # one per worker process, built once by the initializer


def _init_worker(settings: ScanSettings) -> None:
    global _worker_analyzer
    _worker_analyzer = Analyzer(settings)


def _parse_in_worker(job: ParseJob) -> FileFacts:
    assert _worker_analyzer is not None
    return _worker_analyzer.parse(job)


def parse_all(analyzer: Analyzer, jobs: Sequence[ParseJob], workers: int | None = None,
              min_chars: int = POOL_THRESHOLD_CHARS) -> list[FileFacts]:
    """Every job parsed, in order: in this process, or across a process pool for large batches."""
    size = sum(len(job.text) for job in jobs)
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if count < 2 or len(jobs) < 2 or size < min_chars:
        return [analyzer.parse(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    # Biggest files first so one large file does not finish last on an otherwise idle pool.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].text))
    with ProcessPoolExecutor(count, mp_context=context, initializer=_init_worker,
                             initargs=(analyzer.settings,)) as pool:
        results = list(pool.map(_parse_in_worker, [jobs[i] for i in order], chunksize=1))
    out: list[FileFacts] = [FileFacts()] * len(jobs)
    for index, facts in zip(order, results, strict=True):
        out[index] = facts
    return out
