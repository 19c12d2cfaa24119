"""The terminal output of `routecheck eval`: formats the figures, decides nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from routecheck.evaluate.graders import answer_key, differences, expected_key
from routecheck.evaluate.plan import Estimate, EvalPlan
from routecheck.evaluate.tally import Disagreement, GateVerdict, Saving, Tally

if TYPE_CHECKING:
    from routecheck.evaluate.evidence_writer import PolicyEdit

JSON_VERSION = 1


def money(value: Decimal) -> str:
    """USD with cents (half up, as invoices round), or four decimals under a dollar (eval runs are cheap)."""
    places = Decimal("0.01") if abs(value) >= 1 else Decimal("0.0001")
    return f"${value.quantize(places, rounding=ROUND_HALF_UP):,}"


def pct(value: float) -> str:
    return f"{value:.1%}"


def clip(text: str, width: int = 80) -> str:
    """One line, quoted: answers are shown, never written."""
    shown = json.dumps(text, ensure_ascii=False)
    return shown if len(shown) <= width else shown[: width - 4] + '…"'


def header(plan: EvalPlan) -> str:
    c, r = plan.candidate, plan.reference
    return (f"eval {plan.task_name}: candidate {c} ({plan.model('candidate')}) against reference {r} "
            f"({plan.model('reference')}), grader {plan.grader_label}\n"
            f"samples: {len(plan.samples.samples)} from {plan.samples.display}\n")


def dry_run(plan: EvalPlan, est: Estimate) -> str:
    lines = [header(plan), "dry run: nothing is sent\n"]
    if est.already_done:
        lines.append(f"already done: {est.already_done} calls recorded by an earlier run (not sent again)\n")
    for role in est.roles:
        up_to = "up to " if role.role == "grader" else ""
        lines.append(f"  {role.role:<9} {role.tier} ({role.model}): {up_to}{role.calls} calls, "
                     f"~{role.input_tokens:,} input + {role.output_tokens:,} output tokens, {money(role.usd)}\n")
    mode = " with the Message Batches discount" if plan.batch else ""
    lines.append(f"calls: {est.calls}, estimated cost {money(est.usd)} at the policy's prices{mode}\n")
    lines.append(f"(input estimated at 4 characters a token; output at {est.output_basis})\n")
    return "".join(lines)


def _disagreement(plan: EvalPlan, d: Disagreement) -> str:
    truth_word = "expected" if plan.grader.kind == "expected" else "reference"
    truth = clip(d.truth) if d.truth is not None else "(not kept: answered by an earlier run)"
    line = f"  {d.sample.label(plan.samples.display)}: {truth_word} {truth}, "
    if d.candidate is None:
        return line + "candidate (not kept: answered by an earlier run)\n"
    line += f"candidate {clip(d.candidate)}"
    if plan.comparison == "json" and d.truth is not None:
        truth_key = (expected_key(d.sample.expected, "json") if plan.grader.kind == "expected"
                     else answer_key(d.truth, "json"))
        if truth_key is not None:
            line += f" ({differences(d.candidate, truth_key, 'json')})"
    return line + "\n"


def signed(value: float) -> str:
    return f"{value:+.1%}" if value else "0.0%"


def paired_line(plan: EvalPlan, result: Tally) -> str:
    """The paired comparison: the discordant pairs, the difference with its interval, McNemar's p."""
    p = result.paired
    if plan.grader.kind == "expected":
        cells = (f"both wrong {p.both}, candidate only {p.candidate_only}, reference only {p.reference_only}")
    else:  # the reference is the truth: every discordant pair is a disagreement
        cells = f"disagreements {p.candidate_only} (the {plan.grader.kind} grader takes the reference as right)"
    return (f"paired: {p.samples} samples on both tiers: {cells}; candidate minus reference {signed(p.estimate)} "
            f"(Newcombe 95% interval {signed(p.low)} to {signed(p.high)}), McNemar exact p = {p.p_value:.3f}\n")


def outcome(
    plan: EvalPlan, result: Tally, gate: GateVerdict, saving: Saving | None, *, show: int,
    notes: Sequence[str] = (), terminal: bool = True,
) -> str:
    """The text report; sample text and answers only on a `terminal`, never into a redirected file or CI log."""
    out = [header(plan)]
    shown = result.disagreements[:show]
    if shown and not terminal:
        out.append(f"disagreements: {len(result.disagreements)} (their text and answers are shown on a terminal "
                   "only)\n")
    elif shown:
        out.append(f"disagreements (first {len(shown)} of {len(result.disagreements)}):\n")
        out.extend(_disagreement(plan, d) for d in shown)
    e = result.errors
    out.append(f"candidate errors: {e.successes} of {e.trials} graded = {pct(e.rate)} "
               f"(Wilson 95% interval {pct(e.low)} to {pct(e.high)})\n")
    if result.reference_errors is not None:
        r = result.reference_errors
        out.append(f"reference errors: {r.successes} of {r.trials} = {pct(r.rate)} (against expected)\n")
    out.append(paired_line(plan, result))
    n = len(result.ungraded)
    out.append(f"infrastructure failures: {n} sample{'s' * (n != 1)} not graded (not counted as errors)\n")
    out.extend(f"  {u.sample.label(plan.samples.display)}: {u.reason}\n" for u in result.ungraded[:show])
    out.append(f"calls: {result.calls} answered (this run and earlier ones), {money(result.cost_usd)} "
               "at the policy's prices\n")
    out.append(f"gate: {'PASS' if gate.passed else 'FAIL'}: {gate.reason}\n")
    if gate.absolute is not None:
        out.append(f"  {gate.absolute}\n")
    if saving is not None:
        task = plan.task
        out.append(f"saving: {plan.candidate} instead of {plan.reference}: {money(saving.candidate_usd)} instead of "
                   f"{money(saving.reference_usd)} a month, {money(saving.monthly)} saved "
                   f"({task.calls_per_day:,} calls a day, the policy's volume)\n")
    else:
        out.append("saving: unknown (the task has no calls_per_day/input_tokens/output_tokens in the policy)\n")
    out.extend(f"{note}\n" for note in notes)
    return "".join(out)


def _num(value: float) -> float:
    return round(value, 6)


def _usd(value: Decimal) -> float:
    return float(round(value, 6))


def dry_run_json(plan: EvalPlan, est: Estimate) -> str:
    """`eval --dry-run --format json`: the calls still to send and their estimated cost."""
    payload = {
        "version": JSON_VERSION, "task": plan.task_name, "dry_run": True, "repeat": plan.repeat,
        "already_done": est.already_done, "calls": est.calls, "estimated_cost_usd": _usd(est.usd),
        "roles": [{"role": r.role, "tier": r.tier, "model": r.model, "calls": r.calls, "input_tokens": r.input_tokens,
                   "output_tokens": r.output_tokens, "estimated_cost_usd": _usd(r.usd)} for r in est.roles],
    }
    return json.dumps(payload, indent=2) + "\n"


def to_json(
    plan: EvalPlan, result: Tally, gate: GateVerdict, saving: Saving | None, *, evidence: str | None,
    edits: Sequence[PolicyEdit],
) -> str:
    """`eval --format json` for CI: every figure of the text output, versioned; no prompt or answer text."""
    e, p, r = result.errors, result.paired, result.reference_errors
    payload = {
        "version": JSON_VERSION,
        "task": plan.task_name,
        "candidate": {"tier": plan.candidate, "model": plan.model("candidate")},
        "reference": {"tier": plan.reference, "model": plan.model("reference")},
        "grader": plan.grader_label,
        "samples": result.samples,
        "repeat": result.repeat,
        "graded": e.trials,
        "errors": e.successes,
        "error_rate": _num(e.rate),
        "error_rate_low_95": _num(e.low),
        "error_rate_high_95": _num(e.high),
        "reference_errors": None if r is None else {"errors": r.successes, "answered": r.trials, "rate": _num(r.rate)},
        "paired": {
            "samples": p.samples, "both": p.both, "candidate_only": p.candidate_only,
            "reference_only": p.reference_only, "neither": p.neither, "regression": _num(p.estimate),
            "regression_low_95": _num(p.low), "regression_high_95": _num(p.high), "mcnemar_p": _num(p.p_value),
        },
        "disagreements": [d.sample.label(plan.samples.display) for d in result.disagreements],
        "infrastructure_failures": [{"sample": u.sample.label(plan.samples.display), "reason": u.reason}
                                    for u in result.ungraded],
        "calls": result.calls,
        "cost_usd": _usd(result.cost_usd),
        "gate": {"passed": gate.passed, "decided_by": "max_error_rate" if gate.absolute is None else "max_regression",
                 "reason": gate.reason, "absolute": gate.absolute},
        "saving": None if saving is None else {"candidate_usd": _usd(saving.candidate_usd),
                                               "reference_usd": _usd(saving.reference_usd),
                                               "monthly_usd": _usd(saving.monthly)},
        "evidence": evidence,
        "policy_edits": [str(edit) for edit in edits],
    }
    return json.dumps(payload, indent=2) + "\n"
