"""Every category of policy change, rendered as the pull-request comment, against a reviewed golden file.

To re-create the goldens after a deliberate change of the comment: ROUTECHECK_WRITE_GOLDENS=1 pytest
tests/test_diff_golden.py, then read every changed line before committing it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from routecheck.diff import diff_policies
from routecheck.diff.render import render_markdown
from support import load_policy

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
TODAY = date(2026, 11, 24)
CASES = [
    "tasks-added-removed", "tier-moves", "model-change", "prices", "task-fields", "upgrade-rules", "gate", "settings",
]


@pytest.mark.parametrize("case", CASES)
def test_markdown_comment_matches_golden(case: str) -> None:
    old, new = load_policy(FIXTURES / "base.toml"), load_policy(FIXTURES / f"{case}.toml")
    diff = diff_policies(old, new, old_label="base.toml", new_label=f"{case}.toml", today=TODAY)
    golden = FIXTURES / f"{case}.md"
    if os.environ.get("ROUTECHECK_WRITE_GOLDENS"):
        golden.write_text(render_markdown(diff), encoding="utf-8")
    assert render_markdown(diff) == golden.read_text(encoding="utf-8")
