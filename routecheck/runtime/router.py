"""Router and AsyncRouter: the policy enforced around the anthropic SDK's Messages calls.

Both are thin drivers of the same decisions (routecheck.runtime.flow): each method runs a flow,
sending the requests it yields through the SDK, synchronously or awaited.

`BaseRouter[TaskT]` takes the task type as a type parameter, so a generated client subclasses
`BaseRouter[TaskType]` (a Literal of the policy's task names) and a type checker rejects an unknown task.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack

from routecheck.runtime import flow
from routecheck.runtime.core import Activated, Core, Validator
from routecheck.runtime.flow import Count, Create, Flow, Request

if TYPE_CHECKING:
    import anthropic
    from anthropic.lib.streaming import AsyncMessageStream, MessageStream
    from anthropic.types import Message, MessageParam
    from opentelemetry.trace import TracerProvider

    from routecheck.runtime.ledger import LedgerWriter
    from routecheck.runtime.policy import RuntimePolicy

TaskT = TypeVar("TaskT", bound=str)
T = TypeVar("T")


class RouterOptions(TypedDict, total=False):
    """The keyword options of a router besides the policy and the client (see BaseRouter)."""

    ledger: LedgerWriter | None
    tracer_provider: TracerProvider | None
    override: str | None
    environ: Mapping[str, str] | None


def _client_options(options: RouterOptions) -> dict[str, Any]:
    """The options of a client the router builds itself: the router's tracer provider, if given."""
    tracer_provider = options.get("tracer_provider")
    return {} if tracer_provider is None else {"open_telemetry": {"tracer_provider": tracer_provider}}


class _Routing(Generic[TaskT]):
    """What both drivers hold: the routing state of one router (see BaseRouter for the options)."""

    def __init__(self, policy: RuntimePolicy, options: RouterOptions) -> None:
        from routecheck.runtime.telemetry import RoutingMiddleware

        self._core = Core(
            policy,
            ledger=options.get("ledger"),
            tracer_provider=options.get("tracer_provider"),
            override=options.get("override"),
            environ=options.get("environ"),
        )
        # Stamps the SDK's span: the client is wrapped with it for traced calls only.
        self._middleware = RoutingMiddleware()

    @property
    def policy(self) -> RuntimePolicy:
        return self._core.policy

    def tier_of(self, task: TaskT) -> str:
        """The tier a call of `task` starts on (after override and floor, before call-time upgrades)."""
        return self._core.route(task).tier.name


class BaseRouter(_Routing[TaskT]):
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
        super().__init__(policy, options)
        if client is None:
            import anthropic

            client = anthropic.Anthropic(**_client_options(options))
        self.client = client
        self._traced = client.with_middleware(self._middleware)

    def call(self, task: TaskT, prompt: str, *, system: str = "", max_tokens: int | None = None,
             validate: Validator | None = None) -> str:
        """Send `prompt` as one user message; return the reply text. `max_tokens` above the policy's cap
        is capped.

        With `validate`, a reply that fails it is retried once on the task's `validation_failed` tier
        (ValidationFailed when the task has no such rule, or the retry fails too).
        """
        return self._run(flow.call(self._core, task, prompt, system, max_tokens, validate))

    def create(self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any) -> Message:
        """`client.messages.create` with the task's model and max_tokens cap (`model=` is refused)."""
        return self._run(flow.create(self._core, task, list(messages), kwargs))

    def create_on_tier(self, task: TaskT, tier: str, *, messages: Iterable[MessageParam], **kwargs: Any) -> Message:
        """The evaluation path: the task's request on exactly `tier` (no upgrades, floor or override),
        recorded with purpose "eval"."""
        return self._run(flow.create_on_tier(self._core, task, tier, list(messages), kwargs))

    @contextlib.contextmanager
    def stream(self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any) -> Iterator[MessageStream]:
        """`client.messages.stream` with the same routing; the call is recorded when the block exits."""
        opened = self._run(flow.stream(self._core, task, list(messages), kwargs))
        manager, stream = opened.handle
        error: BaseException | None = None
        try:
            yield stream
        except BaseException as exc:
            error = exc
            raise
        finally:
            manager.__exit__(*sys.exc_info())
            flow.stream_closed(self._core, opened.attempt, stream, error)

    def _run(self, steps: Flow[T]) -> T:
        """Send each request the flow yields, pass back its result or exception; the flow's result."""
        try:
            request = next(steps)
            while True:
                try:
                    result = self._send(request)
                except Exception as exc:
                    request = steps.throw(exc)
                else:
                    request = steps.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    def _send(self, request: Request) -> Any:
        if isinstance(request, Count):
            return self.client.messages.count_tokens(**request.params)
        sdk = self._traced if request.traced else self.client
        with Activated(request.attempt):
            if isinstance(request, Create):
                return sdk.messages.create(**request.params)
            manager = sdk.messages.stream(**request.params)
            return manager, manager.__enter__()


class BaseAsyncRouter(_Routing[TaskT]):
    """The same routing through an `anthropic.AsyncAnthropic` client (see BaseRouter)."""

    def __init__(
        self,
        policy: RuntimePolicy,
        client: anthropic.AsyncAnthropic | None = None,
        **options: Unpack[RouterOptions],
    ) -> None:
        super().__init__(policy, options)
        if client is None:
            import anthropic

            client = anthropic.AsyncAnthropic(**_client_options(options))
        self.client = client
        self._traced = client.with_middleware(self._middleware)

    async def call(self, task: TaskT, prompt: str, *, system: str = "", max_tokens: int | None = None,
                   validate: Validator | None = None) -> str:
        """See BaseRouter.call."""
        return await self._run(flow.call(self._core, task, prompt, system, max_tokens, validate))

    async def create(self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any) -> Message:
        """See BaseRouter.create."""
        return await self._run(flow.create(self._core, task, list(messages), kwargs))

    async def create_on_tier(
        self, task: TaskT, tier: str, *, messages: Iterable[MessageParam], **kwargs: Any
    ) -> Message:
        """See BaseRouter.create_on_tier."""
        return await self._run(flow.create_on_tier(self._core, task, tier, list(messages), kwargs))

    @contextlib.asynccontextmanager
    async def stream(
        self, task: TaskT, *, messages: Iterable[MessageParam], **kwargs: Any
    ) -> AsyncIterator[AsyncMessageStream]:
        """See BaseRouter.stream (`async with router.stream(...) as stream`)."""
        opened = await self._run(flow.stream(self._core, task, list(messages), kwargs))
        manager, stream = opened.handle
        error: BaseException | None = None
        try:
            yield stream
        except BaseException as exc:
            error = exc
            raise
        finally:
            await manager.__aexit__(*sys.exc_info())
            flow.stream_closed(self._core, opened.attempt, stream, error)

    async def _run(self, steps: Flow[T]) -> T:
        """See BaseRouter._run; the requests are awaited."""
        try:
            request = next(steps)
            while True:
                try:
                    result = await self._send(request)
                except Exception as exc:
                    request = steps.throw(exc)
                else:
                    request = steps.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    async def _send(self, request: Request) -> Any:
        if isinstance(request, Count):
            return await self.client.messages.count_tokens(**request.params)
        sdk = self._traced if request.traced else self.client
        with Activated(request.attempt):
            if isinstance(request, Create):
                return await sdk.messages.create(**request.params)
            manager = sdk.messages.stream(**request.params)
            return manager, await manager.__aenter__()


class Router(BaseRouter[str]):
    """A router for any task name (tools such as `routecheck eval`); generated clients narrow the task type."""


class AsyncRouter(BaseAsyncRouter[str]):
    """The async router for any task name."""
