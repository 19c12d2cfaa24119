"""`routecheck scan` and `routecheck check` in-process: exact output and exit codes; baselines; the cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from routecheck.cli import main
from routecheck.scan.cache import FORMAT
from scan.helpers import FIXTURES

APP = '''import anthropic

client = anthropic.Anthropic()


def classify(text: str) -> str:
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=16, messages=[])
    return call_ai("clasify_intent", text)
'''


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(FIXTURES / "policy.toml", tmp_path / "routing.toml")
    (tmp_path / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "routing.toml"\n')
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "clean.py").write_text('call_ai("classify_intent", "x")\nKIND = "extract_entities"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_text_output_and_exit_code(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "scan", "--no-cache")
    assert (code, err) == (1, "")
    assert out == (
        "app.py:7:13: RC202 [error] direct SDK call client.messages.create() bypasses the routing policy; "
        "call the generated client (router.create(task, ...)) instead\n"
        "app.py:7:42: RC201 [error] hardcoded model id 'claude-sonnet-4-6'; route the call through a task type "
        "so the policy picks the model\n"
        "app.py:8:20: RC203 [error] task type 'clasify_intent' is not in the policy (did you mean "
        "'classify_intent'?)\n"
        "routing.toml:29:1: RC206 [info] task type 'draft_email' is in the policy but no scanned code uses it\n"
        "Found 3 errors, 0 warnings, 1 info in 3 files.\n"
    )


def test_scan_clean_files_exit_zero(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scan", "--no-cache", "clean.py") == (0, "All checks passed (1 file).\n", "")


def test_scan_json_and_select(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", "--no-cache", "--format", "json", "--select", "RC201", "app.py")
    assert code == 1
    assert json.loads(out) == {
        "version": 1,
        "findings": [{"code": "RC201", "name": "hardcoded-model", "severity": "error", "path": "app.py",
                      "line": 7, "column": 42, "model": "claude-sonnet-4-6",
                      "message": "hardcoded model id 'claude-sonnet-4-6'; route the call through a task type so "
                                 "the policy picks the model"}],
        "notes": [],
        "summary": {"files_scanned": 1, "errors": 1, "warnings": 0, "infos": 0},
    }


def test_check_is_lint_plus_scan(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--no-cache", "--quiet", "--select", "RC112,RC202", "app.py")
    assert code == 1
    assert out == (
        "app.py:7:13: RC202 [error] direct SDK call client.messages.create() bypasses the routing policy; "
        "call the generated client (router.create(task, ...)) instead\n"
        "routing.toml:5:1: RC112 [warning] tier 'haiku' is used by no task, no upgrade rule and not as default_tier\n"
    )
    code, out, _ = run(capsys, "check", "--no-cache", "--ignore", "RC1,RC2", "clean.py")
    assert (code, out) == (0, "All checks passed (2 files).\n")


def test_strict_fails_on_warnings(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "dyn.py").write_text("def f(kind):\n    return call_ai(kind, 'x')\n")
    assert run(capsys, "scan", "--no-cache", "--quiet", "dyn.py")[0] == 0
    code, out, _ = run(capsys, "scan", "--no-cache", "--quiet", "--strict", "dyn.py")
    assert code == 1
    assert out.startswith("dyn.py:2:20: RC204 [warning] cannot resolve the task type kind of call_ai()")


def test_usage_and_config_errors_exit_2(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "scan", "missing.py")
    assert (code, out, err) == (2, "", "routecheck: error: missing.py: no such file or folder\n")
    code, out, err = run(capsys, "scan", "--baseline", "nope.json")
    assert (code, err) == (2, "nope.json: baseline file not found\n")
    (proj / "routing.toml").write_text("version = 2\n")
    code, out, err = run(capsys, "scan")
    assert code == 2 and err.startswith("routing.toml:1:1: version: invalid value 2 (expected one of: 1)\n")


def test_baseline_accepts_old_findings_and_survives_moves(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scan", "--no-cache", "--write-baseline", "baseline.json") == (
        0, "Wrote 4 findings to baseline.json.\n", "")
    saved = json.loads((proj / "baseline.json").read_text())
    assert [(e["code"], e["path"]) for e in saved["findings"]] == [
        ("RC201", "app.py"), ("RC202", "app.py"), ("RC203", "app.py"), ("RC206", "routing.toml")]
    assert "claude" not in (proj / "baseline.json").read_text()  # hashes, never source text
    assert run(capsys, "scan", "--no-cache", "--baseline", "baseline.json") == (0, "All checks passed (4 files).\n", "")
    # unrelated edits above the findings move them down: still accepted
    (proj / "app.py").write_text('"""A new docstring."""\nimport os\n\n' + APP)
    assert run(capsys, "scan", "--no-cache", "--baseline", "baseline.json")[0] == 0
    # a second copy of an accepted line is new
    (proj / "app.py").write_text(APP + '    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=16, '
                                       "messages=[])\n")
    code, out, _ = run(capsys, "scan", "--no-cache", "--quiet", "--baseline", "baseline.json")
    assert code == 1
    assert [line.split(": ")[0] + " " + line.split(": ")[1].split()[0] for line in out.splitlines()] == [
        "app.py:9:13 RC202", "app.py:9:42 RC201"]


def test_cache_warm_run_reads_nothing_unchanged(proj: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from routecheck.scan import analyze

    cold = run(capsys, "scan")
    assert (proj / ".routecheck_cache" / "CACHEDIR.TAG").is_file()
    old = time.time() - 10  # out of the racy window
    for name in ("app.py", "clean.py"):
        os.utime(proj / name, (old, old))
    run(capsys, "scan")  # records trustworthy stat entries
    calls: list[bytes] = []
    real = analyze.Analyzer.triage

    def counting(self: analyze.Analyzer, data: bytes, *, symbols: bool = False) -> object:
        calls.append(data)
        return real(self, data, symbols=symbols)

    monkeypatch.setattr(analyze.Analyzer, "triage", counting)
    assert run(capsys, "scan") == cold
    assert calls == []
    (proj / "clean.py").write_text('call_ai("nope", "x")\n')
    _, out, _ = run(capsys, "scan", "--quiet", "--select", "RC203")
    assert len(calls) == 1
    assert out.splitlines()[-1] == "clean.py:1:9: RC203 [error] task type 'nope' is not in the policy (add " \
        "[tasks.nope] to routing.toml)"


def test_cache_is_keyed_on_the_policy(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "scan")
    text = (proj / "routing.toml").read_text().replace("[tasks.draft_email]", "[tasks.clasify_intent]")
    (proj / "routing.toml").write_text(text)
    code, out, _ = run(capsys, "scan", "--quiet", "--select", "RC203")
    assert (code, out) == (0, "")


def test_damaged_cache_is_ignored(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cold = run(capsys, "scan")
    for file in (proj / ".routecheck_cache").glob("facts-*.json"):
        file.write_text("{not json")
    assert run(capsys, "scan") == cold


def test_rule_pages_exist_for_code_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "RC201")
    assert code == 0
    assert out.startswith("# RC201 hardcoded-model [error]\n\nA string literal in Python code is, or contains")
    for rule in ("RC200", "RC202", "RC203", "RC204", "RC205", "RC206", "RC207"):
        code, out, _ = run(capsys, "rule", rule)
        assert code == 0 and "## Why is this bad?" in out


@pytest.mark.slow
def test_concurrent_runs_share_the_cache_safely(proj: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    for index in range(40):  # enough files that the runs overlap while writing
        (proj / f"mod_{index}.py").write_text(f'MODEL_{index} = "claude-opus-4-6"\n')
    command = [sys.executable, "-m", "routecheck", "scan", "--quiet"]
    runs = [subprocess.Popen(command, cwd=proj, env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1, 1]
    assert len(set(outputs)) == 1
    caches = list((proj / ".routecheck_cache").glob("facts-*.json"))
    assert len(caches) == 1 and json.loads(caches[0].read_text())["format"] == FORMAT
    assert [p.name for p in (proj / ".routecheck_cache").iterdir() if p.name.startswith(".facts-")] == []
    again = subprocess.run(command, cwd=proj, env=env, capture_output=True, text=True, check=False)
    assert (again.returncode, again.stdout) == (1, outputs[0])
