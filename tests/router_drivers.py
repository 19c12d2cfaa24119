"""Run one client test through either router: Router, or AsyncRouter on an event loop, behind one face.

A test takes the `driver` fixture (tests/client/conftest.py, parametrized "sync" / "async") and writes
`driver.router(driver.client(server), environ=...)`; every call then goes through the real SDK client
of that kind, and the async one is awaited on the driver's loop, so each scenario runs both ways.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterator
from types import ModuleType
from typing import Any, Literal, TypeVar

from fake_anthropic import FakeAnthropic

from routecheck.runtime import AsyncRouter, BaseAsyncRouter, Router, RuntimePolicy

T = TypeVar("T")
Kind = Literal["sync", "async"]


class Driver:
    """Builds clients and routers of one kind; `run` awaits a coroutine on the driver's own loop."""

    def __init__(self, kind: Kind, routes: ModuleType) -> None:
        self.kind = kind
        self.routes = routes
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        self._clients: list[Any] = []  # async clients, closed on the loop before it closes

    def client(self, server: FakeAnthropic, **options: Any) -> Any:
        """The SDK client of this kind pointed at `server` (options as FakeAnthropic.client takes them)."""
        if self.kind == "sync":
            return server.client(**options)
        client = server.async_client(**options)
        self._clients.append(client)
        return client

    def router(self, client: Any, *, policy: RuntimePolicy | None = None, **options: Any) -> Any:
        """The generated client's router of this kind (or the runtime's, for `policy`), behind a sync face."""
        if self.kind == "sync":
            return Router(policy, client, **options) if policy is not None else self.routes.Router(client, **options)
        made: BaseAsyncRouter[Any] = (
            AsyncRouter(policy, client, **options) if policy is not None else self.routes.AsyncRouter(client, **options)
        )
        self._clients.append(made.client)
        return Awaited(made, self)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        assert self.loop is not None, "only the async driver has a loop"
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        if self.loop is not None:
            for client in self._clients:
                self.loop.run_until_complete(client.close())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()


class Awaited:
    """An AsyncRouter with Router's methods: each awaits the async method on the driver's loop."""

    def __init__(self, router: BaseAsyncRouter[Any], driver: Driver) -> None:
        self.router = router
        self._driver = driver

    @property
    def policy(self) -> RuntimePolicy:
        return self.router.policy

    def tier_of(self, task: str) -> str:
        return self.router.tier_of(task)

    def call(self, task: str, prompt: str, **options: Any) -> str:
        return self._driver.run(self.router.call(task, prompt, **options))

    def create(self, task: str, **options: Any) -> Any:
        return self._driver.run(self.router.create(task, **options))

    def create_on_tier(self, task: str, tier: str, **options: Any) -> Any:
        return self._driver.run(self.router.create_on_tier(task, tier, **options))

    @contextlib.contextmanager
    def stream(self, task: str, **options: Any) -> Iterator[AwaitedStream]:
        manager = self.router.stream(task, **options)
        stream = self._driver.run(manager.__aenter__())
        try:
            yield AwaitedStream(stream, self._driver)
        except BaseException as exc:
            if not self._driver.run(manager.__aexit__(type(exc), exc, exc.__traceback__)):
                raise
        else:
            self._driver.run(manager.__aexit__(None, None, None))


class AwaitedStream:
    """An AsyncMessageStream with the MessageStream methods the tests use."""

    def __init__(self, stream: Any, driver: Driver) -> None:
        self._stream = stream
        self._driver = driver

    @property
    def text_stream(self) -> Iterator[str]:
        pieces = self._stream.text_stream
        while True:
            try:
                yield self._driver.run(pieces.__anext__())
            except StopAsyncIteration:
                return

    def get_final_text(self) -> str:
        text: str = self._driver.run(self._stream.get_final_text())
        return text

    def until_done(self) -> None:
        self._driver.run(self._stream.until_done())
