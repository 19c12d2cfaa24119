"""routecheck suggest: RC111 candidates ranked by monthly saving, the three questions, the evidence each needs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from routecheck.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
ROOT = Path(__file__).parent.parent
TODAY = date(2026, 11, 24)


def test_candidates_ranked_by_saving(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["suggest", "--policy", "base.toml"], today=TODAY) == 0
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
    assert main(["suggest", "--policy", "base.toml", "--format", "json"], today=TODAY) == 0
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
    assert main(["suggest", "--policy", "policies/routing.toml"], today=TODAY) == 0
    assert capsys.readouterr().out == (
        "No savings candidates in policies/routing.toml (RC111): every task above the cheapest tier has a reason "
        "to stay where it is.\n"
    )


def test_suggest_names_the_newer_model_of_a_tier_nearing_end_of_life(tmp_path: Path) -> None:
    from datetime import date

    from routecheck.cost.suggest import render_replacements, replacements
    from support import load_policy

    path = tmp_path / "routing.toml"
    path.write_text(
        'version = 1\ndefault_tier = "opus"\n\n[tiers.opus]\nmodel = "claude-opus-4-5"\nrank = 1\n\n'
        '[tasks.plan]\ntier = "opus"\nkind = "planning"\noutput = "json"\nstakes = "irreversible"\n'
        'calls_per_day = 100\ninput_tokens = 10000\noutput_tokens = 1000\n', encoding="utf-8")
    ends = replacements(load_policy(path), today=date(2026, 12, 2))
    # genai-prices: claude-opus-4-5 $5 / $25, claude-opus-5-5 $4 / $20 per MTok.
    # 100 calls x 30 days x (10,000 x $5 + 1,000 x $25) / 1M = $225.00; at $4 / $20: $180.00.
    assert render_replacements(ends) == (
        "\n"
        "Models reaching end of life (RC115):\n"
        "- tier 'opus': claude-opus-4-5 reaches end of life on 2027-01-22 (in 51 days); the newest of its family "
        "is claude-opus-5-5.\n"
        "  $5.00 in / $25.00 out per MTok now, $4.00 in / $20.00 out per MTok after\n"
        "  its tasks: $225.00/month now, $180.00/month after (\u2212$45.00); verify them on it first (RC108).\n"
    )
    assert replacements(load_policy(path), today=date(2026, 10, 1)) == ()
