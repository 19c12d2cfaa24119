"""A policy diff as text, JSON (stable, versioned) and Markdown made to be posted as a pull-request comment."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal
from typing import assert_never

from routecheck.cost.columns import aligned
from routecheck.cost.money import MINUS, amount_text, cents, money, percent_change, signed_money
from routecheck.cost.render import stale_note
from routecheck.diff.changes import Change, Value
from routecheck.diff.review import PolicyDiff, TaskCostDelta, changed_tasks
from routecheck.diff.values import shown

JSON_VERSION = 1
FORMATS = ("text", "json", "markdown")
#: The first line of the Markdown comment: how CI finds its earlier comment to update it.
COMMENT_MARKER = "<!-- routecheck-diff -->"
ARROW = "\u2192"


def renderer(name: str) -> Callable[[PolicyDiff], str]:
    """The render function of format `name` (one of FORMATS)."""
    return {"json": render_json, "markdown": render_markdown}.get(name, render_text)


def shown_delta(old: Decimal | None, new: Decimal | None) -> Decimal:
    """The change as printed: the difference of the two rounded amounts, so a row adds up as read."""
    return cents(new or Decimal(0)) - cents(old or Decimal(0))


def headline(diff: PolicyDiff) -> str:
    """`Monthly cost: $135.00 → $65.70 (-$69.30, -51.3%)`, with U+2212 minus signs."""
    change = shown_delta(diff.old_total, diff.new_total)
    if change == 0:
        detail = "no change"
    else:
        pct = percent_change(cents(diff.old_total), cents(diff.new_total))
        detail = signed_money(change) + (f", {pct}" if pct else "")
    return f"Monthly cost: {money(diff.old_total)} {ARROW} {money(diff.new_total)} ({detail})"


def _amount(value: Decimal | None, exists: bool) -> str:
    return money(value) if value is not None else "no volume" if exists else "-"


def _tier_cell(cost: TaskCostDelta) -> str:
    if cost.old_tier and cost.new_tier and cost.old_tier != cost.new_tier:
        return f"{cost.old_tier} {ARROW} {cost.new_tier}"
    return cost.new_tier or cost.old_tier or "-"


def _what_changed(diff: PolicyDiff, cost: TaskCostDelta) -> str:
    """A few words for the table: `moved down`, `stakes, touches`, `tier prices`."""
    words = []
    for change in diff.changes:
        if change.task != cost.task:
            continue
        match change.kind:
            case "task-added":
                words.append("added")
            case "task-removed":
                words.append("removed")
            case "tier-move":
                words.append({"downgrade": "moved down", "upgrade": "moved up"}.get(change.direction or "", "moved"))
            case "task-field":
                words.append(str(change.field))
            case "upgrade-rules":
                words.append("upgrade rules")
    if not words:
        tier = cost.new_tier
        on_tier = [c for c in diff.changes if c.kind in ("price", "model") and c.tier == tier]
        words.append(f"tier '{tier}' " + ("model" if all(c.kind == "model" for c in on_tier) else "prices")
                     if on_tier else "cost")
    return ", ".join(words)


def _rows(diff: PolicyDiff) -> list[tuple[TaskCostDelta, str]]:
    by_task = {c.task: c for c in diff.costs}
    return [(by_task[name], _what_changed(diff, by_task[name])) for name in changed_tasks(diff)]


def _cells(diff: PolicyDiff, cost: TaskCostDelta, what: str) -> list[str]:
    return [
        cost.task, what, _tier_cell(cost), _amount(cost.old, cost.old_tier is not None),
        _amount(cost.new, cost.new_tier is not None), signed_money(shown_delta(cost.old, cost.new)),
    ]


def _notes(diff: PolicyDiff) -> list[str]:
    return [f"Warning: {stale_note(s)}." for s in diff.stale_prices]


def _escape(text: str) -> str:
    """Free text from the policy (owner, price_source) must not open HTML or close the <details> block."""
    return text.replace("&", "&amp;").replace("<", "&lt;")  # a lone '>' opens nothing mid-line


def render_markdown(diff: PolicyDiff) -> str:
    lines = [COMMENT_MARKER, "### Routing policy review", "", f"**{headline(diff)}**", "",
             f"Compared `{diff.old_label}` {ARROW} `{diff.new_label}`.", ""]
    if diff.is_empty:
        return "\n".join([*lines, "No changes to the routing policy.", *_notes(diff)]) + "\n"
    if diff.risks:
        lines += [f"**Risk flags ({len(diff.risks)})**", ""]
        lines += [f"- **{r.kind}**: {_escape(r.message)}" for r in diff.risks]
    else:
        lines.append("**No risk flags.**")
    rows = _rows(diff)
    if rows:
        lines += ["", "| task | change | tier | before | after | delta |", "|---|---|---|---:|---:|---:|"]
        lines += ["| " + " | ".join(_cells(diff, cost, what)) + " |" for cost, what in rows]
    lines += ["", "<details>", f"<summary>All changes ({len(diff.changes)})</summary>", ""]
    lines += [f"- {_escape(change_message(c))}" for c in diff.changes]
    lines += ["", "</details>"]
    notes = _notes(diff)
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def render_text(diff: PolicyDiff) -> str:
    lines = [f"Policy diff: {diff.old_label} {ARROW} {diff.new_label}", headline(diff)]
    if diff.is_empty:
        return "\n".join([*lines, "No changes to the routing policy.", *_notes(diff)]) + "\n"
    lines += ["", f"Risk flags ({len(diff.risks)}):" if diff.risks else "No risk flags."]
    lines += [f"  {r.kind}: {r.message}" for r in diff.risks]
    lines += ["", f"Changes ({len(diff.changes)}):", *(f"  {change_message(c)}" for c in diff.changes)]
    rows = _rows(diff)
    if rows:
        table = [["task", "change", "tier", "before", "after", "delta"]]
        table += [_cells(diff, cost, what) for cost, what in rows]
        lines += ["", "Monthly cost of the changed tasks:", *aligned(table, right=frozenset({3, 4, 5}), indent="  ")]
    notes = _notes(diff)
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def _value(change: Change, value: Value) -> str:
    """A value as the change shows it; an omitted input or output price is the price source's."""
    if change.kind == "price" and value is None and change.field != "batch_discount":
        return "(genai-prices)"
    return shown(value)


def change_message(change: Change) -> str:
    """One line a reviewer reads: `task 'x' stakes: high \u2192 low`."""
    old, new = _value(change, change.old), _value(change, change.new)
    match change.kind:
        case "task-added":
            return f"task '{change.task}' added on '{change.tier}'"
        case "task-removed":
            return f"task '{change.task}' removed (was on '{change.tier}')"
        case "tier-move":
            return f"task '{change.task}' moved from '{old}' to '{new}' ({change.direction})"
        case "task-field":
            return f"task '{change.task}' {change.field}: {old} {ARROW} {new}"
        case "upgrade-rules":
            return f"task '{change.task}' upgrade rules: {old} {ARROW} {new}"
        case "tier-added":
            return f"tier '{change.tier}' added ({new})"
        case "tier-removed":
            return f"tier '{change.tier}' removed (was {old})"
        case "model" | "price" | "tier-field":
            return f"tier '{change.tier}' {change.field}: {old} {ARROW} {new}"
        case "gate":
            return f"gate.{change.field}: {old} {ARROW} {new} ({'loosened' if change.loosened else 'tightened'})"
        case "setting":
            return f"{change.field}: {old} {ARROW} {new}"
        case _:
            assert_never(change.kind)


def _change_fields(change: Change) -> dict[str, object]:
    """The JSON keys of one kind of change, between its `category` and its `message` (stable, versioned)."""
    old, new = _value(change, change.old), _value(change, change.new)
    match change.kind:
        case "task-added" | "task-removed":
            return {"task": change.task, "tier": change.tier}
        case "tier-move":
            return {"task": change.task, "old_tier": change.old, "new_tier": change.new, "direction": change.direction}
        case "task-field":
            return {"task": change.task, "field": change.field, "old": old, "new": new}
        case "upgrade-rules":
            return {"task": change.task, "old": _rules(change.old), "new": _rules(change.new)}
        case "tier-added":
            return {"tier": change.tier, "model": change.new}
        case "tier-removed":
            return {"tier": change.tier, "model": change.old}
        case "model":
            return {"tier": change.tier, "old_model": change.old, "new_model": change.new}
        case "price" | "tier-field":
            return {"tier": change.tier, "field": change.field, "old": old, "new": new}
        case "gate":
            return {"field": change.field, "old": old, "new": new, "loosened": change.loosened}
        case "setting":
            return {"field": change.field, "old": old, "new": new}
        case _:
            assert_never(change.kind)


def _rules(value: Value) -> list[str]:
    return [shown(rule) for rule in value] if isinstance(value, tuple) else []


def _change(change: Change) -> dict[str, object]:
    return {"category": change.kind, **_change_fields(change), "message": change_message(change)}


def render_json(diff: PolicyDiff) -> str:
    """`{"version": 1, ...}`: money as decimal strings with two places, never floats."""
    data = {
        "version": JSON_VERSION,
        "old": diff.old_label,
        "new": diff.new_label,
        "monthly_cost": {
            "old_usd": amount_text(diff.old_total),
            "new_usd": amount_text(diff.new_total),
            "delta_usd": amount_text(shown_delta(diff.old_total, diff.new_total)),
            "delta_percent": (percent_change(cents(diff.old_total), cents(diff.new_total)) or "").replace(MINUS, "-")
            or None,
        },
        "risks": [dataclasses.asdict(r) for r in diff.risks],
        "changes": [_change(c) for c in diff.changes],
        "tasks": [
            {"task": c.task, "old_tier": c.old_tier, "new_tier": c.new_tier,
             "old_usd": None if c.old is None else amount_text(c.old),
             "new_usd": None if c.new is None else amount_text(c.new),
             "delta_usd": amount_text(shown_delta(c.old, c.new))}
            for c in diff.costs
        ],
        "stale_prices": [
            {"tier": s.tier, "prices_as_of": s.as_of.isoformat(), "age_days": s.age_days} for s in diff.stale_prices
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
