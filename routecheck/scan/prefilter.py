"""The cheap tests that decide whether a file is worth parsing at all.

Stage one works on bytes (C-speed `in` tests and one regular expression); stage two, for files that
only mention something shaped like a model id, is left to the analysis, which looks only at the
strings holding a model-id word (comments are the usual false alarm).
"""

from __future__ import annotations

import re
from typing import Any

from routecheck.model_ids import NEEDLES, ModelMatcher
from routecheck.scan.rules import SDK_CALL_SHAPES, SDK_WRAPPERS
from routecheck.scan.settings import ScanSettings

# Each regular expression runs only after a plain `in` test found its word: `in` is a C substring
# search at memory speed, while a regex alternation tries every branch at every offset.
_MODEL_NEEDLES = tuple(n.encode() for n in NEEDLES)
_WHOLE_STRING_MODEL = re.compile(rb"[\"']o[1-9]")
# RC202's shapes as text (a dot, maybe a wrapper, between parts), each with the word a file must hold
# for it to match (tested first).
_DOT = r"[\s\\]*\.[\s\\]*(?:(?:" + "|".join(sorted(SDK_WRAPPERS)) + r")[\s\\]*\.[\s\\]*)?"
_FIRST_WORDS = sorted({shape[0] for shape in SDK_CALL_SHAPES})
_SDK_SHAPES = tuple(
    (word, "|".join(_DOT.join(r"\w+" if part == "*" else part for part in shape) + r"\b"
                    for shape in SDK_CALL_SHAPES if shape[0] == word))
    for word in _FIRST_WORDS
)
_ROUTER_SHAPE = r"outer\w*(?:\(\s*\))?\s*\.\s*(?:a?call|a?create|create_on_tier)\s*\("
_SDK = tuple((word.encode(), re.compile(shape.encode())) for word, shape in _SDK_SHAPES)
_ROUTER = re.compile(_ROUTER_SHAPE.encode())


class Prefilter:
    """Decides, per file, whether it must be parsed."""

    def __init__(self, settings: ScanSettings, matcher: ModelMatcher) -> None:
        self._matcher = matcher
        needles = list(_MODEL_NEEDLES)
        needles += [m.encode() for m in settings.known_models if not any(n in m.encode() for n in _MODEL_NEEDLES)]
        self._model_needles = tuple(needles)
        self._extra: list[Any] = []  # RE2 patterns over bytes (linear time, see routecheck.user_regex)
        self._always = False
        if settings.model_patterns:
            from routecheck.user_regex import compile_user  # lazy: RE2 only for a project with patterns
        for pattern in settings.model_patterns:
            try:
                self._extra.append(compile_user(pattern.encode()))
            except (ValueError, UnicodeEncodeError):
                self._always = True  # a pattern bytes cannot express: parse everything rather than miss
        # a configured task-call name by its last part, globs left out: "*.route" -> "route"
        names = [n.rsplit(".", 1)[-1].replace("*", "").replace("?", "") for n in settings.task_calls]
        self._route_needles = (b"call_ai", *(name.encode() + b"(" for name in names))
        route = [_ROUTER_SHAPE, "call_ai", *(re.escape(name) for name in names if name)]
        #: Where a routing call may be: its task argument may name a constant the module defines.
        self.route_calls = re.compile("|".join(route))
        # Each shape on its own, behind its word: a pattern that starts with a literal is searched for at
        # C speed, an alternation of them is tried at every offset.
        self._call_shapes = [(word, re.compile(shape)) for word, shape in _SDK_SHAPES]
        self._call_shapes += [("outer", re.compile(_ROUTER_SHAPE))]
        self._call_shapes += [(name, re.compile(re.escape(name))) for name in ("call_ai", *names) if name]

    def call_offsets(self, text: str) -> list[int]:
        """Where in `text` an SDK or routing call may be (the statement around each must be parsed), in order."""
        found = [m.start() for word, shape in self._call_shapes if word in text for m in shape.finditer(text)]
        return sorted(set(found))

    def calls(self, data: bytes) -> bool:
        """May `data` hold an SDK call or a routing call?"""
        if any(n in data for n in self._route_needles):
            return True
        if (b"outer" in data) and _ROUTER.search(data) is not None:
            return True
        return any(word in data and pattern.search(data) is not None for word, pattern in _SDK)

    def models(self, data: bytes) -> bool:
        """May `data` hold a model id?"""
        return (
            self._always
            or any(n in data for n in self._model_needles)
            # OpenAI's bare "o3"-style ids only count as a whole string, in practice next to a `model`
            or (b"model" in data and _WHOLE_STRING_MODEL.search(data) is not None)
            or any(p.search(data) for p in self._extra)
        )
