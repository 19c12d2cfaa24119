"""`routecheck report --by instance` as text, JSON (versioned) or markdown. Formats only."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from routecheck.report.instances import InstanceFigures, InstanceReport, short


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def _mix(f: InstanceFigures) -> str:
    return ", ".join(f"{tier} {n / f.calls:.0%}" for tier, n in f.tiers)


def _policies(f: InstanceFigures) -> str:
    return ", ".join(short(sha) for sha, _ in f.policies)


def _upgrades(f: InstanceFigures) -> str:
    total = sum(n for _, n in f.upgrades)
    if not total:
        return "none"
    return f"{total / f.calls:.1%} ({', '.join(f'{kind} {n}' for kind, n in f.upgrades)})"


def _columns(f: InstanceFigures) -> list[str]:
    return [f.instance or UNRECORDED, f"{f.calls:,}", f"{f.errors:,}", _policies(f), _mix(f), _upgrades(f),
            f"${f.cost_usd:,.2f}"]


#: The instance of rows written before the ledger recorded one (schema version 1).
UNRECORDED = "(unrecorded)"
HEADER = ["instance", "calls", "failed", "policy", "tier mix", "upgrades", "cost"]
_RIGHT = {1, 2, 6}


def text(report: InstanceReport) -> str:
    out = [f"routecheck report by instance: {report.ledger}, {_when(report.since)} to {_when(report.until)} "
           f"({float(report.days):g} days)",
           f"the policy file's sha256: {short(report.policy_sha256)}"]
    if not report.instances:
        return "\n".join([*out, "no live calls in this period"]) + "\n"
    table = [HEADER] + [_columns(f) for f in report.instances]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    out.append("")
    for row in table:
        cells = [cell.rjust(w) if i in _RIGHT else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths,
                                                                                                   strict=True))]
        out.append("  ".join(cells).rstrip())
    odd = [f for f in report.instances if f.stands_out]
    out.append("")
    out.append("stands out: none" if not odd else "stands out:")
    out += [f"  {f.instance or UNRECORDED}: {'; '.join(f.stands_out)}" for f in odd]
    return "\n".join(out) + "\n"


def to_json(report: InstanceReport) -> str:
    payload = {
        "version": 1,
        "ledger": report.ledger,
        "since": _iso(report.since),
        "until": _iso(report.until),
        "policy_sha256": report.policy_sha256,
        "instances": [{
            "instance": f.instance, "calls": f.calls, "errors": f.errors, "policies": dict(f.policies),
            "tiers": dict(f.tiers), "upgrades": dict(f.upgrades), "cost_usd": float(round(f.cost_usd, 6)),
            "stands_out": list(f.stands_out),
        } for f in report.instances],
    }
    return json.dumps(payload, indent=2) + "\n"


def markdown(report: InstanceReport) -> str:
    out = [f"### routecheck report by instance: {_when(report.since)} to {_when(report.until)}", "",
           "| " + " | ".join(HEADER) + " | stands out |", "|---|---:|---:|---|---|---|---:|---|"]
    for f in report.instances:
        cells = _columns(f)
        cells[0] = f"`{cells[0]}`"
        out.append("| " + " | ".join(cells) + f" | {'; '.join(f.stands_out) or '-'} |")
    return "\n".join(out) + "\n"


RENDERERS = {"text": text, "json": to_json, "markdown": markdown}
