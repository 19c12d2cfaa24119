"""Every category of policy change, in every format, against a reviewed golden file.

To re-create the goldens after a deliberate change of the output: ROUTECHECK_WRITE_GOLDENS=1 pytest
tests/test_diff_golden.py, then read every changed line before committing it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from routecheck.diff import diff_policies
from routecheck.diff.render import renderer
from support import load_policy

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
TODAY = date(2026, 11, 24)
CASES = [
    "tasks-added-removed", "tier-moves", "model-change", "prices", "task-fields", "upgrade-rules", "gate", "settings",
    "tiers-added-removed",
]
#: The file each format's golden is kept in: `<case>.md` is the pull-request comment.
SUFFIXES = {"markdown": ".md", "text": ".txt", "json": ".json"}


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
@pytest.mark.parametrize("case", CASES)
def test_diff_matches_golden(case: str, fmt: str) -> None:
    old, new = load_policy(FIXTURES / "base.toml"), load_policy(FIXTURES / f"{case}.toml")
    diff = diff_policies(old, new, old_label="base.toml", new_label=f"{case}.toml", today=TODAY)
    rendered = renderer(fmt)(diff)
    golden = FIXTURES / f"{case}{SUFFIXES[fmt]}"
    if os.environ.get("ROUTECHECK_WRITE_GOLDENS"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
