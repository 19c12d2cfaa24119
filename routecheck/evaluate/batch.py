"""--batch: every outstanding call in one Message Batch (half price), polled until it ends.

The batch id is recorded in the results file as soon as the batch exists, so a run stopped while
the batch is processing collects that same batch next time instead of submitting a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from routecheck.errors import UsageError
from routecheck.evaluate.calls import answer_of, request_params
from routecheck.evaluate.journal import BatchRecord, CallResult
from routecheck.evaluate.runner import Runner

if TYPE_CHECKING:
    import anthropic

POLL_INTERVAL = 15.0
MAX_WAIT = 24 * 3600.0  # the API expires a batch after 24 hours


def run_batch(
    runner: Runner,
    client: anthropic.Anthropic,
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    stream: TextIO,
    poll_interval: float = POLL_INTERVAL,
    max_wait: float = MAX_WAIT,
) -> None:
    """Collect batches an earlier run left open, then submit and collect one for what is still to do."""
    for record in runner.journal.open_batches():
        _collect(runner, client, record, sleep=sleep, clock=clock, stream=stream,
                 poll_interval=poll_interval, max_wait=max_wait)
    todo = runner.todo()
    if not todo:
        return
    plan = runner.plan
    # custom_id: at most 64 of [A-Za-z0-9_-]; the first run keeps the id it had before --repeat existed
    ids = {f"{role}-{sample.sha256[:40]}" + (f"-{k}" if k else ""): (role, sample.sha256, k)
           for role, sample, k in todo}
    requests = [{"custom_id": cid, "params": request_params(plan, role, sample)}
                for cid, (role, sample, _) in zip(ids, todo, strict=True)]
    created = client.messages.batches.create(requests=requests)  # type: ignore[arg-type]  # TypedDict-shaped
    record = BatchRecord(created.id, ids)
    runner.journal.record_batch(record)
    stream.write(f"eval: submitted batch {created.id} with {len(requests)} requests\n")
    _collect(runner, client, record, sleep=sleep, clock=clock, stream=stream,
             poll_interval=poll_interval, max_wait=max_wait)


def _collect(
    runner: Runner,
    client: anthropic.Anthropic,
    record: BatchRecord,
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    stream: TextIO,
    poll_interval: float,
    max_wait: float,
) -> None:
    start = clock()
    while True:
        batch = client.messages.batches.retrieve(record.batch_id)
        if batch.processing_status == "ended":
            break
        counts = batch.request_counts
        done = counts.succeeded + counts.errored + counts.canceled + counts.expired
        stream.write(f"eval: batch {record.batch_id} {batch.processing_status}: {done}/{len(record.requests)} done\n")
        stream.flush()
        if clock() - start >= max_wait:
            raise UsageError(f"batch {record.batch_id} is still {batch.processing_status} after {max_wait:.0f} s; "
                             "run the same command again later to collect it")
        sleep(poll_interval)
    samples = {s.sha256: s for s in runner.plan.samples.samples}
    for item in client.messages.batches.results(record.batch_id):
        if item.custom_id not in record.requests:
            continue
        role, sha, run = record.requests[item.custom_id]
        sample = samples.get(sha)
        if sample is None or runner.journal.done(role, sha, run):
            continue  # recorded before an interruption, or not ours
        result = item.result
        if result.type == "succeeded":
            runner.record_answer(role, sample, answer_of(result.message), batch=True, run=run)
        else:
            error = result.error.error.type if result.type == "errored" else result.type
            runner.journal.record(CallResult(role, sha, runner.plan.model(role), False, error=error, batched=True,
                                             run=run))
    runner.journal.record_batch_done(record.batch_id)
    stream.write(f"eval: collected batch {record.batch_id}\n")
