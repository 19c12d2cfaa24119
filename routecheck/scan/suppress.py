"""`# routecheck: ignore[RC201] -- reason` comments, and applying them (and per-file-ignores) to findings."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from routecheck.finding import Finding
from routecheck.scan.facts import Suppression
from routecheck.scan.glob import glob_matches
from routecheck.scan.lexer import LineIndex, comments
from routecheck.scan.rules import unused_suppression

_COMMENT = re.compile(r"#\s*routecheck:\s*ignore\b(?:\[(?P<codes>[^\]\r\n]*)\])?")


def parse_suppressions(text: str, *, python: bool = False) -> tuple[Suppression, ...]:
    """Every suppression comment of `text`, optionally followed by `-- reason`.

    In Python only real comments count (the text of a string or docstring that shows the syntax is
    no suppression); in config files any `#` on a line starts one.
    """
    found = []
    if python:
        lines = LineIndex(text)
        for offset, comment in comments(text):
            match = _COMMENT.match(comment)
            if match is not None:
                found.append(_suppression(*lines.position(offset), match))
        return tuple(found)
    for number, line in enumerate(text.splitlines(), start=1):
        if "routecheck" in line:
            match = _COMMENT.search(line)
            if match is not None:
                found.append(_suppression(number, match.start() + 1, match))
    return tuple(found)


def _suppression(line: int, column: int, match: re.Match[str]) -> Suppression:
    raw = match.group("codes")
    codes = None if raw is None else tuple(c.strip().upper() for c in raw.split(",") if c.strip())
    return Suppression(line, column, codes, match.group(0))


@dataclass(frozen=True)
class Suppressed:
    """What survives suppression, and the unused suppressions (as RC200 findings)."""

    findings: list[Finding]
    unused: list[Finding]


def apply_suppressions(
    findings: Iterable[Finding], suppressions: Mapping[str, Sequence[Suppression]], known_codes: Collection[str]
) -> Suppressed:
    """Drop findings a comment on their line suppresses; report the comments that suppress nothing."""
    by_line = {(path, s.cell, s.line): s for path, items in suppressions.items() for s in items}
    used: set[tuple[str, int | None, int, str]] = set()
    kept = []
    for finding in findings:
        sup = by_line.get((finding.path, finding.cell, finding.line))
        if sup is not None and (sup.codes is None or finding.code in sup.codes):
            used.add((finding.path, finding.cell, finding.line, "*" if sup.codes is None else finding.code))
            continue
        kept.append(finding)
    rule = unused_suppression
    unused = []
    for path, items in suppressions.items():
        for sup in items:
            if sup.codes is None:
                if (path, sup.cell, sup.line, "*") not in used:
                    unused.append(rule.finding(path, sup.line, sup.column, rule(sup.text, None), cell=sup.cell))
                continue
            for code in sup.codes:
                known = code in known_codes
                if not known or (path, sup.cell, sup.line, code) not in used:
                    message = rule(sup.text, code, known=known)
                    unused.append(rule.finding(path, sup.line, sup.column, message, cell=sup.cell))
    return Suppressed(kept, unused)


def apply_per_file_ignores(
    findings: Iterable[Finding], ignores: Mapping[str, Sequence[str]], relative: Mapping[str, str]
) -> list[Finding]:
    """Drop findings whose file matches a `per-file-ignores` glob listing their code.

    `relative` maps a finding's display path to its path relative to the project root (what the globs use).
    """
    if not ignores:
        return list(findings)
    kept = []
    for finding in findings:
        rel = relative.get(finding.path, finding.path)
        if not any(finding.code in codes and glob_matches(rel, pattern) for pattern, codes in ignores.items()):
            kept.append(finding)
    return kept
