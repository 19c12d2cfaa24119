"""The command line: `main(argv) -> int`, one module per command, one boundary for errors, one clock.

Command modules are imported to build the parser, so they import nothing heavy at module level;
each `run` imports what its command needs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from routecheck import __version__
from routecheck.errors import ConfigError, RoutecheckError

#: Command modules under routecheck.cli, in the order `--help` lists them.
COMMANDS = (
    "init", "check", "lint", "scan", "generate", "cost", "diff", "suggest", "eval", "report", "ledger", "rule",
    "schema",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="routecheck",
        description="Keep LLM model-tier routing explicit, verified and enforced.",
    )
    parser.add_argument("--version", action="version", version=f"routecheck {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"routecheck.cli.{name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None, *, today: date | None = None) -> int:
    """Run one routecheck command; return its exit code (0 clean, 1 findings, 2 usage or config error).

    `today` is the date the run is on (default: the system's), the one clock of every date-dependent
    decision (prices in force, stale prices, model deprecations). Commands read it as `args.today`.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors itself and exits 2 (0 for --help)
        return exc.code if isinstance(exc.code, int) else 2
    args.today = date.today() if today is None else today
    try:
        code: int = args.run(args)
        return code
    except ConfigError as exc:  # already located: FILE:LINE:COL: key.path: message
        print(exc, file=sys.stderr)
        return 2
    except RoutecheckError as exc:
        print(f"routecheck: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        print(
            "routecheck: internal error — this is a bug in routecheck, please report it with this traceback:\n"
            + traceback.format_exc().rstrip(),
            file=sys.stderr,
        )
        return 2


def console_main() -> NoReturn:
    """The `routecheck` console script."""
    sys.exit(main())
