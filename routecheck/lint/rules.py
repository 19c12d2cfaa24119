"""The policy rules RC101-RC115. Each is one small check, declared with its code, name and severity; its
docstring is its documentation page (`routecheck.rule_spec`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from routecheck.deprecations import deprecation_date, deprecation_note, successor
from routecheck.finding import Severity
from routecheck.model_ids import is_anthropic_model_id
from routecheck.policy.vocabulary import (
    MAX_CHEAP_CATEGORIES,
    OPEN_OUTPUTS,
    SENSITIVE_TOUCHES,
    STALE_PRICES_AFTER,
    is_savings_candidate,
)
from routecheck.rule_spec import RuleSpec, declare
from routecheck.toml_locate import KeyPath

if TYPE_CHECKING:  # the rule catalogue imports this module: it must not pull in pydantic
    from routecheck.cost.prices import Prices
    from routecheck.policy.evidence import Evidence
    from routecheck.policy.loader import PolicyFile
    from routecheck.policy.model import Gate, Policy, Task


class Hit(NamedTuple):
    """Where a rule fired and what it says; the lint runner makes the Finding."""

    key: KeyPath
    message: str
    task: str | None = None
    model: str | None = None
    severity: Severity | None = None  # for a rule whose severity depends on the case (RC115); else the rule's


@dataclass(frozen=True)
class LintContext:
    source: PolicyFile
    today: date

    @property
    def policy(self) -> Policy:
        return self.source.policy

    @cached_property
    def prices(self) -> dict[str, Prices | None]:
        """Every tier's prices on `today`; computed on first use (it imports genai-prices for a tier without them)."""
        from routecheck.cost.book import price_book  # lazy: the catalogue loads this on every run

        return price_book(self.policy, self.today)


PolicyRule = RuleSpec[[LintContext], Iterator[Hit]]
POLICY_RULES: list[PolicyRule] = []


def policy_rule(code: str, name: str, severity: Severity) -> Callable[[Callable[[LintContext], Iterator[Hit]]],
                                                                     PolicyRule]:
    """Declare a policy rule: the decorated function is its check, its docstring its page."""
    return declare(POLICY_RULES, code, name, severity)


def _below_default(policy: Policy, task: Task) -> bool:
    return policy.rank(task.tier) < policy.rank(policy.default_tier)


def _on_cheapest(policy: Policy, task: Task) -> bool:
    """On the cheapest of several tiers (a policy with one tier has no cheaper choice to blame)."""
    return len(policy.tiers) > 1 and task.tier == policy.cheapest_tier


@policy_rule("RC101", "unsafe-default-tier", Severity.ERROR)
def unsafe_default_tier(ctx: LintContext) -> Iterator[Hit]:
    """default_tier is the cheapest tier.

    ## Why is this bad?
    The default tier is where every task lands that nobody has thought about yet: an unregistered
    task type (with `unknown_tasks = "default"`) and any task that has not been verified. The
    article's pattern makes the mid tier the safe default so that nothing is ever downgraded by
    accident; a cheap default downgrades every new task silently.

    ## Example
    ```toml
    default_tier = "haiku"   # the cheapest tier
    ```

    ## Use instead
    ```toml
    default_tier = "sonnet"  # cheaper tiers are opt-in, per task, with evidence
    ```
    """
    policy = ctx.policy
    if len(policy.tiers) > 1 and policy.default_tier == policy.cheapest_tier:
        yield Hit(("default_tier",), f"default_tier '{policy.default_tier}' is the cheapest tier; "
                  "make a more capable tier the safe default")


@policy_rule("RC102", "high-stakes-below-default", Severity.ERROR)
def high_stakes_below_default(ctx: LintContext) -> Iterator[Hit]:
    """A task with stakes = high or irreversible runs on a tier below default_tier.

    ## Why is this bad?
    The cost of a wrong answer decides the tier as much as the shape of the output. A classification
    error caught by a validator is cheap; one that sends the wrong email or deletes the wrong record
    is not. High-stakes tasks stay at the safe default or above, however short their output.

    ## Example
    ```toml
    [tasks.refund_decision]
    tier = "haiku"
    stakes = "high"
    ```

    ## Use instead
    ```toml
    [tasks.refund_decision]
    tier = "sonnet"
    stakes = "high"
    ```
    """
    policy = ctx.policy
    for name, task in policy.tasks.items():
        if task.stakes != "low" and _below_default(policy, task):
            yield Hit(("tasks", name, "tier"), f"task '{name}' has stakes = {task.stakes} but runs on "
                      f"'{task.tier}', below default_tier '{policy.default_tier}'", task=name)


@policy_rule("RC103", "irreversible-below-top", Severity.ERROR)
def irreversible_below_top(ctx: LintContext) -> Iterator[Hit]:
    """A task with stakes = irreversible does not run on the top tier.

    ## Why is this bad?
    Plans with irreversible consequences (spending money, sending messages, deleting data) are where
    the most capable model pays for itself: one avoided mistake costs more than a month of calls.

    ## Example
    ```toml
    [tasks.execute_refund_plan]
    tier = "sonnet"
    stakes = "irreversible"
    ```

    ## Use instead
    ```toml
    [tasks.execute_refund_plan]
    tier = "opus"      # the highest-ranked tier
    stakes = "irreversible"
    ```
    """
    policy = ctx.policy
    for name, task in policy.tasks.items():
        if task.stakes == "irreversible" and task.tier != policy.top_tier:
            yield Hit(("tasks", name, "tier"), f"task '{name}' is irreversible but runs on '{task.tier}', "
                      f"not the top tier '{policy.top_tier}'", task=name)


@policy_rule("RC104", "multi-step-on-cheapest", Severity.ERROR)
def multi_step_on_cheapest(ctx: LintContext) -> Iterator[Hit]:
    """A multi-step task (multi_step = true) runs on the cheapest tier.

    ## Why is this bad?
    When the right answer needs a chain of reasoning held in working memory ("given X, knowing Y from
    earlier, and accounting for exception Z"), the cheapest tier answers shorter and more directly
    and loses coherence along the chain.

    ## Example
    ```toml
    [tasks.plan_agent_steps]
    tier = "haiku"
    multi_step = true
    ```

    ## Use instead
    ```toml
    [tasks.plan_agent_steps]
    tier = "sonnet"
    multi_step = true
    ```
    """
    policy = ctx.policy
    for name, task in policy.tasks.items():
        if task.multi_step and _on_cheapest(policy, task):
            yield Hit(("tasks", name, "multi_step"), f"task '{name}' is multi-step but runs on the cheapest "
                      f"tier '{task.tier}'", task=name)


@policy_rule("RC105", "open-output-on-cheapest", Severity.ERROR)
def open_output_on_cheapest(ctx: LintContext) -> Iterator[Hit]:
    """A task whose output is long_text or code runs on the cheapest tier.

    ## Why is this bad?
    Short, schema-constrained output is cheap to verify; long-form text and code are not. Quality on
    the cheapest tier degrades noticeably at longer outputs (structure and tone drift) and its code
    misses non-obvious edge cases, and neither failure is caught by a validator.

    ## Example
    ```toml
    [tasks.draft_email]
    tier = "haiku"
    output = "long_text"
    ```

    ## Use instead
    ```toml
    [tasks.draft_email]
    tier = "sonnet"
    output = "long_text"
    ```
    """
    policy = ctx.policy
    for name, task in policy.tasks.items():
        if task.output in OPEN_OUTPUTS and _on_cheapest(policy, task):
            yield Hit(("tasks", name, "output"), f"task '{name}' produces {task.output} but runs on the "
                      f"cheapest tier '{task.tier}'", task=name)


@policy_rule("RC106", "too-many-categories", Severity.ERROR)
def too_many_categories(ctx: LintContext) -> Iterator[Hit]:
    """A classification with more than 15 categories runs on the cheapest tier.

    ## Why is this bad?
    Intent classification is the cheapest tier's home ground, until the label set grows past about
    15 categories or the categories overlap in meaning; then its error rate climbs.

    ## Example
    ```toml
    [tasks.route_ticket]
    tier = "haiku"
    kind = "classification"
    categories = 40
    ```

    ## Use instead
    Move the task up a tier, or split it into a coarse classification and a second, narrower one:
    ```toml
    [tasks.route_ticket]
    tier = "sonnet"
    kind = "classification"
    categories = 40
    ```
    """
    policy = ctx.policy
    for name, task in policy.tasks.items():
        if (task.categories or 0) > MAX_CHEAP_CATEGORIES and _on_cheapest(policy, task):
            yield Hit(("tasks", name, "categories"), f"task '{name}' classifies into {task.categories} "
                      f"categories (over {MAX_CHEAP_CATEGORIES}) on the cheapest tier '{task.tier}'", task=name)


@policy_rule("RC107", "sensitive-touch-below-default", Severity.ERROR)
def sensitive_touch_below_default(ctx: LintContext) -> Iterator[Hit]:
    """A task that touches payment, auth, data_integrity or deletion runs below default_tier.

    ## Why is this bad?
    Code and decisions that touch money, authentication, data integrity or deletion are where a
    subtle error is most expensive and least visible. They stay at the safe default or above.

    ## Example
    ```toml
    [tasks.generate_billing_code]
    tier = "haiku"
    touches = ["payment"]
    ```

    ## Use instead
    ```toml
    [tasks.generate_billing_code]
    tier = "sonnet"
    touches = ["payment"]
    ```
    """
    policy = ctx.policy
    for name, task in policy.tasks.items():
        sensitive = sorted(set(task.touches) & SENSITIVE_TOUCHES)
        if sensitive and _below_default(policy, task):
            yield Hit(("tasks", name, "touches"), f"task '{name}' touches {', '.join(sensitive)} but runs on "
                      f"'{task.tier}', below default_tier '{policy.default_tier}'", task=name)


@policy_rule("RC108", "unverified-downgrade", Severity.ERROR)
def unverified_downgrade(ctx: LintContext) -> Iterator[Hit]:
    """A task runs below default_tier without evidence that passes the gate.

    Fires when the task has no `evidence`, its evidence file does not exist, or the evidence is for
    another task or another model than the tier's, has fewer than `gate.min_samples` samples, or an
    error rate above `gate.max_error_rate`. With `gate.max_regression` set the paired gate decides
    instead of `max_error_rate`: the evidence must hold the paired figures, at least
    `gate.min_samples` samples graded on both tiers, and an upper 95% bound of the candidate's error
    rate minus the reference's (`regression_upper_95`) at most `max_regression`.

    ## Why is this bad?
    Moving a task to a cheaper tier is a one-line change whose failures are silent: the cheap model
    returns something that looks valid and is wrong in a way that surfaces later. The test before
    switching is the error rate on 100-200 real inputs, run on both tiers and graded; the switch is
    made only under the gate (the article says under 5-8%). Both tiers answer the same inputs, so the
    paired gate can ask the reviewer's question directly: is the cheap tier worse than the one it
    replaces, by more than we accept?

    ## Example
    ```toml
    [tasks.extract_entities]
    tier = "haiku"          # below default_tier, and nothing shows it works there
    ```

    ## Use instead
    Run `routecheck eval extract_entities --samples samples.jsonl --write`, then:
    ```toml
    [tasks.extract_entities]
    tier = "haiku"
    evidence = "evidence/extract_entities.toml"
    ```
    """
    policy, gate = ctx.policy, ctx.policy.gate
    for name, task in policy.tasks.items():
        if not _below_default(policy, task):
            continue
        model = policy.tiers[task.tier].model
        run = f"run `routecheck eval {name} --samples FILE --write`"
        if name in ctx.source.missing_evidence:
            yield Hit(("tasks", name, "evidence"), f"task '{name}' runs below default_tier '{policy.default_tier}' "
                      f"but its evidence file {task.evidence} does not exist ({run})", task=name, model=model)
            continue
        loaded = ctx.source.evidence.get(name)
        if loaded is None:
            yield Hit(("tasks", name, "tier"), f"task '{name}' runs on '{task.tier}' below default_tier "
                      f"'{policy.default_tier}' without evidence ({run})", task=name, model=model)
            continue
        reason = _gate_failure(loaded.evidence, name, task.tier, model, gate)
        if reason:
            yield Hit(("tasks", name, "evidence"), f"task '{name}' runs below default_tier '{policy.default_tier}' "
                      f"but its evidence {task.evidence} {reason}", task=name, model=model)


def _gate_failure(ev: Evidence, name: str, tier: str, model: str, gate: Gate) -> str | None:
    """Why evidence does not pass the gate, as the end of a sentence; None when it does."""
    if ev.task != name:
        return f"is for task '{ev.task}'"
    if ev.candidate_model != model:
        return f"is for {ev.candidate_model}, but tier '{tier}' is {model}"
    if ev.samples < gate.min_samples:
        return f"has {ev.samples} samples, the gate needs at least {gate.min_samples}"
    if gate.max_regression is None:
        if ev.error_rate > gate.max_error_rate:
            return f"shows an error rate of {ev.error_rate:.1%}, above the gate's {gate.max_error_rate:.1%}"
        return None
    if not ev.has_paired or ev.paired_samples is None or ev.regression_upper_95 is None:
        return "has no paired figures, which gate.max_regression needs (run `routecheck eval` again to write them)"
    if ev.paired_samples < gate.min_samples:
        return f"has {ev.paired_samples} samples graded on both tiers, the gate needs at least {gate.min_samples}"
    if ev.regression_upper_95 > gate.max_regression:
        return (f"shows the candidate's error rate may exceed the reference's by up to {ev.regression_upper_95:.1%} "
                f"(upper 95% bound), above the gate's max_regression {gate.max_regression:.1%}")
    return None


@policy_rule("RC109", "unknown-model", Severity.WARNING)
def unknown_model(ctx: LintContext) -> Iterator[Hit]:
    """A tier's model is neither an id the installed anthropic SDK knows nor shaped like one.

    ## Why is this bad?
    A typo in a model id fails only at call time, in production, on the first call of every task on
    that tier. The id is checked against the model list of the installed anthropic SDK and against
    Anthropic's id shapes (`claude-...`, Bedrock `anthropic.claude-...`, Vertex `claude-...@date`).

    ## Example
    ```toml
    [tiers.haiku]
    model = "claud-haiku-4-5"
    ```

    ## Use instead
    ```toml
    [tiers.haiku]
    model = "claude-haiku-4-5-20251001"
    ```
    """
    for name, tier in ctx.policy.tiers.items():
        if not is_anthropic_model_id(tier.model):
            yield Hit(("tiers", name, "model"), f"tier '{name}' model '{tier.model}' is not a model id the "
                      "anthropic SDK knows, nor shaped like one", model=tier.model)


@policy_rule("RC110", "upgrade-not-upward", Severity.WARNING)
def upgrade_not_upward(ctx: LintContext) -> Iterator[Hit]:
    """An upgrade rule's target ranks at or below the task's own tier.

    ## Why is this bad?
    An upgrade exists to give a hard call more capability: a rule that "upgrades" to the same tier
    retries for nothing, and one that goes down makes the hard calls the cheap ones.

    ## Example
    ```toml
    [tasks.classify_intent]
    tier = "sonnet"
    [[tasks.classify_intent.upgrade]]
    when = "validation_failed"
    to = "haiku"
    ```

    ## Use instead
    ```toml
    [[tasks.classify_intent.upgrade]]
    when = "validation_failed"
    to = "opus"
    ```
    """
    policy = ctx.policy
    for name, task in policy.tasks.items():
        for index, rule in enumerate(task.upgrade):
            if policy.rank(rule.to) <= policy.rank(task.tier):
                yield Hit(("tasks", name, "upgrade", index, "to"), f"task '{name}' upgrade on {rule.when} goes "
                          f"to '{rule.to}', which does not rank above its tier '{task.tier}'", task=name)


@policy_rule("RC111", "savings-candidate", Severity.INFO)
def savings_candidate(ctx: LintContext) -> Iterator[Hit]:
    """A task above the cheapest tier answers yes to the article's three questions.

    Its output is short and schema-constrained (label or json), a wrong answer is cheap (stakes =
    low, touches nothing), and it needs no multi-step reasoning. The message gives the monthly
    saving at the policy's volume.

    ## Why is this bad?
    It is not bad, it is money: running everything on the mid tier "because it is safer" costs
    several times more, slowly and invisibly. These are the tasks to verify first.

    ## Example
    ```toml
    [tasks.tag_language]
    tier = "sonnet"
    kind = "classification"
    output = "label"
    stakes = "low"
    ```

    ## Use instead
    Run `routecheck eval tag_language --samples samples.jsonl --write`; if it passes the gate, move
    the task to the cheap tier with the evidence. To keep it where it is, add `ignore = ["RC111"]`.
    """
    from routecheck.cost import monthly_cost  # lazy: the catalogue loads this on every run

    policy = ctx.policy
    prices = ctx.prices
    cheapest = policy.cheapest_tier
    for name, task in policy.tasks.items():
        if is_savings_candidate(policy, task):
            here, there = prices[task.tier], prices[cheapest]
            now = None if here is None else monthly_cost(task, here)
            then = None if there is None else monthly_cost(task, there)
            saving = "no volume in the policy to price it" if now is None or then is None else (
                f"saves ${now - then:,.2f}/month"
            )
            yield Hit(("tasks", name, "tier"), f"task '{name}' could move from '{task.tier}' to '{cheapest}' "
                      f"({saving}); verify with `routecheck eval {name}`", task=name)


@policy_rule("RC112", "tier-hygiene", Severity.WARNING)
def tier_hygiene(ctx: LintContext) -> Iterator[Hit]:
    """Two tiers share a model id, or a tier is used by no task, no upgrade rule and not as default.

    ## Why is this bad?
    Two tier names for one model make the cost model and every review of the policy lie about what
    is cheap. An unused tier is dead configuration that someone will later route to unverified.

    ## Example
    ```toml
    [tiers.fast]
    model = "claude-haiku-4-5-20251001"
    [tiers.cheap]
    model = "claude-haiku-4-5-20251001"
    ```

    ## Use instead
    One tier per model; delete tiers nothing uses.
    """
    policy = ctx.policy
    first_with_model: dict[str, str] = {}
    for name, tier in policy.tiers.items():
        if tier.model in first_with_model:
            yield Hit(("tiers", name, "model"), f"tier '{name}' uses model {tier.model}, as tier "
                      f"'{first_with_model[tier.model]}' does", model=tier.model)
        else:
            first_with_model[tier.model] = name
    used = {policy.default_tier}
    for task in policy.tasks.values():
        used.add(task.tier)
        used.update(rule.to for rule in task.upgrade)
    for name in policy.tiers:
        if name not in used:
            yield Hit(("tiers", name), f"tier '{name}' is used by no task, no upgrade rule and not as default_tier")


@policy_rule("RC113", "stale-prices", Severity.WARNING)
def stale_prices(ctx: LintContext) -> Iterator[Hit]:
    """A tier's prices_as_of is more than 90 days old.

    ## Why is this bad?
    List prices change, and every figure `routecheck cost` and `routecheck diff` print rests on
    them. A policy says how old its prices are so that a reviewer can tell.

    ## Example
    ```toml
    [tiers.sonnet]
    prices_as_of = 2025-01-15
    ```

    ## Use instead
    Check the provider's pricing page and update the prices together with `prices_as_of` and
    `price_source`.
    """
    for name, tier in ctx.policy.tiers.items():
        if tier.prices_as_of is not None:
            as_of, key, whose = tier.prices_as_of, ("tiers", name, "prices_as_of"), ""
        elif tier.input_usd_per_mtok is None and (known := ctx.prices[name]) is not None and known.checked:
            as_of, key, whose = known.checked, ("tiers", name, "model"), f"{known.source} "
        else:
            continue
        if ctx.today - as_of > STALE_PRICES_AFTER:
            age = (ctx.today - as_of).days
            yield Hit(key, f"tier '{name}' {whose}prices are {age} days old (as of {as_of.isoformat()}); "
                      "check them", model=tier.model)


@policy_rule("RC114", "price-drift", Severity.WARNING)
def price_drift(ctx: LintContext) -> Iterator[Hit]:
    """A tier's typed prices differ from the current list prices genai-prices holds for its model.

    Compared on the day lint runs: input and output price per million tokens. A tier that omits its
    prices uses genai-prices' and cannot drift; a model genai-prices does not know is not checked.

    ## Why is this bad?
    Every figure `routecheck cost`, `diff` and `suggest` print, and the cost the runtime records
    per call, rests on the tier's prices. A price typed by hand goes stale silently when the
    provider changes it; genai-prices (pydantic's, updated about weekly) tracks the list prices.

    ## Example
    ```toml
    [tiers.haiku]
    model = "claude-haiku-4-5-20251001"
    input_usd_per_mtok = 0.80    # Claude Haiku 3.5's price; Haiku 4.5 lists at $1 / $5
    output_usd_per_mtok = 4.00
    ```

    ## Use instead
    Omit the prices to use genai-prices' (the cost output says so, with its date), or type the
    current ones:
    ```toml
    [tiers.haiku]
    model = "claude-haiku-4-5-20251001"
    ```
    """
    from routecheck.cost.prices import typed_prices  # lazy: the catalogue loads this on every run

    for name, tier in ctx.policy.tiers.items():
        typed = typed_prices(tier)
        if typed is None:
            continue
        from routecheck.cost.source import library_prices  # lazy: it imports genai-prices, which only RC114 needs

        listed = library_prices(tier.model, ctx.today)
        if listed is None:
            continue
        mine, theirs = typed.standard, listed.standard
        if (mine.input, mine.output) != (theirs.input, theirs.output):
            yield Hit(("tiers", name, "input_usd_per_mtok"),
                      f"tier '{name}' prices ${_price(mine.input)} in / ${_price(mine.output)} out per MTok differ "
                      f"from {listed.source}'s ${_price(theirs.input)} / ${_price(theirs.output)} for "
                      f"{tier.model}; update them or omit them to use the source's", model=tier.model)


def _price(value: Decimal) -> str:
    """`0.80`, `15.00`, `0.075`: at least cents, more digits only when the price has them."""
    return f"{value:.2f}" if value == round(value, 2) else f"{value.normalize():f}"


@policy_rule("RC115", "model-end-of-life", Severity.WARNING)
def model_end_of_life(ctx: LintContext) -> Iterator[Hit]:
    """A tier's model reaches end of life within 90 days (warning), or has reached it (error).

    The dates are the installed anthropic SDK's `DEPRECATED_MODELS`; the message names the newest
    model of the same family the SDK lists (`routecheck suggest` gives its price difference).

    ## Why is this bad?
    On its end-of-life date every call to the model fails: each task on the tier, in production,
    at once. Moving a tier to a new model is a policy change that needs its own evidence (RC108),
    so it has to start weeks before the date, not on it.

    ## Example
    ```toml
    [tiers.opus]
    model = "claude-opus-4-5"    # end of life 2027-01-22
    ```

    ## Use instead
    ```toml
    [tiers.opus]
    model = "claude-opus-4-7"
    ```
    """
    for name, tier in ctx.policy.tiers.items():
        note = deprecation_note(tier.model, ctx.today)
        if note is None:
            continue
        newer = successor(tier.model, ctx.today)
        move = f"; move the tier to {newer}" if newer else "; move the tier to a current model"
        when = deprecation_date(tier.model)
        severity = Severity.ERROR if when is not None and ctx.today >= when else Severity.WARNING
        yield Hit(("tiers", name, "model"), f"tier '{name}' model {tier.model} {note}{move}", model=tier.model,
                  severity=severity)
