"""The GitHub workflow example and the composite action: valid YAML, wired to the commands they run."""

from __future__ import annotations

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
        "policy", "paths", "check", "upload-sarif", "diff", "fail-on", "python-version", "version", "github-token",
    ])
    assert all(spec["description"].strip() and "default" in spec for spec in action["inputs"].values())
    steps = action["runs"]["steps"]
    assert all(step["shell"] == "bash" for step in steps if "run" in step)
    script = run_lines(steps)
    assert "routecheck check $POLICY_ARGS --format sarif $PATHS > routecheck.sarif" in script
    assert "routecheck diff --base \"origin/$BASE_REF\" --policy \"$POLICY\" --format markdown" in script
    assert f'startswith("{COMMENT_MARKER}")' in script
