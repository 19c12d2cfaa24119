"""Each rule's page lists what its rule matches: the page is read, and what it lists is fed to the matcher
(or compared with the data the check reads), so a page and its rule cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from routecheck.policy.vocabulary import (
    MAX_CHEAP_CATEGORIES,
    OPEN_OUTPUTS,
    SCHEMA_OUTPUTS,
    SENSITIVE_TOUCHES,
    STALE_PRICES_AFTER,
)
from routecheck.rules import get_rule
from routecheck.scan.discovery import file_kind
from routecheck.scan.rules import SDK_CALL_SHAPES, SDK_WRAPPERS
from tests.scan.helpers import scan, triples


def summary(code: str) -> str:
    return get_rule(code).summary


def test_rc202_every_listed_shape_is_a_direct_call_and_every_shape_is_listed(tmp_path: Path) -> None:
    page = get_rule("RC202").doc
    listed = re.findall(r"`\*\.([a-z_.*]+)`", page)
    assert listed == [".".join(shape) for shape in SDK_CALL_SHAPES]
    assert re.findall(r"`\.([a-z_]+)\.`", page) == sorted(SDK_WRAPPERS)
    # `*` is any method: `create` stands for it
    calls = [f"client.{tail.replace('*', 'create')}(model=m)" for tail in listed]
    calls += [f"client.{wrapper}.messages.create(model=m)" for wrapper in sorted(SDK_WRAPPERS)]
    (tmp_path / "app.py").write_text("".join(f"{call}\n" for call in calls))
    result = scan([tmp_path / "app.py"], tmp_path)
    assert triples(result.findings) == [("RC202", line, 1) for line in range(1, len(calls) + 1)]


def test_rc205_every_listed_suffix_is_a_config_file() -> None:
    listed = re.fullmatch(r"A model id appears in a configuration file \((.+)\)\.", summary("RC205"))
    assert listed is not None
    suffixes = listed.group(1).split(", ")
    assert suffixes == [".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".env"]
    assert [file_kind(f"settings{suffix}") for suffix in suffixes] == ["config"] * len(suffixes)
    assert [file_kind(name) for name in ("settings.py", "settings.txt", "settings.md")] == ["python", None, None]


def test_policy_rule_pages_name_the_values_their_checks_read() -> None:
    assert summary("RC105") == "A task whose output is long_text or code runs on the cheapest tier."
    assert re.findall(r"\b(long_text|code)\b", summary("RC105")) == sorted(OPEN_OUTPUTS, reverse=True)
    assert f"more than {MAX_CHEAP_CATEGORIES} categories" in summary("RC106")
    touched = re.fullmatch(r"A task that touches (.+) runs below default_tier\.", summary("RC107"))
    assert touched is not None and set(re.split(r", | or ", touched.group(1))) == SENSITIVE_TOUCHES
    schema = re.search(r"short and schema-constrained \((\w+) or (\w+)\)", get_rule("RC111").doc)
    assert schema is not None and set(schema.groups()) == SCHEMA_OUTPUTS
    assert f"more than {STALE_PRICES_AFTER.days} days old" in summary("RC113")


def test_every_rule_of_the_catalogue_is_declared_in_the_one_shape() -> None:
    """Policy rules, code rules and RC207 alike: a RuleSpec whose function is what the rule owns."""
    from routecheck.lint.rules import POLICY_RULES, unverified_downgrade
    from routecheck.rule_spec import RuleSpec
    from routecheck.rules import all_rules
    from routecheck.scan.rules import CODE_RULES, stale_client

    specs: list[RuleSpec[..., Any]] = [*POLICY_RULES, *CODE_RULES]
    assert [type(spec) for spec in specs] == [RuleSpec] * len(specs)
    assert sorted((spec.rule for spec in specs), key=lambda rule: rule.code) == list(all_rules())
    assert (unverified_downgrade.rule.code, stale_client.rule.code) == ("RC108", "RC207")
    assert stale_client("app/llm_routes.py", generated_from=None, expected="ab" * 32, exists=False) == (
        "generated client app/llm_routes.py does not exist; run `routecheck generate`")
