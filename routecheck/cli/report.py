"""routecheck report: what the ledger says about live calls (placeholder)."""

from __future__ import annotations

import argparse

HELP = "monitor: per-task calls, tier mix, cost, upgrades, validation failures, latency; revert advice"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    return 0
