"""routecheck diff: risk flags, the headline, --fail-on exit codes, and --base against a real git repository."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from routecheck.cli import main
from routecheck.diff import RiskFlag, diff_policies
from routecheck.diff.render import headline, render_json, render_text
from support import load_policy

ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "diff"
ARTICLE = ROOT / "examples" / "article" / "routing.toml"
TODAY = date(2026, 11, 24)


def all_on_sonnet(article_text: str) -> str:
    return article_text.replace('tier = "haiku"', 'tier = "sonnet"')


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def risks(old: str, new: str) -> tuple[RiskFlag, ...]:
    diff = diff_policies(load_policy(FIXTURES / old), load_policy(FIXTURES / new), old_label=old, new_label=new,
                         today=TODAY)
    return diff.risks


def test_headline_of_the_article_change() -> None:
    before = load_policy(ARTICLE.with_name("routing-all-sonnet.toml"))
    assert before.policy == load_policy(ARTICLE).policy.model_copy(update={"tasks": {
        name: task.model_copy(update={"tier": "sonnet"}) for name, task in load_policy(ARTICLE).policy.tasks.items()
    }})  # the same policy with every task on sonnet
    diff = diff_policies(before, load_policy(ARTICLE), old_label="a", new_label="b", today=TODAY)
    assert headline(diff) == "Monthly cost: $135.00 \u2192 $65.70 (\u2212$69.30, \u221251.3%)"


def test_headline_of_an_increase_and_of_no_change() -> None:
    base = load_policy(FIXTURES / "base.toml")
    rise = diff_policies(base, load_policy(FIXTURES / "prices.toml"), old_label="a", new_label="b", today=TODAY)
    same = diff_policies(base, base, old_label="a", new_label="a", today=TODAY)
    assert headline(rise) == "Monthly cost: $71.55 \u2192 $77.63 (+$6.08, +8.5%)"
    assert headline(same) == "Monthly cost: $71.55 \u2192 $71.55 (no change)"
    assert render_text(same) == "Policy diff: a \u2192 a\nMonthly cost: $71.55 \u2192 $71.55 (no change)\n" \
        "No changes to the routing policy.\n"


def test_risk_flags_of_each_kind() -> None:
    assert risks("base.toml", "tier-moves.toml") == (RiskFlag(
        "unverified-downgrade", "task 'extract_entities' moves down from 'sonnet' to 'haiku' without evidence "
        "that passes the gate (RC108)", task="extract_entities"),)
    assert risks("base.toml", "task-fields.toml") == (
        RiskFlag("stakes-lowered", "task 'draft_email' stakes lowered from high to low", task="draft_email"),)
    assert risks("base.toml", "settings.toml") == (RiskFlag(
        "default-tier-lowered", "default_tier lowered from 'sonnet' to 'haiku': every task without its own "
        "evidence now defaults to a cheaper tier", tier="haiku"),)
    assert risks("base.toml", "gate.toml") == (RiskFlag(
        "gate-loosened", "gate.max_error_rate raised from 0.05 to 0.08: weaker evidence now lets a task run "
        "below default_tier"),)
    assert risks("base.toml", "model-change.toml") == (RiskFlag(
        "evidence-for-old-model", "tier 'haiku' now runs claude-haiku-4-6, but the evidence of task "
        "'classify_intent' (evidence/classify_intent.toml) was measured on claude-haiku-4-5-20251001",
        task="classify_intent", tier="haiku"),)


def test_gate_tightened_upward_moves_and_raised_stakes_are_not_risks() -> None:
    assert risks("gate.toml", "base.toml") == (RiskFlag(  # max_error_rate tightened; min_samples loosened
        "gate-loosened", "gate.min_samples lowered from 150 to 100: weaker evidence now lets a task run "
        "below default_tier"),)
    assert risks("tier-moves.toml", "base.toml") == ()
    assert risks("task-fields.toml", "base.toml") == ()
    assert risks("base.toml", "upgrade-rules.toml") == ()


def test_new_task_below_default_without_evidence_is_a_risk(tmp_path: Path) -> None:
    base = (FIXTURES / "base.toml").read_text(encoding="utf-8")
    write(tmp_path / "evidence" / "classify_intent.toml",
          (FIXTURES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8"))
    old = write(tmp_path / "old.toml", base)
    new = write(tmp_path / "new.toml", base + '\n[tasks.route_ticket]\ntier = "haiku"\nkind = "classification"\n'
                'output = "label"\nstakes = "low"\n')
    diff = diff_policies(load_policy(old), load_policy(new), old_label="old", new_label="new", today=TODAY)
    assert diff.risks == (RiskFlag(
        "unverified-downgrade", "new task 'route_ticket' runs on 'haiku', below default_tier 'sonnet', without "
        "evidence that passes the gate (RC108)", task="route_ticket"),)


def test_downgrade_with_passing_evidence_is_not_a_risk(tmp_path: Path) -> None:
    base = (FIXTURES / "base.toml").read_text(encoding="utf-8")
    write(tmp_path / "evidence" / "classify_intent.toml",
          (FIXTURES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8"))
    old = write(tmp_path / "old.toml", base.replace('tier = "haiku"\nkind = "classification"',
                                                    'tier = "sonnet"\nkind = "classification"', 1))
    new = write(tmp_path / "new.toml", base)
    diff = diff_policies(load_policy(old), load_policy(new), old_label="old", new_label="new", today=TODAY)
    assert [c.message for c in diff.changes] == ["task 'classify_intent' moved from 'sonnet' to 'haiku' (downgrade)"]
    assert diff.risks == ()


def test_json_is_versioned_with_typed_changes() -> None:
    base, new = load_policy(FIXTURES / "base.toml"), load_policy(FIXTURES / "tier-moves.toml")
    data = json.loads(render_json(diff_policies(base, new, old_label="base.toml", new_label="tier-moves.toml",
                                                today=TODAY)))
    assert data["version"] == 1
    assert data["monthly_cost"] == {"old_usd": "71.55", "new_usd": "55.80", "delta_usd": "-15.75",
                                    "delta_percent": "-22.0%"}
    assert data["changes"][0] == {
        "category": "tier-move", "task": "extract_entities", "old_tier": "sonnet", "new_tier": "haiku",
        "direction": "downgrade", "message": "task 'extract_entities' moved from 'sonnet' to 'haiku' (downgrade)",
    }
    assert data["risks"][0]["kind"] == "unverified-downgrade"
    assert data["tasks"][1] == {"task": "extract_entities", "old_tier": "sonnet", "new_tier": "haiku",
                                "old_usd": "33.75", "new_usd": "9.00", "delta_usd": "-24.75"}
    assert data["tasks"][4] == {"task": "tag_language", "old_tier": "sonnet", "new_tier": "sonnet",
                                "old_usd": None, "new_usd": None, "delta_usd": "0.00"}


# -- the command: exit codes ----------------------------------------------------------------------------------


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)


@pytest.mark.usefixtures("in_fixtures")
def test_fail_on_risk(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["diff", "base.toml", "tier-moves.toml", "--fail-on", "risk"], capsys)
    assert (code, err) == (1, "routecheck: diff fails: 1 risk flag (--fail-on risk)\n")
    assert run(["diff", "base.toml", "upgrade-rules.toml", "--fail-on", "risk"], capsys)[0::2] == (0, "")
    assert run(["diff", "base.toml", "tier-moves.toml"], capsys)[0::2] == (0, "")


@pytest.mark.usefixtures("in_fixtures")
def test_fail_on_cost_increase(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["diff", "base.toml", "task-fields.toml", "--fail-on", "cost-increase=30"], capsys)
    assert (code, err) == (1, "routecheck: diff fails: monthly cost rises by +$33.75, more than $30.00 "
                              "(--fail-on cost-increase)\n")
    assert run(["diff", "base.toml", "task-fields.toml", "--fail-on", "cost-increase=33.75"], capsys)[0] == 0
    assert run(["diff", "base.toml", "task-fields.toml", "--fail-on", "cost-increase=33.74"], capsys)[0] == 1
    assert run(["diff", "base.toml", "tier-moves.toml", "--fail-on", "cost-increase=0"], capsys)[0] == 0
    code, _, err = run(["diff", "base.toml", "task-fields.toml", "--fail-on", "risk", "--fail-on",
                        "cost-increase=0"], capsys)
    assert (code, err.splitlines()) == (1, [
        "routecheck: diff fails: 1 risk flag (--fail-on risk)",
        "routecheck: diff fails: monthly cost rises by +$33.75, more than $0.00 (--fail-on cost-increase)",
    ])


@pytest.mark.usefixtures("in_fixtures")
@pytest.mark.parametrize(("value", "message"), [
    ("money", "--fail-on money: expected 'risk' or 'cost-increase=USD' (e.g. cost-increase=50)"),
    ("cost-increase=lots", "--fail-on cost-increase=lots: 'lots' is not an amount in USD"),
    ("cost-increase=-1", "--fail-on cost-increase=-1: the amount must be 0 or more"),
])
def test_bad_fail_on_is_a_usage_error(value: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    expected = (2, "", f"routecheck: error: {message}\n")
    assert run(["diff", "base.toml", "gate.toml", "--fail-on", value], capsys) == expected


@pytest.mark.usefixtures("in_fixtures")
def test_needs_two_files_or_base(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", "base.toml"], capsys) == (
        2, "", "routecheck: error: give two policy files (routecheck diff OLD NEW) or --base GITREF\n")
    assert run(["diff", "base.toml", "missing.toml"], capsys) == (2, "", "missing.toml: policy file not found\n")


# -- --base: a real git repository with two commits -----------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit runs everything on sonnet and whose second is the article's routing."""
    for key, value in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                       "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull,
                       "GIT_CONFIG_NOSYSTEM": "1"}.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "app"
    article = ARTICLE.read_text(encoding="utf-8")
    git = ["git", "-C", str(root)]
    root.mkdir()
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    write(root / "policies" / "routing.toml", all_on_sonnet(article))
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "everything on sonnet"], check=True)
    write(root / "policies" / "routing.toml", article)
    subprocess.run([*git, "commit", "-q", "-am", "route 70% of the calls to haiku"], check=True)
    monkeypatch.chdir(root)
    return root


@pytest.mark.usefixtures("repo")
def test_base_reads_the_committed_policy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["diff", "--base", "HEAD~1", "--policy", "policies/routing.toml", "--format", "markdown"],
                         capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:6] == [
        "<!-- routecheck-diff -->",
        "### Routing policy review",
        "",
        "**Monthly cost: $135.00 \u2192 $65.70 (\u2212$69.30, \u221251.3%)**",
        "",
        "Compared `HEAD~1:policies/routing.toml` \u2192 `policies/routing.toml`.",
    ]
    assert "| classify_intent | moved down | sonnet \u2192 haiku | $40.50 | $10.80 | \u2212$29.70 |" in lines
    assert "- **unverified-downgrade**: task 'summarize_short' moves down from 'sonnet' to 'haiku' without " \
        "evidence that passes the gate (RC108)" in lines


@pytest.mark.usefixtures("repo")
def test_base_against_the_same_commit_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["diff", "--base", "HEAD", "--policy", "policies/routing.toml", "--fail-on", "risk"], capsys)
    assert code == 0
    assert out.splitlines()[:3] == [  # then the article's prices, stale on the day the test runs
        "Policy diff: HEAD:policies/routing.toml \u2192 policies/routing.toml",
        "Monthly cost: $65.70 \u2192 $65.70 (no change)",
        "No changes to the routing policy.",
    ]


def test_base_copies_the_evidence_of_that_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = (FIXTURES / "base.toml").read_text(encoding="utf-8")
    write(repo / "policies" / "routing.toml", base)
    write(repo / "policies" / "evidence" / "classify_intent.toml",
          (FIXTURES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8"))
    subprocess.run(["git", "add", "."], check=True, cwd=repo)
    subprocess.run(["git", "commit", "-q", "-m", "with evidence"], check=True, cwd=repo)
    write(repo / "policies" / "routing.toml", base.replace("max_error_rate = 0.05", "max_error_rate = 0.08"))
    code, out, err = run(["diff", "--base", "HEAD", "--policy", "policies/routing.toml"], capsys)
    assert (code, err) == (0, "")
    assert "  gate-loosened: gate.max_error_rate raised from 0.05 to 0.08: weaker evidence now lets a task run " \
        "below default_tier" in out.splitlines()


@pytest.mark.usefixtures("repo")
def test_bad_revision(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", "--base", "no-such-branch", "--policy", "policies/routing.toml"], capsys) == (
        2, "", "routecheck: error: unknown git revision 'no-such-branch' (not a branch, tag or commit of this "
        "repository)\n")


def test_policy_missing_at_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "policies" / "other.toml", ARTICLE.read_text(encoding="utf-8"))
    assert run(["diff", "--base", "HEAD", "--policy", "policies/other.toml"], capsys) == (
        2, "", "routecheck: error: policy file policies/other.toml does not exist at revision 'HEAD'\n")


def test_invalid_policy_at_revision_names_the_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "policies" / "routing.toml", "version = 1\ndefault_tier = 7\n")
    subprocess.run(["git", "commit", "-q", "-am", "broken"], check=True, cwd=repo)
    write(repo / "policies" / "routing.toml", ARTICLE.read_text(encoding="utf-8"))
    code, out, err = run(["diff", "--base", "HEAD", "--policy", "policies/routing.toml"], capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "HEAD:policies/routing.toml:1:1: tiers: missing required key",
        "HEAD:policies/routing.toml:2:1: default_tier: expected a string, got integer 7",
    ]


def test_not_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    write(tmp_path / "routing.toml", ARTICLE.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["diff", "--base", "main", "--policy", "routing.toml"], capsys)
    assert (code, out) == (2, "")
    folder = tmp_path.resolve().as_posix()
    assert err == f"routecheck: error: --base needs a git repository, and {folder} is not in one\n"


# -- smaller things the goldens do not show --------------------------------------------------------------------


def test_tiers_added_and_removed_text_and_stale_prices(tmp_path: Path) -> None:
    base = (FIXTURES / "base.toml").read_text(encoding="utf-8")
    write(tmp_path / "evidence" / "classify_intent.toml",
          (FIXTURES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8"))
    old = write(tmp_path / "old.toml", base)
    opus = ('[tiers.opus]\nmodel = "claude-opus-4-6"\nrank = 3\ninput_usd_per_mtok = 5.00\n'
            "output_usd_per_mtok = 25.00\nprices_as_of = 2026-11-01\n")
    new_text = base.replace(opus, "").replace('to = "opus"', 'to = "sonnet"').replace(
        "prices_as_of = 2026-11-01\n\n[tiers.sonnet]", 'prices_as_of = 2026-06-01\nprice_source = "<b>old</b>"\n\n'
        "[tiers.sonnet]")
    new = write(tmp_path / "new.toml", new_text + '\n[tiers.fast]\nmodel = "claude-haiku-4-5"\nrank = 4\n'
                'input_usd_per_mtok = 1.0\noutput_usd_per_mtok = 5.0\n')
    diff = diff_policies(load_policy(old), load_policy(new), old_label="old.toml", new_label="new.toml", today=TODAY)
    assert render_text(diff) == """\
Policy diff: old.toml \u2192 new.toml
Monthly cost: $71.55 \u2192 $71.55 (no change)

No risk flags.

Changes (5):
  tier 'fast' added (claude-haiku-4-5)
  tier 'opus' removed (was claude-opus-4-6)
  tier 'haiku' prices_as_of: 2026-11-01 \u2192 2026-06-01
  tier 'haiku' price_source: (unset) \u2192 <b>old</b>
  task 'plan_agent_steps' upgrade rules: [validation_failed -> opus] \u2192 [validation_failed -> sonnet]

Monthly cost of the changed tasks:
  task              change         tier    before   after  delta
  plan_agent_steps  upgrade rules  sonnet  $13.50  $13.50  $0.00

Warning: tier 'haiku' prices are 176 days old (as of 2026-06-01): check them (RC113 stale-prices).
"""
    from routecheck.diff.render import render_markdown

    assert "- tier 'haiku' price_source: (unset) \u2192 &lt;b>old&lt;/b>" in render_markdown(diff).splitlines()


def test_an_ignored_rc108_still_flags_the_downgrade(tmp_path: Path) -> None:
    base = (FIXTURES / "base.toml").read_text(encoding="utf-8")
    write(tmp_path / "evidence" / "classify_intent.toml",
          (FIXTURES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8"))
    old = write(tmp_path / "old.toml", base)
    new = write(tmp_path / "new.toml", base.replace('[tasks.extract_entities]\ntier = "sonnet"',
                                                    '[tasks.extract_entities]\ntier = "haiku"\nignore = ["RC108"]'))
    diff = diff_policies(load_policy(old), load_policy(new), old_label="old", new_label="new", today=TODAY)
    assert [r.kind for r in diff.risks] == ["unverified-downgrade"]


def test_from_no_cost_to_some_has_no_percentage(tmp_path: Path) -> None:
    base = (FIXTURES / "base.toml").read_text(encoding="utf-8")
    empty = base[: base.index("[tasks.classify_intent]")]
    old = write(tmp_path / "old.toml", empty)
    new = write(tmp_path / "new.toml", empty + '[tasks.extract_entities]\ntier = "sonnet"\nkind = "extraction"\n'
                'output = "json"\nstakes = "low"\ncalls_per_day = 250\ninput_tokens = 500\noutput_tokens = 200\n')
    diff = diff_policies(load_policy(old), load_policy(new), old_label="old", new_label="new", today=TODAY)
    assert headline(diff) == "Monthly cost: $0.00 \u2192 $33.75 (+$33.75)"


def test_diff_json_keys_are_stable() -> None:
    base = load_policy(FIXTURES / "base.toml")
    data = json.loads(render_json(diff_policies(base, base, old_label="a", new_label="a", today=TODAY)))
    assert data == {
        "version": 1, "old": "a", "new": "a",
        "monthly_cost": {"old_usd": "71.55", "new_usd": "71.55", "delta_usd": "0.00", "delta_percent": "0.0%"},
        "risks": [], "changes": [], "stale_prices": [],
        "tasks": [
            {"task": name, "old_tier": tier, "new_tier": tier, "old_usd": usd, "new_usd": usd, "delta_usd": "0.00"}
            for name, tier, usd in [("classify_intent", "haiku", "10.80"), ("extract_entities", "sonnet", "33.75"),
                                    ("draft_email", "sonnet", "13.50"), ("plan_agent_steps", "sonnet", "13.50"),
                                    ("tag_language", "sonnet", None)]
        ],
    }


def test_a_price_left_to_the_source_reads_as_such(tmp_path: Path) -> None:
    from routecheck.diff import policy_changes
    from support import load_policy

    typed = ('version = 1\ndefault_tier = "s"\n\n[tiers.s]\nmodel = "claude-sonnet-4-6"\nrank = 1\n'
             'input_usd_per_mtok = 2.0\noutput_usd_per_mtok = 15.0\n')
    (tmp_path / "old.toml").write_text(typed, encoding="utf-8")
    (tmp_path / "new.toml").write_text(typed.replace("input_usd_per_mtok = 2.0\noutput_usd_per_mtok = 15.0\n", ""),
                                       encoding="utf-8")
    changes = policy_changes(load_policy(tmp_path / "old.toml").policy, load_policy(tmp_path / "new.toml").policy)
    assert [c.message for c in changes] == [
        "tier 's' input_usd_per_mtok: 2.0 \u2192 (genai-prices)",
        "tier 's' output_usd_per_mtok: 15.0 \u2192 (genai-prices)",
    ]


def test_setting_or_raising_max_regression_loosens_the_gate(tmp_path: Path) -> None:
    base = (FIXTURES / "base.toml").read_text(encoding="utf-8")
    write(tmp_path / "evidence" / "classify_intent.toml",
          (FIXTURES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8"))
    gates = (("none", ""), ("two", "max_regression = 0.02\n"), ("five", "max_regression = 0.05\n"))
    marker = "min_samples = 100\n"
    versions = {name: write(tmp_path / f"{name}.toml", base.replace(marker, marker + gate)) for name, gate in gates}

    def diff(old: str, new: str) -> tuple[list[str], tuple[RiskFlag, ...]]:
        found = diff_policies(load_policy(versions[old]), load_policy(versions[new]), old_label=old, new_label=new,
                              today=TODAY)
        return [c.message for c in found.changes], found.risks

    assert diff("none", "two") == (["gate.max_regression: (unset) \u2192 0.02 (loosened)"], (RiskFlag(
        "gate-loosened", "gate.max_regression raised from (unset) to 0.02: weaker evidence now lets a task run "
        "below default_tier"),))
    assert diff("five", "two") == (["gate.max_regression: 0.05 \u2192 0.02 (tightened)"], ())
    assert diff("two", "none")[0] == ["gate.max_regression: 0.02 \u2192 (unset) (tightened)"]
