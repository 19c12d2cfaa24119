"""What several commands share: the common options, finding the policy, printing a report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routecheck.config import Project
    from routecheck.finding import Finding, Note, Report
    from routecheck.policy.loader import PolicyFile
    from routecheck.snapshot import Snapshot


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy", type=Path, metavar="FILE",
        help="the policy file (default: [tool.routecheck] policy, else policies/routing.toml)",
    )


def add_finding_options(parser: argparse.ArgumentParser) -> None:
    """The options of every command that reports findings."""
    from routecheck.formats import FORMATS

    add_policy_option(parser)
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--select", metavar="CODES", help="only these rule codes or prefixes, comma-separated")
    parser.add_argument("--ignore", metavar="CODES", help="skip these rule codes or prefixes, comma-separated")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument("--quiet", action="store_true", help="print findings only, no summary")


def load_project(args: argparse.Namespace) -> tuple[Project, PolicyFile]:
    """The project config around the current directory and its policy, loaded once."""
    from routecheck.config import find_project
    from routecheck.errors import ConfigError
    from routecheck.policy.loader import load_policy
    from routecheck.rules import known_codes

    project = find_project(Path.cwd())
    try:
        return project, load_policy(project.policy_path(args.policy), known_codes=known_codes())
    except ConfigError as exc:
        if args.policy is None and project.sets("policy"):
            raise project.file_error("policy", "policy file", exc.problems) from None
        raise


def load_checked(args: argparse.Namespace, *, use_cache: bool, lint: bool = True,
                 stale_client: bool = True) -> Snapshot:
    """The policy loaded (always the scan's inputs) and, as asked, linted and its client compared (RC207),
    from the snapshot cache when nothing it depends on changed; otherwise through the loader, and then
    cached. `scan` asks for neither and `check --no-lint` only for RC207: neither need price the policy
    (genai-prices) for RC114."""
    from routecheck.snapshot import Snapshot, read_snapshot, snapshot_key, write_snapshot

    key = snapshot_key(Path.cwd(), args.policy, args.today) if use_cache else None
    cached = read_snapshot(key) if key is not None else None
    if cached is not None and (cached.lint is not None or not lint) and (
            cached.stale_client is not None or not stale_client):
        return cached
    from routecheck.scan.target import ScanTarget

    project, source = load_project(args)
    linted, stale = None, None
    if lint:
        from routecheck.lint import lint_policy

        linted = tuple(lint_policy(source, today=args.today))
    if stale_client:
        from routecheck.codegen import stale_client_findings

        stale = tuple(stale_client_findings(project, source, today=args.today))
    snapshot = Snapshot(
        target=ScanTarget.of(project, source),
        lint=linted,
        stale_client=stale,
        policy_files=1 + len(source.evidence),
        missing_evidence=tuple(source.missing_evidence.values()),
    )
    if key is not None:
        write_snapshot(key, snapshot)
    return snapshot


def build_report(
    args: argparse.Namespace, findings: Iterable[Finding], *, files_scanned: int, notes: Iterable[Note] = ()
) -> Report:
    """The report of the findings that --select/--ignore let through."""
    from routecheck.finding import Report
    from routecheck.rules import all_rules, code_filter, parse_selectors

    wanted = code_filter(parse_selectors(args.select), parse_selectors(args.ignore))
    return Report.build(
        (f for f in findings if wanted(f.code)), files_scanned=files_scanned, rules=all_rules(), notes=notes
    )


def emit(args: argparse.Namespace, report: Report) -> int:
    """Print `report` in the chosen format; the exit code it implies."""
    from routecheck.formats import renderer

    if args.quiet and args.format == "text":
        from routecheck.formats.text import render_findings

        sys.stdout.write(render_findings(report))
    else:
        sys.stdout.write(renderer(args.format)(report))
    return 1 if report.summary.fails(strict=args.strict) else 0
