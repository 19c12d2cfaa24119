"""routecheck check: everything (policy lint + code scan), for CI and pre-commit."""

from __future__ import annotations

import argparse

from routecheck.cli.common import add_finding_options

HELP = "lint the policy and check the code against it: the CI and pre-commit entry point"


def configure(parser: argparse.ArgumentParser) -> None:
    from routecheck.cli.scan import add_scan_options

    add_finding_options(parser)
    add_scan_options(parser)


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import load_project, today
    from routecheck.cli.scan import finish, scan_project
    from routecheck.codegen import stale_client_findings
    from routecheck.lint import lint_policy

    project, source = load_project(args)
    findings = [*lint_policy(source, today=today()), *stale_client_findings(project, source)]
    result = scan_project(args, project, source)
    return finish(args, project, [*findings, *result.findings],
                  files_scanned=1 + len(source.evidence) + result.files_scanned, notes=result.notes)
