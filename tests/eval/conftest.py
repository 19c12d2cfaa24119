"""Fixtures of the eval and report tests: a project folder with the test policy, the fake API server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic

from eval.evalkit import POLICY


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the current directory) holding policies/routing.toml."""
    (tmp_path / "policies").mkdir()
    shutil.copy(POLICY, tmp_path / "policies" / "routing.toml")
    monkeypatch.chdir(tmp_path)
    for name in ("ROUTECHECK_LEDGER", "ROUTECHECK_OVERRIDE", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    """The fake API, with the SDK pointed at it through the environment (as a user's shell would)."""
    with FakeAnthropic() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        yield fake


@pytest.fixture
def terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Captured stdout that says it is a terminal: where eval shows the disagreements' text.

    capsys puts its stream in place only when the test starts, so the stream's class is told."""
    from _pytest.capture import CaptureIO

    monkeypatch.setattr(CaptureIO, "isatty", lambda self: True)
