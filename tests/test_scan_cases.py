"""One fixture file per tricky case, each with the exact findings it must produce (code, line, column)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.scan.helpers import FIXTURES, scan, triples

CASES: dict[str, list[tuple[str, int, int]]] = {
    # f-string pieces: a computed version is no id; a field before or inside the text does not hide one
    "fstrings.py": [("RC201", 3, 5), ("RC201", 4, 5), ("RC201", 4, 5)],
    # implicit concatenation: an id split across pieces counts at the piece it starts in
    "concatenation.py": [("RC201", 2, 5), ("RC201", 6, 11)],
    "getenv_default.py": [("RC201", 3, 28), ("RC201", 4, 53)],
    "pydantic_field.py": [("RC201", 5, 32), ("RC201", 6, 27)],
    "class_attributes.py": [("RC201", 4, 13), ("RC201", 5, 27), ("RC201", 8, 16)],
    "registry.py": [("RC201", 2, 24), ("RC201", 3, 20), ("RC201", 4, 5), ("RC201", 9, 42)],
    "model_args.py": [("RC201", 4, 38), ("RC201", 5, 44), ("RC201", 6, 6), ("RC201", 7, 9),
                      ("RC202", 4, 9), ("RC202", 5, 9)],
    "aliased_import.py": [("RC202", 5, 1), ("RC202", 6, 1), ("RC202", 7, 1), ("RC202", 8, 1)],
    "async_client.py": [("RC201", 7, 15), ("RC202", 6, 19)],
    "stream_with.py": [("RC201", 5, 62), ("RC201", 6, 53), ("RC202", 2, 10), ("RC202", 5, 18), ("RC202", 6, 16)],
    "enum_tasks.py": [("RC203", 20, 13), ("RC204", 22, 24)],
    "literal_alias.py": [("RC203", 14, 20), ("RC204", 22, 20), ("RC204", 26, 20)],
    "suppressions.py": [("RC201", 3, 9)],
    "docstrings.py": [("RC201", 18, 10)],
    "whole_tokens.py": [("RC201", 1, 10), ("RC201", 3, 11), ("RC201", 4, 10), ("RC201", 7, 10)],
    "crossmod/app.py": [("RC203", 11, 13), ("RC203", 13, 13), ("RC203", 15, 13), ("RC204", 17, 13)],
    "crossmod/pkg/tasks.py": [],
    "task_calls.py": [("RC203", 4, 10), ("RC203", 6, 24)],
    # LiteLLM / pydantic-ai spellings; a provider alone, URL paths, claude-code and glued names are no ids
    "provider_prefixes.py": [("RC201", 1, 15), ("RC201", 2, 10), ("RC201", 3, 10), ("RC201", 4, 12), ("RC201", 4, 29),
                             ("RC201", 4, 50), ("RC201", 5, 11), ("RC201", 6, 10), ("RC201", 7, 10)],
    # geo prefixes, ARNs, legacy and third-party ids; "gpt-oss" the product, a domain, a vendor word are not
    "bedrock_ids.py": [("RC201", 2, 11), ("RC201", 3, 11), ("RC201", 4, 13), ("RC201", 5, 11), ("RC201", 6, 11),
                       ("RC201", 7, 15), ("RC201", 8, 12), ("RC201", 10, 14), ("RC201", 11, 11), ("RC201", 12, 11),
                       ("RC201", 12, 34), ("RC201", 12, 59), ("RC201", 12, 90), ("RC201", 13, 16), ("RC201", 14, 9)],
    # o-series ids count in a string that lists only ids (each one a finding at the literal)
    "id_families.py": [("RC201", 1, 9), ("RC201", 2, 8), ("RC201", 3, 14), ("RC201", 4, 16), ("RC201", 5, 7),
                       ("RC201", 6, 13), ("RC201", 6, 13), ("RC201", 6, 13), ("RC201", 7, 9), ("RC201", 7, 9)],
    # in a string spanning lines the id's own line and column; on one line, the literal (the piece)
    "multiline.py": [("RC201", 3, 26), ("RC201", 4, 1), ("RC201", 6, 9), ("RC201", 8, 11), ("RC201", 10, 10),
                     ("RC201", 12, 11), ("RC201", 20, 19)],
    # wrappers, methods taken as values, batch creation; batch reads and resources are not bypasses
    "sdk_shapes.py": [("RC202", 6, 7), ("RC202", 7, 12), ("RC202", 8, 12), ("RC202", 9, 14), ("RC202", 10, 10),
                      ("RC202", 11, 18), ("RC202", 12, 29), ("RC202", 13, 9), ("RC202", 14, 14)],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_findings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = scan([FIXTURES / "cases" / name], FIXTURES, **{"task-calls": ["*.route", "self.llm.ask"]})
    assert triples(result.findings) == CASES[name]
    assert result.notes == ()
    assert {f.path for f in result.findings} <= {f"cases/{name}"}


def test_every_case_file_has_expectations() -> None:
    files = sorted(p.relative_to(FIXTURES / "cases").as_posix() for p in (FIXTURES / "cases").rglob("*.py"))
    assert [f for f in files if f not in CASES and not f.startswith("crossmod/pkg/")] == []


def test_exact_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    paths = [FIXTURES / "cases" / n for n in ("getenv_default.py", "aliased_import.py", "crossmod/app.py")]
    lines = {f"{f.path}:{f.line}:{f.column}": f"{f.code} {f.message}" for f in scan(paths, FIXTURES).findings}
    assert lines["cases/aliased_import.py:5:1"] == (
        "RC202 direct SDK call client.messages.create() bypasses the routing policy; "
        "call the generated client (router.create(task, ...)) instead"
    )
    assert lines["cases/aliased_import.py:8:1"] == (
        "RC202 direct SDK call client.beta.messages.retrieve() bypasses the routing policy; "
        "call the generated client (router.create(task, ...)) instead"
    )
    assert lines["cases/crossmod/app.py:11:13"] == (
        "RC203 task type 'clasify_intent' is not in the policy (did you mean 'classify_intent'?)"
    )
    assert lines["cases/crossmod/app.py:13:13"] == (
        "RC203 task type 'summarise_ticket' is not in the policy (add [tasks.summarise_ticket] to policy.toml)"
    )
    assert lines["cases/crossmod/app.py:17:13"] == (
        "RC204 cannot resolve the task type MISSING of call_ai() to a literal; "
        "pass a task name, a constant, an Enum member or a Literal-typed name so it can be checked"
    )
    assert lines["cases/getenv_default.py:3:28"] == (
        "RC201 hardcoded model id 'claude-sonnet-4-6'; route the call through a task type so the policy picks the model"
    )


def test_models_as_spelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    paths = [FIXTURES / "cases" / n for n in ("provider_prefixes.py", "id_families.py")]
    assert [(f.line, f.column, f.model) for f in scan(paths, FIXTURES).findings] == [
        (1, 9, "gemini-embedding-001"), (2, 8, "gemini-live-2.5-flash-preview"), (3, 14, "gemini-exp-1206"),
        (4, 16, "text-embedding-3-small"), (5, 7, "gpt-oss-20b"), (6, 13, "gpt-4o"), (6, 13, "o1"),
        (6, 13, "o3-mini"), (7, 9, "o3"), (7, 9, "o4-mini"),
        (1, 15, "openai:gpt-5.2"), (2, 10, "anthropic:claude-sonnet-4-6"), (3, 10, "google-gla:gemini-2.5-pro"),
        (4, 12, "openai/gpt-4o"), (4, 29, "azure/gpt-4o-mini"), (4, 50, "vertex_ai/claude-3-5-sonnet-v2@20241022"),
        (5, 11, "bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0"),
        (6, 10, "openrouter/anthropic/claude-3.5-sonnet"), (7, 10, "models/gemini-2.0-flash"),
    ]


def test_sdk_method_taken_as_a_value_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    found = {(f.line, f.column): f.message for f in scan([FIXTURES / "cases" / "sdk_shapes.py"], FIXTURES).findings}
    assert found[(10, 10)] == ("SDK method client.messages.create taken as a value bypasses the routing policy; "
                               "call the generated client (router.create(task, ...)) instead")
    assert found[(6, 7)] == ("direct SDK call client.messages.with_raw_response.create() bypasses the routing policy; "
                             "call the generated client (router.create(task, ...)) instead")


def test_unused_suppressions_only_when_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = scan([FIXTURES / "cases" / "suppressions.py"], FIXTURES, strict=True)
    assert [(f.code, f.line, f.column, f.message) for f in sorted(result.findings, key=lambda f: f.sort_key())] == [
        ("RC201", 3, 9, "hardcoded model id 'claude-haiku-4-5'; route the call through a task type so the policy "
                        "picks the model"),
        ("RC200", 3, 29, "'# routecheck: ignore[RC202]' suppresses nothing: no RC202 finding on this line"),
        ("RC200", 4, 14, "'# routecheck: ignore[RC201]' suppresses nothing: no RC201 finding on this line"),
        ("RC200", 5, 11, "'# routecheck: ignore[RC999]' names unknown rule code 'RC999'"),
    ]


@pytest.mark.parametrize("cache", [False, True])
def test_constant_from_a_module_parsed_only_for_its_model_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            cache: bool) -> None:
    """A module parsed for a string finding alone records no symbols; a routing call importing from it
    still resolves (the module is parsed again for what it defines), with the cache and without."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "consts.py").write_text('MODEL = "claude-opus-4-6"\nTASK = "nope_task"\n')
    (tmp_path / "app.py").write_text('from consts import TASK\nLABEL = call_ai(TASK, "x")\n')
    for _ in range(2 if cache else 1):  # with the cache: a cold run, then a warm one
        result = scan([tmp_path], tmp_path, cache=cache)
        assert [(f.path, f.code, f.line, f.column) for f in result.findings] == [
            ("app.py", "RC203", 2, 17), ("consts.py", "RC201", 1, 9)]


def test_rc202_page_lists_exactly_what_the_scanner_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each declared shape is on the page and is found in code; the page names no shape the code lacks."""
    import re

    from routecheck.scan.rules import SDK_CALL_SHAPES, SDK_WRAPPERS, direct_sdk_call

    page = direct_sdk_call.rule.doc
    listed = re.findall(r"`\*\.([a-z_.*]+)`", page.split("## Why")[0])
    assert listed == [".".join(shape) for shape in SDK_CALL_SHAPES]
    assert all(f"`.{wrapper}.`" in page for wrapper in SDK_WRAPPERS)
    lines = [f"client.{'.'.join(p if p != '*' else 'anything' for p in shape)}()\n" for shape in SDK_CALL_SHAPES]
    lines += [f"{'.'.join(p if p != '*' else 'anything' for p in shape)}()\n" for shape in SDK_CALL_SHAPES]  # no object
    (tmp_path / "calls.py").write_text("".join(lines))
    monkeypatch.chdir(tmp_path)
    found = scan([tmp_path / "calls.py"], tmp_path).findings
    # object-less, only `beta.messages.batches.create()` matches: as `messages.batches.create` on an object `beta`
    beta_batches = len(SDK_CALL_SHAPES) + SDK_CALL_SHAPES.index(("beta", "messages", "batches", "create")) + 1
    expected = [*range(1, len(SDK_CALL_SHAPES) + 1), beta_batches]
    assert [(f.code, f.line, f.column) for f in found] == [("RC202", n, 1) for n in expected]


def test_config_files_know_the_same_id_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agents.yaml").write_text(
        "planner:\n  model: openai:gpt-5.2\n  fallback: bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0\n"
        "embedder: gemini-embedding-001\n# model: claude-opus-4-6 (a comment)\n"
        "docs: https://example.com/models/claude-sonnet-4-6/card\ntool: claude-code\n")
    monkeypatch.chdir(tmp_path)
    assert [(f.code, f.line, f.column, f.model) for f in scan([tmp_path / "agents.yaml"], tmp_path).findings] == [
        ("RC205", 2, 10, "openai:gpt-5.2"), ("RC205", 3, 13, "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0"),
        ("RC205", 4, 11, "gemini-embedding-001")]


@pytest.mark.parametrize(("today", "clause"), [
    (date(2026, 12, 2), "; claude-opus-4-5 reaches end of life on 2027-01-22 (in 51 days), and every call to it "
                        "fails from then"),
    (date(2027, 1, 22), "; claude-opus-4-5 reached end of life on 2027-01-22, and every call to it fails"),
    (date(2026, 6, 1), ""),
])
def test_rc201_says_when_a_model_reaches_end_of_life(today: date, clause: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's end-of-life date for the id (its DEPRECATED_MODELS), with the clock injected."""
    from routecheck.rules import known_codes
    from routecheck.scan import ScanTarget, scan_target
    from tests.scan.helpers import fixture_policy, project

    (tmp_path / "app.py").write_text('MODEL = "anthropic:claude-opus-4-5"\n')
    monkeypatch.chdir(tmp_path)
    target = ScanTarget.of(project(tmp_path), fixture_policy())
    [finding] = scan_target([tmp_path / "app.py"], target, whole_project=False, today=today, use_cache=False,
                             known_codes=known_codes()).findings
    assert finding.message == ("hardcoded model id 'anthropic:claude-opus-4-5'; route the call through a task type "
                               "so the policy picks the model" + clause.replace("; claude", "; anthropic:claude"))
