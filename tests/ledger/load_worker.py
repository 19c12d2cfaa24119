"""One replica of the ledger load test: THREADS threads x CALLS routed calls through the real SDK.

Run as `python load_worker.py BASE_URL THREADS CALLS RESULTS`, with ROUTECHECK_LEDGER, ROUTECHECK_SPOOL
and ROUTECHECK_INSTANCE set. Thread t routes task TASKS[t]; its call n sends a prompt of 4n characters
(n input tokens on the fake server), so (instance, task, input_tokens) names one call. After each call
returns, one line [task, n, model, input_tokens, output_tokens] is appended to RESULTS with one write:
the file says which calls returned to their caller, even if this process is killed.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import date
from pathlib import Path

import anthropic

from routecheck.cost.book import require_prices
from routecheck.policy.loader import load_policy
from routecheck.rules import known_codes
from routecheck.runtime import Router, RuntimePolicy

TODAY = date(2026, 12, 2)

POLICY = Path(__file__).resolve().parents[1] / "fixtures" / "client" / "routing.toml"
TASKS = ("summarize", "extract", "draft", "classify")


def main(base_url: str, threads: int, calls: int, results: str) -> int:
    source = load_policy(POLICY, known_codes=known_codes())
    policy = RuntimePolicy.from_policy(source.policy, require_prices(source, TODAY), sha256=source.sha256)
    router = Router(policy, anthropic.Anthropic(base_url=base_url, api_key="test-key", max_retries=5))
    fd = os.open(results, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    failures: list[BaseException] = []

    def work(task: str) -> None:
        try:
            for n in range(1, calls + 1):
                message = router.create(task, messages=[{"role": "user", "content": "x" * (4 * n)}])
                line = [task, n, message.model, message.usage.input_tokens, message.usage.output_tokens]
                os.write(fd, json.dumps(line).encode() + b"\n")
        except BaseException as exc:  # reported through the exit code
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(TASKS[t % len(TASKS)],)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    os.close(fd)
    for failure in failures:
        print(f"worker failed: {failure!r}", file=sys.stderr)
    return 1 if failures else 0  # the ledger is closed (and flushed) at exit


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
