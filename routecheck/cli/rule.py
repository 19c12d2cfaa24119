"""routecheck rule: a rule's documentation page."""

from __future__ import annotations

import argparse

HELP = "explain a rule: what it checks, why, and how to fix it"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a rule code (RC104) or name (multi-step-on-cheapest)")
    parser.add_argument("--all", action="store_true", help="every rule's page, in code order")


def run(args: argparse.Namespace) -> int:
    import sys

    from routecheck.errors import UsageError
    from routecheck.rules import all_rules, get_rule, render_page

    if args.all:
        sys.stdout.write("\n".join(render_page(rule) for rule in all_rules()))
    elif args.code:
        sys.stdout.write(render_page(get_rule(args.code)))
    else:
        raise UsageError("name a rule (routecheck rule RC104) or pass --all")
    return 0
