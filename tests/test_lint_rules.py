"""Every policy rule RC101-RC115: a policy that fires it and a near miss that does not, exact findings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from routecheck.lint import lint_policy
from support import POLICIES, TODAY, TWO_TIERS, WritePolicy, load_policy

Hit = tuple[str, int, int, str]

# Lines 1-20; tasks appended by a test start on line 22.
TIERS = TWO_TIERS + """\
[tiers.opus]
model = "claude-opus-4-6"
rank = 3
input_usd_per_mtok = 5.00
output_usd_per_mtok = 25.00

"""

EVIDENCE = """\
task = "{task}"
candidate_model = "{model}"
reference_model = "claude-sonnet-4-6"
grader = "expected"
samples = {samples}
errors = {errors}
error_rate = {rate}
error_rate_upper_95 = 0.0847
samples_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
created = 2026-11-24T10:00:00Z
"""


def evidence(task: str = "t", model: str = "claude-haiku-4-5-20251001", samples: int = 150, errors: int = 6) -> str:
    return EVIDENCE.format(task=task, model=model, samples=samples, errors=errors, rate=round(errors / samples, 4))


def lint(write_policy: WritePolicy, text: str, code: str | None = None, *, today: date = TODAY) -> list[Hit]:
    findings = lint_policy(load_policy(write_policy(text)), today=today)
    return [(f.code, f.line, f.column, f.message) for f in findings if code is None or f.code == code]


def task(body: str, name: str = "t") -> str:
    """A task table (line 22 of the policy is its header), with the fields a rule test does not vary."""
    return f"[tasks.{name}]\n{body}"


def test_the_base_fixture_is_clean() -> None:
    assert lint_policy(load_policy(POLICIES / "base.toml"), today=TODAY) == []


# -- RC101 unsafe-default-tier -----------------------------------------------------------------------


def test_rc101_fires_on_a_cheapest_default(write_policy: WritePolicy) -> None:
    text = TIERS.replace('default_tier = "sonnet"', 'default_tier = "haiku"')
    assert lint(write_policy, text, "RC101") == [
        ("RC101", 2, 1, "default_tier 'haiku' is the cheapest tier; make a more capable tier the safe default"),
    ]


def test_rc101_quiet_on_a_mid_default_and_on_a_single_tier(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS, "RC101") == []
    single = 'version = 1\ndefault_tier = "solo"\n[tiers.solo]\nmodel = "claude-sonnet-4-6"\nrank = 1\n' \
        "input_usd_per_mtok = 3.0\noutput_usd_per_mtok = 15.0\n"
    assert lint(write_policy, single) == []


# -- RC102 high-stakes-below-default ------------------------------------------------------------------

HIGH = 'tier = "{tier}"\nkind = "extraction"\noutput = "json"\nstakes = "{stakes}"\nevidence = "ev.toml"\n'


@pytest.mark.parametrize("stakes", ["high", "irreversible"])
def test_rc102_fires_on_high_stakes_below_default(write_policy: WritePolicy, stakes: str) -> None:
    write_policy(evidence(), "ev.toml")
    assert lint(write_policy, TIERS + task(HIGH.format(tier="haiku", stakes=stakes)), "RC102") == [
        ("RC102", 23, 1, f"task 't' has stakes = {stakes} but runs on 'haiku', below default_tier 'sonnet'"),
    ]


@pytest.mark.parametrize(("tier", "stakes"), [("sonnet", "high"), ("haiku", "low")])
def test_rc102_quiet_at_default_or_on_low_stakes(write_policy: WritePolicy, tier: str, stakes: str) -> None:
    write_policy(evidence(), "ev.toml")
    assert lint(write_policy, TIERS + task(HIGH.format(tier=tier, stakes=stakes)), "RC102") == []


# -- RC103 irreversible-below-top ----------------------------------------------------------------------

IRREVERSIBLE = 'tier = "{tier}"\nkind = "planning"\noutput = "json"\nstakes = "irreversible"\n'


def test_rc103_fires_below_the_top_tier(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(IRREVERSIBLE.format(tier="sonnet")), "RC103") == [
        ("RC103", 23, 1, "task 't' is irreversible but runs on 'sonnet', not the top tier 'opus'"),
    ]


def test_rc103_quiet_on_the_top_tier(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(IRREVERSIBLE.format(tier="opus")), "RC103") == []


# -- RC104 multi-step-on-cheapest ---------------------------------------------------------------------

MULTI = 'tier = "{tier}"\nkind = "planning"\noutput = "json"\nstakes = "low"\nmulti_step = {multi}\n'


def test_rc104_fires_on_multi_step_on_the_cheapest_tier(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(MULTI.format(tier="haiku", multi="true")), "RC104") == [
        ("RC104", 27, 1, "task 't' is multi-step but runs on the cheapest tier 'haiku'"),
    ]


@pytest.mark.parametrize(("tier", "multi"), [("sonnet", "true"), ("haiku", "false")])
def test_rc104_quiet_above_the_cheapest_or_single_step(write_policy: WritePolicy, tier: str, multi: str) -> None:
    assert lint(write_policy, TIERS + task(MULTI.format(tier=tier, multi=multi)), "RC104") == []


# -- RC105 open-output-on-cheapest --------------------------------------------------------------------

OUTPUT = 'tier = "{tier}"\nkind = "drafting"\noutput = "{output}"\nstakes = "low"\n'


@pytest.mark.parametrize("output", ["long_text", "code"])
def test_rc105_fires_on_open_output_on_the_cheapest_tier(write_policy: WritePolicy, output: str) -> None:
    assert lint(write_policy, TIERS + task(OUTPUT.format(tier="haiku", output=output)), "RC105") == [
        ("RC105", 25, 1, f"task 't' produces {output} but runs on the cheapest tier 'haiku'"),
    ]


@pytest.mark.parametrize(("tier", "output"), [("sonnet", "long_text"), ("haiku", "short_text")])
def test_rc105_quiet_above_the_cheapest_or_on_short_output(write_policy: WritePolicy, tier: str, output: str) -> None:
    assert lint(write_policy, TIERS + task(OUTPUT.format(tier=tier, output=output)), "RC105") == []


# -- RC106 too-many-categories ------------------------------------------------------------------------

CATEGORIES = 'tier = "{tier}"\nkind = "classification"\noutput = "label"\nstakes = "low"\ncategories = {n}\n'


def test_rc106_fires_over_15_categories_on_the_cheapest_tier(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(CATEGORIES.format(tier="haiku", n=16)), "RC106") == [
        ("RC106", 27, 1, "task 't' classifies into 16 categories (over 15) on the cheapest tier 'haiku'"),
    ]


@pytest.mark.parametrize(("tier", "n"), [("haiku", 15), ("sonnet", 40)])
def test_rc106_quiet_at_15_or_above_the_cheapest(write_policy: WritePolicy, tier: str, n: int) -> None:
    assert lint(write_policy, TIERS + task(CATEGORIES.format(tier=tier, n=n)), "RC106") == []


# -- RC107 sensitive-touch-below-default --------------------------------------------------------------

TOUCHES = 'tier = "{tier}"\nkind = "codegen"\noutput = "json"\nstakes = "low"\ntouches = {touches}\n'


def test_rc107_fires_on_sensitive_touches_below_default(write_policy: WritePolicy) -> None:
    text = TIERS + task(TOUCHES.format(tier="haiku", touches='["deletion", "customer_message", "auth"]'))
    assert lint(write_policy, text, "RC107") == [
        ("RC107", 27, 1, "task 't' touches auth, deletion but runs on 'haiku', below default_tier 'sonnet'"),
    ]


@pytest.mark.parametrize(("tier", "touches"), [("sonnet", '["payment"]'), ("haiku", '["customer_message"]')])
def test_rc107_quiet_at_default_or_on_harmless_touches(write_policy: WritePolicy, tier: str, touches: str) -> None:
    assert lint(write_policy, TIERS + task(TOUCHES.format(tier=tier, touches=touches)), "RC107") == []


# -- RC108 unverified-downgrade -----------------------------------------------------------------------

CHEAP = 'tier = "haiku"\nkind = "extraction"\noutput = "json"\nstakes = "low"\n'
WITH_EVIDENCE = CHEAP + 'evidence = "evidence/t.toml"\n'


def test_rc108_fires_without_evidence(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(CHEAP), "RC108") == [
        ("RC108", 23, 1, "task 't' runs on 'haiku' below default_tier 'sonnet' without evidence "
         "(run `routecheck eval t --samples FILE --write`)"),
    ]


@pytest.mark.parametrize(
    ("ev", "reason"),
    [
        (evidence(task="other"), "is for task 'other'"),
        (evidence(model="claude-3-5-haiku-20241022"),
         "is for claude-3-5-haiku-20241022, but tier 'haiku' is claude-haiku-4-5-20251001"),
        (evidence(samples=99, errors=0), "has 99 samples, the gate needs at least 100"),
        (evidence(samples=100, errors=6), "shows an error rate of 6.0%, above the gate's 5.0%"),
    ],
    ids=["other-task", "other-model", "too-few-samples", "over-the-gate"],
)
def test_rc108_fires_on_evidence_that_fails_the_gate(write_policy: WritePolicy, ev: str, reason: str) -> None:
    write_policy(ev, "evidence/t.toml")
    assert lint(write_policy, TIERS + task(WITH_EVIDENCE), "RC108") == [
        ("RC108", 27, 1, f"task 't' runs below default_tier 'sonnet' but its evidence evidence/t.toml {reason}"),
    ]


def test_rc108_uses_the_policys_own_gate(write_policy: WritePolicy) -> None:
    write_policy(evidence(samples=100, errors=6), "evidence/t.toml")
    text = TIERS + "[gate]\nmax_error_rate = 0.08\nmin_samples = 200\n\n" + task(WITH_EVIDENCE)
    assert lint(write_policy, text, "RC108") == [
        ("RC108", 31, 1, "task 't' runs below default_tier 'sonnet' but its evidence evidence/t.toml "
         "has 100 samples, the gate needs at least 200"),
    ]


@pytest.mark.parametrize(("samples", "errors"), [(150, 6), (100, 5), (100, 0)])
def test_rc108_quiet_on_passing_evidence(write_policy: WritePolicy, samples: int, errors: int) -> None:
    write_policy(evidence(samples=samples, errors=errors), "evidence/t.toml")
    assert lint(write_policy, TIERS + task(WITH_EVIDENCE), "RC108") == []


def test_rc108_reports_a_named_evidence_file_that_does_not_exist_yet(write_policy: WritePolicy) -> None:
    # Not a load error: the policy may name its evidence before the first `eval --write` creates it.
    assert lint(write_policy, TIERS + task(WITH_EVIDENCE), "RC108") == [
        ("RC108", 27, 1, "task 't' runs below default_tier 'sonnet' but its evidence file evidence/t.toml does "
         "not exist (run `routecheck eval t --samples FILE --write`)"),
    ]


def paired(samples: int = 100, reference: int = 7, candidate_only: int = 1, reference_only: int = 1,
           upper: float = 0.0461) -> str:
    """Evidence with the paired figures: `reference` errors of the reference, of which `reference_only` alone."""
    errors = reference - reference_only + candidate_only
    return evidence(samples=samples, errors=errors) + (
        f"paired_samples = {samples}\nreference_errors = {reference}\ncandidate_only_errors = {candidate_only}\n"
        f"reference_only_errors = {reference_only}\n"
        f"regression = {round((candidate_only - reference_only) / samples, 4)}\n"
        f"regression_upper_95 = {upper}\nmcnemar_p = 1.0\n"
    )


PAIRED_GATE = TIERS + "[gate]\nmax_regression = 0.05\n\n"


@pytest.mark.parametrize(
    ("ev", "reason"),
    [
        (evidence(samples=100, errors=7), "has no paired figures, which gate.max_regression needs (run "
         "`routecheck eval` again to write them)"),
        (paired(upper=0.0534), "shows the candidate's error rate may exceed the reference's by up to 5.3% "
         "(upper 95% bound), above the gate's max_regression 5.0%"),
        (paired().replace("paired_samples = 100", "paired_samples = 99"),
         "has 99 samples graded on both tiers, the gate needs at least 100"),
    ],
    ids=["no-paired-figures", "over-max-regression", "too-few-paired"],
)
def test_rc108_paired_gate_fires(write_policy: WritePolicy, ev: str, reason: str) -> None:
    write_policy(ev, "evidence/t.toml")
    assert lint(write_policy, PAIRED_GATE + task(WITH_EVIDENCE), "RC108") == [
        ("RC108", 30, 1, f"task 't' runs below default_tier 'sonnet' but its evidence evidence/t.toml {reason}"),
    ]


def test_rc108_paired_gate_decides_instead_of_max_error_rate(write_policy: WritePolicy) -> None:
    # 7% errors fail the absolute gate (5%); the reference errs as often (both on 6, each alone on 1),
    # and the paired bound 4.6% is within max_regression: with max_regression set, that is what counts.
    write_policy(paired(), "evidence/t.toml")
    assert lint(write_policy, TIERS + task(WITH_EVIDENCE), "RC108") == [
        ("RC108", 27, 1, "task 't' runs below default_tier 'sonnet' but its evidence evidence/t.toml shows an "
         "error rate of 7.0%, above the gate's 5.0%"),
    ]
    assert lint(write_policy, PAIRED_GATE + task(WITH_EVIDENCE), "RC108") == []


def test_rc108_quiet_at_default_tier_without_evidence(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(CHEAP.replace("haiku", "sonnet")), "RC108") == []


def test_rc108_finding_names_the_task_and_model(write_policy: WritePolicy) -> None:
    findings = lint_policy(load_policy(write_policy(TIERS + task(CHEAP))), today=TODAY)
    assert [(f.code, f.task, f.model) for f in findings if f.code == "RC108"] == [
        ("RC108", "t", "claude-haiku-4-5-20251001")
    ]


# -- RC109 unknown-model ------------------------------------------------------------------------------


def test_rc109_fires_on_a_model_id_of_no_known_shape(write_policy: WritePolicy) -> None:
    text = TIERS.replace('model = "claude-opus-4-6"', 'model = "claud-opus-4-6"')
    assert lint(write_policy, text, "RC109") == [
        ("RC109", 17, 1, "tier 'opus' model 'claud-opus-4-6' is not a model id the anthropic SDK knows, "
         "nor shaped like one"),
    ]


@pytest.mark.parametrize(
    "model", ["claude-opus-4-6", "claude-3-5-haiku-20241022", "anthropic.claude-3-5-sonnet-20240620-v1:0",
              "claude-3-5-sonnet-v2@20241022", "claude-2.1"]
)
def test_rc109_quiet_on_anthropic_shaped_ids(write_policy: WritePolicy, model: str) -> None:
    assert lint(write_policy, TIERS.replace('"claude-opus-4-6"', f'"{model}"'), "RC109") == []


# -- RC110 upgrade-not-upward ---------------------------------------------------------------------------

UPGRADE = 'tier = "sonnet"\nkind = "drafting"\noutput = "short_text"\nstakes = "low"\n\n' \
    '[[tasks.t.upgrade]]\nwhen = "validation_failed"\nto = "{to}"\n'


@pytest.mark.parametrize("to", ["haiku", "sonnet"])
def test_rc110_fires_on_an_upgrade_that_does_not_go_up(write_policy: WritePolicy, to: str) -> None:
    assert lint(write_policy, TIERS + task(UPGRADE.format(to=to)), "RC110") == [
        ("RC110", 30, 1, f"task 't' upgrade on validation_failed goes to '{to}', which does not rank above "
         "its tier 'sonnet'"),
    ]


def test_rc110_quiet_on_an_upgrade_upward(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(UPGRADE.format(to="opus")), "RC110") == []


# -- RC111 savings-candidate ----------------------------------------------------------------------------

SAVING = 'tier = "sonnet"\nkind = "classification"\noutput = "label"\nstakes = "low"\n'
VOLUME = "calls_per_day = 1000\ninput_tokens = 500\noutput_tokens = 200\n"


def test_rc111_fires_with_the_monthly_saving(write_policy: WritePolicy) -> None:
    # the article's figures at these prices: sonnet $135.00 - haiku $45.00 a month
    assert lint(write_policy, TIERS + task(SAVING + VOLUME), "RC111") == [
        ("RC111", 23, 1, "task 't' could move from 'sonnet' to 'haiku' (saves $90.00/month); "
         "verify with `routecheck eval t`"),
    ]


def test_rc111_fires_without_volume(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS + task(SAVING), "RC111") == [
        ("RC111", 23, 1, "task 't' could move from 'sonnet' to 'haiku' (no volume in the policy to price it); "
         "verify with `routecheck eval t`"),
    ]


@pytest.mark.parametrize(
    "change",
    [
        ('output = "label"', 'output = "short_text"'),
        ('stakes = "low"', 'stakes = "high"'),
        ('stakes = "low"', 'stakes = "low"\nmulti_step = true'),
        ('stakes = "low"', 'stakes = "low"\ntouches = ["customer_message"]'),
        ('stakes = "low"', 'stakes = "low"\ncategories = 16'),
        ('tier = "sonnet"', 'tier = "haiku"\nevidence = "ev.toml"'),
    ],
    ids=["short-text", "high-stakes", "multi-step", "touches", "many-categories", "already-cheapest"],
)
def test_rc111_quiet_unless_all_three_questions_say_yes(write_policy: WritePolicy, change: tuple[str, str]) -> None:
    write_policy(evidence(), "ev.toml")
    assert lint(write_policy, TIERS + task(SAVING.replace(*change)), "RC111") == []


def test_per_task_ignore_silences_only_that_task(write_policy: WritePolicy) -> None:
    text = TIERS + task(SAVING + 'ignore = ["RC111"]\n') + "\n" + task(SAVING, name="u")
    assert lint(write_policy, text) == [
        ("RC111", 30, 1, "task 'u' could move from 'sonnet' to 'haiku' (no volume in the policy to price it); "
         "verify with `routecheck eval u`"),
        ("RC112", 4, 1, "tier 'haiku' is used by no task, no upgrade rule and not as default_tier"),
        ("RC112", 16, 1, "tier 'opus' is used by no task, no upgrade rule and not as default_tier"),
    ]


def test_per_task_ignore_keeps_other_codes(write_policy: WritePolicy) -> None:
    text = TIERS + task(MULTI.format(tier="haiku", multi="true") + 'ignore = ["RC108"]\n')
    assert lint(write_policy, text) == [
        ("RC104", 27, 1, "task 't' is multi-step but runs on the cheapest tier 'haiku'"),
        ("RC112", 16, 1, "tier 'opus' is used by no task, no upgrade rule and not as default_tier"),
    ]


# -- RC112 tier-hygiene ---------------------------------------------------------------------------------

USES_ALL = task(MULTI.format(tier="sonnet", multi="false") + "\n[[tasks.t.upgrade]]\nwhen = \"overloaded\"\n"
                'to = "opus"\n') + "\n" + task(WITH_EVIDENCE, name="u")


def test_rc112_fires_on_a_shared_model_and_an_unused_tier(write_policy: WritePolicy) -> None:
    text = TIERS.replace('"claude-opus-4-6"', '"claude-sonnet-4-6"')
    assert lint(write_policy, text, "RC112") == [
        ("RC112", 17, 1, "tier 'opus' uses model claude-sonnet-4-6, as tier 'sonnet' does"),
        ("RC112", 4, 1, "tier 'haiku' is used by no task, no upgrade rule and not as default_tier"),
        ("RC112", 16, 1, "tier 'opus' is used by no task, no upgrade rule and not as default_tier"),
    ]


def test_rc112_quiet_when_tasks_and_upgrades_use_every_tier(write_policy: WritePolicy) -> None:
    write_policy(evidence(task="u"), "evidence/t.toml")
    assert lint(write_policy, TIERS + USES_ALL, "RC112") == []


# -- RC113 stale-prices ---------------------------------------------------------------------------------

DATED = TIERS.replace("output_usd_per_mtok = 15.00\n", "output_usd_per_mtok = 15.00\nprices_as_of = 2026-08-01\n")


def test_rc113_fires_after_90_days(write_policy: WritePolicy) -> None:
    assert lint(write_policy, DATED, "RC113", today=date(2026, 10, 31)) == [
        ("RC113", 15, 1, "tier 'sonnet' prices are 91 days old (as of 2026-08-01); check them"),
    ]


@pytest.mark.parametrize("today", [date(2026, 10, 30), date(2026, 8, 1)])
def test_rc113_quiet_up_to_90_days(write_policy: WritePolicy, today: date) -> None:
    assert lint(write_policy, DATED, "RC113", today=today) == []


def test_rc113_quiet_on_tiers_without_a_date(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS, "RC113", today=date(2099, 1, 1)) == []


def test_findings_carry_the_policy_display_path(write_policy: WritePolicy, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = load_policy(write_policy(DATED, "policies/routing.toml"))
    assert [(f.path, f.name, f.severity.value, f.model) for f in lint_policy(source, today=date(2027, 1, 1))] == [
        ("policies/routing.toml", "tier-hygiene", "warning", None),
        ("policies/routing.toml", "tier-hygiene", "warning", None),
        ("policies/routing.toml", "stale-prices", "warning", "claude-sonnet-4-6"),
    ]


# -- RC113 with the source's date, RC114 price-drift --------------------------------------------------


def test_rc114_fires_on_typed_prices_that_differ_from_the_sources(write_policy: WritePolicy) -> None:
    from routecheck.cost.source import SOURCE

    # genai-prices lists claude-haiku-4-5 at $1 / $5 per MTok; $0.80 / $4.00 are Claude Haiku 3.5's prices.
    text = TIERS.replace("input_usd_per_mtok = 1.00\noutput_usd_per_mtok = 5.00",
                         "input_usd_per_mtok = 0.80\noutput_usd_per_mtok = 4.00")
    assert lint(write_policy, text, "RC114") == [
        ("RC114", 7, 1, f"tier 'haiku' prices $0.80 in / $4.00 out per MTok differ from {SOURCE}'s $1.00 / $5.00 "
         "for claude-haiku-4-5-20251001; update them or omit them to use the source's"),
    ]


def test_rc114_quiet_on_current_prices_omitted_prices_and_unknown_models(write_policy: WritePolicy) -> None:
    assert lint(write_policy, TIERS, "RC114") == []
    omitted = TIERS.replace("input_usd_per_mtok = 1.00\noutput_usd_per_mtok = 5.00\n", "")
    assert lint(write_policy, omitted, "RC114") == []
    unknown = TIERS.replace('model = "claude-haiku-4-5-20251001"', 'model = "claude-nonexistent-9"')
    assert lint(write_policy, unknown, "RC114") == []


# -- RC115 model-end-of-life --------------------------------------------------------------------------

OPUS_45 = TIERS.replace('model = "claude-opus-4-6"', 'model = "claude-opus-4-5"')


def test_the_sdk_lists_claude_opus_4_5s_end_of_life() -> None:
    from routecheck.deprecations import deprecation_date, end_of_life_map

    assert end_of_life_map()["claude-opus-4-5"] == date(2027, 1, 22)
    assert deprecation_date("claude-opus-4-5-20251101") == date(2027, 1, 22)
    assert deprecation_date("us.anthropic.claude-opus-4-5-20251101-v1:0") == date(2027, 1, 22)
    assert deprecation_date("claude-opus-4-6") is None


def test_rc115_warns_within_90_days_of_the_end_of_life(write_policy: WritePolicy) -> None:
    findings = lint_policy(load_policy(write_policy(OPUS_45)), today=date(2026, 12, 2))
    assert [(f.code, f.severity.value, f.line, f.column, f.message) for f in findings if f.code == "RC115"] == [
        ("RC115", "warning", 17, 1, "tier 'opus' model claude-opus-4-5 reaches end of life on 2027-01-22 "
         "(in 51 days); move the tier to claude-opus-5-5"),
    ]


def test_rc115_errors_from_the_end_of_life_date(write_policy: WritePolicy) -> None:
    findings = lint_policy(load_policy(write_policy(OPUS_45)), today=date(2027, 1, 22))
    assert [(f.code, f.severity.value, f.line, f.column, f.message) for f in findings if f.code == "RC115"] == [
        ("RC115", "error", 17, 1, "tier 'opus' model claude-opus-4-5 reached end of life on 2027-01-22; move the "
         "tier to claude-opus-5-5"),
    ]


def test_rc115_quiet_more_than_90_days_before_and_on_current_models(write_policy: WritePolicy) -> None:
    assert lint(write_policy, OPUS_45, "RC115", today=date(2026, 10, 23)) == []  # 91 days before
    assert lint(write_policy, OPUS_45, "RC115", today=date(2026, 10, 24)) == [  # 90 days before
        ("RC115", 17, 1, "tier 'opus' model claude-opus-4-5 reaches end of life on 2027-01-22 (in 90 days); move "
         "the tier to claude-opus-5-5"),
    ]
    assert lint(write_policy, TIERS, "RC115", today=date(2027, 6, 1)) == []


def test_the_clause_rc201_adds_for_a_deprecated_model() -> None:
    from routecheck.deprecations import hardcoded_model_clause

    assert hardcoded_model_clause("claude-opus-4-5", date(2026, 12, 2)) == (
        "; claude-opus-4-5 reaches end of life on 2027-01-22 (in 51 days), and every call to it fails from then")
    assert hardcoded_model_clause("claude-opus-4-5", date(2027, 2, 1)) == (
        "; claude-opus-4-5 reached end of life on 2027-01-22, and every call to it fails")
    assert hardcoded_model_clause("claude-opus-4-5", date(2026, 6, 1)) == ""
    assert hardcoded_model_clause("claude-sonnet-4-6", date(2026, 12, 2)) == ""
