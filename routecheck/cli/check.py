"""routecheck check: everything (policy lint + code scan), for CI and pre-commit."""

from __future__ import annotations

import argparse

from routecheck.cli.common import add_finding_options

HELP = "lint the policy and check the code against it: the CI and pre-commit entry point"


def configure(parser: argparse.ArgumentParser) -> None:
    from routecheck.cli.scan import add_scan_options

    add_finding_options(parser)
    add_scan_options(parser)
    parser.add_argument("--no-lint", action="store_true",
                        help="leave out the policy rules (RC1xx), as the routecheck pre-commit hook does: "
                             "routecheck-lint reports them")


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import load_checked
    from routecheck.cli.scan import finish, scan_project

    snapshot = load_checked(args, use_cache=not args.no_cache)
    result = scan_project(args, snapshot)
    assert snapshot.lint is not None and snapshot.stale_client is not None  # asked for with lint
    linted = () if args.no_lint else snapshot.lint
    return finish(args, snapshot.target.root, [*linted, *snapshot.stale_client, *result.findings],
                  files_scanned=snapshot.policy_files + result.files_scanned, notes=result.notes)
