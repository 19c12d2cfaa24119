"""routecheck suggest: RC111 candidates ranked by monthly saving, the three questions, the evidence each needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routecheck.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
ROOT = Path(__file__).parent.parent


def test_candidates_ranked_by_saving(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["suggest", "--policy", "base.toml"]) == 0
    assert capsys.readouterr().out == """\
Savings candidates in base.toml (RC111), largest monthly saving first:

1. extract_entities: sonnet \u2192 haiku, saves $24.75/month ($297.00/year)
   Is the output short and schema-constrained?  yes: output = json
   Is a wrong answer cheap to recover from?     yes: stakes = low, touches nothing
   Does the task require multi-step reasoning?  no: multi_step = false
   Evidence it needs: routecheck eval extract_entities --samples FILE --write
     on at least 100 real inputs with an error rate of at most 5.0%;
     then set tier = "haiku" and evidence = the file it writes.

2. tag_language: sonnet \u2192 haiku, saving unknown: the policy gives it no volume
   Is the output short and schema-constrained?  yes: output = label
   Is a wrong answer cheap to recover from?     yes: stakes = low, touches nothing
   Does the task require multi-step reasoning?  no: multi_step = false
   Evidence it needs: routecheck eval tag_language --samples FILE --write
     on at least 100 real inputs with an error rate of at most 5.0%;
     then set tier = "haiku" and evidence = the file it writes.

If every candidate passes, the saving is $24.75/month, $297.00/year.
"""


def test_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["suggest", "--policy", "base.toml", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["version"], [s["task"] for s in data["suggestions"]]) == (1, ["extract_entities", "tag_language"])
    assert data["suggestions"][0] | {"questions": None} == {
        "task": "extract_entities", "tier": "sonnet", "to_tier": "haiku", "monthly_usd": "33.75",
        "monthly_usd_after": "9.00", "saving_monthly_usd": "24.75", "questions": None,
        "eval_command": "routecheck eval extract_entities --samples FILE --write",
        "gate": {"min_samples": 100, "max_error_rate": 0.05},
    }
    assert data["suggestions"][1]["saving_monthly_usd"] is None


def test_no_candidates(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["suggest", "--policy", "policies/routing.toml"]) == 0
    assert capsys.readouterr().out == (
        "No savings candidates in policies/routing.toml (RC111): every task above the cheapest tier has a reason "
        "to stay where it is.\n"
    )
