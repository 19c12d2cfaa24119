"""examples/eval-paired: 100 samples where the reference itself errs; the paired gate passes the candidate.

Six of the 100 labels are wrong (a person mis-clicked): both fake tiers answer the ticket's real intent
there, so both are "wrong" against the label. The fake candidate also misses p013 alone, and the fake
reference misses p050 alone. Candidate 7/100 = 7% fails max_error_rate 5% on its own; against the
reference (7/100 as well) the table is (6, 1, 1, 92), the Newcombe bound 4.6% is within
max_regression 5%, and the paired gate passes. The committed output is exactly this run's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fake_anthropic import FakeAnthropic

from eval.evalkit import HAIKU, SONNET, last_user_text
from routecheck.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eval-paired"
TRUE_INTENT = {"charged twice": "billing", "money back": "refund", "parcel": "shipping", "crashes": "technical"}
ALONE_WRONG = {HAIKU: "p013", SONNET: "p050"}


def tier_model(model: str) -> Any:
    def answer(body: dict[str, Any]) -> str:
        text = last_user_text(body)
        intent = next(v for k, v in TRUE_INTENT.items() if k in text)
        return "feedback" if text.startswith(f"Ticket {ALONE_WRONG[model]}:") else intent

    return answer


def test_the_paired_example_passes_what_the_absolute_gate_alone_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "example")
    monkeypatch.chdir(tmp_path / "example")
    monkeypatch.delenv("ROUTECHECK_LEDGER", raising=False)
    rows = [json.loads(line) for line in Path("samples.jsonl").read_text(encoding="utf-8").splitlines()]
    mislabelled = [r["id"] for r in rows if not any(k in r["input"] and v == r["expected"]
                                                     for k, v in TRUE_INTENT.items())]
    assert (len(rows), mislabelled) == (100, ["p007", "p023", "p041", "p058", "p076", "p094"])
    policy = Path("policies/routing.toml")
    paired = policy.read_text(encoding="utf-8")
    with FakeAnthropic() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        server.default_reply(HAIKU, tier_model(HAIKU))
        server.default_reply(SONNET, tier_model(SONNET))
        # the paired gate: PASS
        assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--write"]) == 0
        out = capsys.readouterr().out
        # the absolute gate alone: 7% > 5%, FAIL (this run reuses every answer of the first: nothing is sent)
        policy.write_text(paired.replace("max_regression = 0.05", "# max_regression = 0.05"), encoding="utf-8")
        assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 1
        assert "gate: FAIL: error rate 7.0% is above the gate's max_error_rate 5.0%\n" in capsys.readouterr().out
        assert len(server.requests(path="/v1/messages")) == 200
    assert out == (EXAMPLE / "eval-output.txt").read_text(encoding="utf-8")
    policy.write_text(paired.replace('[tasks.classify_intent]\ntier = "sonnet"', '[tasks.classify_intent]\n'
                                     'tier = "haiku"\nevidence = "evidence/classify_intent.toml"'), encoding="utf-8")
    assert main(["lint", "--select", "RC108", "--quiet"]) == 0
