"""Policy-diff review: what changed between two policies, what is risky about it, and what it costs."""

from routecheck.diff.changes import Change, policy_changes
from routecheck.diff.fail_on import FailOn
from routecheck.diff.review import PolicyDiff, TaskCostDelta, diff_policies
from routecheck.diff.risk import RiskFlag

__all__ = ["Change", "FailOn", "PolicyDiff", "RiskFlag", "TaskCostDelta", "diff_policies", "policy_changes"]
