"""The GitHub workflow example and the composite action: valid YAML, wired to the commands they run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from routecheck.diff.render import COMMENT_MARKER

yaml = pytest.importorskip("yaml", reason="PyYAML (installed with pre-commit) parses the workflow files")

ROOT = Path(__file__).parent.parent


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run_lines(steps: list[dict[str, Any]]) -> str:
    return "\n".join(step.get("run", "") for step in steps)


def test_workflow_checks_with_sarif_and_comments_on_policy_changes() -> None:
    workflow = load(ROOT / "examples" / "ci" / "github-workflow.yml")
    assert workflow[True] == {"push": {"branches": ["main"]}, "pull_request": None}  # YAML 1.1 reads `on:` as True
    check, diff = workflow["jobs"]["check"], workflow["jobs"]["policy-diff"]
    assert check["permissions"]["security-events"] == "write"
    assert [s["uses"] for s in check["steps"] if "uses" in s] == [
        "actions/checkout@v4", "actions/setup-python@v5", "github/codeql-action/upload-sarif@v3",
    ]
    assert "routecheck check --policy \"$POLICY\" --format sarif > routecheck.sarif" in run_lines(check["steps"])
    assert diff["if"] == "github.event_name == 'pull_request'"
    assert diff["permissions"]["pull-requests"] == "write"
    script = run_lines(diff["steps"])
    assert "routecheck diff --base \"origin/$BASE_REF\" --policy \"$POLICY\" --format markdown --fail-on risk" in script
    assert f'startswith("{COMMENT_MARKER}")' in script
    assert "--method PATCH" in script and "--method POST" in script


def test_action_documents_every_input_and_runs_both_commands() -> None:
    action = load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert sorted(action["inputs"]) == sorted([
        "policy", "paths", "check", "upload-sarif", "diff", "fail-on", "python-version", "github-token",
    ])
    assert all(spec["description"].strip() and "default" in spec for spec in action["inputs"].values())
    steps = action["runs"]["steps"]
    assert all(step["shell"] == "bash" for step in steps if "run" in step)
    script = run_lines(steps)
    assert "routecheck check $POLICY_ARGS --format sarif $PATHS > routecheck.sarif" in script
    assert "routecheck diff --base \"origin/$BASE_REF\" --policy \"$POLICY\" --format markdown" in script
    assert f'startswith("{COMMENT_MARKER}")' in script


def action_step(name: str) -> dict[str, Any]:
    steps = load(ROOT / "action.yml")["runs"]["steps"]
    return next(step for step in steps if step.get("name") == name)


def run_step(name: str, cwd: Path, **env: str) -> tuple[int, dict[str, str]]:
    """Run one of the action's bash steps as the runner would (routecheck on PATH); its exit code and outputs."""
    outputs = cwd / "github-output.txt"
    outputs.write_text("")
    bin_dir = str(Path(sys.executable).parent)
    result = subprocess.run(["bash", "-e", "-c", action_step(name)["run"]], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                                 "GITHUB_OUTPUT": str(outputs), **env}, check=False)
    lines = outputs.read_text().splitlines()
    outputs.unlink()
    return result.returncode, dict(line.split("=", 1) for line in lines)


def test_action_installs_itself_from_its_checkout() -> None:
    assert action_step("Install routecheck")["run"] == 'python -m pip install --quiet "$GITHUB_ACTION_PATH"'


def test_action_finds_the_policy_routecheck_reads(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "config/llm.toml"\n')
    (tmp_path / "app").mkdir()
    assert run_step("Find the policy", tmp_path, POLICY="") == (0, {"args": "", "path": "config/llm.toml"})
    assert run_step("Find the policy", tmp_path, POLICY="other.toml") == (
        0, {"args": "--policy other.toml", "path": "other.toml"})
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    assert run_step("Find the policy", tmp_path, POLICY="") == (0, {"args": "", "path": "policies/routing.toml"})


def test_action_uploads_sarif_only_when_the_check_wrote_it(tmp_path: Path) -> None:
    assert "hashFiles('routecheck.sarif') != ''" in action_step("Upload findings to code scanning")["if"]
    shutil.copy(ROOT / "examples" / "routed_app" / "routing.toml", tmp_path / "routing.toml")
    env = {"POLICY_ARGS": "--policy routing.toml", "PATHS": ""}
    assert run_step("routecheck check", tmp_path, **env) == (0, {"exit-code": "0"})
    assert (tmp_path / "routecheck.sarif").read_text().startswith("{")
    (tmp_path / "routing.toml").write_text("version = 2\n")
    assert run_step("routecheck check", tmp_path, **env) == (0, {"exit-code": "2"})
    assert not (tmp_path / "routecheck.sarif").exists()


def test_action_skips_the_comment_on_pull_requests_from_forks() -> None:
    condition = action_step("Post or update the review comment")["if"]
    assert condition.endswith("&& github.event.pull_request.head.repo.full_name == github.repository")
