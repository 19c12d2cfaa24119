"""routecheck cost: the article's worked example to the cent, scaling, what-ifs, levers, missing volume."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from routecheck.cli import main
from routecheck.cost.book import policy_prices
from routecheck.cost.render import render_json, render_markdown, render_text
from routecheck.cost.table import CostTable, cost_table
from routecheck.errors import UsageError
from support import load_policy

ROOT = Path(__file__).parent.parent
ARTICLE = ROOT / "examples" / "article" / "routing.toml"
LEVERS = ROOT / "tests" / "fixtures" / "cost" / "levers.toml"
TODAY = date(2026, 11, 24)
#: `cost` of the article's policy on TODAY: its prices (as of 2026-07-01) are 146 days old.
ARTICLE_TEXT = """\
Monthly cost of routing.toml

task              tier    model                      calls/day  in tok  out tok  per month
classify_intent   haiku   claude-haiku-4-5-20251001        300     500      200     $10.80
extract_entities  haiku   claude-haiku-4-5-20251001        250     500      200      $9.00
summarize_short   haiku   claude-haiku-4-5-20251001        150     500      200      $5.40
draft_email       sonnet  claude-sonnet-4-6                100     500      200     $13.50
review_code       sonnet  claude-sonnet-4-6                100     500      200     $13.50
plan_agent_steps  sonnet  claude-sonnet-4-6                100     500      200     $13.50

tier    tasks  calls/day  per month
haiku       3        700     $25.20
sonnet      3        300     $40.50
total       6      1,000     $65.70

What if every priced task ran on one tier:
  all on haiku    $36.00/month  \u2212$29.70 vs this policy
  all on sonnet  $135.00/month  +$69.30 vs this policy  (default_tier)

Saving against everything on default_tier 'sonnet' ($135.00/month): $69.30/month, $831.60/year.

Warning: tier 'haiku' prices are 146 days old (as of 2026-07-01): check them (RC113 stale-prices).
Warning: tier 'sonnet' prices are 146 days old (as of 2026-07-01): check them (RC113 stale-prices).
Assumes: a month is 30 days; volumes and token counts are the policy's averages.
"""


def table(path: Path, *, calls_per_day: int | None = None, today: date = TODAY) -> CostTable:
    policy = load_policy(path).policy
    return cost_table(policy, prices=policy_prices(policy, today), source=path.name, today=today,
                      calls_per_day=calls_per_day)


def test_article_example_to_the_cent() -> None:
    t = table(ARTICLE)
    assert {w.tier: w.monthly for w in t.what_ifs} == {"haiku": Decimal("36.00"), "sonnet": Decimal("135.00")}
    assert t.total == Decimal("65.70")
    assert [(s.tier, s.calls_per_day, s.monthly) for s in t.tiers] == [
        ("haiku", Decimal(700), Decimal("25.20")), ("sonnet", Decimal(300), Decimal("40.50")),
    ]
    assert (t.saving_per_month, t.saving_per_year) == (Decimal("69.30"), Decimal("831.60"))


def test_article_example_text_output() -> None:
    assert render_text(table(ARTICLE)) == ARTICLE_TEXT


def test_cost_command_prints_the_article_figures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["cost", "--policy", "examples/article/routing.toml"], today=TODAY) == 0
    assert capsys.readouterr().out == ARTICLE_TEXT.replace(
        "Monthly cost of routing.toml\n", "Monthly cost of examples/article/routing.toml\n", 1
    )


def test_scaling_keeps_the_mix_and_the_article_figures_scale() -> None:
    t = table(ARTICLE, calls_per_day=10_000)
    assert t.scaled_to == 10_000
    assert [(c.task, c.calls_per_day) for c in t.tasks] == [
        ("classify_intent", Decimal(3000)), ("extract_entities", Decimal(2500)), ("summarize_short", Decimal(1500)),
        ("draft_email", Decimal(1000)), ("review_code", Decimal(1000)), ("plan_agent_steps", Decimal(1000)),
    ]
    assert t.total == Decimal("657.00")
    assert {w.tier: w.monthly for w in t.what_ifs} == {"haiku": Decimal("360.00"), "sonnet": Decimal("1350.00")}
    # the article: "At 10,000 calls/day ... that difference scales to $8,400/year" (it rounds; exactly $8,316)
    assert t.saving_per_year == Decimal("8316.00")


def test_scaling_does_not_round_calls() -> None:
    t = table(LEVERS, calls_per_day=1000)
    digest, faq, untagged = t.tasks
    assert digest.calls_per_day is not None and faq.calls_per_day is not None
    # a third of 1,000 carried to 60 digits, not rounded to whole calls
    assert digest.calls_per_day == Decimal("333." + "3" * 57)
    assert faq.calls_per_day == Decimal("666." + "6" * 57)
    assert untagged.calls_per_day is None
    text = render_text(t).splitlines()
    assert text[0] == "Monthly cost of levers.toml, scaled to 1,000 calls/day with the same mix"
    assert text[3:5] == [
        "nightly_digest  sonnet  claude-sonnet-4-6             333.33  10,000    1,000    $225.00  batch x0.5",
        "answer_faq      sonnet  claude-sonnet-4-6             666.67   5,000      200    $144.00  cache 80%",
    ]
    assert "total       2      1,000    $369.00" in text


def test_scaling_needs_volume() -> None:
    policy = load_policy(ROOT / "tests" / "fixtures" / "diff" / "base.toml").policy
    no_volume = policy.model_copy(update={"tasks": {"tag_language": policy.tasks["tag_language"]}})
    with pytest.raises(UsageError) as raised:
        cost_table(no_volume, prices=policy_prices(no_volume, TODAY), source="p", today=TODAY, calls_per_day=1000)
    assert str(raised.value) == "cannot scale to --calls-per-day: no task in the policy has a call volume to scale"


def test_what_ifs_levers_and_tasks_without_volume() -> None:
    assert render_text(table(LEVERS)) == """\
Monthly cost of levers.toml

task            tier    model                      calls/day  in tok  out tok  per month
nightly_digest  sonnet  claude-sonnet-4-6                100  10,000    1,000     $67.50  batch x0.5
answer_faq      sonnet  claude-sonnet-4-6                200   5,000      200     $43.20  cache 80%
tag_language    haiku   claude-haiku-4-5-20251001          -       -        -  no volume

tier    tasks  calls/day  per month
haiku       0          0      $0.00
sonnet      2        300    $110.70
total       2        300    $110.70

What if every priced task ran on one tier:
  all on haiku    $36.90/month  \u2212$73.80 vs this policy
  all on sonnet  $110.70/month  $0.00 vs this policy  (default_tier)

Saving against everything on default_tier 'sonnet' ($110.70/month): $0.00/month, $0.00/year.
Not priced (no volume, so not in any sum): tag_language.

Assumes: a month is 30 days; volumes and token counts are the policy's averages.
Assumes: prompt cache: cache_read_ratio of input tokens billed at the cache-read rate and cache_write_ratio at \
the cache-write rate of cache_ttl (typed prices: reads 0.1x input, 5m writes 1.25x, 1h writes 2x).
Assumes: batch = true tasks are billed at their tier's batch rates (the what-ifs apply them too).
"""


def test_tasks_without_volume_are_null_in_json_never_zero() -> None:
    data = json.loads(render_json(table(LEVERS)))
    assert data["version"] == 1
    assert data["tasks"][2] == {
        "task": "tag_language", "tier": "haiku", "model": "claude-haiku-4-5-20251001", "calls_per_day": None,
        "input_tokens": None, "output_tokens": None, "monthly_usd": None, "batch": False,
        "batch_discount": None, "cache_read_ratio": "0.0", "cache_write_ratio": "0.0", "cache_ttl": "5m",
        "long_context": False,
    }
    assert data["no_volume"] == ["tag_language"]
    assert data["tiers"][0] == {"tier": "haiku", "model": "claude-haiku-4-5-20251001", "tasks": 0,
                                "calls_per_day": "0", "monthly_usd": "0.00"}
    assert data["total"] == {"calls_per_day": "300", "monthly_usd": "110.70"}
    assert data["what_ifs"] == [
        {"tier": "haiku", "monthly_usd": "36.90", "vs_policy_usd": "-73.80"},
        {"tier": "sonnet", "monthly_usd": "110.70", "vs_policy_usd": "0.00"},
    ]
    assert data["saving_vs_default"] == {"default_tier": "sonnet", "monthly_usd": "0.00", "yearly_usd": "0.00"}


def test_json_of_the_article_example() -> None:
    data = json.loads(render_json(table(ARTICLE)))
    assert data["total"] == {"calls_per_day": "1000", "monthly_usd": "65.70"}
    assert data["saving_vs_default"] == {"default_tier": "sonnet", "monthly_usd": "69.30", "yearly_usd": "831.60"}
    assert data["stale_prices"] == [
        {"tier": "haiku", "prices_as_of": "2026-07-01", "age_days": 146},
        {"tier": "sonnet", "prices_as_of": "2026-07-01", "age_days": 146},
    ]


def test_prices_are_not_stale_within_90_days() -> None:
    assert table(ARTICLE, today=date(2026, 9, 29)).stale_prices == ()
    assert [s.age_days for s in table(ARTICLE, today=date(2026, 9, 30)).stale_prices] == [91, 91]


def test_markdown() -> None:
    assert render_markdown(table(ARTICLE, today=date(2026, 8, 1))) == """\
### Monthly cost of `routing.toml`

| task | tier | model | calls/day | in tok | out tok | per month |
|---|---|---|---:|---:|---:|---:|
| classify_intent | haiku | `claude-haiku-4-5-20251001` | 300 | 500 | 200 | $10.80 |
| extract_entities | haiku | `claude-haiku-4-5-20251001` | 250 | 500 | 200 | $9.00 |
| summarize_short | haiku | `claude-haiku-4-5-20251001` | 150 | 500 | 200 | $5.40 |
| draft_email | sonnet | `claude-sonnet-4-6` | 100 | 500 | 200 | $13.50 |
| review_code | sonnet | `claude-sonnet-4-6` | 100 | 500 | 200 | $13.50 |
| plan_agent_steps | sonnet | `claude-sonnet-4-6` | 100 | 500 | 200 | $13.50 |
| **total** | | | **1,000** | | | **$65.70** |

| tier | tasks | calls/day | per month | all tasks on this tier |
|---|---:|---:|---:|---:|
| haiku | 3 | 700 | $25.20 | $36.00 |
| sonnet | 3 | 300 | $40.50 | $135.00 |

Saving against everything on default_tier 'sonnet' ($135.00/month): $69.30/month, $831.60/year.

- Assumes: a month is 30 days; volumes and token counts are the policy's averages.
"""


def test_bad_calls_per_day_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["cost", "--policy", "examples/article/routing.toml", "--calls-per-day", "-5"]) == 2
    assert capsys.readouterr().err == "routecheck: error: --calls-per-day must be 0 or more, got -5\n"


def test_json_keys_are_stable() -> None:
    data = json.loads(render_json(table(ARTICLE)))
    assert list(data) == ["version", "policy", "currency", "scaled_to_calls_per_day", "tasks", "tiers", "total",
                          "what_ifs", "saving_vs_default", "no_volume", "stale_prices", "assumptions", "price_sources"]
    assert data["tasks"][0] == {
        "task": "classify_intent", "tier": "haiku", "model": "claude-haiku-4-5-20251001", "calls_per_day": "300",
        "input_tokens": 500, "output_tokens": 200, "monthly_usd": "10.80", "batch": False,
        "batch_discount": None, "cache_read_ratio": "0.0", "cache_write_ratio": "0.0", "cache_ttl": "5m",
        "long_context": False,
    }
