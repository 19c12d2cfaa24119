"""What a model id looks like: the ids the installed anthropic SDK knows, and the common id shapes.

The SDK's list is read from its source (the `ModelParam` literal) without importing the SDK, so that
linting and scanning never pay for `import anthropic`.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Anthropic's own shape (claude-sonnet-4-6, claude-3-5-haiku-20241022, claude-2.1), with the
# Vertex suffix (@20241022) and the Bedrock form (anthropic.claude-...-v1:0, optionally region-prefixed).
_CLAUDE = r"claude-(?:[a-z]+-){0,3}\d+(?:-[a-z0-9]+|\.\d+)*(?:@\d{8})?"
_BEDROCK = r"(?:[a-z]{2,4}\.)?anthropic\.claude-(?:[a-z]+-){0,3}\d+(?:-[a-z0-9]+|\.\d+)*(?::\d+)?"
ANTHROPIC_SHAPES: tuple[str, ...] = (_BEDROCK, _CLAUDE)
# The common OpenAI and Gemini shapes; "o1"-style names only count when a string is nothing else.
OTHER_SHAPES: tuple[str, ...] = (
    r"gpt-\d(?:\.\d+)?[a-z]?(?:-[a-z0-9]+)*",
    r"chatgpt-4o-latest",
    r"gemini-\d(?:\.\d+)?-(?:pro|flash|ultra|nano)(?:-[a-z0-9]+)*",
    r"gemini-pro(?:-vision)?",
)
WHOLE_STRING_SHAPES: tuple[str, ...] = (r"o[1-9](?:-(?:mini|pro|preview))?(?:-\d{4}-\d{2}-\d{2})?",)

# A model id counts only as a whole token: not glued to letters, digits or id punctuation.
_BEFORE = r"(?<![A-Za-z0-9_.@:/-])"
_AFTER = r"(?![A-Za-z0-9_@/-])(?!\.[A-Za-z0-9_])(?!:[A-Za-z0-9])"


@functools.cache
def sdk_model_ids() -> frozenset[str]:
    """The model ids of the installed anthropic SDK's `ModelParam` literal (empty if it is not installed)."""
    spec = importlib.util.find_spec("anthropic")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    source = Path(next(iter(spec.submodule_search_locations))) / "types" / "model_param.py"
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return frozenset()
    return frozenset(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("claude")
    )


def is_anthropic_model_id(model: str) -> bool:
    """True for a model id the SDK knows or one shaped like Anthropic's (incl. Bedrock and Vertex forms)."""
    return model in sdk_model_ids() or any(re.fullmatch(shape, model) for shape in ANTHROPIC_SHAPES)


@dataclass(frozen=True, slots=True)
class ModelMatch:
    start: int
    end: int
    model: str


class ModelMatcher:
    """Finds model ids in text, each as a whole token: known ids first, then the shapes."""

    def __init__(self, known_ids: Iterable[str] = (), extra_patterns: Iterable[str] = ()) -> None:
        ids = sorted({*sdk_model_ids(), *known_ids}, key=len, reverse=True)
        alternatives = [re.escape(i) for i in ids] + list(ANTHROPIC_SHAPES) + list(OTHER_SHAPES)
        alternatives += [f"(?:{p})" for p in extra_patterns]
        self._token = re.compile(f"{_BEFORE}(?:{'|'.join(alternatives)}){_AFTER}")
        self._whole = re.compile("|".join(WHOLE_STRING_SHAPES))

    def finditer(self, text: str) -> Iterator[ModelMatch]:
        """Every model id in `text`, left to right."""
        if self._whole.fullmatch(text):
            yield ModelMatch(0, len(text), text)
            return
        for match in self._token.finditer(text):
            yield ModelMatch(match.start(), match.end(), match.group())

    def first(self, text: str) -> ModelMatch | None:
        return next(self.finditer(text), None)
