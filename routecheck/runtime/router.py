"""Router and AsyncRouter: the policy enforced around the anthropic SDK's Messages calls.

`BaseRouter[TaskT]` takes the task type as a type parameter, so a generated client subclasses
`BaseRouter[TaskType]` (a Literal of the policy's task names) and a type checker rejects an unknown task.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack

from routecheck.runtime.core import (
    Activated,
    Attempt,
    Core,
    Purpose,
    Validation,
    Validator,
    check_text,
    reply_text,
)
from routecheck.runtime.errors import ValidationFailed
from routecheck.runtime.tokens import estimate_input_tokens

if TYPE_CHECKING:
    import anthropic
    from anthropic.lib.streaming import AsyncMessageStream, MessageStream
    from anthropic.types import Message, MessageParam
    from opentelemetry.trace import TracerProvider

    from routecheck.runtime.ledger import LedgerWriter
    from routecheck.runtime.policy import RuntimePolicy
    from routecheck.runtime.routing import Route

TaskT = TypeVar("TaskT", bound=str)
log = logging.getLogger("routecheck.runtime")


class RouterOptions(TypedDict, total=False):
    """The keyword options of a router besides the policy and the client (see BaseRouter)."""

    ledger: LedgerWriter | None
    tracer_provider: TracerProvider | None
    override: str | None
    environ: Mapping[str, str] | None


def _user_messages(prompt: str, system: str, max_tokens: int | None) -> tuple[list[MessageParam], dict[str, Any]]:
    kwargs: dict[str, Any] = {"system": system} if system else {}
    if max_tokens is not None:  # capped at the task's max_tokens like any caller's (RoutingCore.params)
        kwargs["max_tokens"] = max_tokens
    return [{"role": "user", "content": prompt}], kwargs


def _client_options(tracer_provider: TracerProvider | None) -> dict[str, Any]:
    return {} if tracer_provider is None else {"open_telemetry": {"tracer_provider": tracer_provider}}


class BaseRouter(Generic[TaskT]):
    """Routes Messages calls by task type through a synchronous `anthropic.Anthropic` client.

    `client=None` builds `anthropic.Anthropic()` (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL apply). `ledger`
    defaults to the file ROUTECHECK_LEDGER names (none when unset); `override` to ROUTECHECK_OVERRIDE;
    `tracer_provider` to OpenTelemetry's global one; `environ` (for those two variables) to os.environ.
    """

    def __init__(
        self,
        policy: RuntimePolicy,
        client: anthropic.Anthropic | None = None,
        **options: Unpack[RouterOptions],
    ) -> None:
        from routecheck.runtime.telemetry import RoutingMiddleware

        tracer_provider = options.get("tracer_provider")
        self._core = Core(
            policy,
            ledger=options.get("ledger"),
            tracer_provider=tracer_provider,
            override=options.get("override"),
            environ=options.get("environ"),
        )
        if client is None:
            import anthropic

            client = anthropic.Anthropic(**_client_options(tracer_provider))
        self.client = client
        # The same client with the middleware that stamps the SDK's span; used only for traced calls.
        self._traced = client.with_middleware(RoutingMiddleware())

    @property
    def policy(self) -> RuntimePolicy:
        return self._core.policy

    def _sdk(self, attempt: Attempt | None) -> anthropic.Anthropic:
        return self._traced if attempt is not None and attempt.span is not None else self.client

    def tier_of(self, task: TaskT) -> str:
        """The tier a call of `task` starts on (after override and floor, before call-time upgrades)."""
        return self._core.route(task).tier.name

    def call(self, task: TaskT, prompt: str, *, system: str = "", max_tokens: int | None = None,
             validate: Validator | None = None) -> str:
        """Send `prompt` as one user message; return the reply text. `max_tokens` above the policy's cap
        is capped.

        With `validate`, a reply that fails it is retried once on the task's `validation_failed` tier
        (ValidationFailed when the task has no such rule, or the retry fails too).
        """
        messages, kwargs = _user_messages(prompt, system, max_tokens)
        route = self._sized(self._core.route(task), messages, kwargs)
        message, route, validation = self._create(route, messages, kwargs, "live", validate)
        if validation != "failed":
            return reply_text(message)
        retry = self._core.validation_retry(route)
        if retry is None:
            raise ValidationFailed(task, route.tier.name, 1)
        message, route, validation = self._create(retry, messages, kwargs, "live", validate)
        if validation == "failed":
            raise ValidationFailed(task, route.tier.name, 2)
        return reply_text(message)

    def create(self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any) -> Message:
        """`client.messages.create` with the task's model and max_tokens cap (`model=` is refused)."""
        messages = list(messages)
        route = self._sized(self._core.route(task), messages, kwargs)
        return self._create(route, messages, kwargs, "live", None)[0]

    def create_on_tier(self, task: TaskT, tier: str, *, messages: Iterable[MessageParam], **kwargs: Any) -> Message:
        """The evaluation path: the task's request on exactly `tier` (no upgrades, floor or override),
        recorded with purpose "eval"."""
        return self._create(self._core.on_tier(task, tier), list(messages), kwargs, "eval", None)[0]

    @contextlib.contextmanager
    def stream(self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any) -> Iterator[MessageStream]:
        """`client.messages.stream` with the same routing; the call is recorded when the block exits."""
        messages = list(messages)
        route = self._sized(self._core.route(task), messages, kwargs)
        while True:
            params = self._core.params(route, messages, kwargs)
            attempt = self._core.begin(route, "live")
            manager = self._sdk(attempt).messages.stream(**params)
            try:
                with Activated(attempt):
                    stream = manager.__enter__()
            except Exception as exc:
                self._core.finish(attempt, None, exc)
                retry = self._core.overload_retry(route, exc)
                if retry is None:
                    raise
                route = retry
                continue
            break
        error: BaseException | None = None
        try:
            yield stream
        except BaseException as exc:
            error = exc
            raise
        finally:
            manager.__exit__(*sys.exc_info())
            self._core.finish(attempt, None if attempt is None else _snapshot(stream), error)

    def _sized(self, route: Route, messages: list[MessageParam], kwargs: Mapping[str, Any]) -> Route:
        rule = self._core.size_rule(route)
        if rule is None:
            return route
        counted = None
        if rule.count == "exact":
            try:
                counted = self.client.messages.count_tokens(
                    model=route.tier.model, messages=messages, **_count_options(kwargs)
                ).input_tokens
            except Exception as exc:  # a failed count must not fail the call: fall back to the estimate
                _count_failed(route, exc)
        if counted is None:
            counted = estimate_input_tokens(messages, kwargs.get("system"))
        return self._core.sized(route, rule, counted)

    def _create(
        self,
        route: Route,
        messages: list[MessageParam],
        kwargs: Mapping[str, Any],
        purpose: Purpose,
        validate: Validator | None,
    ) -> tuple[Message, Route, Validation | None]:
        while True:
            params = self._core.params(route, messages, kwargs)
            attempt = self._core.begin(route, purpose)
            try:
                with Activated(attempt):
                    message: Message = self._sdk(attempt).messages.create(**params)
            except Exception as exc:
                self._core.finish(attempt, None, exc)
                retry = self._core.overload_retry(route, exc) if purpose == "live" else None
                if retry is None:
                    raise
                route = retry
                continue
            validation: Validation | None = None
            if validate is not None:
                validation = "passed" if check_text(validate, reply_text(message)) else "failed"
            self._core.finish(attempt, message, None, validation)
            return message, route, validation


class BaseAsyncRouter(Generic[TaskT]):
    """The same routing through an `anthropic.AsyncAnthropic` client (see BaseRouter)."""

    def __init__(
        self,
        policy: RuntimePolicy,
        client: anthropic.AsyncAnthropic | None = None,
        **options: Unpack[RouterOptions],
    ) -> None:
        from routecheck.runtime.telemetry import RoutingMiddleware

        tracer_provider = options.get("tracer_provider")
        self._core = Core(
            policy,
            ledger=options.get("ledger"),
            tracer_provider=tracer_provider,
            override=options.get("override"),
            environ=options.get("environ"),
        )
        if client is None:
            import anthropic

            client = anthropic.AsyncAnthropic(**_client_options(tracer_provider))
        self.client = client
        # The same client with the middleware that stamps the SDK's span; used only for traced calls.
        self._traced = client.with_middleware(RoutingMiddleware())

    @property
    def policy(self) -> RuntimePolicy:
        return self._core.policy

    def _sdk(self, attempt: Attempt | None) -> anthropic.AsyncAnthropic:
        return self._traced if attempt is not None and attempt.span is not None else self.client

    def tier_of(self, task: TaskT) -> str:
        """The tier a call of `task` starts on (after override and floor, before call-time upgrades)."""
        return self._core.route(task).tier.name

    async def call(self, task: TaskT, prompt: str, *, system: str = "", max_tokens: int | None = None,
                   validate: Validator | None = None) -> str:
        """See BaseRouter.call."""
        messages, kwargs = _user_messages(prompt, system, max_tokens)
        route = await self._sized(self._core.route(task), messages, kwargs)
        message, route, validation = await self._create(route, messages, kwargs, "live", validate)
        if validation != "failed":
            return reply_text(message)
        retry = self._core.validation_retry(route)
        if retry is None:
            raise ValidationFailed(task, route.tier.name, 1)
        message, route, validation = await self._create(retry, messages, kwargs, "live", validate)
        if validation == "failed":
            raise ValidationFailed(task, route.tier.name, 2)
        return reply_text(message)

    async def create(self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any) -> Message:
        """See BaseRouter.create."""
        messages = list(messages)
        route = await self._sized(self._core.route(task), messages, kwargs)
        return (await self._create(route, messages, kwargs, "live", None))[0]

    async def create_on_tier(
        self, task: TaskT, tier: str, *, messages: Iterable[MessageParam], **kwargs: Any
    ) -> Message:
        """See BaseRouter.create_on_tier."""
        return (await self._create(self._core.on_tier(task, tier), list(messages), kwargs, "eval", None))[0]

    @contextlib.asynccontextmanager
    async def stream(
        self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any
    ) -> AsyncIterator[AsyncMessageStream]:
        """See BaseRouter.stream (`async with router.stream(...) as stream`)."""
        messages = list(messages)
        route = await self._sized(self._core.route(task), messages, kwargs)
        while True:
            params = self._core.params(route, messages, kwargs)
            attempt = self._core.begin(route, "live")
            manager = self._sdk(attempt).messages.stream(**params)
            try:
                with Activated(attempt):
                    stream = await manager.__aenter__()
            except Exception as exc:
                self._core.finish(attempt, None, exc)
                retry = self._core.overload_retry(route, exc)
                if retry is None:
                    raise
                route = retry
                continue
            break
        error: BaseException | None = None
        try:
            yield stream
        except BaseException as exc:
            error = exc
            raise
        finally:
            await manager.__aexit__(*sys.exc_info())
            self._core.finish(attempt, None if attempt is None else _snapshot(stream), error)

    async def _sized(self, route: Route, messages: list[MessageParam], kwargs: Mapping[str, Any]) -> Route:
        rule = self._core.size_rule(route)
        if rule is None:
            return route
        counted = None
        if rule.count == "exact":
            try:
                counted = (
                    await self.client.messages.count_tokens(
                        model=route.tier.model, messages=messages, **_count_options(kwargs)
                    )
                ).input_tokens
            except Exception as exc:  # a failed count must not fail the call: fall back to the estimate
                _count_failed(route, exc)
        if counted is None:
            counted = estimate_input_tokens(messages, kwargs.get("system"))
        return self._core.sized(route, rule, counted)

    async def _create(
        self,
        route: Route,
        messages: list[MessageParam],
        kwargs: Mapping[str, Any],
        purpose: Purpose,
        validate: Validator | None,
    ) -> tuple[Message, Route, Validation | None]:
        while True:
            params = self._core.params(route, messages, kwargs)
            attempt = self._core.begin(route, purpose)
            try:
                with Activated(attempt):
                    message: Message = await self._sdk(attempt).messages.create(**params)
            except Exception as exc:
                self._core.finish(attempt, None, exc)
                retry = self._core.overload_retry(route, exc) if purpose == "live" else None
                if retry is None:
                    raise
                route = retry
                continue
            validation: Validation | None = None
            if validate is not None:
                validation = "passed" if check_text(validate, reply_text(message)) else "failed"
            self._core.finish(attempt, message, None, validation)
            return message, route, validation


class Router(BaseRouter[str]):
    """A router for any task name (tools such as `routecheck eval`); generated clients narrow the task type."""


class AsyncRouter(BaseAsyncRouter[str]):
    """The async router for any task name."""


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
