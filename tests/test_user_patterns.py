"""`model-patterns` run in RE2: linear time whatever the pattern, so a crafted string cannot stall a scan."""

from __future__ import annotations

import re
import time

from test_loader import CLEAN

from support import Run, RunCli, WritePolicy

# Python's `re` takes exponential time on this pattern and a run of "a" ending in "!": 2^40 steps here.
CATASTROPHIC = "(a+)+x"


def test_a_catastrophic_pattern_scans_in_linear_time(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(CLEAN)
    write_policy(f'[tool.routecheck]\npolicy = "routing.toml"\nmodel-patterns = ["{CATASTROPHIC}"]\n',
                 "pyproject.toml")
    write_policy(f'CRAFTED = "{"a" * 40}!"\nMODEL = "aaax"\n', "app.py")
    started = time.monotonic()
    result = run_cli("scan", "app.py")
    assert time.monotonic() - started < 5  # backtracking would take hours
    assert result == Run(1, "app.py:2:9: RC201 [error] hardcoded model id 'aaax'; route the call through a task "
                            "type so the policy picks the model\nFound 1 error, 0 warnings, 0 infos in 1 file.\n", "")


def test_the_same_pattern_stalls_pythons_engine() -> None:
    started = time.monotonic()
    assert re.search(CATASTROPHIC, "a" * 22 + "!") is None  # already ~4 million steps at 22
    assert time.monotonic() - started > 0.05


def test_a_pattern_re2_cannot_run_is_a_located_error(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(CLEAN)
    write_policy('[tool.routecheck]\npolicy = "routing.toml"\nmodel-patterns = ["ok", "(?<!my)model-\\\\d+"]\n',
                 "pyproject.toml")
    assert run_cli("lint") == Run(2, "", (
        "pyproject.toml:3:1: tool.routecheck.model-patterns: not a pattern that runs in linear time (invalid "
        "perl operator: (?<!; lookarounds and backreferences are not supported)\n"))
