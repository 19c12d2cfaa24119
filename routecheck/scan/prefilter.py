"""The cheap tests that decide whether a file is worth parsing at all.

Stage one works on bytes (C-speed `in` tests and one regular expression); stage two, for files that
only mention something shaped like a model id, asks the string lexer whether the mention is inside a
string literal at all (comments are the usual culprit). Only what passes both is parsed by libcst.
"""

from __future__ import annotations

import re

from routecheck.model_ids import ModelMatcher
from routecheck.scan.lexer import StringToken, adjacent_runs
from routecheck.scan.settings import ScanSettings

_MODEL_NEEDLES = (b"claude", b"gpt-", b"gemini", b"chatgpt")
_WHOLE_STRING_MODEL = re.compile(rb"[\"']o[1-9]")
_SDK = re.compile(
    rb"messages\s*\.\s*(?:create|stream|count_tokens|parse|batches)\b"
    rb"|beta\s*\.\s*messages\b|chat\s*\.\s*completions\b|responses\s*\.\s*(?:create|stream|parse)\b"
)
_ROUTE_NEEDLES = (b"outer", b"call_ai")


class Prefilter:
    """Decides, per file, whether libcst must parse it."""

    def __init__(self, settings: ScanSettings, matcher: ModelMatcher) -> None:
        self._matcher = matcher
        needles = list(_MODEL_NEEDLES)
        needles += [m.encode() for m in settings.known_models if not any(n in m.encode() for n in _MODEL_NEEDLES)]
        self._model_needles = tuple(needles)
        self._extra: list[re.Pattern[bytes]] = []
        self._always = False
        for pattern in settings.model_patterns:
            try:
                self._extra.append(re.compile(pattern.encode()))
            except (re.error, UnicodeEncodeError):
                self._always = True  # a pattern bytes cannot express: parse everything rather than miss
        route = list(_ROUTE_NEEDLES)
        for name in settings.task_calls:
            last = name.rsplit(".", 1)[-1].replace("*", "").replace("?", "")
            if last:
                route.append(last.encode())
        self._route_needles = tuple(route)

    def calls(self, data: bytes) -> bool:
        """May `data` hold an SDK call or a routing call?"""
        return any(n in data for n in self._route_needles) or _SDK.search(data) is not None

    def models(self, data: bytes) -> bool:
        """May `data` hold a model id?"""
        return (
            self._always
            or any(n in data for n in self._model_needles)
            or _WHOLE_STRING_MODEL.search(data) is not None
            or any(p.search(data) for p in self._extra)
        )

    def model_in_strings(self, text: str, tokens: list[StringToken]) -> bool:
        """Is some model id inside a string literal (or an implicit concatenation of them)?"""
        return any(self._matcher.first(run) is not None for run in adjacent_runs(text, tokens))
