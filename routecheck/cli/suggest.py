"""routecheck suggest: the savings candidates (RC111), largest monthly saving first, and how to verify each."""

from __future__ import annotations

import argparse

from routecheck.cli.common import add_policy_option

HELP = "savings candidates (RC111) ranked by monthly saving, with the evidence each would need"


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_option(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    import sys
    from datetime import date

    from routecheck.cli.common import load_project
    from routecheck.cost.suggest import render_json, render_text, suggestions

    _, source = load_project(args)
    items = suggestions(source, today=date.today())
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(items, source.display))
    return 0
