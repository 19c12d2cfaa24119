"""routecheck eval end to end: the real SDK, through the runtime's Router, against the fake API server.

The fake models answer per sample (the sample's number is in its text), so every figure is known:
which samples the candidate gets wrong, and so the error count, the Wilson bounds and the verdict.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import HAIKU, OPUS, SONNET, label_samples, labeller, last_user_text, sample_index, ticket, write_samples
from fake_anthropic import FakeAnthropic, Reply

from routecheck.cli import main
from routecheck.evaluate.graders import RUBRIC

FAIL_OUT = """\
eval classify_intent: candidate haiku (claude-haiku-4-5-20251001) against reference sonnet (claude-sonnet-4-6), \
grader expected
samples: 40 from samples.jsonl
disagreements (first 3 of 3):
  samples.jsonl:4: expected "account", candidate "billing"
  samples.jsonl:18: expected "refund", candidate "technical"
  samples.jsonl:30: expected "refund", candidate "technical"
candidate errors: 3 of 40 graded = 7.5% (Wilson 95% interval 2.6% to 19.9%)
reference errors: 1 of 40 = 2.5% (against expected)
infrastructure failures: 0 samples not graded (not counted as errors)
calls: 80 answered (this run and earlier ones), $0.0049 at the policy's list prices
gate: FAIL: error rate 7.5% is above the gate's max_error_rate 5.0%
saving: haiku instead of sonnet: $15.60 instead of $46.80 a month, $31.20 saved (1,000 calls a day, the policy's volume)
"""


def test_expected_grader_counts_errors_and_fails_the_gate(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTECHECK_LEDGER", str(project / "ledger.db"))
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({3, 17, 29}))
    server.default_reply(SONNET, labeller({17}))

    code = main(["eval", "classify_intent", "--samples", "samples.jsonl"])

    assert (code, capsys.readouterr().out) == (1, FAIL_OUT)
    calls = server.requests(path="/v1/messages")
    assert sorted((r.model, sample_index(r.body)) for r in calls) == sorted(
        (model, i) for model in (HAIKU, SONNET) for i in range(40)
    )
    # the task's request as the runtime sends it: the policy's max_tokens cap, the sample as the user turn
    assert {(r.body["max_tokens"], len(r.body["messages"]), "system" in r.body) for r in calls} == {(16, 1, False)}
    # through the same runtime as the generated client: every call is in the ledger, as an eval call
    with sqlite3.connect(project / "ledger.db") as ledger:
        rows = ledger.execute("SELECT purpose, task, tier, COUNT(*) FROM calls GROUP BY 1, 2, 3 ORDER BY 3").fetchall()
    assert rows == [("eval", "classify_intent", "haiku", 40), ("eval", "classify_intent", "sonnet", 40)]


PASS_OUT = """\
eval classify_intent: candidate haiku (claude-haiku-4-5-20251001) against reference sonnet (claude-sonnet-4-6), \
grader expected
samples: 40 from samples.jsonl
disagreements (first 1 of 1):
  samples.jsonl:12: expected "account", candidate "billing"
candidate errors: 1 of 40 graded = 2.5% (Wilson 95% interval 0.4% to 12.9%)
reference errors: 0 of 40 = 0.0% (against expected)
infrastructure failures: 0 samples not graded (not counted as errors)
calls: 80 answered (this run and earlier ones), $0.0048 at the policy's list prices
gate: PASS: error rate 2.5% is within max_error_rate 5.0% on 40 samples (min_samples 20)
saving: haiku instead of sonnet: $15.60 instead of $46.80 a month, $31.20 saved (1,000 calls a day, the policy's volume)
evidence: wrote policies/evidence/classify_intent.toml
policy: policies/routing.toml:29: add to [tasks.classify_intent]: evidence = "evidence/classify_intent.toml"
policy: policies/routing.toml:30: in [tasks.classify_intent] change tier = "sonnet" to: tier = "haiku"
"""


def evidence_without_created(path: Path) -> tuple[str, datetime]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    created = [line for line in lines if line.startswith("created = ")]
    assert len(created) == 1
    moment = datetime.fromisoformat(created[0].removeprefix("created = ").strip())
    return "".join(line for line in lines if not line.startswith("created = ")), moment


def test_gate_passes_and_write_produces_the_evidence_that_lint_reads(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({11}))
    server.default_reply(SONNET, labeller(set()))

    code = main(["eval", "classify_intent", "--samples", "samples.jsonl", "--write"])

    assert (code, capsys.readouterr().out) == (0, PASS_OUT)
    import hashlib

    text, created = evidence_without_created(project / "policies" / "evidence" / "classify_intent.toml")
    assert text == (
        "# Written by `routecheck eval`: what the candidate model scored on the task's samples.\n"
        "# Read back by `routecheck lint` (RC108). Holds counts and hashes only, never prompts or answers.\n"
        'task = "classify_intent"\n'
        'candidate_model = "claude-haiku-4-5-20251001"\n'
        'reference_model = "claude-sonnet-4-6"\n'
        'grader = "expected"\n'
        "samples = 40\n"
        "errors = 1\n"
        "error_rate = 0.025\n"
        "error_rate_upper_95 = 0.1288\n"
        "infrastructure_failures = 0\n"
        f'samples_sha256 = "{hashlib.sha256(samples.read_bytes()).hexdigest()}"\n'
    )
    assert timedelta(0) <= datetime.now(UTC) - created < timedelta(minutes=1)
    assert not list((project / "policies" / "evidence").glob(".*tmp"))  # the temp file was renamed away

    # The change it justifies, made by hand as printed: lint's RC108 now finds the evidence and is satisfied.
    policy = project / "policies" / "routing.toml"
    text = policy.read_text(encoding="utf-8").replace(
        '[tasks.classify_intent]\ntier = "sonnet"',
        '[tasks.classify_intent]\nevidence = "evidence/classify_intent.toml"\ntier = "haiku"',
    )
    policy.write_text(text, encoding="utf-8")
    assert main(["lint", "--select", "RC108"]) == 0
    assert capsys.readouterr().out == "All checks passed (2 files).\n"
