"""The two shipped hooks together, with the baseline `check --write-baseline` writes, in the real pre-commit.

`routecheck` reports the code rules and the stale client, `routecheck-lint` the policy rules: a commit
that changes both code and policy prints each finding once, and the baseline accepts the lint findings
(RC108 included) as well as the scan findings. Slow for the reason test_scan_precommit.py gives.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_scan_precommit import ROOT, commit_env, git, snapshot

from routecheck.cli import main
from support import TWO_TIERS

POLICY = TWO_TIERS + """\
[tasks.classify_intent]
tier = "haiku"
kind = "classification"
output = "label"
stakes = "low"
categories = 6
max_tokens = 16
"""
NEW_TASK = """
[tasks.extract_entities]
tier = "haiku"
kind = "extraction"
output = "json"
stakes = "low"
max_tokens = 256
"""
CONFIG = """repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: routecheck
        args: [--baseline, routecheck-baseline.json]
      - id: routecheck-lint
        args: [--baseline, routecheck-baseline.json]
"""


def hook_line(name: str, status: str) -> str:
    """pre-commit's status line at its default 79 columns."""
    return f"{name}{'.' * (79 - len(name) - len(status))}{status}\n"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a checkout")
def test_hooks_with_a_check_baseline_print_each_new_finding_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hooks, app = tmp_path / "hooks", tmp_path / "app"
    hooks.mkdir()
    app.mkdir()
    env = commit_env(tmp_path, monkeypatch)
    rev = snapshot(hooks)
    (app / "routing.toml").write_text(POLICY)
    (app / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "routing.toml"\n')
    (app / "legacy.py").write_text('import anthropic\n\nMODEL = "claude-sonnet-4-6"\n')
    monkeypatch.chdir(app)
    assert main(["check", "--write-baseline", "routecheck-baseline.json"]) == 0
    assert capsys.readouterr().out == "Wrote 3 findings to routecheck-baseline.json.\n"
    baseline = json.loads((app / "routecheck-baseline.json").read_text())
    assert [(e["path"], e["code"]) for e in baseline["findings"]] == [
        ("legacy.py", "RC201"), ("routing.toml", "RC108"), ("routing.toml", "RC206"),
    ]
    (app / ".pre-commit-config.yaml").write_text(CONFIG.format(repo=hooks, rev=rev))
    assert git(app, "init", "-q").returncode == 0
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install", "--install-hooks"], cwd=app, env=env,
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        git(app, "add", "-A")
        return subprocess.run(["git", "commit", "-q", "-m", message], cwd=app, env=env, capture_output=True,
                              text=True, check=False, timeout=900)

    accepted = commit("the legacy app, its policy and its baseline")
    # git shows a hook's output on stderr
    assert (accepted.returncode, accepted.stdout, accepted.stderr) == (
        0, "", hook_line("routecheck", "Passed") + hook_line("routecheck lint", "Passed")
    ), accepted.stdout + accepted.stderr

    (app / "routing.toml").write_text(POLICY + NEW_TASK)
    (app / "summarize.py").write_text('MODEL = "claude-haiku-4-5-20251001"\n')
    blocked = commit("a new task below the default and a new hardcoded model")
    assert (blocked.returncode, blocked.stdout) == (1, "")
    assert blocked.stderr == (
        hook_line("routecheck", "Failed")
        + "- hook id: routecheck\n- exit code: 1\n\n"
        "summarize.py:1:9: RC201 [error] hardcoded model id 'claude-haiku-4-5-20251001'; route the call through a "
        "task type so the policy picks the model\n"
        "Found 1 error, 0 warnings, 0 infos in 2 files.\n\n"
        + hook_line("routecheck lint", "Failed")
        + "- hook id: routecheck-lint\n- exit code: 1\n\n"
        "routing.toml:25:1: RC108 [error] task 'extract_entities' runs on 'haiku' below default_tier 'sonnet' "
        "without evidence (run `routecheck eval extract_entities --samples FILE --write`)\n"
        "Found 1 error, 0 warnings, 0 infos in 1 file.\n\n"
    )
    assert git(app, "log", "--format=%s").stdout == "the legacy app, its policy and its baseline\n"
