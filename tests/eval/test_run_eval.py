"""The eval use case called directly, as the CLI calls it: an injected SDK client and clock, figures returned."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import anthropic
import pytest
from fake_anthropic import FakeAnthropic

from eval.evalkit import HAIKU, POLICY, SONNET, label_samples, labeller
from routecheck.evaluate import DryRun, EvalOptions, EvalOutcome, run_eval
from support import load_policy

TODAY = date(2026, 12, 2)


def test_a_dry_run_prices_the_calls_and_needs_no_client(tmp_path: Path) -> None:
    options = EvalOptions("classify_intent", label_samples(tmp_path / "samples.jsonl", 3), tmp_path / "results.jsonl",
                          dry_run=True)
    done = run_eval(load_policy(POLICY), options, today=TODAY, stream=io.StringIO())
    assert isinstance(done, DryRun)
    assert [(r.role, r.tier, r.calls) for r in done.estimate.roles] == [("reference", "sonnet", 3),
                                                                         ("candidate", "haiku", 3)]
    assert not (tmp_path / "results.jsonl").exists()


def test_a_run_goes_through_the_given_client_and_stamps_the_evidence_with_the_given_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ROUTECHECK_LEDGER", "ROUTECHECK_OVERRIDE", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    policy = tmp_path / "routing.toml"
    policy.write_bytes(POLICY.read_bytes())
    samples = label_samples(tmp_path / "samples.jsonl", 20)
    stamp = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    progress = io.StringIO()
    with FakeAnthropic() as server:
        server.default_reply(HAIKU, labeller({4}))
        server.default_reply(SONNET, labeller(set()))
        client = anthropic.Anthropic(base_url=server.url, api_key="test-key")
        done = run_eval(load_policy(policy), EvalOptions("classify_intent", samples, tmp_path / "results.jsonl",
                                                         write=True),
                        today=TODAY, stream=progress, client=client, now=lambda: stamp)
        sent = len(server.requests())
    assert isinstance(done, EvalOutcome)
    assert (sent, done.result.errors.successes, done.result.errors.trials, done.verdict.passed) == (40, 1, 20, True)
    assert done.evidence == tmp_path / "evidence" / "classify_intent.toml"
    assert "created = 2026-12-02T09:30:00Z\n" in done.evidence.read_text(encoding="utf-8")
    assert progress.getvalue().splitlines()[0] == (
        f"eval: 40 calls to send, 0 already recorded in {tmp_path / 'results.jsonl'}")
