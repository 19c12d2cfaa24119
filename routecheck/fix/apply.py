"""Which files `--fix` rewrites, what it makes of them, and the unified diff `--diff` prints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from routecheck.errors import RoutecheckError
from routecheck.finding import Finding
from routecheck.fix.codemod import FixPolicy, TaskRoute, fix_source
from routecheck.policy.model import Policy

__all__ = ["FileFix", "fix_policy", "plan_fixes", "unified_diff"]

#: The findings a rewrite can remove: the files they are in are the ones worth reading.
FIXABLE = frozenset({"RC201", "RC202"})


@dataclass(frozen=True, slots=True)
class FileFix:
    path: Path
    display: str
    before: str
    after: str


def fix_policy(policy: Policy, client: str | None) -> FixPolicy:
    """What the codemod needs: each task's model and cap, and the generated client's module name."""
    if client is None:
        raise RoutecheckError("--fix and --diff rewrite calls onto the generated client: [tool.routecheck] client "
                              "must name it (expected client = \"app/llm_routes.py\"; `routecheck init` sets it)")
    module = PurePosixPath(client.replace("\\", "/")).with_suffix("")
    parts = module.parts[:-1] if module.name == "__init__" else module.parts
    if not parts or not all(p.isidentifier() for p in parts):
        raise RoutecheckError(f"[tool.routecheck] client {client!r} is not an importable module path "
                              "(expected a path such as app/llm_routes.py below the project root)")
    tasks = {name: TaskRoute(policy.tiers[task.tier].model, task.max_tokens) for name, task in policy.tasks.items()}
    return FixPolicy(tasks, policy.tiers[policy.default_tier].model, policy.unknown_tasks, ".".join(parts))


def plan_fixes(findings: Iterable[Finding], policy: FixPolicy) -> list[FileFix]:
    """The rewrites of the Python files the findings point at (display paths, relative to the cwd)."""
    import libcst

    out = []
    for display in sorted({f.path for f in findings if f.code in FIXABLE and f.cell is None
                           and f.path.endswith(".py")}):
        path = Path(display)
        try:
            before = path.read_bytes().decode("utf-8")
            after = fix_source(before, policy)
        except (OSError, UnicodeDecodeError, libcst.ParserSyntaxError, RecursionError):
            continue  # the scan reports what it could not read; the codemod leaves it alone
        if after != before:
            out.append(FileFix(path, display, before, after))
    return out


def unified_diff(fix: FileFix) -> str:
    """The change as `diff -u` shows it, with the file's display path on both sides (as ruff prints it)."""
    lines = difflib.unified_diff(fix.before.splitlines(keepends=True), fix.after.splitlines(keepends=True),
                                 fromfile=fix.display, tofile=fix.display)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
