"""Input-token counts for the `input_tokens_over` upgrade rule.

The estimate is local and cheap (about 4 characters per token, the usual rule of thumb for English
text): it only has to tell a 500-token prompt from a 5,000-token one. A rule with `count = "exact"`
asks the API's token-counting endpoint instead, at the price of one extra request per call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """ceil(len(text) / 4)."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def estimate_input_tokens(messages: Iterable[Any], system: object = None) -> int:
    """Estimated input tokens of a request: its system prompt and the text of every message."""
    total = sum(estimate_tokens(piece) for piece in _pieces(system))
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else getattr(message, "content", None)
        total += sum(estimate_tokens(piece) for piece in _pieces(content))
    return max(total, 1)


def _pieces(content: object) -> Iterable[str]:
    """The text pieces of a content value: a string, or blocks with text (tool results walked too)."""
    if isinstance(content, str):
        yield content
    elif isinstance(content, (list, tuple)):
        for block in content:
            if isinstance(block, dict):
                text = block.get("text")
                if isinstance(text, str):
                    yield text
                elif block.get("type") == "tool_result":
                    yield from _pieces(block.get("content"))
            else:
                text = getattr(block, "text", None)
                if isinstance(text, str):
                    yield text
