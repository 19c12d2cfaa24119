"""routecheck check: everything (policy lint + code scan), for CI and pre-commit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from routecheck.cli.common import add_finding_options

if TYPE_CHECKING:
    from routecheck.finding import Finding
    from routecheck.fix import FileFix

HELP = "lint the policy and check the code against it: the CI and pre-commit entry point"


def configure(parser: argparse.ArgumentParser) -> None:
    from routecheck.cli.scan import add_scan_options

    add_finding_options(parser)
    add_scan_options(parser)
    fixing = parser.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="rewrite what can be routed safely onto the generated client, then report what remains")
    fixing.add_argument("--diff", action="store_true",
                        help="print the --fix rewrites as a unified diff and change nothing (exit 1 if there are any)")
    parser.add_argument("--no-lint", action="store_true",
                        help="leave out the policy rules (RC1xx), as the routecheck pre-commit hook does: "
                             "routecheck-lint reports them")


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import load_checked
    from routecheck.cli.scan import finish, scan_project

    snapshot = load_checked(args, use_cache=not args.no_cache, lint=not args.no_lint)
    result = scan_project(args, snapshot)
    if args.fix or args.diff:
        fixes = _fixes(args, result.findings)
        if args.diff:
            from routecheck.fix import unified_diff

            sys.stdout.write("".join(unified_diff(fix) for fix in fixes))
            return 1 if fixes else 0
        if fixes:
            from routecheck.atomic import write_atomically

            for fix in fixes:
                write_atomically(fix.path, fix.after)
            print(f"Fixed {len(fixes)} file{'s' * (len(fixes) != 1)}: {', '.join(f.display for f in fixes)}.",
                  file=sys.stdout if args.format == "text" else sys.stderr)
            result = scan_project(args, snapshot)  # the fixes rewrite code, never the policy or the client
    assert snapshot.stale_client is not None and (args.no_lint or snapshot.lint is not None)  # asked for
    linted = () if args.no_lint else snapshot.lint or ()
    return finish(args, snapshot.target.root, [*linted, *snapshot.stale_client, *result.findings],
                  files_scanned=snapshot.policy_files + result.files_scanned, notes=result.notes)


def _fixes(args: argparse.Namespace, findings: Sequence[Finding]) -> list[FileFix]:
    from routecheck.cli.common import load_project
    from routecheck.fix import fix_policy, plan_fixes

    project, source = load_project(args)
    policy = fix_policy(source.policy, project.config.client)
    client = project.root / (project.config.client or "")
    if args.fix and not client.is_file():
        from routecheck.errors import RoutecheckError
        from routecheck.paths import display_path

        raise RoutecheckError(f"--fix rewrites calls onto the generated client, and {display_path(client)} does not "
                              "exist yet (run `routecheck generate` first)")
    return plan_fixes(findings, policy)
