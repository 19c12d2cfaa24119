"""Analysing files in parallel, only when there is enough work to pay for the processes.

Workers are forked, so they start with everything imported and with the work itself (the files to
read, the analyzer, the cache) already in memory: all that crosses the process boundary is a few
batches of indices going out and the files' small facts coming back. With one usable core, no fork,
or less than `POOL_THRESHOLD_BYTES` to read, everything runs in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

#: Below this much to read and analyse (~0.1 s of work on one core) starting workers costs more than it saves.
POOL_THRESHOLD_BYTES = 3_000_000
_BATCHES_PER_WORKER = 4
T = TypeVar("T")

# The task of the pool being run, inherited by its forked workers; set only while a pool runs.
_task: Callable[[int], object] | None = None


def usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _run_batch(indices: list[int]) -> list[object]:
    assert _task is not None
    return [_task(i) for i in indices]


def map_indices(task: Callable[[int], T], weights: Sequence[int], *, workers: int | None = None,
                min_weight: int | None = None) -> list[T]:
    """`[task(i) for i in range(len(weights))]`, across forked workers when the total weight pays for them."""
    global _task
    count = workers if workers is not None else min(usable_cores(), 8)
    threshold = POOL_THRESHOLD_BYTES if min_weight is None else min_weight
    if count < 2 or len(weights) < 2 or sum(weights) < threshold:
        return [task(i) for i in range(len(weights))]
    import multiprocessing  # lazy: most runs (pre-commit, warm rescans) never start a pool

    if "fork" not in multiprocessing.get_all_start_methods():
        return [task(i) for i in range(len(weights))]
    from concurrent.futures import ProcessPoolExecutor

    # Heaviest first, dealt round-robin, so the batches weigh about the same; this process takes the
    # last batch while the workers take the others (it would only wait otherwise).
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    batches = [b for b in (order[k::count * _BATCHES_PER_WORKER] for k in range(count * _BATCHES_PER_WORKER)) if b]
    mine = batches[::count]
    theirs = [batch for k, batch in enumerate(batches) if k % count]
    out: list[object] = [None] * len(weights)
    _task = task
    try:
        with ProcessPoolExecutor(count - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            pending = pool.map(_run_batch, theirs)
            for batch in mine:
                for index in batch:
                    out[index] = task(index)
            for batch, results in zip(theirs, pending, strict=True):
                for index, result in zip(batch, results, strict=True):
                    out[index] = result
    finally:
        _task = None
    return cast(list[T], out)  # every slot was filled by `task`
