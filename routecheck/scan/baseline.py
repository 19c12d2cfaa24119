"""Baselines: accept the findings a legacy codebase has today, fail only on new ones.

A finding's fingerprint is a hash of its code, its file (relative to the project root), the text of
its line (stripped) and its model or task, never its line number (detect-secrets' habit): moving
code, or editing lines above it, does not make an accepted finding new again. Identical fingerprints
are counted, so a second copy of the same line is new. The file holds hashes, never source text.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from routecheck import __version__
from routecheck.atomic import write_atomically
from routecheck.errors import ConfigError, Problem
from routecheck.finding import Finding
from routecheck.paths import display_path, shown_path
from routecheck.scan.notebook import cell_source

FORMAT = 1


class LineTexts:
    """The stripped text of a line of a file (of a notebook's cell), read once per file (paths as findings
    show them)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[tuple[str, int | None], list[str]] = {}

    def __call__(self, path: str, line: int, cell: int | None = None) -> str:
        key = (path, cell)
        if key not in self._lines:
            try:
                data = Path(path).read_bytes()
            except OSError:
                data = b""
            text = data.decode("utf-8", errors="replace") if cell is None else cell_source(data, cell)
            self._lines[key] = text.splitlines()
        lines = self._lines[key]
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def relative(self, path: str) -> str:
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()


def fingerprint(finding: Finding, texts: LineTexts) -> str:
    # the cell's number is left out, as the line number is: moving a cell keeps its findings accepted
    parts = [finding.code, texts.relative(finding.path), texts(finding.path, finding.line, finding.cell),
             finding.model or "", finding.task or ""]
    # surrogateescape: a file name that is not UTF-8 hashes as its bytes
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def write_baseline(path: Path, findings: Iterable[Finding], texts: LineTexts) -> int:
    """Write every finding's fingerprint to `path` atomically; the number written."""
    entries = sorted(
        ({"code": f.code, "path": shown_path(texts.relative(f.path)), "fingerprint": fingerprint(f, texts)}
         for f in findings),
        key=lambda e: (e["path"], e["code"], e["fingerprint"]),
    )
    document = {"version": FORMAT, "generated_by": f"routecheck {__version__}", "findings": entries}
    write_atomically(path, json.dumps(document, indent=2) + "\n")
    return len(entries)


def load_baseline(path: Path) -> Counter[str]:
    """The fingerprints of a baseline file and how often each was accepted; ConfigError if unreadable."""
    shown = display_path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([Problem(shown, None, None, "", "baseline file not found")]) from None
    except OSError as exc:
        raise ConfigError([Problem(shown, None, None, "", f"cannot read baseline: {exc.strerror}")]) from None
    except ValueError as exc:
        message = f"not a routecheck baseline (invalid JSON: {exc})"
        raise ConfigError([Problem(shown, None, None, "", message)]) from None
    if not isinstance(document, dict) or document.get("version") != FORMAT or not isinstance(
        document.get("findings"), list
    ):
        raise ConfigError([Problem(shown, None, None, "version",
                                   f"not a routecheck baseline (expected version {FORMAT} and a findings list)")])
    counts: Counter[str] = Counter()
    for index, entry in enumerate(document["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            message = "expected an object with a fingerprint"
            raise ConfigError([Problem(shown, None, None, f"findings[{index}]", message)])
        counts[entry["fingerprint"]] += 1
    return counts


def new_findings(findings: Iterable[Finding], accepted: Counter[str], texts: LineTexts) -> list[Finding]:
    """The findings the baseline does not account for (of identical ones, the later are new)."""
    remaining = Counter(accepted)
    new = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = fingerprint(finding, texts)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(finding)
    return new


