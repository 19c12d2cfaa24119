"""routecheck lint: the policy rules (RC1xx) only."""

from __future__ import annotations

import argparse

from routecheck.cli.common import add_finding_options

HELP = "check the routing policy against the policy rules (RC1xx)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_finding_options(parser)


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import build_report, emit, load_project
    from routecheck.lint import lint_policy

    _, source = load_project(args)
    findings = lint_policy(source, today=args.today)
    return emit(args, build_report(args, findings, files_scanned=1 + len(source.evidence)))
