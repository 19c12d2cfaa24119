"""The paired gate, --repeat, --format json and a policy that names its evidence before it exists.

End to end like test_eval_cli.py: the real SDK through the runtime's Router against the fake server,
whose models answer per sample, so every count, bound and verdict is known in advance.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fake_anthropic import FakeAnthropic

from eval.evalkit import HAIKU, INTENTS, SONNET, expected, label_samples, labeller, sample_index
from routecheck.cli import main

PAIRED = "[gate]\nmax_error_rate = 0.05\nmin_samples = 20\nmax_regression = 0.10\n"


def use_paired_gate(project: Path) -> None:
    policy = project / "policies" / "routing.toml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("[gate]\nmax_error_rate = 0.05\nmin_samples = 20\n", PAIRED), encoding="utf-8")


def lines(out: str, *prefixes: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(prefixes)]


def test_the_paired_gate_passes_a_candidate_the_absolute_gate_alone_fails(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    # Samples 5, 15 and 25 carry a label both tiers disagree with alike: 3 of 40 = 7.5% for the candidate
    # (over max_error_rate 5%), but no worse than the reference. Table (both, candidate only, reference
    # only, neither) = (3, 0, 0, 37); Newcombe interval +-8.8% (tests/eval/test_eval_units.py checks it).
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({5, 15, 25}))
    server.default_reply(SONNET, labeller({5, 15, 25}))
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 1
    assert lines(capsys.readouterr().out, "gate:", "  absolute") == [
        "gate: FAIL: error rate 7.5% is above the gate's max_error_rate 5.0%"]

    use_paired_gate(project)
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--write"]) == 0
    out = capsys.readouterr().out
    assert lines(out, "paired:", "gate:", "  absolute") == [
        "paired: 40 samples on both tiers: both wrong 3, candidate only 0, reference only 0; candidate minus "
        "reference 0.0% (Newcombe 95% interval -8.8% to +8.8%), McNemar exact p = 1.000",
        "gate: PASS: the candidate's error rate exceeds the reference's by at most 8.8% (upper 95% bound), "
        "within max_regression 10.0% on 40 paired samples (min_samples 20)",
        "  absolute gate (not deciding, max_regression is set): fail: error rate 7.5% is above the gate's "
        "max_error_rate 5.0%",
    ]
    evidence = (project / "policies" / "evidence" / "classify_intent.toml").read_text(encoding="utf-8")
    assert evidence.split("infrastructure_failures = 0\n")[1].split("samples_sha256")[0] == (
        "paired_samples = 40\nreference_errors = 3\ncandidate_only_errors = 0\nreference_only_errors = 0\n"
        "regression = 0.0\nregression_upper_95 = 0.088\nmcnemar_p = 1.0\n"
    )
    # The change it justifies passes lint's RC108, which reads the same paired figures back.
    policy = project / "policies" / "routing.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        '[tasks.classify_intent]\ntier = "sonnet"',
        '[tasks.classify_intent]\nevidence = "evidence/classify_intent.toml"\ntier = "haiku"'), encoding="utf-8")
    assert main(["lint", "--select", "RC108", "--quiet"]) == 0


def test_the_paired_gate_fails_a_candidate_the_absolute_gate_passes(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    # The reference is right on all 40; the candidate misses 2 (5.0%, within max_error_rate). Paired:
    # (0, 2, 0, 38), so the bound is the Wilson upper bound of 2/40, 16.5%: over max_regression 10%.
    use_paired_gate(project)
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({3, 17}))
    server.default_reply(SONNET, labeller(set()))
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 1
    assert lines(capsys.readouterr().out, "paired:", "gate:", "  absolute") == [
        "paired: 40 samples on both tiers: both wrong 0, candidate only 2, reference only 0; candidate minus "
        "reference +5.0% (Newcombe 95% interval -4.5% to +16.5%), McNemar exact p = 0.500",
        "gate: FAIL: the candidate's error rate may exceed the reference's by up to 16.5% (upper 95% bound), "
        "above the gate's max_regression 10.0%",
        "  absolute gate (not deciding, max_regression is set): pass: error rate 5.0% is within max_error_rate "
        "5.0% on 40 samples (min_samples 20)",
    ]


def flaky(wrong_on_call: dict[int, int]) -> Any:
    """A model right on every sample except that sample i's `wrong_on_call[i]`-th call (1-based) is wrong."""
    calls: Counter[int] = Counter()
    lock = threading.Lock()

    def answer(body: dict[str, Any]) -> str:
        i = sample_index(body)
        with lock:
            calls[i] += 1
            nth = calls[i]
        return INTENTS[(i + 1) % 4] if wrong_on_call.get(i) == nth else expected(i)

    return answer


def test_repeat_gates_on_the_worst_run_and_resumes_the_runs_already_made(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    # Samples 2 and 9 are answered wrong on their second call only: one run sees nothing.
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, flaky({2: 2, 9: 2}))
    server.default_reply(SONNET, labeller(set()))
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 0
    assert lines(capsys.readouterr().out, "candidate errors") == [
        "candidate errors: 0 of 40 graded = 0.0% (Wilson 95% interval 0.0% to 8.8%)"]
    assert len(server.requests(path="/v1/messages")) == 80

    # --repeat 3: the first run of every sample is reused; only runs 2 and 3 are sent (160 calls).
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--repeat", "3", "--write"]) == 0
    out = capsys.readouterr().out
    assert len(server.requests(path="/v1/messages")) == 80 + 160
    assert lines(out, "  samples.jsonl", "candidate errors", "calls:", "gate:") == [
        '  samples.jsonl:3: expected "technical", candidate "account"',
        '  samples.jsonl:10: expected "refund", candidate "technical"',
        "candidate errors: 2 of 40 graded = 5.0% (Wilson 95% interval 1.4% to 16.5%)",
        "calls: 240 answered (this run and earlier ones), $0.0145 at the policy's prices",
        "gate: PASS: error rate 5.0% is within max_error_rate 5.0% on 40 samples (min_samples 20)",
    ]
    evidence = (project / "policies" / "evidence" / "classify_intent.toml").read_text(encoding="utf-8")
    assert "errors = 2\nerror_rate = 0.05\n" in evidence
    assert "infrastructure_failures = 0\nrepeat = 3\npaired_samples = 40\n" in evidence


def test_format_json_for_ci(project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]) -> None:
    label_samples(project / "samples.jsonl", 20)
    server.default_reply(HAIKU, labeller({4}))
    server.default_reply(SONNET, labeller({4, 7}))
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "version": 1,
        "task": "classify_intent",
        "candidate": {"tier": "haiku", "model": HAIKU},
        "reference": {"tier": "sonnet", "model": SONNET},
        "grader": "expected",
        "samples": 20,
        "repeat": 1,
        "graded": 20,
        "errors": 1,
        "error_rate": 0.05,
        "error_rate_low_95": 0.008881,
        "error_rate_high_95": 0.236131,
        "reference_errors": {"errors": 2, "answered": 20, "rate": 0.1},
        "paired": {"samples": 20, "both": 1, "candidate_only": 0, "reference_only": 1, "neither": 18,
                   "regression": -0.05, "regression_low_95": -0.242479, "regression_high_95": 0.12786,
                   "mcnemar_p": 1.0},
        "disagreements": ["samples.jsonl:5"],
        "infrastructure_failures": [],
        "calls": 40,
        "cost_usd": 0.00242,
        "gate": {"passed": True, "decided_by": "max_error_rate",
                 "reason": "error rate 5.0% is within max_error_rate 5.0% on 20 samples (min_samples 20)",
                 "absolute": None},
        "saving": {"candidate_usd": 15.6, "reference_usd": 46.8, "monthly_usd": 31.2},
        "evidence": None,
        "policy_edits": [],
    }


def test_a_policy_that_names_its_evidence_before_the_first_eval(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = project / "policies" / "routing.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        '[tasks.classify_intent]\ntier = "sonnet"',
        '[tasks.classify_intent]\nevidence = "evidence/classify_intent.toml"\ntier = "haiku"'), encoding="utf-8")
    # lint: a located RC108, not a load error (exit 1, not 2); check's snapshot cache is not fooled later
    assert main(["lint", "--select", "RC108", "--quiet"]) == 1
    assert capsys.readouterr().out == (
        "policies/routing.toml:30:1: RC108 [error] task 'classify_intent' runs below default_tier 'sonnet' but its "
        "evidence file evidence/classify_intent.toml does not exist (run `routecheck eval classify_intent "
        "--samples FILE --write`)\n")
    assert main(["check", "--select", "RC108", "--quiet"]) == 1
    capsys.readouterr()

    # eval runs (the command that creates the file), and after it lint and check read the evidence
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({11}))
    server.default_reply(SONNET, labeller(set()))
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--write"]) == 0
    assert capsys.readouterr().out.endswith("evidence: wrote policies/evidence/classify_intent.toml\n")
    assert main(["lint", "--select", "RC108", "--quiet"]) == 0
    assert main(["check", "--select", "RC108", "--quiet"]) == 0
