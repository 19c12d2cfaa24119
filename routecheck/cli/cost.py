"""routecheck cost: what the policy costs per month, per task and tier, and what-ifs."""

from __future__ import annotations

import argparse

from routecheck.cli.common import add_policy_option

HELP = "monthly cost per task and tier, what-ifs, and the saving against everything on default_tier"


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_option(parser)
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--calls-per-day", type=int, metavar="N",
                        help="scale the volumes to N calls a day in total, keeping the policy's mix")


def run(args: argparse.Namespace) -> int:
    import sys

    from routecheck.cli.common import load_project
    from routecheck.cost.book import require_prices
    from routecheck.cost.render import renderer
    from routecheck.cost.table import cost_table

    _, source = load_project(args)
    day = args.today
    table = cost_table(source.policy, prices=require_prices(source, day), source=source.display, today=day,
                       calls_per_day=args.calls_per_day)
    sys.stdout.write(renderer(args.format)(table))
    return 0
