"""What a model id looks like: the ids the installed anthropic SDK knows, and the id shapes code spells.

The SDK's list is read from its source (the `ModelParam` literal) without importing the SDK, so that
linting and scanning never pay for `import anthropic`. Shapes cover Anthropic's ids with their Bedrock
(geo prefixes, ARNs, legacy ids) and Vertex forms, the OpenAI and Gemini families, third-party Bedrock
ids, and a provider prefix before any of them (`openai:gpt-5.2`, `openrouter/anthropic/claude-…`), as
LiteLLM and pydantic-ai spell them.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_VERSIONED = r"(?:[a-z]+-){0,3}\d+(?:-[a-z0-9]+|\.\d+)*"
# Anthropic's own shape (claude-sonnet-4-6, claude-3-5-haiku-20241022, claude-2.1), with the Vertex suffix
# (@20241022); Bedrock's (anthropic.claude-…-v1:0, the legacy claude-v2 / claude-instant-v1), optionally
# behind a cross-region inference profile's geo prefix, or inside a foundation-model / inference-profile ARN.
_CLAUDE = rf"claude-{_VERSIONED}(?:@\d{{8}})?"
_GEO = r"(?:(?:us|eu|apac|jp|au|ca|us-gov|global)\.)?"
_BEDROCK_CLAUDE = rf"{_GEO}anthropic\.claude-(?:{_VERSIONED}|(?:instant-)?v\d+)(?::\d+)?"
_ARN = rf"arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]*:\d*:(?:foundation-model|inference-profile)/{_BEDROCK_CLAUDE}"
ANTHROPIC_SHAPES: tuple[str, ...] = (_ARN, _BEDROCK_CLAUDE, _CLAUDE)
OTHER_SHAPES: tuple[str, ...] = (
    # OpenAI: gpt-4o, gpt-4.1-mini, gpt-5.2, the open-weight gpt-oss-120b (also as Bedrock's openai.gpt-oss-…)
    r"(?:openai\.)?gpt-oss-\d+b(?:-\d+:\d+)?",
    r"gpt-\d(?:\.\d+)?[a-z]?(?:-[a-z0-9]+)*",
    r"chatgpt-4o-latest",
    r"text-embedding-(?:3-(?:small|large)|ada-002|00\d)",
    # Gemini: chat families, embeddings, Live, experimental
    r"gemini-\d(?:\.\d+)?-(?:pro|flash|ultra|nano)(?:-[a-z0-9]+)*",
    r"gemini-pro(?:-vision)?",
    r"gemini-embedding-(?:\d{3}|exp(?:-[a-z0-9]+)*)",
    r"gemini-live-[a-z0-9.]+(?:-[a-z0-9.]+)*",
    r"gemini-exp-\d{4}",
    # Third-party models on Bedrock carry a vendor prefix and a -vN(:M) version suffix.
    rf"{_GEO}(?:meta|mistral|amazon|cohere|ai21|deepseek|qwen|writer)\.[a-z][a-z0-9.-]*-v\d+(?::\d+)?",
)
# OpenAI's o-series ("o3", "o4-mini"): a whole string, or one of a string listing only model ids.
_O_SERIES = r"o[1-9](?:-(?:mini|pro|preview|deep-research))?(?:-\d{4}-\d{2}-\d{2})?"
WHOLE_STRING_SHAPES: tuple[str, ...] = (_O_SERIES,)
# `<provider>:` or `<provider>/` before an id (openai:gpt-5.2, bedrock/…, openrouter/anthropic/…).
_PROVIDER = r"(?:[a-z][a-z0-9_-]*[:/]){0,3}"

#: Words one of which every shape above contains ("gpt-" also finds chatgpt-4o-latest and gpt-oss; the vendor
#: words, third-party Bedrock ids): found first, with a plain substring search, before any shape is tried.
NEEDLES: tuple[str, ...] = ("claude", "gpt-", "gemini", "text-embedding", "llama", "mistral.", "amazon.", "cohere.",
                            "ai21.", "deepseek.", "qwen.", "writer.")
_O_NEEDLE = re.compile(r"(?<![A-Za-z0-9_.-])o[1-9]")
_O_DIGIT = re.compile(r"o[1-9]")  # a literal first character: searched fast; what precedes is checked after
_WORD = frozenset(string.ascii_letters + string.digits + "_")
_ID_CHARS = _WORD | frozenset(".-")

# A model id counts only as a whole token: not glued to letters, digits or id punctuation.
_BEFORE = r"(?<![A-Za-z0-9_.@:/-])"
_AFTER = r"(?![A-Za-z0-9_@/-])(?!\.[A-Za-z0-9_])(?!:[A-Za-z0-9])"
# The same test as sets, for the matches of RE2 (no lookaround): see `_whole_token`.
_NOT_BEFORE = _WORD | frozenset(".@:/-")
_NOT_AFTER = _WORD | frozenset("@/-")
_MEMO_LENGTH = 200  # characters: a string longer than this is prose, rarely repeated
_MEMO_ENTRIES = 20_000
_LIST_SEPARATORS = re.compile(r"[\s,;|]+")


def _user_regex(pattern: str) -> Any:
    from routecheck.user_regex import compile_user  # lazy: RE2 only for a project with `model-patterns`

    return compile_user(pattern)


def _whole_token(text: str, start: int, end: int) -> bool:
    """`_BEFORE` and `_AFTER`, for a match RE2 found (it has no lookaround)."""
    if start > 0 and text[start - 1] in _NOT_BEFORE:
        return False
    following, then = text[end:end + 1], text[end + 1:end + 2]
    if following and following in _NOT_AFTER:
        return False
    if following == "." and then and then in _WORD:
        return False
    return not (following == ":" and then and then.isascii() and then.isalnum())


def _user_tokens(regex: Any, text: str) -> Iterator[ModelMatch]:
    """The user patterns' whole-token matches, left to right, in one linear pass."""
    for found in regex.finditer(_encodable(text)):
        start, end = found.span()
        if end > start and _whole_token(text, start, end):
            yield ModelMatch(start, end, text[start:end])


def _encodable(text: str) -> str:
    """`text` with each lone surrogate (a string literal's `\\udcxx`) as U+FFFD: RE2 matches UTF-8, and
    the same length keeps every offset."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


def _merged(own: list[ModelMatch], users: list[ModelMatch]) -> list[ModelMatch]:
    """Both lists of matches as one, left to right, a match overlapping an earlier one left out (at one
    start, the built-in shapes first, as they came first in one alternation)."""
    out: list[ModelMatch] = []
    for match in sorted([*own, *users], key=lambda m: m.start):  # stable: built-in first at a tie
        if not out or match.start >= out[-1].end:
            out.append(match)
    return out


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
        self._token = re.compile(f"{_BEFORE}{_PROVIDER}(?:{'|'.join(alternatives)}){_AFTER}")
        extra = "|".join(f"(?:{p})" for p in extra_patterns)
        # The user's patterns run in RE2 (linear time: no pattern a pull request could exploit), which has
        # no lookaround: the whole-token test around their matches is made here instead.
        self._user = _user_regex(f"{_PROVIDER}(?:{extra})") if extra else None
        self._whole = re.compile(f"{_PROVIDER}(?:{'|'.join(WHOLE_STRING_SHAPES)})")
        self._words = (*NEEDLES, *(i for i in ids if not any(n in i for n in NEEDLES)))
        self._extra = _user_regex(extra) if extra else None
        # Code spells the same few ids over and over (registries, tests, configs), and the shapes cost a
        # regex attempt at every offset of a string: each short string is matched once per process.
        self._seen: dict[str, tuple[ModelMatch, ...]] = {}

    def needle_offsets(self, text: str) -> list[int]:
        """Where in `text` a model id may start or sit: every id holds one of these offsets. Plain substring
        searches (C speed, unlike a regex alternation tried at every offset), done before any shape."""
        found = []
        for word in self._words:
            at = text.find(word)
            while at >= 0:
                found.append(at)
                at = text.find(word, at + 1)
        found += [m.start() for m in _O_DIGIT.finditer(text) if m.start() == 0 or text[m.start() - 1] not in _ID_CHARS]
        if self._extra is not None:
            found += [m.start() for m in self._extra.finditer(_encodable(text))]
        return sorted(found)

    def finditer(self, text: str) -> Iterator[ModelMatch]:
        """Every model id in `text`, left to right."""
        found = self._seen.get(text)
        if found is None:
            found = self._matches(text)
            if len(text) <= _MEMO_LENGTH and len(self._seen) < _MEMO_ENTRIES:
                self._seen[text] = found
        return iter(found)

    def _matches(self, text: str) -> tuple[ModelMatch, ...]:
        if self._whole.fullmatch(text):
            return (ModelMatch(0, len(text), text),)
        matches = [ModelMatch(m.start(), m.end(), m.group()) for m in self._token.finditer(text)]
        if self._user is not None:
            matches = _merged(matches, list(_user_tokens(self._user, text)))
        if (matches or "o" in text) and _O_NEEDLE.search(text):
            matches = self._listed(text, matches)
        return tuple(matches)

    def _listed(self, text: str, matches: list[ModelMatch]) -> list[ModelMatch]:
        """With o-series ids added where `text` lists nothing but model ids ("gpt-4o, o3-mini")."""
        items = [(m.start(), m.group()) for m in re.finditer(r"[^\s,;|]+", text)]
        if len(items) < 2 or len(items) > 64:
            return matches
        found = {m.start: m for m in matches}
        extra = []
        for start, item in items:
            if start in found and found[start].end == start + len(item):
                continue
            if not self._whole.fullmatch(item):
                return matches
            extra.append(ModelMatch(start, start + len(item), item))
        return sorted([*matches, *extra], key=lambda m: m.start) if extra else matches

    def first(self, text: str) -> ModelMatch | None:
        return next(self.finditer(text), None)
