"""The examples: the legacy app's every hardcoded model and direct call is found; the routed app is clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from routecheck.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

LEGACY = [
    ("config/.env.example", "RC205", 2, 15, "claude-3-5-haiku-20241022"),
    ("config/settings.yaml", "RC205", 3, 18, "claude-sonnet-4-6"),
    ("config/settings.yaml", "RC205", 4, 19, "us.anthropic.claude-3-5-sonnet-20241022-v2:0"),
    ("handlers.py", "RC201", 10, 44, "claude-3-5-haiku-20241022"),
    ("handlers.py", "RC201", 14, 32, "claude-opus-4-6"),
    ("handlers.py", "RC203", 23, 20, None),
    ("handlers.py", "RC202", 28, 16, None),
    ("handlers.py", "RC202", 35, 13, None),
    ("handlers.py", "RC201", 36, 16, "claude-haiku-4-5"),
    ("policies/routing.toml", "RC206", 151, 1, None),
    ("policies/routing.toml", "RC206", 165, 1, None),
    ("policies/routing.toml", "RC206", 180, 1, None),
    ("policies/routing.toml", "RC206", 194, 1, None),
    ("policies/routing.toml", "RC206", 208, 1, None),
    ("registry.py", "RC201", 6, 24, "claude-haiku-4-5-20251001"),
    ("registry.py", "RC201", 7, 25, "claude-haiku-4-5-20251001"),
    ("registry.py", "RC201", 8, 24, "claude-haiku-4-5-20251001"),
    ("registry.py", "RC201", 9, 20, "claude-sonnet-4-6"),
    ("registry.py", "RC201", 10, 20, "claude-sonnet-4-6"),
    ("registry.py", "RC201", 11, 25, "claude-sonnet-4-6"),
    ("registry.py", "RC201", 18, 43, "claude-sonnet-4-6"),
    ("registry.py", "RC202", 19, 16, None),
]


def test_legacy_app_findings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    monkeypatch.chdir(EXAMPLES / "legacy_app")
    assert main(["scan", "--no-cache", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["code"], f["line"], f["column"], f.get("model")) for f in report["findings"]] == LEGACY
    assert report["summary"] == {"files_scanned": 6, "errors": 14, "warnings": 3, "infos": 5}
    assert report["notes"] == []


def test_legacy_app_text(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(EXAMPLES / "legacy_app")
    assert main(["scan", "--no-cache", "--select", "RC203", "handlers.py"]) == 1
    assert capsys.readouterr().out == (
        "handlers.py:23:20: RC203 [error] task type 'summarise_ticket' is not in the policy "
        "(did you mean 'summarize_short'?)\nFound 1 error, 0 warnings, 0 infos in 1 file.\n"
    )


@pytest.mark.parametrize(("document", "after", "paths"), [
    ("README.md", "$ cd examples/legacy_app && routecheck scan handlers.py\n", ["handlers.py"]),
    ("docs/scan.md", "routecheck scan`:\n\n```\n", []),
])
def test_documents_show_the_real_scan_output(document: str, after: str, paths: list[str],
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    text = (EXAMPLES.parent / document).read_text(encoding="utf-8")
    shown = text.split(after, 1)[1].split("```", 1)[0]
    monkeypatch.chdir(EXAMPLES / "legacy_app")
    assert main(["scan", "--no-cache", *paths]) == 1
    assert capsys.readouterr().out == shown


def test_routed_app_scan_is_clean(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(EXAMPLES / "routed_app")
    assert main(["scan", "--no-cache", "--strict"]) == 0
    assert capsys.readouterr().out == "All checks passed (5 files).\n"
