"""routecheck diff: review a policy change: what changed, what is risky, what it does to the monthly cost."""

from __future__ import annotations

import argparse
from pathlib import Path

from routecheck.cli.common import add_policy_option

HELP = "review a policy change: OLD NEW files, or --base GITREF against the working tree"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="OLD NEW", help="two policy files to compare")
    parser.add_argument("--base", metavar="GITREF",
                        help="compare the policy as committed at GITREF (read via git, no checkout) "
                        "with the working tree")
    add_policy_option(parser)
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="output format (default: text; markdown is made for a pull-request comment)")
    parser.add_argument("--fail-on", action="append", default=[], metavar="WHAT",
                        help="exit 1 on 'risk' (any risk flag) or 'cost-increase=USD' (a monthly increase above USD); "
                        "repeatable")


def run(args: argparse.Namespace) -> int:
    import sys

    from routecheck.diff import FailOn, diff_policies
    from routecheck.diff.render import renderer
    from routecheck.errors import UsageError
    from routecheck.policy.loader import load_policy
    from routecheck.rules import known_codes

    fail_on = FailOn.parse(args.fail_on)
    if args.base is not None:
        if args.files:
            raise UsageError("give either two policy files or --base GITREF (with --policy FILE), not both")
        from routecheck.cli.common import load_project
        from routecheck.diff.git import load_policy_at

        _, new = load_project(args)
        old, old_label = load_policy_at(args.base, new.path, known_codes=known_codes())
        new_label = new.display
    elif len(args.files) == 2:
        if args.policy is not None:
            raise UsageError("--policy goes with --base; with two files, the files are the policies")
        old, new = (load_policy(f, known_codes=known_codes()) for f in args.files)
        old_label, new_label = old.display, new.display
    else:
        raise UsageError("give two policy files (routecheck diff OLD NEW) or --base GITREF")
    diff = diff_policies(old, new, old_label=old_label, new_label=new_label, today=args.today)
    sys.stdout.write(renderer(args.format)(diff))
    failures = fail_on.failures(diff)
    for reason in failures:
        print(f"routecheck: diff fails: {reason}", file=sys.stderr)
    return 1 if failures else 0
