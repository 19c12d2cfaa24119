"""`routecheck.cli.main(argv)` in-process: exact stdout, stderr and exit codes; start-up stays light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import date
from typing import Any

import jsonschema
import pytest

from routecheck import __version__
from routecheck.cli import COMMANDS
from routecheck.cost.source import SOURCE
from support import POLICIES, REPO, Run, RunCli, WritePolicy

BASE = (POLICIES / "base.toml").read_text(encoding="utf-8")
EVIDENCE = (POLICIES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8")


@pytest.fixture
def project(write_policy: WritePolicy) -> WritePolicy:
    """A project folder with the base policy's evidence in place; write the policy itself per test."""
    write_policy(EVIDENCE, "policies/evidence/classify_intent.toml")
    return write_policy


def test_version(run_cli: RunCli) -> None:
    assert run_cli("--version") == Run(0, f"routecheck {__version__}\n", "")


def test_clean_policy_passes(project: WritePolicy, run_cli: RunCli) -> None:
    project(BASE, "policies/routing.toml")
    assert run_cli("lint") == Run(0, "All checks passed (2 files).\n", "")
    assert run_cli("lint", "--quiet") == Run(0, "", "")


def test_errors_exit_1(project: WritePolicy, run_cli: RunCli) -> None:
    project(BASE.replace("categories = 8", "categories = 8\nmulti_step = true"), "policies/routing.toml")
    assert run_cli("lint") == Run(
        1,
        "policies/routing.toml:32:1: RC104 [error] task 'classify_intent' is multi-step but runs on the cheapest "
        "tier 'haiku'\n"
        "Found 1 error, 0 warnings, 0 infos in 2 files.\n",
        "",
    )


STALE = BASE.replace("prices_as_of = 2026-11-01", "prices_as_of = 2026-01-01", 1)
STALE_LINE = (
    "policies/routing.toml:10:1: RC113 [warning] tier 'haiku' prices are 327 days old (as of 2026-01-01); check them\n"
)


def test_warnings_pass_unless_strict(project: WritePolicy, run_cli: RunCli) -> None:
    project(STALE, "policies/routing.toml")
    assert run_cli("lint") == Run(0, STALE_LINE + "Found 0 errors, 1 warning, 0 infos in 2 files.\n", "")
    assert run_cli("lint", "--strict") == Run(1, STALE_LINE + "Found 0 errors, 1 warning, 0 infos in 2 files.\n", "")
    assert run_cli("lint", "--strict", "--quiet") == Run(1, STALE_LINE, "")


def test_infos_never_fail(project: WritePolicy, run_cli: RunCli) -> None:
    project(BASE.replace('output = "long_text"', 'output = "label"').replace('stakes = "high"', 'stakes = "low"')
            .replace('touches = ["customer_message"]', ""), "policies/routing.toml")
    result = run_cli("lint", "--strict")
    assert result == Run(
        0,
        "policies/routing.toml:39:1: RC111 [info] task 'draft_email' could move from 'sonnet' to 'haiku' "
        "(no volume in the policy to price it); verify with `routecheck eval draft_email`\n"
        "Found 0 errors, 0 warnings, 1 info in 2 files.\n",
        "",
    )


def test_json_format(project: WritePolicy, run_cli: RunCli) -> None:
    project(STALE, "policies/routing.toml")
    result = run_cli("lint", "--format", "json", "--quiet")  # --quiet never truncates a machine format
    assert (result.code, json.loads(result.out), result.err) == (
        0,
        {
            "version": 1,
            "findings": [{
                "code": "RC113", "name": "stale-prices", "severity": "warning", "path": "policies/routing.toml",
                "line": 10, "column": 1,
                "message": "tier 'haiku' prices are 327 days old (as of 2026-01-01); check them",
                "model": "claude-haiku-4-5-20251001",
            }],
            "notes": [],
            "summary": {"files_scanned": 2, "errors": 0, "warnings": 1, "infos": 0},
        },
        "",
    )


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_other_formats_and_exit_codes(project: WritePolicy, run_cli: RunCli, fmt: str) -> None:
    project(STALE, "policies/routing.toml")
    result = run_cli("lint", "--format", fmt, "--strict")
    assert (result.code, result.err, "RC113" in result.out) == (1, "", True)


def test_check_is_lint_plus_scan(project: WritePolicy, run_cli: RunCli) -> None:
    project(STALE, "policies/routing.toml")
    assert run_cli("check", "--select", "RC1", "--quiet") == run_cli("lint", "--quiet")


# -- the shipped policies ---------------------------------------------------------------------------------------

SHIPPED_RC108 = [
    f"policies/routing.toml:{line}:1: RC108 [error] task '{task}' runs on 'haiku' below default_tier 'sonnet' "
    f"without evidence (run `routecheck eval {task} --samples FILE --write`)"
    for line, task in ((42, "classify_intent"), (68, "extract_entities"), (88, "summarize_short"))
]


def test_shipped_policy_lints_to_exactly_its_missing_evidence(run_cli: RunCli) -> None:
    assert run_cli("lint", cwd=REPO) == Run(
        1, "\n".join(SHIPPED_RC108) + "\nFound 3 errors, 0 warnings, 0 infos in 1 file.\n", ""
    )


def test_article_example_lints_to_missing_evidence_and_its_dated_prices(run_cli: RunCli) -> None:
    result = run_cli("lint", "--policy", "examples/article/routing.toml", "--quiet", cwd=REPO)
    assert result == Run(1, "".join(line + "\n" for line in [
        # The article priced Haiku at Claude Haiku 3.5's $0.80 / $4.00; genai-prices lists Haiku 4.5 at $1 / $5.
        "examples/article/routing.toml:11:1: RC114 [warning] tier 'haiku' prices $0.80 in / $4.00 out per MTok "
        f"differ from {SOURCE}'s $1.00 / $5.00 for claude-haiku-4-5-20251001; update them or omit them "
        "to use the source's",
        "examples/article/routing.toml:13:1: RC113 [warning] tier 'haiku' prices are 146 days old (as of "
        "2026-07-01); check them",
        "examples/article/routing.toml:21:1: RC113 [warning] tier 'sonnet' prices are 146 days old (as of "
        "2026-07-01); check them",
        *(line.replace("policies/routing.toml", "examples/article/routing.toml").replace(":42:", ":26:")
          .replace(":68:", ":35:").replace(":88:", ":44:") for line in SHIPPED_RC108),
    ]), "")


# -- usage errors --------------------------------------------------------------------------------------------


def test_unknown_command(run_cli: RunCli) -> None:
    result = run_cli("lnt")
    choices = ", ".join(repr(name) for name in COMMANDS)
    assert (result.code, result.out, result.err.splitlines()[-1]) == (
        2, "", f"routecheck: error: argument COMMAND: invalid choice: 'lnt' (choose from {choices})"
    )


def test_no_command(run_cli: RunCli) -> None:
    result = run_cli()
    assert (result.code, result.out, result.err.splitlines()[-1]) == (
        2, "", "routecheck: error: the following arguments are required: COMMAND"
    )


def test_bad_format(run_cli: RunCli) -> None:
    result = run_cli("lint", "--format", "xml")
    assert (result.code, result.err.splitlines()[-1]) == (
        2, "routecheck lint: error: argument --format: invalid choice: 'xml' (choose from 'text', 'json', 'sarif', "
        "'github')"
    )


def test_a_bug_is_reported_as_one_and_exits_2(project: WritePolicy, run_cli: RunCli,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import routecheck.lint

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("boom")

    project(BASE, "policies/routing.toml")
    monkeypatch.setattr(routecheck.lint, "lint_policy", broken)
    result = run_cli("lint")
    assert (result.code, result.out, result.err.splitlines()[0], result.err.splitlines()[-1]) == (
        2, "", "routecheck: internal error — this is a bug in routecheck, please report it with this traceback:",
        "RuntimeError: boom",
    )


# -- schema --------------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, date) else value


def schema(run_cli: RunCli, *argv: str) -> jsonschema.Draft202012Validator:
    result = run_cli("schema", *argv)
    assert (result.code, result.err) == (0, "")
    document = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())


def test_policy_schema_accepts_the_shipped_policies_and_rejects_a_typo(run_cli: RunCli) -> None:
    validator = schema(run_cli)
    for path in (REPO / "policies" / "routing.toml", REPO / "examples" / "article" / "routing.toml",
                 POLICIES / "base.toml"):
        data = _jsonable(tomllib.loads(path.read_text(encoding="utf-8")))
        assert [e.message for e in validator.iter_errors(data)] == []
    data["tasks"]["classify_intent"]["categries"] = 3
    assert [e.message for e in validator.iter_errors(data)] == [
        "Additional properties are not allowed ('categries' was unexpected)"
    ]


def test_evidence_schema_accepts_an_evidence_file(run_cli: RunCli) -> None:
    validator = schema(run_cli, "evidence")
    assert [e.message for e in validator.iter_errors(_jsonable(tomllib.loads(EVIDENCE)))] == []
    assert run_cli("schema", "policy").out == run_cli("schema").out


# -- start-up stays light ----------------------------------------------------------------------------------------


def test_version_and_lint_import_neither_anthropic_nor_libcst() -> None:
    script = (
        "import sys\n"
        "from routecheck.cli import main\n"
        "codes = [main(['--version']), main(['lint', '--quiet'])]\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'anthropic', 'libcst', 'pydantic'})\n"
        "print(codes, heavy)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    assert done.stdout.splitlines()[-1] == "[0, 1] ['pydantic']"


def test_version_alone_imports_no_third_party_module() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "routecheck", "--version"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert (done.returncode, done.stdout, sorted(imported & {"anthropic", "libcst", "pydantic"})) == (
        0, f"routecheck {__version__}\n", []
    )
