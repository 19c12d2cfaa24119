"""The one way to declare a rule, for all three families (policy rules, code rules, RC207).

A rule is declared by decorating the function it owns: a policy rule's check (a `LintContext` to its
hits), a code rule's message (the scanner finds what it matches, reading the data declared beside the
rule, such as RC202's `SDK_CALL_SHAPES`), RC207's message (`routecheck.codegen.stale` finds it). The
function's docstring is the rule's page; `fill` replaces `<NAME>` placeholders in it with text generated
from that data, so the page lists what the rule matches. This module imports nothing heavy.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

from routecheck.finding import Finding, Rule, Severity

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class RuleSpec(Generic[P, R]):
    """A rule's identity and page (`rule`, all a format may know) and the function it owns; calling the
    spec calls the function."""

    rule: Rule
    owns: Callable[P, R]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.owns(*args, **kwargs)

    def finding(self, path: str, line: int, column: int, message: str, *, task: str | None = None,
                model: str | None = None, cell: int | None = None, severity: Severity | None = None) -> Finding:
        """A finding of this rule; `severity` only for a rule whose severity depends on the case (RC115)."""
        rule = self.rule
        return Finding(rule.code, rule.name, severity or rule.severity, path, line, column, message, task=task,
                       model=model, cell=cell)


def declare(registry: list[Any], code: str, name: str, severity: Severity, *,
            fill: Mapping[str, str] | None = None) -> Callable[[Callable[P, R]], RuleSpec[P, R]]:
    """A decorator that declares the rule `code` with the decorated function and appends it to `registry`."""

    def register(owns: Callable[P, R]) -> RuleSpec[P, R]:
        doc = inspect.getdoc(owns) or ""
        for key, value in (fill or {}).items():
            doc = doc.replace(f"<{key}>", value)
        spec = RuleSpec(Rule(code, name, severity, doc), owns)
        registry.append(spec)
        return spec

    return register
