"""routecheck generate: write (or, with --check, verify) the typed client module."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from routecheck.cli.common import add_policy_option

HELP = "write the typed routing client generated from the policy (--check: fail if it is stale)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_option(parser)
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write the client (default: [tool.routecheck] client)"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 with RC207 and a diff if the client is stale"
    )


def run(args: argparse.Namespace) -> int:
    from routecheck.cli.common import load_project
    from routecheck.codegen import client_state, stale_client

    project, source = load_project(args)
    state = client_state(project, source, args.out, today=args.today)
    if args.check:
        if not state.stale:
            return 0
        from routecheck.finding import Report
        from routecheck.formats.text import render

        sys.stdout.write(render(Report.build([state.finding()], files_scanned=1, rules=[stale_client.rule])))
        sys.stdout.write(state.diff())
        return 1
    if state.stale:
        state.write()
        print(f"wrote {state.display}")
    else:
        print(f"{state.display} is up to date")
    return 0
