"""Every output format, exact: text, json (DESIGN.md §4), github annotations, SARIF 2.1.0 (schema-valid)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routecheck import __version__
from routecheck.finding import Finding, Note, Report, Severity
from routecheck.formats import FORMATS, renderer
from routecheck.rules import all_rules, get_rule
from support import FIXTURES

SARIF_SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

FINDINGS = [
    Finding("RC108", "unverified-downgrade", Severity.ERROR, "policies/routing.toml", 42, 1,
            "task 'classify_intent' runs on 'haiku' below default_tier 'sonnet' without evidence",
            task="classify_intent", model="claude-haiku-4-5-20251001"),
    Finding("RC113", "stale-prices", Severity.WARNING, "policies/routing.toml", 14, 1,
            "tier 'haiku' prices are 120 days old (as of 2026-07-01); check them", model="claude-haiku-4-5-20251001"),
    Finding("RC111", "savings-candidate", Severity.INFO, "policies/routing.toml", 108, 1,
            "task 'tag' could move from 'sonnet' to 'haiku' (saves $90.00/month); verify with `routecheck eval tag`",
            task="tag"),
]
NOTE = Note("data/blob.toml", 1, 1, "skipped: not valid UTF-8")


def report(findings: list[Finding] = FINDINGS, notes: tuple[Note, ...] = (NOTE,), files: int = 2) -> Report:
    return Report.build(findings, files_scanned=files, rules=all_rules(), notes=notes)


def render(name: str, rep: Report) -> str:
    return renderer(name)(rep)


# -- text ---------------------------------------------------------------------------------------------------


def test_text_lists_findings_in_file_order_then_notes_then_a_summary() -> None:
    assert render("text", report()) == (
        "policies/routing.toml:14:1: RC113 [warning] tier 'haiku' prices are 120 days old (as of 2026-07-01); "
        "check them\n"
        "policies/routing.toml:42:1: RC108 [error] task 'classify_intent' runs on 'haiku' below default_tier "
        "'sonnet' without evidence\n"
        "policies/routing.toml:108:1: RC111 [info] task 'tag' could move from 'sonnet' to 'haiku' "
        "(saves $90.00/month); verify with `routecheck eval tag`\n"
        "data/blob.toml:1:1: note: skipped: not valid UTF-8\n"
        "Found 1 error, 1 warning, 1 info in 2 files.\n"
    )


def test_text_when_nothing_is_found() -> None:
    assert render("text", report([], (), files=1)) == "All checks passed (1 file).\n"


def test_text_counts_are_pluralised() -> None:
    two = [FINDINGS[0], dataclasses.replace(FINDINGS[0], line=50)]
    last = render("text", report(two, (), files=3)).splitlines()[-1]
    assert last == "Found 2 errors, 0 warnings, 0 infos in 3 files."


def test_duplicate_findings_are_reported_once() -> None:
    assert render("text", report([FINDINGS[1], FINDINGS[1]], ())).splitlines()[-1] == (
        "Found 0 errors, 1 warning, 0 infos in 2 files."
    )


# -- json ---------------------------------------------------------------------------------------------------


def test_json_has_the_designed_shape() -> None:
    document = json.loads(render("json", report()))
    assert document == {
        "version": 1,
        "findings": [
            {"code": "RC113", "name": "stale-prices", "severity": "warning", "path": "policies/routing.toml",
             "line": 14, "column": 1, "message": "tier 'haiku' prices are 120 days old (as of 2026-07-01); check them",
             "model": "claude-haiku-4-5-20251001"},
            {"code": "RC108", "name": "unverified-downgrade", "severity": "error", "path": "policies/routing.toml",
             "line": 42, "column": 1,
             "message": "task 'classify_intent' runs on 'haiku' below default_tier 'sonnet' without evidence",
             "model": "claude-haiku-4-5-20251001", "task": "classify_intent"},
            {"code": "RC111", "name": "savings-candidate", "severity": "info", "path": "policies/routing.toml",
             "line": 108, "column": 1, "message": "task 'tag' could move from 'sonnet' to 'haiku' "
             "(saves $90.00/month); verify with `routecheck eval tag`", "task": "tag"},
        ],
        "notes": [{"path": "data/blob.toml", "line": 1, "column": 1, "message": "skipped: not valid UTF-8"}],
        "summary": {"files_scanned": 2, "errors": 1, "warnings": 1, "infos": 1},
    }
    assert list(document) == ["version", "findings", "notes", "summary"]
    assert list(document["findings"][1]) == ["code", "name", "severity", "path", "line", "column", "message",
                                             "model", "task"]


def test_json_keeps_non_ascii_text_readable() -> None:
    finding = Finding("RC113", "stale-prices", Severity.WARNING, "políticas/ruta.toml", 1, 1, "über")
    out = render("json", report([finding], ()))
    assert ('"path": "políticas/ruta.toml"' in out, '"message": "über"' in out) == (True, True)


def test_json_when_nothing_is_found() -> None:
    assert render("json", report([], (), files=1)) == (
        '{\n  "version": 1,\n  "findings": [],\n  "notes": [],\n'
        '  "summary": {\n    "files_scanned": 1,\n    "errors": 0,\n    "warnings": 0,\n    "infos": 0\n  }\n}\n'
    )


# -- github -------------------------------------------------------------------------------------------------


def test_github_annotations() -> None:
    assert render("github", report()) == (
        "::warning file=policies/routing.toml,line=14,col=1,title=RC113 stale-prices::RC113 tier 'haiku' prices "
        "are 120 days old (as of 2026-07-01); check them\n"
        "::error file=policies/routing.toml,line=42,col=1,title=RC108 unverified-downgrade::RC108 task "
        "'classify_intent' runs on 'haiku' below default_tier 'sonnet' without evidence\n"
        "::notice file=policies/routing.toml,line=108,col=1,title=RC111 savings-candidate::RC111 task 'tag' could "
        "move from 'sonnet' to 'haiku' (saves $90.00/month); verify with `routecheck eval tag`\n"
        "::notice file=data/blob.toml,line=1,col=1::skipped: not valid UTF-8\n"
    )


def test_github_escapes_properties_and_data() -> None:
    finding = Finding("RC109", "unknown-model", Severity.WARNING, "a,b:c%d.toml", 3, 7,
                      "50% off: a, b\nnext line\r")
    assert render("github", report([finding], ())) == (
        "::warning file=a%2Cb%3Ac%25d.toml,line=3,col=7,title=RC109 unknown-model::"
        "RC109 50%25 off: a, b%0Anext line%0D\n"
    )


def test_github_prints_nothing_when_nothing_is_found() -> None:
    assert render("github", report([], ())) == ""


# -- sarif --------------------------------------------------------------------------------------------------


def sarif(rep: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render("sarif", rep))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    return document


def test_sarif_is_valid_and_exact() -> None:
    document = sarif(report())
    run = document["runs"][0]
    assert (document["$schema"], document["version"], len(document["runs"])) == (
        "https://json.schemastore.org/sarif-2.1.0.json", "2.1.0", 1
    )
    assert run["tool"]["driver"]["name"] == "routecheck"
    assert run["tool"]["driver"]["version"] == __version__
    assert run["columnKind"] == "unicodeCodePoints"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["RC108", "RC111", "RC113"]
    rc108 = get_rule("RC108")
    assert run["tool"]["driver"]["rules"][0] == {
        "id": "RC108",
        "name": "unverified-downgrade",
        "shortDescription": {"text": "A task runs below default_tier without evidence that passes the gate."},
        "fullDescription": {"text": "A task runs below default_tier without evidence that passes the gate."},
        "help": {"text": rc108.doc, "markdown": rc108.doc},
        "defaultConfiguration": {"level": "error"},
    }
    assert run["results"] == [
        {"ruleId": "RC113", "level": "warning", "ruleIndex": 2,
         "message": {"text": "tier 'haiku' prices are 120 days old (as of 2026-07-01); check them"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "policies/routing.toml",
                                                                  "uriBaseId": "%SRCROOT%"},
                                            "region": {"startLine": 14, "startColumn": 1}}}]},
        {"ruleId": "RC108", "level": "error", "ruleIndex": 0,
         "message": {"text": "task 'classify_intent' runs on 'haiku' below default_tier 'sonnet' without evidence"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "policies/routing.toml",
                                                                  "uriBaseId": "%SRCROOT%"},
                                            "region": {"startLine": 42, "startColumn": 1}}}]},
        {"ruleId": "RC111", "level": "note", "ruleIndex": 1,
         "message": {"text": "task 'tag' could move from 'sonnet' to 'haiku' (saves $90.00/month); verify with "
                             "`routecheck eval tag`"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "policies/routing.toml",
                                                                  "uriBaseId": "%SRCROOT%"},
                                            "region": {"startLine": 108, "startColumn": 1}}}]},
    ]
    assert run["invocations"] == [{
        "executionSuccessful": True,
        "toolExecutionNotifications": [{
            "level": "note",
            "message": {"text": "skipped: not valid UTF-8"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "data/blob.toml",
                                                                     "uriBaseId": "%SRCROOT%"},
                                                "region": {"startLine": 1, "startColumn": 1}}}],
        }],
    }]


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("my policies/a:b%.toml", {"uri": "my%20policies/a%3Ab%25.toml", "uriBaseId": "%SRCROOT%"}),
        ("/srv/app/routing.toml", {"uri": "file:///srv/app/routing.toml"}),
    ],
)
def test_sarif_paths_are_uri_references(path: str, location: dict[str, str]) -> None:
    finding = Finding("RC109", "unknown-model", Severity.WARNING, path, 1, 1, "m")
    result = sarif(report([finding], ()))["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == location


def test_sarif_when_nothing_is_found_is_still_valid() -> None:
    run = sarif(report([], ()))["runs"][0]
    assert (run["tool"]["driver"]["rules"], run["results"], run["invocations"]) == (
        [], [], [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    )


def test_the_schema_fixture_is_the_sarif_2_1_0_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    assert SARIF_SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0-rtm.5 JSON Schema"
    assert (FIXTURES / "README.txt").read_text(encoding="utf-8").startswith("SARIF 2.1.0 JSON schema")


def test_every_format_has_a_renderer() -> None:
    assert FORMATS == ("text", "json", "sarif", "github")
    assert [renderer(name).__module__ for name in FORMATS] == [f"routecheck.formats.{name}" for name in FORMATS]


def test_formats_know_nothing_about_rules() -> None:
    sources = {p.name: p.read_text(encoding="utf-8") for p in (Path(__file__).parent.parent / "routecheck" /
                                                                "formats").glob("*.py")}
    assert sorted(name for name, text in sources.items() if "RC1" in text or "lint" in text) == []


_SCALAR = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
_FLAT = st.dictionaries(st.text(), _SCALAR, max_size=5)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(), st.one_of(_SCALAR, _FLAT, st.lists(_FLAT, max_size=4),
                                            st.lists(st.integers(), max_size=2)), max_size=5))
def test_json_dumps_is_the_standard_library_output_byte_for_byte(document: dict[str, object]) -> None:
    from routecheck.formats.json import dumps

    assert dumps(document) == json.dumps(document, indent=2, ensure_ascii=False)
