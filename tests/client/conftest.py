"""Fixtures of the client tests: the fake API server and a client module generated from the test policy."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # the fake server lives next to the other test modules
    sys.path.insert(0, str(TESTS))

from fake_anthropic import FakeAnthropic  # noqa: E402
from router_drivers import Driver  # noqa: E402

from routecheck.codegen import render_client  # noqa: E402
from routecheck.cost.book import require_prices  # noqa: E402
from routecheck.runtime import RuntimePolicy  # noqa: E402
from support import load_policy  # noqa: E402

POLICY_FILE = TESTS / "fixtures" / "client" / "routing.toml"
TODAY = date(2026, 12, 2)


@pytest.fixture(scope="session")
def runtime_policy() -> RuntimePolicy:
    source = load_policy(POLICY_FILE)
    return RuntimePolicy.from_policy(source.policy, require_prices(source, TODAY), sha256=source.sha256)


@pytest.fixture(scope="session")
def routes(tmp_path_factory: pytest.TempPathFactory, runtime_policy: RuntimePolicy) -> ModuleType:
    """The client module `routecheck generate` writes for the test policy, imported from its file."""
    path = tmp_path_factory.mktemp("generated") / "llm_routes.py"
    path.write_text(render_client(runtime_policy, source="routing.toml"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("generated_llm_routes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def server() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture(params=["sync", "async"])
def driver(request: pytest.FixtureRequest, routes: ModuleType) -> Iterator[Driver]:
    """Each client test runs twice: through Router, and through AsyncRouter on an event loop."""
    made = Driver(request.param, routes)
    yield made
    made.close()
