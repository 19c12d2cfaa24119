"""examples/eval: the worked example is reproduced by running eval against the fake server.

The fake candidate answers like a plausible cheap model: right on 115 of the 120 tickets, and wrong
on five genuinely ambiguous ones (a refund asked for in billing words, a pause read as an account
change, ...); the fake reference is wrong on one of those. The example's evidence file was produced
by exactly this run, and says so in its header: it is not a measurement of a real model.
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

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eval"
#: The candidate's mistakes: ticket id -> its answer.
CANDIDATE_WRONG = {"t026": "billing", "t058": "Billing.", "t030": "account", "t078": "billing", "t120": "technical"}
REFERENCE_WRONG = {"t030": "account"}
BEFORE = '[tasks.classify_intent]\ntier = "sonnet"\n'
AFTER = '[tasks.classify_intent]\ntier = "haiku"\nevidence = "evidence/classify_intent.toml"\n'


def answers(wrong: dict[str, str], *, styled: bool) -> Any:
    rows = [json.loads(line) for line in (EXAMPLE / "samples.jsonl").read_text(encoding="utf-8").splitlines()]
    by_text = {row["input"]: row for row in rows}

    def answer(body: dict[str, Any]) -> str:
        row = by_text[last_user_text(body)]
        label: str = wrong.get(row["id"], row["expected"])
        return label.capitalize() if styled and row["id"][-1] in "37" else label  # some answer "Shipping"

    return answer


def strip(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("#") and not line.startswith("created = "))


def test_the_worked_example_reproduces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    shutil.copy(EXAMPLE / "samples.jsonl", tmp_path)
    shutil.copy(EXAMPLE / "system.txt", tmp_path)
    (tmp_path / "policies").mkdir()
    after = (EXAMPLE / "policies" / "routing.toml").read_text(encoding="utf-8")
    assert AFTER in after
    (tmp_path / "policies" / "routing.toml").write_text(after.replace(AFTER, BEFORE), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUTECHECK_LEDGER", raising=False)
    with FakeAnthropic() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        server.default_reply(HAIKU, answers(CANDIDATE_WRONG, styled=True))
        server.default_reply(SONNET, answers(REFERENCE_WRONG, styled=False))
        code = main(["eval", "classify_intent", "--samples", "samples.jsonl", "--system-file", "system.txt",
                     "--write"])
    out = capsys.readouterr().out
    assert code == 0
    assert out == (EXAMPLE / "eval-output.txt").read_text(encoding="utf-8")
    written = (tmp_path / "policies" / "evidence" / "classify_intent.toml").read_text(encoding="utf-8")
    committed = (EXAMPLE / "policies" / "evidence" / "classify_intent.toml").read_text(encoding="utf-8")
    assert strip(written) == strip(committed)
    assert "# Produced against routecheck's test server (tests/fake_anthropic.py), not real models" in committed

    # The policy change it justifies, as committed, passes the gate.
    monkeypatch.chdir(EXAMPLE)
    assert main(["lint", "--select", "RC108"]) == 0
