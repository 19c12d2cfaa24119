"""Policy linting: run the RC1xx rules over a loaded policy."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from routecheck.finding import Finding
from routecheck.lint.rules import POLICY_RULES, LintContext

if TYPE_CHECKING:
    from routecheck.policy.loader import PolicyFile

__all__ = ["lint_policy"]


def lint_policy(source: PolicyFile, *, today: date) -> list[Finding]:
    """Every policy-rule finding, less those a task silences with its own `ignore` list."""
    ctx = LintContext(source, today)
    tasks = source.policy.tasks
    findings = []
    for entry in POLICY_RULES:
        rule = entry.rule
        for hit in entry(ctx):
            if hit.task is not None and rule.code in tasks[hit.task].ignore:
                continue
            line, column = source.locate(hit.key)
            findings.append(entry.finding(source.display, line, column, hit.message, task=hit.task, model=hit.model,
                                          severity=hit.severity))
    return findings
