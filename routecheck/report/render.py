"""`routecheck report` as text, JSON (versioned) or markdown. Formats only."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from routecheck.report.figures import Advice, LedgerReport, TaskFigures
from routecheck.report.ledger_reader import MAX_CALL_USD

FORMATS = ("text", "json", "markdown")
REVERT_TEST = ("(revert test: the Wilson 95% lower bound of the live validation failure rate is above the "
               "evidence's Wilson 95% upper bound)")


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _money(value: Decimal | None) -> str:
    return "n/a" if value is None else f"${value:,.2f}"


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} ms"


def _mix(t: TaskFigures) -> str:
    return ", ".join(f"{tier} {n / t.calls:.0%}" for tier, n in t.tiers)


def _upgrades(t: TaskFigures) -> str:
    if not t.upgraded:
        return "none"
    return f"{_pct(t.upgrade_rate)} ({', '.join(f'{kind} {n}' for kind, n in t.upgrades)})"


def _validation(t: TaskFigures) -> str:
    v = t.validation
    if v is None:
        return "no validated calls on the policy tier"
    return f"{v.successes} of {v.trials} = {_pct(v.rate)} (Wilson 95% {_pct(v.low)} to {_pct(v.high)})"


def _advice_lines(task: str, a: Advice) -> list[str]:
    live = a.live
    evidence = (f"the evidence's error rate {_pct(a.evidence_rate)} "
                f"(upper 95% bound {_pct(a.evidence_upper)}, {a.evidence_path})")
    if a.test == "paired" and a.reference_rate is not None and a.max_regression is not None:
        # which figure crossed which bound, in the paired gate's terms
        evidence = (f"the reference's error rate in the evidence {_pct(a.reference_rate)} plus max_regression "
                    f"{_pct(a.max_regression)} = {_pct(a.bound)} ({a.evidence_path})")
    if not a.revert:
        return [f"keep {task}: live validation failures {_pct(live.rate)} (lower 95% bound {_pct(live.low)}) "
                f"are not clearly above {evidence}"]
    return [
        f"REVERT {task}: live validation failures {_pct(live.rate)} (lower 95% bound {_pct(live.low)}) "
        f"are clearly above {evidence}",
        f"  now, without a deploy: {a.override}",
        f"  then: {a.policy_change}",
    ]


def text(report: LedgerReport) -> str:
    out = [f"routecheck report: {report.ledger}, {_when(report.since)} to {_when(report.until)} "
           f"({float(report.days):g} days)"]
    if not report.tasks:
        out.append("no live calls in this period")
    for t in report.tasks:
        policy = f"policy tier {t.policy_tier}" if t.policy_tier else "not in the policy"
        out += [
            "",
            f"{t.task} ({policy})",
            f"  calls:               {t.calls} ({t.errors} failed)",
            f"  tier mix:            {_mix(t)}",
            f"  cost:                {_money(t.cost_usd)} (policy estimate for the period: {_money(t.estimated_usd)})",
            f"  upgrades/fallbacks:  {_upgrades(t)}",
            f"  validation failures: {_validation(t)}",
            f"  latency:             p50 {_ms(t.p50_ms)}, p95 {_ms(t.p95_ms)}",
        ]
        if t.advice is not None:
            out += ["  " + line for line in _advice_lines(t.task, t.advice)]
    if report.eval_calls:
        out += ["", f"({report.eval_calls} calls made by `routecheck eval` are not counted)"]
    if report.skipped_rows:
        out += ["", skipped_note(report.skipped_rows)]
    revert = [t.task for t in report.tasks if t.advice is not None and t.advice.revert]
    out += ["", f"revert advised: {', '.join(revert)}" if revert else "revert advised: none"]
    if any(t.advice is not None for t in report.tasks):
        out.append(REVERT_TEST)
    return "\n".join(out) + "\n"


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 6))


def to_json(report: LedgerReport) -> str:
    def task(t: TaskFigures) -> dict[str, object]:
        v, a = t.validation, t.advice
        return {
            "task": t.task,
            "policy_tier": t.policy_tier,
            "calls": t.calls,
            "errors": t.errors,
            "tiers": dict(t.tiers),
            "cost_usd": _num(t.cost_usd),
            "estimated_cost_usd": _num(t.estimated_usd),
            "upgrades": dict(t.upgrades),
            "upgrade_rate": round(t.upgrade_rate, 6),
            "validation": None if v is None else {
                "validated": v.trials, "failed": v.successes, "rate": round(v.rate, 6),
                "low_95": round(v.low, 6), "high_95": round(v.high, 6)},
            "latency_ms": {"p50": t.p50_ms, "p95": t.p95_ms},
            "advice": None if a is None else {
                "action": "revert" if a.revert else "keep", "evidence": a.evidence_path, "test": a.test,
                "bound": round(a.bound, 6), "evidence_reference_rate": a.reference_rate,
                "max_regression": a.max_regression,
                "evidence_error_rate": a.evidence_rate, "evidence_upper_95": a.evidence_upper,
                "to_tier": a.to_tier, "override": a.override, "policy_change": a.policy_change},
        }

    payload = {
        "version": 1,
        "ledger": report.ledger,
        "since": datetime.fromtimestamp(report.since, UTC).isoformat().replace("+00:00", "Z"),
        "until": datetime.fromtimestamp(report.until, UTC).isoformat().replace("+00:00", "Z"),
        "eval_calls": report.eval_calls,
        "tasks": [task(t) for t in report.tasks],
    }
    if report.skipped_rows:  # only then: a sound ledger's report stays as it was
        payload["skipped_rows"] = report.skipped_rows
    return json.dumps(payload, indent=2) + "\n"


def markdown(report: LedgerReport) -> str:
    out = [f"### routecheck report: {_when(report.since)} to {_when(report.until)}", ""]
    out += ["| task | calls | tier mix | cost | estimate | upgrades | validation failures | p50 | p95 |",
            "|---|---:|---|---:|---:|---|---|---:|---:|"]
    for t in report.tasks:
        val = t.validation
        v = "n/a" if val is None else f"{val.successes}/{val.trials} ({_pct(val.rate)})"
        out.append(f"| `{t.task}` | {t.calls} | {_mix(t)} | {_money(t.cost_usd)} | {_money(t.estimated_usd)} | "
                   f"{_upgrades(t)} | {v} | {_ms(t.p50_ms)} | {_ms(t.p95_ms)} |")
    advice = [(t.task, t.advice) for t in report.tasks if t.advice is not None]
    if advice:
        out.append("")
    for name, a in advice:
        lines = _advice_lines(name, a)
        out.append(f"- **{lines[0].split(':')[0]}**:{lines[0].split(':', 1)[1]}")
        out.extend(f"  - `{line.split(': ', 1)[1]}`" for line in lines[1:])
    if advice:
        out += ["", REVERT_TEST]
    if report.skipped_rows:
        out += ["", skipped_note(report.skipped_rows)]
    return "\n".join(out) + "\n"


def skipped_note(rows: int) -> str:
    """The note for corrupted rows: counted, left out, and said so."""
    return (f"note: {rows} ledger {'row was' if rows == 1 else 'rows were'} skipped: a value of the wrong type "
            f"or out of range (a cost below 0 or of {MAX_CALL_USD:,} USD or more)")


RENDERERS = {"text": text, "json": to_json, "markdown": markdown}
