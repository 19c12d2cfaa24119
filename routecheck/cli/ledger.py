"""routecheck ledger status|prune|flush: the ledger's rows and this machine's spool, retention, shipping now."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "the ledger: status (rows, schema, this machine's spool and lag), prune --older-than AGE, flush the spool"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(title="actions", metavar="ACTION", dest="action", required=True)
    for name, help_text in (
        ("status", "rows, schema version and dropped rows of the ledger; what waits in this machine's spool"),
        ("prune", "delete the rows older than an age (retention)"),
        ("flush", "ship this machine's spool to the PostgreSQL ledger now"),
    ):
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--ledger", metavar="FILE|URL",
                         help="the SQLite ledger file or a postgresql:// URL (default: $ROUTECHECK_LEDGER)")
        if name != "prune":
            sub.add_argument("--spool", type=Path, metavar="DIR",
                             help="the spool folder (default: $ROUTECHECK_SPOOL, else one under ~/.local/state)")
    prune = actions.choices["prune"]
    prune.add_argument("--older-than", required=True, metavar="AGE", help="an age: 90d, 12w, 36h")
    actions.choices["flush"].add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                                          help="give up after this long (default: 60)")


def _when(ts: float | None) -> str:
    from datetime import UTC, datetime

    return "n/a" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _size(n: int) -> str:
    return f"{n:,} B" if n < 1024 else f"{n / 1024:,.1f} KiB" if n < 1 << 20 else f"{n / (1 << 20):,.1f} MiB"


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    import time

    from routecheck.cli.report import ledger_target, parse_duration
    from routecheck.report import ledger_admin
    from routecheck.report.ledger_reader import display

    target = ledger_target(args.ledger)
    if args.action == "prune":
        before = time.time() - parse_duration(args.older_than, option="--older-than")
        deleted = ledger_admin.prune(target, before=before)
        print(f"{display(target)}: deleted {deleted:,} rows older than {_when(before)}")
        return 0
    if args.action == "flush":
        shipped, left = ledger_admin.flush(target, spool=args.spool, environ=os.environ, timeout=args.timeout)
        print(f"{display(target)}: shipped {shipped:,} rows; {left.rows:,} wait in {left.folder}")
        return 0
    state = ledger_admin.ledger_status(target, spool=args.spool, environ=os.environ)
    out = [f"ledger:  {state.ledger}"]
    if state.error is not None:
        out.append(f"  cannot be read: {state.error}")
    else:
        out += [f"  schema version {state.version}",
                f"  {state.rows:,} rows, {_when(state.oldest)} to {_when(state.newest)}",
                f"  {state.dropped:,} rows dropped by replicas (spool full or unwritable)"]
    if state.spool is not None:
        spool = state.spool
        out += [f"spool:   {spool.folder}",
                f"  {spool.rows:,} rows waiting in {spool.segments} segments ({_size(spool.bytes)}), "
                f"lag {spool.lag(time.time()):.1f} s"]
    sys.stdout.write("\n".join(out) + "\n")
    return 1 if state.error is not None else 0
