"""routecheck scan: the code rules (RC2xx) only. Its options and runner are shared with `check`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from routecheck.cli.common import add_finding_options

if TYPE_CHECKING:
    from routecheck.finding import Finding, Note
    from routecheck.scan import ScanResult
    from routecheck.snapshot import Snapshot

HELP = "scan code and config files for hardcoded models, direct SDK calls and unknown task types (RC2xx)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_finding_options(parser)
    add_scan_options(parser)


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders to scan (default: the whole project)")
    add_baseline_options(parser)
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write .routecheck_cache/")


def add_baseline_options(parser: argparse.ArgumentParser) -> None:
    """--baseline / --write-baseline: one file format for lint, scan and check findings."""
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="report only findings this baseline file does not accept")
    parser.add_argument("--write-baseline", type=Path, metavar="FILE",
                        help="accept every current finding: write them to FILE and exit 0")


def scan_project(args: argparse.Namespace, snapshot: Snapshot) -> ScanResult:
    """The scan `args` ask for (paths given: those only; none: the whole project, with RC206)."""
    from routecheck.rules import known_codes
    from routecheck.scan import scan_target

    return scan_target(
        args.paths, snapshot.target, whole_project=not args.paths, today=args.today, known_codes=known_codes(),
        use_cache=not args.no_cache, report_unused_suppressions=args.strict,
    )


def finish(args: argparse.Namespace, root: Path, findings: Sequence[Finding], *, files_scanned: int,
           notes: Sequence[Note]) -> int:
    """Apply --select/--ignore and the baseline options, print, and return the exit code."""
    import sys

    from routecheck.cli.common import build_report, emit
    from routecheck.finding import Report
    from routecheck.rules import all_rules
    from routecheck.scan.baseline import LineTexts, load_baseline, new_findings, write_baseline

    report = build_report(args, findings, files_scanned=files_scanned, notes=notes)
    texts = LineTexts(root)
    if args.write_baseline is not None:
        count = write_baseline(args.write_baseline, report.findings, texts)
        sys.stdout.write(f"Wrote {count} finding{'' if count == 1 else 's'} to {args.write_baseline}.\n")
        return 0
    if args.baseline is not None:
        accepted = load_baseline(args.baseline)
        report = Report.build(new_findings(report.findings, accepted, texts), files_scanned=files_scanned,
                              rules=all_rules(), notes=notes)
    return emit(args, report)


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import load_checked

    snapshot = load_checked(args, use_cache=not args.no_cache, lint=False, stale_client=False)
    result = scan_project(args, snapshot)
    return finish(args, snapshot.target.root, result.findings, files_scanned=result.files_scanned,
                  notes=result.notes)
