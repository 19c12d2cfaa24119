"""routecheck lint: the policy rules (RC1xx) only."""

from __future__ import annotations

import argparse

from routecheck.cli.common import add_finding_options

HELP = "check the routing policy against the policy rules (RC1xx)"


def configure(parser: argparse.ArgumentParser) -> None:
    from routecheck.cli.scan import add_baseline_options

    add_finding_options(parser)
    add_baseline_options(parser)


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import load_project
    from routecheck.cli.scan import finish
    from routecheck.lint import lint_policy

    project, source = load_project(args)
    findings = lint_policy(source, today=args.today)
    return finish(args, project.root, findings, files_scanned=1 + len(source.evidence), notes=())
