"""Per-replica figures of a ledger window (`report --by instance`). Data only; `instances_render` formats it.

A replica stands out when some of its calls ran under ROUTECHECK_OVERRIDE, or under a policy whose
content hash is not the policy file's: a stray override or an old deploy, found at a glance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from routecheck.report.ledger_reader import NANO, InstanceGroup

SHORT_SHA = 12


@dataclass(frozen=True)
class InstanceFigures:
    instance: str
    calls: int
    errors: int
    policies: tuple[tuple[str, int], ...]  # policy sha256 -> calls, most calls first
    tiers: tuple[tuple[str, int], ...]
    upgrades: tuple[tuple[str, int], ...]
    cost_usd: Decimal
    stands_out: tuple[str, ...]  # why, in words; empty when the replica looks like the policy file says


@dataclass(frozen=True)
class InstanceReport:
    ledger: str
    since: float
    until: float
    policy_sha256: str  # the policy file's
    instances: tuple[InstanceFigures, ...]

    @property
    def days(self) -> Decimal:
        return Decimal(repr(self.until - self.since)) / 86400


def short(sha: str) -> str:
    return sha[:SHORT_SHA] if sha else "unknown"


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def build_instances(groups: Sequence[InstanceGroup], *, policy_sha256: str, ledger: str, since: float,
                    until: float) -> InstanceReport:
    """One InstanceFigures per replica with live calls in the window, by name."""
    by_instance: dict[str, list[InstanceGroup]] = {}
    for group in groups:
        by_instance.setdefault(group.instance, []).append(group)
    figures = []
    for name in sorted(by_instance):
        rows = by_instance[name]
        calls = sum(g.calls for g in rows)
        policies: Counter[str] = Counter()
        tiers: Counter[str] = Counter()
        upgrades: Counter[str] = Counter()
        for g in rows:
            policies[g.policy_sha256] += g.calls
            tiers[g.tier] += g.calls
            if g.upgrade is not None:
                upgrades[g.upgrade] += g.calls
        why = []
        if upgrades["override"]:
            why.append(f"ROUTECHECK_OVERRIDE on {upgrades['override'] / calls:.0%} of its calls")
        why += [f"policy {short(sha)} is not the policy file's ({n} calls)"
                for sha, n in _ranked(policies) if sha != policy_sha256]
        figures.append(InstanceFigures(
            name, calls, sum(g.calls for g in rows if g.status == "error"), _ranked(policies), _ranked(tiers),
            _ranked(+upgrades), Decimal(sum(g.cost_nano for g in rows)) / NANO, tuple(why),
        ))
    return InstanceReport(ledger, since, until, policy_sha256, tuple(figures))
