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

    from routecheck.cli.common import load_project
    from routecheck.cost.suggest import render_json, render_replacements, render_text, replacements, suggestions

    _, source = load_project(args)
    day = args.today
    items, ends = suggestions(source, today=day), replacements(source, today=day)
    if args.format == "json":
        sys.stdout.write(render_json(items, source.display, ends))
    else:
        sys.stdout.write(render_text(items, source.display) + render_replacements(ends))
    return 0
