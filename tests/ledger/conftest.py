"""Fixtures of the ledger tests: one real PostgreSQL cluster for the session, an empty database per test."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from pg_cluster import REQUIRE_ENV, Cluster, missing  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the real cluster is `slow`: starting it alone takes seconds (`pytest -m "not slow"` skips them)."""
    for item in items:
        if "cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """A running cluster with the `routecheck` role and database; skipped (CI: failed) where it cannot run."""
    why = missing()
    if why is not None:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but PostgreSQL cannot run: {why}")
        pytest.skip(why)
    server = Cluster()
    try:
        server.start()
        server.create_role_and_database()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # a test may have left it stopped
            server.stop("immediate")
        server.remove()


@pytest.fixture
def pg_url(cluster: Cluster) -> str:
    """The URL of an empty ledger database (with the password in it, as users write it)."""
    cluster.reset()
    return cluster.url()
