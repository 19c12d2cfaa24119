"""Fixtures of the eval and report tests: a project folder with the test policy, the fake API server."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # the fake server lives next to the other test modules
    sys.path.insert(0, str(TESTS))

from fake_anthropic import FakeAnthropic  # noqa: E402

POLICY = TESTS / "fixtures" / "eval" / "routing.toml"
HAIKU, SONNET, OPUS = "claude-haiku-4-5-20251001", "claude-sonnet-4-6", "claude-opus-4-6"
INTENTS = ("billing", "refund", "technical", "account")


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


def ticket(i: int) -> str:
    """The input text of sample i: distinct, so the fake server can answer per sample."""
    return f"Ticket {i:03d}: customer writes about their {INTENTS[i % 4]} question, please route it."


def expected(i: int) -> str:
    return INTENTS[i % 4]


def write_samples(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def label_samples(path: Path, n: int) -> Path:
    return write_samples(path, [{"input": ticket(i), "expected": expected(i)} for i in range(n)])


def last_user_text(body: dict[str, Any]) -> str:
    content = body["messages"][-1]["content"]
    return content if isinstance(content, str) else "".join(b.get("text", "") for b in content)


def sample_index(body: dict[str, Any]) -> int:
    return int(last_user_text(body)[7:10])


def labeller(wrong: set[int], *, style: Callable[[str], str] = str) -> Callable[[dict[str, Any]], str]:
    """A model that labels every ticket right except those in `wrong` (answered with the next intent)."""

    def answer(body: dict[str, Any]) -> str:
        i = sample_index(body)
        label = INTENTS[(i + 1) % 4] if i in wrong else expected(i)
        return style(label)

    return answer
