"""Shared helpers of the scanner tests: a project around a folder, and findings as (code, line, column)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from routecheck.config import Config, Project
from routecheck.finding import Finding
from routecheck.policy.loader import PolicyFile
from routecheck.rules import known_codes
from routecheck.scan import ScanResult, ScanTarget, scan_target
from support import load_policy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scan"
TODAY = date(2026, 12, 2)


def project(root: Path, **config: object) -> Project:
    return Project(root, Config.model_validate(config), None)


def fixture_policy() -> PolicyFile:
    return load_policy(FIXTURES / "policy.toml")


def scan(paths: list[Path], root: Path, *, whole: bool = False, strict: bool = False, cache: bool = False,
         policy: PolicyFile | None = None, **config: object) -> ScanResult:
    target = ScanTarget.of(project(root, **config), policy or fixture_policy())
    return scan_target(paths, target, whole_project=whole, today=TODAY, use_cache=cache, known_codes=known_codes(),
                       report_unused_suppressions=strict)


def triples(findings: tuple[Finding, ...] | list[Finding]) -> list[tuple[str, int, int]]:
    return sorted((f.code, f.line, f.column) for f in findings)
