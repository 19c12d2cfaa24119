"""Constants and types the tests share (fixtures that use them live in conftest.py).

A module of its own, so tests can import it by a unique name: `conftest` is not unique in a tree
where sub-folders have their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from routecheck.policy import loader
from routecheck.policy.loader import PolicyFile
from routecheck.rules import known_codes

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = FIXTURES / "policies"
REPO = Path(__file__).parent.parent
#: The date the tests run "on": the shipped prices (2026-11-01) are fresh, nothing is stale by accident.
TODAY = date(2026, 11, 24)


@dataclass(frozen=True)
class Run:
    """What one in-process `routecheck` run did."""

    code: int
    out: str
    err: str


WritePolicy = Callable[..., Path]
RunCli = Callable[..., Run]

#: A valid policy's first lines: two tiers, no tasks (tests append theirs).
TWO_TIERS = """\
version = 1
default_tier = "sonnet"

[tiers.haiku]
model = "claude-haiku-4-5-20251001"
rank = 1
input_usd_per_mtok = 1.00
output_usd_per_mtok = 5.00

[tiers.sonnet]
model = "claude-sonnet-4-6"
rank = 2
input_usd_per_mtok = 3.00
output_usd_per_mtok = 15.00

"""


#: A valid policy's first lines with one tier, no tasks.
ONE_TIER = """\
version = 1
default_tier = "sonnet"

[tiers.sonnet]
model = "claude-sonnet-4-6"
rank = 1
input_usd_per_mtok = 3.00
output_usd_per_mtok = 15.00

"""
#: A one-tier, one-task policy with volumes, at ONE_TIER_WHERE (the default policy path).
ONE_TIER_POLICY = ONE_TIER + """\
[tasks.t]
tier = "sonnet"
kind = "extraction"
output = "json"
stakes = "low"
calls_per_day = 100
input_tokens = 100
output_tokens = 100
"""
ONE_TIER_WHERE = "policies/routing.toml"


def load_policy(path: Path) -> PolicyFile:
    """The one loader as every command calls it: with the rule catalogue's codes for `ignore` lists."""
    return loader.load_policy(path, known_codes=known_codes())
