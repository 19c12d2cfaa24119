"""Analysing files in parallel, only when there is enough work to pay for the processes.

Workers are forked, so they start with everything imported and with the work itself (the files to
read, the analyzer, the cache) already in memory. The batches are numbered in a pipe that every
process, this one included, reads from until it is empty (a read of a few bytes from a pipe is atomic,
so each batch goes to exactly one process and a slow one simply takes fewer); each worker sends its
results back down a pipe of its own, once, at the end. No threads, no locks, no manager process. With one
usable core, no fork, or less than `POOL_THRESHOLD_BYTES` to read, everything runs in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

#: Below this much to read and analyse (~0.1 s of work on one core) starting workers costs more than it saves.
POOL_THRESHOLD_BYTES = 3_000_000
_BATCHES_PER_PROCESS = 8
_TICKET = 4  # bytes per batch number in the work pipe (well under PIPE_BUF: each read takes one whole)
T = TypeVar("T")


def usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def map_indices(task: Callable[[int], T], weights: Sequence[int], *, workers: int | None = None,
                min_weight: int | None = None, pack: Callable[[T], object] | None = None,
                unpack: Callable[[object], T] | None = None) -> list[T]:
    """`[task(i) for i in range(len(weights))]`, across forked workers when the total weight pays for them.

    A worker's results cross back as `pack(result)`, turned back by `unpack` (plain lists and strings
    pickle several times faster than dataclasses). What a worker fails to send (it died) is done here."""
    count = workers if workers is not None else min(usable_cores(), 8)
    threshold = POOL_THRESHOLD_BYTES if min_weight is None else min_weight
    if count < 2 or len(weights) < 2 or sum(weights) < threshold or not hasattr(os, "fork"):
        return [task(i) for i in range(len(weights))]
    # Heaviest first, dealt round-robin, so that the batches weigh about the same.
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    slices = count * _BATCHES_PER_PROCESS
    batches = [b for b in (order[k::slices] for k in range(slices)) if b]
    work_read, work_write = os.pipe()
    os.write(work_write, b"".join(n.to_bytes(_TICKET, "little") for n in range(len(batches))))
    os.close(work_write)  # an empty pipe now reads as the end of the work
    out: dict[int, T] = {}
    children: list[tuple[int, int]] = []  # (pid, read end of its results pipe)
    try:
        for _ in range(count - 1):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the caller's code
                os.close(result_read)
                _work(task, pack, batches, work_read, result_write)
            os.close(result_write)
            children.append((pid, result_read))
        for index, result in _take(task, batches, work_read):
            out[index] = result
        back = unpack or cast(Callable[[object], T], lambda packed: packed)
        for _, result_read in children:
            with contextlib.suppress(EOFError, pickle.UnpicklingError, ValueError):
                for index, packed in pickle.loads(_read_all(result_read)):
                    out[index] = back(packed)
    finally:
        os.close(work_read)
        for pid, result_read in children:
            with contextlib.suppress(OSError):
                os.close(result_read)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)  # a no-op for one already gone; a hung one must not outlive us
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return [out[i] if i in out else task(i) for i in range(len(weights))]


def _take(task: Callable[[int], T], batches: list[list[int]], work: int) -> list[tuple[int, T]]:
    """Run batches from the work pipe until it is empty."""
    done = []
    while ticket := os.read(work, _TICKET):
        done += [(index, task(index)) for index in batches[int.from_bytes(ticket, "little")]]
    return done


def _work(task: Callable[[int], T], pack: Callable[[T], object] | None, batches: list[list[int]], work: int,
          results: int) -> None:
    code = 1
    try:
        done = _take(task, batches, work)
        data = pickle.dumps([(index, result if pack is None else pack(result)) for index, result in done],
                            protocol=pickle.HIGHEST_PROTOCOL)
        with open(results, "wb", closefd=False) as channel:
            channel.write(data)
        code = 0
    finally:
        os._exit(code)  # no atexit handlers, no flushing of buffers the parent owns


def _read_all(fd: int) -> bytes:
    with open(fd, "rb", closefd=False) as channel:
        return channel.read()
