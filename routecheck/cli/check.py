"""routecheck check: everything, for CI and pre-commit."""

from __future__ import annotations

import argparse

from routecheck.cli.common import add_finding_options

HELP = "lint the policy and check the code against it: the CI and pre-commit entry point"


def configure(parser: argparse.ArgumentParser) -> None:
    add_finding_options(parser)


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import build_report, emit, load_project, today
    from routecheck.codegen import stale_client_findings
    from routecheck.lint import lint_policy

    project, source = load_project(args)
    findings = [*lint_policy(source, today=today()), *stale_client_findings(project, source)]
    return emit(args, build_report(args, findings, files_scanned=1 + len(source.evidence)))
