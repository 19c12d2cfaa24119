"""The rule catalogue: codes unique and well formed, every rule documented, selectors."""

from __future__ import annotations

import re

import pytest

from routecheck.errors import UsageError
from routecheck.finding import Rule, Severity
from routecheck.rules import all_rules, code_filter, get_rule, parse_selectors, render_page
from support import POLICIES, Run, RunCli, WritePolicy

RULES = all_rules()


def test_codes_are_unique_well_formed_and_in_order() -> None:
    codes = [rule.code for rule in RULES]
    assert codes == sorted(set(codes))
    assert [code for code in codes if not re.fullmatch(r"RC\d{3}", code)] == []
    assert [code for code in codes if code.startswith("RC1")] == [f"RC{n}" for n in range(101, 116)]


def test_names_are_unique_kebab_case() -> None:
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)
    assert [name for name in names if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name)] == []


def test_policy_rules_have_the_designed_names_and_severities() -> None:
    assert [(r.code, r.name, r.severity) for r in RULES if r.code.startswith("RC1")] == [
        ("RC101", "unsafe-default-tier", Severity.ERROR),
        ("RC102", "high-stakes-below-default", Severity.ERROR),
        ("RC103", "irreversible-below-top", Severity.ERROR),
        ("RC104", "multi-step-on-cheapest", Severity.ERROR),
        ("RC105", "open-output-on-cheapest", Severity.ERROR),
        ("RC106", "too-many-categories", Severity.ERROR),
        ("RC107", "sensitive-touch-below-default", Severity.ERROR),
        ("RC108", "unverified-downgrade", Severity.ERROR),
        ("RC109", "unknown-model", Severity.WARNING),
        ("RC110", "upgrade-not-upward", Severity.WARNING),
        ("RC111", "savings-candidate", Severity.INFO),
        ("RC112", "tier-hygiene", Severity.WARNING),
        ("RC113", "stale-prices", Severity.WARNING),
        ("RC114", "price-drift", Severity.WARNING),
        ("RC115", "model-end-of-life", Severity.WARNING),
    ]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_is_documented(rule: Rule) -> None:
    page = render_page(get_rule(rule.code))
    sections = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    assert sections[:2] == ["Why is this bad?", "Example"]
    assert sections[2:] in (["Use instead"], [])
    summary = page.splitlines()[2]
    assert summary.endswith(".") and len(summary) <= 100
    example = page.split("## Example", 1)[1]
    assert "```" in example  # a failing example, as code


def test_rule_page_of_rc104_is_exact(run_cli: RunCli) -> None:
    assert run_cli("rule", "RC104") == Run(0, RC104_PAGE, "")


def test_rule_by_name_and_lowercase_code(run_cli: RunCli) -> None:
    assert run_cli("rule", "multi-step-on-cheapest") == run_cli("rule", "rc104") == Run(0, RC104_PAGE, "")


def test_all_rule_pages(run_cli: RunCli) -> None:
    result = run_cli("rule", "--all")
    assert (result.code, re.findall(r"^# (RC\d+) ", result.out, flags=re.MULTILINE), result.err) == (
        0, [r.code for r in RULES], ""
    )


def test_unknown_rule_is_a_usage_error(run_cli: RunCli) -> None:
    assert run_cli("rule", "RC999") == Run(
        2, "", "routecheck: error: unknown rule 'RC999' (rules: RC101, RC102, RC103, RC104, RC105, RC106, RC107, "
        "RC108, RC109, RC110, RC111, RC112, RC113, RC114, RC115, RC200, RC201, RC202, RC203, RC204, RC205, RC206, "
        "RC207)\n"
    )
    assert run_cli("rule") == Run(2, "", "routecheck: error: name a rule (routecheck rule RC104) or pass --all\n")


RC104_PAGE = """\
# RC104 multi-step-on-cheapest [error]

A multi-step task (multi_step = true) runs on the cheapest tier.

## Why is this bad?
When the right answer needs a chain of reasoning held in working memory ("given X, knowing Y from
earlier, and accounting for exception Z"), the cheapest tier answers shorter and more directly
and loses coherence along the chain.

## Example
```toml
[tasks.plan_agent_steps]
tier = "haiku"
multi_step = true
```

## Use instead
```toml
[tasks.plan_agent_steps]
tier = "sonnet"
multi_step = true
```
"""


# -- --select / --ignore -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, ()), ("", ()), ("RC1", ("RC1",)), (" rc108 , RC11,", ("RC108", "RC11")), ("RC", ("RC",))],
)
def test_parse_selectors(text: str | None, expected: tuple[str, ...]) -> None:
    assert parse_selectors(text) == expected


@pytest.mark.parametrize("text", ["RC9", "RC1084", "E501", "RC10x", "108"])
def test_a_selector_matching_nothing_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_selectors(text)
    assert str(caught.value) == (
        f"'{text.upper()}' selects no rule (expected a rule code or prefix such as RC1 or RC201)"
    )


def test_code_filter_selects_then_ignores() -> None:
    wanted = code_filter(("RC1",), ("RC11", "RC108"))
    assert [code for code in ("RC101", "RC108", "RC109", "RC110", "RC111", "RC113", "RC201") if wanted(code)] == [
        "RC101", "RC109"
    ]
    assert [code for code in ("RC101", "RC201") if code_filter((), ())(code)] == ["RC101", "RC201"]


def _failing_policy(write_policy: WritePolicy) -> None:
    """The base policy with a cheap default (RC101), 20 categories (RC106) and multi_step (RC104) on haiku."""
    base = (POLICIES / "base.toml").read_text(encoding="utf-8")
    write_policy((POLICIES / "evidence" / "classify_intent.toml").read_bytes(), "evidence/classify_intent.toml")
    write_policy(base.replace('default_tier = "sonnet"', 'default_tier = "haiku"').replace(
        "categories = 8", "categories = 20\nmulti_step = true"), "p.toml")


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        ((), ["RC101", "RC106", "RC104"]),
        (("--select", "RC104,RC106"), ["RC106", "RC104"]),
        (("--select", "RC10", "--ignore", "RC104"), ["RC101", "RC106"]),
        (("--ignore", "RC1"), []),
    ],
)
def test_select_and_ignore_on_the_command_line(
    run_cli: RunCli, write_policy: WritePolicy, options: tuple[str, ...], codes: list[str]
) -> None:
    _failing_policy(write_policy)
    result = run_cli("lint", "--policy", "p.toml", "--quiet", *options)
    assert (re.findall(r" (RC\d+) ", result.out), result.code, result.err) == (codes, 1 if codes else 0, "")


def test_select_matching_nothing_exits_2(run_cli: RunCli) -> None:
    assert run_cli("lint", "--policy", str(POLICIES / "base.toml"), "--select", "RC9") == Run(
        2, "", "routecheck: error: 'RC9' selects no rule (expected a rule code or prefix such as RC1 or RC201)\n"
    )
