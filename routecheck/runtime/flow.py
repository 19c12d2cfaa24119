"""The decisions of one routed call, sans I/O: a generator per router method, shared by both routers.

A flow yields the request to send (`Count`, `Create` or `OpenStream`), and the driver (Router or
AsyncRouter) sends it through the SDK and passes back the result with `flow.send(result)`, or the
exception with `flow.throw(exc)`; the flow's return value is the method's. The flow decides everything
else: the route, the size upgrade, the overload and validation retries, and each attempt's ledger row
and span. Retrying the same request is the SDK's (`max_retries`: 408, 409, 429, 5xx and connection
errors, with backoff): a flow only re-sends on another tier, after the SDK has given up.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from routecheck.runtime.core import Attempt, Core, Purpose, Validation, Validator, check_text, reply_text
from routecheck.runtime.errors import ValidationFailed
from routecheck.runtime.tokens import estimate_input_tokens

if TYPE_CHECKING:
    from anthropic.types import Message, MessageParam

    from routecheck.runtime.routing import Route

log = logging.getLogger("routecheck.runtime")
T = TypeVar("T")


# The requests are not frozen: a frozen dataclass pays an object.__setattr__ per field, on every call.


@dataclass(slots=True)
class Count:
    """Ask the token-counting endpoint (on the plain client); the result is its response."""

    params: dict[str, Any]


@dataclass(slots=True)
class _Attempted:
    """A Messages request that is one recorded attempt: sent with the attempt activated."""

    params: dict[str, Any]
    attempt: Attempt | None

    @property
    def traced(self) -> bool:
        """Whether the call goes through the client with the middleware that stamps the SDK's span."""
        return self.attempt is not None and self.attempt.span is not None


@dataclass(slots=True)
class Create(_Attempted):
    """Send `messages.create(**params)`; the result is the Message."""


@dataclass(slots=True)
class OpenStream(_Attempted):
    """Open `messages.stream(**params)`; the result is whatever the driver needs back to hand the stream
    to the caller and close it (the flow only passes it on, in `Opened.handle`)."""


Request = Count | Create | OpenStream
#: A router method's decisions: yields requests, is sent their results, returns the method's result.
Flow = Generator[Request, Any, T]


@dataclass(frozen=True, slots=True)
class Opened:
    """A stream the flow opened: the driver's result for OpenStream, and the attempt to record at its end."""

    handle: Any
    attempt: Attempt | None


def call(core: Core, task: str, prompt: str, system: str, max_tokens: int | None,
         validate: Validator | None) -> Flow[str]:
    """`router.call`: one user message; with `validate`, one retry on the `validation_failed` tier."""
    messages: list[MessageParam] = [{"role": "user", "content": prompt}]
    kwargs: dict[str, Any] = {"system": system} if system else {}
    if max_tokens is not None:  # capped at the task's max_tokens like any caller's (RoutingCore.params)
        kwargs["max_tokens"] = max_tokens
    route = yield from _sized(core, core.route(task), messages, kwargs)
    message, route, validation = yield from _created(core, route, messages, kwargs, "live", validate)
    if validation != "failed":
        return reply_text(message)
    retry = core.validation_retry(route)
    if retry is None:
        raise ValidationFailed(task, route.tier.name, 1)
    message, route, validation = yield from _created(core, retry, messages, kwargs, "live", validate)
    if validation == "failed":
        raise ValidationFailed(task, route.tier.name, 2)
    return reply_text(message)


def create(core: Core, task: str, messages: list[MessageParam], kwargs: Mapping[str, Any]) -> Flow[Message]:
    """`router.create`: the caller's request with the task's model and max_tokens cap."""
    route = yield from _sized(core, core.route(task), messages, kwargs)
    return (yield from _created(core, route, messages, kwargs, "live", None))[0]


def create_on_tier(
    core: Core, task: str, tier: str, messages: list[MessageParam], kwargs: Mapping[str, Any]
) -> Flow[Message]:
    """`router.create_on_tier`: exactly `tier`, one attempt, recorded as "eval"."""
    return (yield from _created(core, core.on_tier(task, tier), messages, kwargs, "eval", None))[0]


def stream(core: Core, task: str, messages: list[MessageParam], kwargs: Mapping[str, Any]) -> Flow[Opened]:
    """`router.stream` up to an open stream (re-opened on the overloaded tier); `stream_closed` records it."""
    route = yield from _sized(core, core.route(task), messages, kwargs)
    while True:
        params = core.params(route, messages, kwargs)
        attempt = core.begin(route, "live")
        try:
            opened = yield OpenStream(params, attempt)
        except Exception as exc:
            core.finish(attempt, None, exc)
            retry = core.overload_retry(route, exc)
            if retry is None:
                raise
            route = retry
            continue
        return Opened(opened, attempt)


def stream_closed(core: Core, attempt: Attempt | None, stream: Any, error: BaseException | None) -> None:
    """Record a stream when its block exits: what it accumulated, and the error that ended it, if any."""
    core.finish(attempt, None if attempt is None else _snapshot(stream), error)


def _sized(core: Core, route: Route, messages: list[MessageParam], kwargs: Mapping[str, Any]) -> Flow[Route]:
    """The route after the task's input_tokens_over rule (counted by the API when the rule says exact)."""
    rule = core.size_rule(route)
    if rule is None:
        return route
    counted: int | None = None
    if rule.count == "exact":
        try:
            response = yield Count({"model": route.tier.model, "messages": messages, **_count_options(kwargs)})
            counted = response.input_tokens
        except Exception as exc:  # a failed count must not fail the call: fall back to the estimate
            _count_failed(route, exc)
    if counted is None:
        counted = estimate_input_tokens(messages, kwargs.get("system"))
    return core.sized(route, rule, counted)


def _created(
    core: Core,
    route: Route,
    messages: list[MessageParam],
    kwargs: Mapping[str, Any],
    purpose: Purpose,
    validate: Validator | None,
) -> Flow[tuple[Message, Route, Validation | None]]:
    """One create, re-sent on the overloaded tier (live calls only); the message, its route and validation."""
    while True:
        params = core.params(route, messages, kwargs)
        attempt = core.begin(route, purpose)
        try:
            message: Message = yield Create(params, attempt)
        except Exception as exc:
            core.finish(attempt, None, exc)
            retry = core.overload_retry(route, exc) if purpose == "live" else None
            if retry is None:
                raise
            route = retry
            continue
        validation: Validation | None = None
        if validate is not None:
            validation = "passed" if check_text(validate, reply_text(message)) else "failed"
        core.finish(attempt, message, None, validation)
        return message, route, validation


_COUNTED = ("system", "tools", "tool_choice", "thinking")


def _count_options(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The create() parameters the token-counting endpoint also takes."""
    return {key: kwargs[key] for key in _COUNTED if key in kwargs}


def _count_failed(route: Route, error: Exception) -> None:
    log.warning(
        "task %r: token counting failed (%s); using the local estimate for input_tokens_over",
        route.task, type(error).__name__,
    )


def _snapshot(stream: Any) -> Any:
    """The message a stream has accumulated so far (None before its first event)."""
    try:
        return stream.current_message_snapshot
    except Exception:
        return None
