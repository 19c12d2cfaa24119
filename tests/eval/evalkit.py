"""Helpers of the eval and report tests: the test policy, model ids, samples and scripted fake models."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # the fake server lives next to the other test modules
    sys.path.insert(0, str(TESTS))

POLICY = TESTS / "fixtures" / "eval" / "routing.toml"
HAIKU, SONNET, OPUS = "claude-haiku-4-5-20251001", "claude-sonnet-4-6", "claude-opus-4-6"
INTENTS = ("billing", "refund", "technical", "account")
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
