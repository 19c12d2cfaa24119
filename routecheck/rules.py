"""The rule catalogue: every rule routecheck has, by code, and --select/--ignore."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from routecheck.errors import UsageError
from routecheck.finding import Rule
from routecheck.lint.rules import POLICY_RULES
from routecheck.scan.rules import CODE_RULES

_SELECTOR = re.compile(r"^RC[0-9]{0,3}$")


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by code."""
    rules = [spec.rule for spec in POLICY_RULES] + [spec.rule for spec in CODE_RULES]
    return tuple(sorted(rules, key=lambda r: r.code))


def known_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in all_rules())


def get_rule(code: str) -> Rule:
    """The rule with `code` (or name); UsageError for an unknown one."""
    wanted = code.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted == rule.name:
            return rule
    raise UsageError(f"unknown rule '{code}' (rules: {', '.join(r.code for r in all_rules())})")


def parse_selectors(text: str | None) -> tuple[str, ...]:
    """'RC1,RC201' -> ('RC1', 'RC201'); each selector a code or code prefix matching some rule."""
    if not text:
        return ()
    selectors = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    codes = known_codes()
    for selector in selectors:
        if not _SELECTOR.match(selector) or not any(code.startswith(selector) for code in codes):
            raise UsageError(f"'{selector}' selects no rule (expected a rule code or prefix such as RC1 or RC201)")
    return selectors


def code_filter(select: Sequence[str], ignore: Sequence[str]) -> Callable[[str], bool]:
    """Whether a code is reported: selected (everything, when nothing is selected) and not ignored."""

    def wanted(code: str) -> bool:
        selected = not select or any(code.startswith(s) for s in select)
        return selected and not any(code.startswith(s) for s in ignore)

    return wanted


def render_page(rule: Rule) -> str:
    """A rule's documentation page as Markdown."""
    return f"# {rule.code} {rule.name} [{rule.severity.value}]\n\n{rule.doc.strip()}\n"
