"""routecheck report: what the ledger says about live calls, and when to revert a downgrade."""

from __future__ import annotations

import argparse
import re

from routecheck.cli.common import add_policy_option

HELP = "monitor live calls from the ledger: tier mix, cost vs estimate, upgrades, validation, latency, revert advice"

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([mhdw])$")
_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_option(parser)
    parser.add_argument("--ledger", metavar="FILE|URL",
                        help="the SQLite ledger file or a postgresql:// URL (default: $ROUTECHECK_LEDGER)")
    parser.add_argument("--since", default="7d", metavar="AGE", help="the period: 90m, 24h, 7d, 2w (default: 7d)")
    parser.add_argument("--until", metavar="TIME",
                        help="end of the period, ISO 8601 (default: now), e.g. 2026-11-24T00:00:00Z")
    parser.add_argument("--by", choices=("task", "instance"), default="task",
                        help="per task (with revert advice), or per replica: tier mix, policy version, overrides "
                             "(default: task)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="output format (default: text)")


def parse_duration(text: str, *, option: str = "--since") -> float:
    """'7d' -> seconds; UsageError otherwise."""
    from routecheck.errors import UsageError

    match = _DURATION.match(text.strip())
    if not match or float(match[1]) <= 0:
        raise UsageError(f"{option} {text}: expected a positive age like 90m, 24h, 7d or 2w")
    return float(match[1]) * _SECONDS[match[2]]


def parse_until(text: str | None) -> float:
    import time
    from datetime import UTC, datetime

    from routecheck.errors import UsageError

    if text is None:
        return time.time()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--until {text}: expected an ISO 8601 time like 2026-11-24T00:00:00Z") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def ledger_target(given: str | None) -> str:
    """--ledger, else $ROUTECHECK_LEDGER; UsageError when neither is set."""
    import os

    from routecheck.errors import UsageError
    from routecheck.runtime.ledger import LEDGER_ENV

    target = given or os.environ.get(LEDGER_ENV)
    if not target:
        raise UsageError("no ledger: pass --ledger FILE|URL or set ROUTECHECK_LEDGER")
    return target


def run(args: argparse.Namespace) -> int:
    import sys

    from routecheck.cli.common import load_project
    from routecheck.report.ledger_reader import display, open_backend, read_instances, read_summary

    target = ledger_target(args.ledger)
    until = parse_until(args.until)
    since = until - parse_duration(args.since)
    _, source = load_project(args)
    with open_backend(target) as backend:
        if args.by == "instance":
            from routecheck.cost.book import require_prices
            from routecheck.report.instances import build_instances
            from routecheck.report.instances_render import RENDERERS as BY_INSTANCE
            from routecheck.runtime.policy import RuntimePolicy

            # what a client generated from the policy now records: the sha256 of what it routes
            current = RuntimePolicy.from_policy(source.policy, require_prices(source, args.today)).sha256
            groups = read_instances(backend, since=since, until=until)
            instances = build_instances(groups, policy_sha256=current, ledger=display(target), since=since,
                                        until=until)
            sys.stdout.write(BY_INSTANCE[args.format](instances))
            return 0
        summary = read_summary(backend, since=since, until=until)
    from routecheck.report.figures import build_report
    from routecheck.report.render import RENDERERS

    report = build_report(summary, source, ledger=display(target), since=since, until=until)
    sys.stdout.write(RENDERERS[args.format](report))
    return 1 if any(t.advice is not None and t.advice.revert for t in report.tasks) else 0
