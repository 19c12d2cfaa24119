"""Generated docs are committed and never stale: docs/rules.md and docs/policy.schema.json."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from routecheck.docs import POLICY_SCHEMA, RULES_MD, generated, main
from routecheck.rules import all_rules
from support import REPO


@pytest.mark.parametrize("name", [RULES_MD, POLICY_SCHEMA])
def test_committed_docs_equal_the_generated_ones(name: str) -> None:
    # on failure: run `python -m routecheck.docs` and commit the result
    assert (REPO / name).read_text(encoding="utf-8") == generated()[name]


def test_rules_md_has_every_rule_page_as_a_section() -> None:
    text = generated()[RULES_MD]
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        f"## {r.code} {r.name} [{r.severity.value}]" for r in all_rules()
    ]
    assert "| [RC104](#rc104-multi-step-on-cheapest-error) | multi-step-on-cheapest | error | A multi-step task " \
        "(multi_step = true) runs on the cheapest tier. |" in text.splitlines()


def test_schema_file_is_what_routecheck_schema_prints() -> None:
    from routecheck.policy.schema import json_schema

    assert generated()[POLICY_SCHEMA] == json_schema("policy")


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


def test_check_mode_reports_stale_files_and_write_mode_fixes_them(tmp_path: Path) -> None:
    root = str(tmp_path)
    assert run("--root", root, "--check") == (1, "docs/rules.md: stale\ndocs/policy.schema.json: stale\n")
    assert run("--root", root) == (0, "docs/rules.md: written\ndocs/policy.schema.json: written\n")
    assert run("--root", root, "--check") == (0, "")
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["policy.schema.json", "rules.md"]
