"""What the routing layer adds to a call: `router.call` against the same call through the bare SDK.

    python benchmarks/client.py [--calls N] [--write benchmarks/client.md]

Three measurements, in one run, of the same request (task `classify_intent` of policies/routing.toml:
one user message, the task's model and max_tokens cap):

1. loopback: the fake Anthropic server in a child process on 127.0.0.1, so both paths pay a real HTTP
   round trip. The two paths alternate call by call (so drift hits both alike); the overhead is the
   difference of their median latencies, the ratio the quotient.
2. in-memory transport: the same SDK clients on an httpx MockTransport that answers at once, so the
   difference is the routing layer (no network jitter to hide it), next to the SDK's own ~400 us.
3. answered: a stand-in client whose `messages.create` returns one parsed Message at once, so the
   routed path's time is the routing layer alone (route, parameters, the flow and its driver).

Defaults, as a user who sets nothing gets them: no ROUTECHECK_LEDGER, no tracer provider configured.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import anthropic  # noqa: E402
import httpx2  # noqa: E402  (the anthropic SDK's HTTP client)
from fake_anthropic import FakeAnthropicProcess  # noqa: E402

from routecheck.cost.book import require_prices  # noqa: E402
from routecheck.policy.loader import load_policy  # noqa: E402
from routecheck.rules import known_codes  # noqa: E402
from routecheck.runtime import Router, RuntimePolicy  # noqa: E402

TASK = "classify_intent"
PROMPT = "I was charged twice for my subscription this month, please help."
REPLY = {
    "id": "msg_bench",
    "type": "message",
    "role": "assistant",
    "model": "claude-haiku-4-5-20251001",
    "content": [{"type": "text", "text": "billing"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 16, "output_tokens": 2},
}

Call = Callable[[], str]


def paths(client: Any, policy: RuntimePolicy) -> tuple[Call, Call]:
    """The bare SDK call and the routed call, doing the same work (send, join the reply's text)."""
    router = Router(policy, client, environ={})
    task = policy.task_by_name[TASK]
    model = policy.tier_by_name[task.tier].model

    def bare() -> str:
        message = client.messages.create(
            model=model, max_tokens=task.max_tokens, messages=[{"role": "user", "content": PROMPT}]
        )
        return "".join(block.text for block in message.content if block.type == "text")

    def routed() -> str:
        return router.call(TASK, PROMPT)

    return bare, routed


Times = tuple[list[float], list[float]]  # wall-clock seconds, and this thread's CPU seconds, per call


def measure(bare: Call, routed: Call, calls: int, warmup: int) -> tuple[Times, Times]:
    """Per-call times of each path, alternating the order of each pair."""
    for _ in range(warmup):
        bare()
        routed()
    bare_times: Times = ([], [])
    routed_times: Times = ([], [])
    wall, cpu = time.perf_counter, time.thread_time
    for n in range(calls):
        order = ((bare, bare_times), (routed, routed_times))
        for call, (walls, cpus) in order if n % 2 == 0 else order[::-1]:
            start, start_cpu = wall(), cpu()
            call()
            cpus.append(cpu() - start_cpu)
            walls.append(wall() - start)
    return bare_times, routed_times


def summary(name: str, bare_times: Times, routed_times: Times) -> dict[str, Any]:
    (bare, bare_cpu), (routed, routed_cpu) = bare_times, routed_times
    bare_median, routed_median = statistics.median(bare), statistics.median(routed)
    return {
        "setup": name,
        "calls": len(bare),
        "cpu_overhead_us": round((statistics.median(routed_cpu) - statistics.median(bare_cpu)) * 1e6, 1),
        "bare_median_us": round(bare_median * 1e6, 1),
        "routed_median_us": round(routed_median * 1e6, 1),
        "overhead_us": round((routed_median - bare_median) * 1e6, 1),
        "paired_overhead_us": round(statistics.median(r - b for r, b in zip(routed, bare, strict=True)) * 1e6, 1),
        "ratio": round(routed_median / bare_median, 4),
    }


def run(calls: int) -> list[dict[str, Any]]:
    source = load_policy(ROOT / "policies" / "routing.toml", known_codes=known_codes())
    policy = RuntimePolicy.from_policy(source.policy, require_prices(source, date.today()), sha256=source.sha256)
    results = []
    with tempfile.TemporaryDirectory() as folder, FakeAnthropicProcess(log_path=Path(folder) / "log.jsonl") as fake:
        client = anthropic.Anthropic(base_url=fake.url, api_key="bench", max_retries=0)
        results.append(summary("loopback (fake server process)", *measure(*paths(client, policy), calls, 200)))
    body = json.dumps(REPLY).encode()
    transport = httpx2.MockTransport(
        lambda request: httpx2.Response(200, content=body, headers={"content-type": "application/json"})
    )
    client = anthropic.Anthropic(
        base_url="http://bench.invalid", api_key="bench", max_retries=0, http_client=httpx2.Client(transport=transport)
    )
    results.append(summary("in-memory transport", *measure(*paths(client, policy), calls, 200)))
    answered = _Answered(client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=16,
                                                messages=[{"role": "user", "content": PROMPT}]))
    results.append(summary("answered (no SDK request)", *measure(*paths(answered, policy), calls * 5, 1000)))
    return results


class _Answered:
    """An SDK client stand-in: `messages.create` returns the same Message at once (no request is built)."""

    def __init__(self, message: Any) -> None:
        self.messages = SimpleNamespace(create=lambda **_: message)

    def with_middleware(self, *_: Any) -> _Answered:
        return self


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "# Client benchmark: routing overhead per call",
        "",
        "`python benchmarks/client.py` — `router.call(\"classify_intent\", prompt)` against the same request",
        "through the bare anthropic SDK (`client.messages.create` + joining the reply text), alternating call by",
        "call, defaults (no ledger, no tracer provider). Targets: overhead <= 50 us per call, ratio <= 1.05.",
        "",
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"anthropic {anthropic.__version__}.",
        "",
        "Wall clock: overhead = difference of the median latencies; paired = median of the call-by-call",
        "differences; ratio = quotient of the medians. Client CPU: difference of the median CPU time this",
        "thread spent per call (what the routing layer costs the client, without the network's jitter).",
        "",
        "| setup | calls | bare SDK median (us) | router.call median (us) | overhead (us) | paired (us) | ratio "
        "| client CPU overhead (us) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['setup']} | {r['calls']} | {r['bare_median_us']} | {r['routed_median_us']} | "
        f"{r['overhead_us']} | {r['paired_overhead_us']} | {r['ratio']} | {r['cpu_overhead_us']} |"
        for r in results
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2000, help="calls per path and setup (default 2000)")
    parser.add_argument("--write", type=Path, metavar="FILE", help="also write the Markdown table to FILE")
    args = parser.parse_args()
    results = run(args.calls)
    text = markdown(results)
    sys.stdout.write(text)
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
