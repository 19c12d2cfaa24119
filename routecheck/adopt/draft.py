"""A starting policy from a survey: the tiers and tasks the code uses today, as policy text with comments.

Nothing moves: each task sits on the tier of the model it runs on now, with the max_tokens it sends.
What the code cannot say (kind, output, stakes, touches) is a conservative guess from the task's name,
marked `# review:`. The text is written by hand (tomli-w writes no comments); every value in it is
a checked identifier, a model id, a number, a date or a JSON-escaped string.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from routecheck.adopt.survey import Site, Survey
from routecheck.cost.prices import Prices

__all__ = ["FAMILIES", "Draft", "draft_policy"]

#: Claude's model families, least capable first: a tier per family (per version when a family has several).
FAMILIES = ("haiku", "sonnet", "opus")
_COMMENT_COLUMN = 28

#: (words in a task's name, kind, output), first match wins; "review" alone is not code review.
_GUESSES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("classif", "intent", "triage", "categor", "label", "route", "detect"), "classification", "label"),
    (("extract", "entit", "parse"), "extraction", "json"),
    (("summar", "headline", "tldr", "digest"), "summarization", "short_text"),
    (("plan",), "planning", "json"),
    (("code",), "codegen", "code"),
    (("generat", "draft", "reply", "email", "compose", "write"), "drafting", "short_text"),
    (("research", "synth", "analy", "report"), "synthesis", "long_text"),
)
_TOUCHES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("refund", "payment", "charge", "invoice", "billing"), "payment"),
    (("auth", "login", "password"), "auth"),
    (("delete", "purge", "erase"), "deletion"),
    (("reply", "email", "message"), "customer_message"),
)


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    tiers: tuple[str, ...]
    tasks: tuple[str, ...]
    left_out: tuple[str, ...]  # models and places no tier or task could be made of, for the user to see


@dataclass(frozen=True, slots=True)
class _Tier:
    name: str
    model: str
    rank: int
    spellings: tuple[str, ...]


def family_version(model: str) -> tuple[str, tuple[int, ...]] | None:
    """`claude-haiku-4-5-20251001` -> ('haiku', (4, 5)); None for an id of no known family."""
    if not re.fullmatch(r"claude-[a-z0-9.-]+", model):
        return None
    parts = model.removeprefix("claude-").split("-")
    family = next((p for p in parts if p in FAMILIES), None)
    if family is None:
        return None
    return family, tuple(int(p) for p in parts if p.isdigit() and len(p) <= 2)


def draft_policy(survey: Survey, prices: dict[str, Prices | None], *, today: date, price_source: str) -> Draft:
    """The policy text for `survey`; `prices` holds genai-prices' list prices of each model it uses."""
    models = [*survey.models, *(site.model for site in survey.sites)]
    if survey.fallback is not None:
        models.append(survey.fallback[0])
    tiers, left_out = _tiers(models)
    tier_of = {spelling: tier for tier in tiers for spelling in tier.spellings}
    sites = [s for s in survey.sites if s.model in tier_of]
    if not tiers:
        return Draft("", (), (), (*left_out, *survey.unnamed))
    fallback = survey.fallback
    default = (tier_of[fallback[0]] if fallback is not None and fallback[0] in tier_of
               else next((t for t in tiers if t.name == "sonnet"), tiers[-1]))
    lines = [
        f"# The routing policy `routecheck init` read from the code on {today.isoformat()}: every task stays on",
        "# the model it runs on today. Check each line marked `# review:`, then remove the mark.",
        "version = 1",
    ]
    why_default = (f"what {fallback[1]} falls back to" if fallback is not None and tier_of.get(fallback[0]) == default
                   else "review: the safe default; anything not verified for a cheaper tier runs here")
    lines.append(_commented(f'default_tier = "{default.name}"', why_default))
    if fallback is not None and tier_of.get(fallback[0]) == default:
        lines.append(_commented('unknown_tasks = "default"',
                                "review: as the code does; \"error\" makes a misspelt task type fail"))
    else:
        lines.append('unknown_tasks = "error"')
    for tier in tiers:
        lines += ["", f"[tiers.{tier.name}]"]
        others = [s for s in tier.spellings if s != tier.model]
        model_line = f"model = {_string(tier.model)}"
        lines.append(_commented(model_line, "the code also spells it " + ", ".join(others)) if others else model_line)
        lines.append(f"rank = {tier.rank}")
        found = prices.get(tier.model)
        if found is None:
            lines.append("# review: genai-prices does not know this model: add input_usd_per_mtok and "
                         "output_usd_per_mtok")
        else:
            lines += [f"input_usd_per_mtok = {_money(found.standard.input)}",
                      f"output_usd_per_mtok = {_money(found.standard.output)}",
                      f"prices_as_of = {today.isoformat()}",
                      f"price_source = {_string(price_source)}"]
    tasks: dict[str, list[Site]] = {}
    for site in sites:
        tasks.setdefault(site.task, []).append(site)
    for name in sorted(tasks):
        lines += ["", *_task(name, tasks[name], tier_of, default, tiers)]
    return Draft("\n".join(lines) + "\n", tuple(t.name for t in tiers), tuple(sorted(tasks)),
                 (*left_out, *survey.unnamed))


def _tiers(models: list[str]) -> tuple[list[_Tier], list[str]]:
    """One tier per (family, version) found, ranked by family then version; the newest of a family takes
    the family's name. The model is the spelling the code uses most (the longest, dated one on a tie)."""
    counts = Counter(models)
    groups: dict[tuple[str, tuple[int, ...]], list[str]] = {}
    left_out = []
    for model in sorted(counts):
        key = family_version(model)
        if key is None:
            left_out.append(f"model {model}: not a Claude haiku, sonnet or opus model (the generated client routes "
                            "those)")
        else:
            groups.setdefault(key, []).append(model)
    ordered = sorted(groups, key=lambda k: (FAMILIES.index(k[0]), k[1]))
    newest = {family: max(v for f, v in ordered if f == family) for family, _ in ordered}
    tiers = []
    for rank, key in enumerate(ordered, start=1):
        family, version = key
        name = family if version == newest[family] else "_".join([family, *map(str, version)])
        spellings = groups[key]
        model = max(spellings, key=lambda m: (counts[m], len(m), m))
        tiers.append(_Tier(name, model, rank, tuple(spellings)))
    return tiers, left_out


def _task(name: str, sites: list[Site], tier_of: dict[str, _Tier], default: _Tier, tiers: list[_Tier]) -> list[str]:
    first = sites[0]
    tier = tier_of[first.model]
    places = list(dict.fromkeys(s.where for s in sites))
    lines = [f"[tasks.{name}]"] + [f"# {place}" for place in places]
    lines.append(f'tier = "{tier.name}"')
    others = sorted({s.model for s in sites if tier_of[s.model] != tier})
    if others:
        lines.append(f"# review: also called on {', '.join(others)}; one task type runs on one tier")
    kind, output = next(((k, o) for words, k, o in _GUESSES if any(w in name for w in words)), ("other", "short_text"))
    cheapest = tier.rank == tiers[0].rank
    if cheapest and output in ("long_text", "code"):
        output = "short_text"  # what the cheapest tier may answer (RC105); the guess says review
    lines.append(_commented(f'kind = "{kind}"', "review: guessed from the name"))
    lines.append(_commented(f'output = "{output}"', "review: guessed from the kind"))
    if tier.rank >= default.rank:
        lines.append(_commented('stakes = "high"', "review: kept at or above default_tier (RC102); low if an "
                                "error does no harm"))
    else:
        lines.append(_commented('stakes = "low"', "review: below default_tier only low stakes may stay (RC102)"))
    touches = [touch for words, touch in _TOUCHES if any(w in name for w in words)]
    if touches:
        lines.append(_commented("touches = [" + ", ".join(f'"{t}"' for t in touches) + "]",
                                "review: guessed from the name"))
    tokens = [s.max_tokens for s in sites if s.max_tokens is not None]
    if tokens:
        lines.append(_commented(f"max_tokens = {max(tokens)}", "what the code sends"))
    return lines


def _commented(line: str, comment: str) -> str:
    return f"{line.ljust(_COMMENT_COLUMN - 1)} # {comment}"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)  # a JSON string with ASCII escapes is a TOML basic string


def _money(value: Decimal) -> str:
    """A price as a TOML float: 1 -> 1.00, 0.8 -> 0.80, 0.075 -> 0.075."""
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:.2f}" if cents == value else format(value.normalize(), "f")
