"""The cost table as text (aligned columns), JSON (stable, versioned) and Markdown. Formatting only."""

from __future__ import annotations

import json
from collections.abc import Callable

from routecheck.cost.columns import aligned
from routecheck.cost.money import amount_text, calls, calls_text, money, signed_money
from routecheck.cost.table import CostTable, PriceOrigin, StalePrices, TaskCost

JSON_VERSION = 1
FORMATS = ("text", "json", "markdown")
NO_VOLUME = "no volume"


def renderer(name: str) -> Callable[[CostTable], str]:
    """The render function of format `name` (one of FORMATS)."""
    return {"json": render_json, "markdown": render_markdown}.get(name, render_text)


def stale_note(stale: StalePrices) -> str:
    return (
        f"tier '{stale.tier}' prices are {stale.age_days} days old (as of {stale.as_of.isoformat()}): "
        "check them (RC113 stale-prices)"
    )


def origin_note(origin: PriceOrigin) -> str:
    checked = "no prices_checked date in this release" if origin.checked is None else (
        f"prices checked {origin.checked.isoformat()}")
    return f"tier '{origin.tier}' ({origin.model}) is priced from {origin.source} ({checked})"


def _levers(t: TaskCost) -> str:
    parts = []
    if t.batch:
        parts.append("batch" if t.batch_discount is None else f"batch x{t.batch_discount}")
    if t.cache_read_ratio:
        parts.append(f"cache {(t.cache_read_ratio * 100).normalize():f}%")
    if t.cache_write_ratio:
        parts.append(f"cache write {(t.cache_write_ratio * 100).normalize():f}% ({t.cache_ttl})")
    if t.long_context:
        parts.append("long context")
    return ", ".join(parts)


def _tokens(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _scaled(table: CostTable) -> str:
    return "" if table.scaled_to is None else f", scaled to {table.scaled_to:,} calls/day with the same mix"


def render_text(table: CostTable) -> str:
    lines = [f"Monthly cost of {table.source}{_scaled(table)}", ""]
    rows = [["task", "tier", "model", "calls/day", "in tok", "out tok", "per month", ""]]
    for t in table.tasks:
        shown = money(t.monthly) if t.monthly is not None else NO_VOLUME
        volume = calls(t.calls_per_day) if t.calls_per_day is not None else "-"
        rows.append([t.task, t.tier, t.model, volume, _tokens(t.input_tokens), _tokens(t.output_tokens), shown,
                     _levers(t)])
    lines += aligned(rows, right=frozenset({3, 4, 5, 6}))
    lines.append("")
    rows = [["tier", "tasks", "calls/day", "per month"]]
    rows += [[s.tier, str(s.tasks), calls(s.calls_per_day), money(s.monthly)] for s in table.tiers]
    rows.append(["total", str(sum(s.tasks for s in table.tiers)), calls(table.calls_per_day), money(table.total)])
    lines += aligned(rows, right=frozenset({1, 2, 3}))
    lines += ["", "What if every priced task ran on one tier:"]
    rows = []
    for w in table.what_ifs:
        mark = "  (default_tier)" if w.tier == table.default_tier else ""
        rows.append([f"all on {w.tier}", f"{money(w.monthly)}/month", f"{signed_money(w.monthly - table.total)}"
                     f" vs this policy{mark}"])
    lines += aligned(rows, right=frozenset({1}), indent="  ")
    lines += ["", _saving_sentence(table)]
    if table.no_volume:
        lines.append(f"Not priced ({NO_VOLUME}, so not in any sum): {', '.join(table.no_volume)}.")
    lines += ["", *(f"Prices: {origin_note(o)}." for o in table.price_origins)]
    lines += [f"Warning: {stale_note(s)}." for s in table.stale_prices]
    lines += [f"Assumes: {a}." for a in table.assumptions]
    return "\n".join(lines) + "\n"


def _saving_sentence(table: CostTable) -> str:
    saving = table.saving_per_month
    against = f"everything on default_tier '{table.default_tier}' ({money(table.all_on_default)}/month)"
    if saving >= 0:
        return f"Saving against {against}: {money(saving)}/month, {money(table.saving_per_year)}/year."
    return f"Extra cost against {against}: {money(-saving)}/month, {money(-table.saving_per_year)}/year."


def render_markdown(table: CostTable) -> str:
    lines = [f"### Monthly cost of `{table.source}`{_scaled(table)}", "",
             "| task | tier | model | calls/day | in tok | out tok | per month |",
             "|---|---|---|---:|---:|---:|---:|"]
    for t in table.tasks:
        shown = money(t.monthly) if t.monthly is not None else f"_{NO_VOLUME}_"
        volume = calls(t.calls_per_day) if t.calls_per_day is not None else "-"
        lever = f" ({_levers(t)})" if _levers(t) else ""
        lines.append(f"| {t.task} | {t.tier} | `{t.model}` | {volume} | {_tokens(t.input_tokens)} | "
                     f"{_tokens(t.output_tokens)} | {shown}{lever} |")
    lines.append(f"| **total** | | | **{calls(table.calls_per_day)}** | | | **{money(table.total)}** |")
    lines += ["", "| tier | tasks | calls/day | per month | all tasks on this tier |", "|---|---:|---:|---:|---:|"]
    what_if = {w.tier: w.monthly for w in table.what_ifs}
    for s in table.tiers:
        lines.append(f"| {s.tier} | {s.tasks} | {calls(s.calls_per_day)} | {money(s.monthly)} | "
                     f"{money(what_if[s.tier])} |")
    lines += ["", _saving_sentence(table)]
    notes = [f"Not priced ({NO_VOLUME}, so not in any sum): {', '.join(table.no_volume)}."] if table.no_volume else []
    notes += [f"Prices: {origin_note(o)}." for o in table.price_origins]
    notes += [f"**Warning:** {stale_note(s)}." for s in table.stale_prices]
    notes += [f"Assumes: {a}." for a in table.assumptions]
    lines += ["", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def render_json(table: CostTable) -> str:
    """`{"version": 1, ...}`: money as decimal strings with two places (exact cents), never floats."""
    data = {
        "version": JSON_VERSION,
        "policy": table.source,
        "currency": "USD",
        "scaled_to_calls_per_day": table.scaled_to,
        "tasks": [
            {
                "task": t.task,
                "tier": t.tier,
                "model": t.model,
                "calls_per_day": None if t.calls_per_day is None else calls_text(t.calls_per_day),
                "input_tokens": t.input_tokens,
                "output_tokens": t.output_tokens,
                "monthly_usd": None if t.monthly is None else amount_text(t.monthly),
                "batch": t.batch,
                "batch_discount": None if t.batch_discount is None else str(t.batch_discount),
                "cache_read_ratio": str(t.cache_read_ratio),
                "cache_write_ratio": str(t.cache_write_ratio),
                "cache_ttl": t.cache_ttl,
                "long_context": t.long_context,
            }
            for t in table.tasks
        ],
        "tiers": [
            {"tier": s.tier, "model": s.model, "tasks": s.tasks, "calls_per_day": calls_text(s.calls_per_day),
             "monthly_usd": amount_text(s.monthly)}
            for s in table.tiers
        ],
        "total": {"calls_per_day": calls_text(table.calls_per_day), "monthly_usd": amount_text(table.total)},
        "what_ifs": [
            {"tier": w.tier, "monthly_usd": amount_text(w.monthly),
             "vs_policy_usd": amount_text(w.monthly - table.total)}
            for w in table.what_ifs
        ],
        "saving_vs_default": {
            "default_tier": table.default_tier,
            "monthly_usd": amount_text(table.saving_per_month),
            "yearly_usd": amount_text(table.saving_per_year),
        },
        "no_volume": list(table.no_volume),
        "stale_prices": [
            {"tier": s.tier, "prices_as_of": s.as_of.isoformat(), "age_days": s.age_days} for s in table.stale_prices
        ],
        "assumptions": list(table.assumptions),
        "price_sources": [
            {"tier": o.tier, "model": o.model, "source": o.source,
             "prices_checked": None if o.checked is None else o.checked.isoformat()}
            for o in table.price_origins
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
