"""`routecheck check --fix` / `--diff`: the libcst codemod and the files it rewrites."""

from routecheck.fix.apply import FileFix, fix_policy, plan_fixes, unified_diff
from routecheck.fix.codemod import FixPolicy, TaskRoute, fix_source

__all__ = ["FileFix", "FixPolicy", "TaskRoute", "fix_policy", "fix_source", "plan_fixes", "unified_diff"]
