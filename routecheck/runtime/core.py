"""What Router and AsyncRouter share: routes, request parameters, upgrade targets, and recording a call.

Nothing here does I/O on the network; the two routers differ only in how they await the SDK.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from opentelemetry import context as otel_context
from opentelemetry import trace

from routecheck.runtime.errors import ModelNotAllowed, RoutingError, UnregisteredTaskType
from routecheck.runtime.ledger import LEDGER_ENV, CallRecord, LedgerWriter, instance_name, open_ledger
from routecheck.runtime.policy import RuntimePolicy, TierSpec, UpgradeRule
from routecheck.runtime.routing import (
    OVERRIDE_ENV,
    Route,
    announce_override,
    parse_override,
    plan_routes,
    plan_unknown,
)
from routecheck.runtime.telemetry import CURRENT_STAMP, Stamp, Telemetry, end_span
from routecheck.runtime.usage import usage_counts

if TYPE_CHECKING:
    from opentelemetry.trace import Span, TracerProvider
    from opentelemetry.util.types import AttributeValue

log = logging.getLogger("routecheck.runtime")

Purpose = Literal["live", "eval"]
Validation = Literal["passed", "failed"]
#: Statuses after the SDK's own retries that mean "this tier is overloaded": rate limited (429), overloaded (529).
OVERLOAD_STATUSES = frozenset({429, 529})


class JsonModel(Protocol):
    """A model class that parses JSON text, such as a pydantic model (validation = parsing without error)."""

    @classmethod
    def model_validate_json(cls, json_data: str, /) -> Any: ...


#: What `validate=` takes: a predicate on the reply text, or a model class the reply must parse as (JSON).
Validator = Callable[[str], bool] | type[JsonModel]


def check_text(validate: Validator, text: str) -> bool:
    """Whether `text` passes `validate`. A model class passes when it parses `text` without raising."""
    if not isinstance(validate, type):
        return bool(validate(text))
    try:
        cast("type[JsonModel]", validate).model_validate_json(text)
    except Exception:  # pydantic's ValidationError and anything a custom parser raises: not valid
        return False
    return True


def reply_text(message: Any) -> str:
    """The text blocks of a Message, joined."""
    return "".join(block.text for block in message.content if block.type == "text")


@dataclass(slots=True)
class Attempt:
    """One API call in flight: its route, when it started, and its span."""

    route: Route
    purpose: Purpose
    started: float
    clock: float
    span: Span | None
    stamp: Stamp


class Core:
    """The routing state of one router: policy, planned routes, ledger and telemetry."""

    def __init__(
        self,
        policy: RuntimePolicy,
        *,
        ledger: LedgerWriter | None,
        tracer_provider: TracerProvider | None,
        override: str | None,
        environ: Mapping[str, str] | None,
    ) -> None:
        env = os.environ if environ is None else environ
        override_text = env.get(OVERRIDE_ENV, "") if override is None else override
        self.policy = policy
        self.override = parse_override(override_text, policy)
        announce_override(override_text, self.override, policy.sha256)
        self.routes = plan_routes(policy, self.override)
        target = env.get(LEDGER_ENV)
        self.ledger = ledger if ledger is not None else open_ledger(target, env) if target else None
        self._instance_env = env
        self._instance = (0, "")
        self.telemetry = Telemetry(tracer_provider)
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    # -- routes -----------------------------------------------------------------------------------

    def route(self, task: str) -> Route:
        """The planned route of `task` (an unknown task: raise, or default_tier with one warning)."""
        route = self.routes.get(task)
        if route is not None:
            return route
        task = str.__str__(task)  # a str subclass (a StrEnum member) is recorded as its plain text
        route = plan_unknown(self.policy, task, self.override)
        with self._lock:
            first = task not in self._warned
            self._warned.add(task)
        if first:
            log.warning("task type %r is not in the routing policy: running it on %r", task, route.tier.name)
        return route

    def on_tier(self, task: str, tier: str) -> Route:
        """The evaluation route: exactly `tier`, no override, floor or upgrades."""
        spec = self.policy.task_by_name.get(task)
        if spec is None:
            raise UnregisteredTaskType(task, self.policy.task_by_name)
        chosen = self.policy.tier_by_name.get(tier)
        if chosen is None:
            raise RoutingError(f"{tier!r} is not a tier (tiers: {', '.join(t.name for t in self.policy.tiers)})")
        return Route(task, self.policy.tier_by_name[spec.tier], chosen, spec.max_tokens, None, spec)

    def size_rule(self, route: Route) -> UpgradeRule | None:
        """The task's input_tokens_over rule, if it could still move this route up."""
        rule = route.spec.rule("input_tokens_over") if route.spec is not None else None
        if rule is None or rule.threshold is None or self._tier(rule.to).rank <= route.tier.rank:
            return None
        return rule

    def sized(self, route: Route, rule: UpgradeRule, input_tokens: int) -> Route:
        assert rule.threshold is not None
        return route.moved_to(self._tier(rule.to), "input_tokens_over") if input_tokens > rule.threshold else route

    def overload_retry(self, route: Route, error: BaseException) -> Route | None:
        """Where to re-send a call the SDK gave up on as overloaded (429/529); None: do not."""
        if getattr(error, "status_code", None) not in OVERLOAD_STATUSES or route.spec is None:
            return None
        if not _is_status_error(error):
            return None
        rule = route.spec.rule("overloaded")
        if rule is None or self._tier(rule.to).rank <= route.tier.rank:
            return None
        return route.moved_to(self._tier(rule.to), "overloaded")

    def validation_retry(self, route: Route) -> Route | None:
        """Where the one retry after a failed validation goes: the rule's tier, never below the current one."""
        rule = route.spec.rule("validation_failed") if route.spec is not None else None
        if rule is None:
            return None
        target = self._tier(rule.to)
        tier = target if target.rank > route.tier.rank else route.tier
        return replace(route, tier=tier, upgrade="validation_failed")

    def _tier(self, name: str) -> TierSpec:
        return self.policy.tier_by_name[name]

    # -- requests ---------------------------------------------------------------------------------

    @staticmethod
    def params(route: Route, messages: Iterable[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """The SDK parameters: the caller's, with the policy's model and the max_tokens cap."""
        if "stream" in kwargs:
            raise RoutingError(f"task {route.task!r}: stream= is not accepted; use router.stream(...)")
        if "model" in kwargs:
            raise ModelNotAllowed(
                f"task {route.task!r}: model= is not accepted; "
                f"the routing policy picks the model (tier {route.tier.name!r})"
            )
        params = dict(kwargs)
        params["messages"] = messages
        params["model"] = route.tier.model
        asked = params.get("max_tokens")
        params["max_tokens"] = route.max_tokens if asked is None else min(asked, route.max_tokens)
        return params

    # -- recording --------------------------------------------------------------------------------

    def begin(self, route: Route, purpose: Purpose) -> Attempt | None:
        """Start recording one API call; None when nothing would record it (no span, no ledger)."""
        traced = self.telemetry.active
        if not traced and self.ledger is None:
            return None
        tier = route.tier
        attributes: dict[str, AttributeValue] = {
            "routecheck.task": route.task,
            "routecheck.requested_tier": route.requested.name,
            "routecheck.tier": tier.name,
            "routecheck.purpose": purpose,
        }
        if route.upgrade is not None:
            attributes["routecheck.upgrade"] = route.upgrade
        span = self.telemetry.start(route.task, attributes, tier.model) if traced else None
        stamp = Stamp(span, attributes, tier)
        return Attempt(route, purpose, time.time(), time.perf_counter(), span, stamp)

    def finish(
        self, attempt: Attempt | None, message: Any, error: BaseException | None, validation: Validation | None = None
    ) -> None:
        """Record the call (ledger row, span attributes) and end its span. Never raises for a ledger failure."""
        if attempt is None:
            return
        latency_ms = (time.perf_counter() - attempt.clock) * 1000
        usage = usage_counts(message)
        route = attempt.route
        record = CallRecord(
            ts=attempt.started,
            task=route.task,
            requested_tier=route.requested.name,
            tier=route.tier.name,
            model=route.tier.model,
            upgrade=route.upgrade,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=route.tier.cost_usd(usage),
            latency_ms=latency_ms,
            validation=validation,
            status="ok" if error is None else "error",
            error_type=None if error is None else type(error).__name__,
            purpose=attempt.purpose,
            instance=self.instance(),
            policy_sha256=self.policy.sha256,
        )
        if attempt.span is not None:
            end_span(attempt.span, record, usage)
        if self.ledger is not None:
            try:
                self.ledger.record(record)
            except Exception:  # the ledger is monitoring: losing a row must not fail the user's call
                log.exception("could not write to the routecheck ledger %s", self.ledger.name)

    def instance(self) -> str:
        """This replica's name for the ledger (host:pid changes in a forked child)."""
        pid = os.getpid()
        if self._instance[0] != pid:
            self._instance = (pid, instance_name(self._instance_env))
        return self._instance[1]


class Activated:
    """Makes an attempt's span current and its stamp visible to the SDK middleware, for one SDK call.

    Only an attempt with a span needs this: without one there is nothing to stamp (see `Core.begin`).
    """

    __slots__ = ("_span", "_stamp", "_tokens")

    def __init__(self, attempt: Attempt | None) -> None:
        self._span = None if attempt is None else attempt.span
        self._stamp = None if attempt is None else attempt.stamp

    def __enter__(self) -> None:
        if self._span is not None:
            context = otel_context.attach(trace.set_span_in_context(self._span))
            self._tokens = (context, CURRENT_STAMP.set(self._stamp))

    def __exit__(self, *exc: object) -> None:
        if self._span is not None:
            context_token, stamp_token = self._tokens
            CURRENT_STAMP.reset(stamp_token)
            otel_context.detach(context_token)


def _is_status_error(error: BaseException) -> bool:
    import anthropic  # lazy: the runtime imports without the SDK (generate, report); a call has it loaded

    return isinstance(error, anthropic.APIStatusError)
