"""Graders: is the candidate's answer right? Pure functions; the llm grader's call is made by the runner.

- `expected`: the sample's `expected` is the truth. Labels match after normalisation; json output is
  parsed and compared field by field.
- `agreement`: the reference tier's answer is the truth, compared the same way.
- `llm[:TIER]`: a grader model judges the candidate's answer against the reference's with a fixed
  rubric, and returns its verdict through a forced tool call (or, failing that, a JSON object).

Answers are reduced to a *key* (the normalised label, or the canonical JSON) whose keyed hash (the
journal's HMAC) is all the results file keeps: two answers agree exactly when their keys do, so a
resumed run can still grade.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from routecheck.evaluate.samples import JsonValue, canonical_json

GraderKind = Literal["expected", "agreement", "llm"]
Comparison = Literal["label", "json"]

_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n?(.*?)\n?```$", re.DOTALL)
_QUOTES = "\"'`\u201c\u201d\u2018\u2019"  # straight, back and curly quotes


@dataclass(frozen=True)
class GraderSpec:
    """Which grader, and for llm the tier that judges."""

    kind: GraderKind
    tier: str | None = None

    @classmethod
    def parse(cls, text: str) -> GraderSpec:
        """`expected`, `agreement`, `llm` or `llm:TIER`; ValueError otherwise."""
        name, sep, tier = text.partition(":")
        if name in ("expected", "agreement") and not sep:
            return cls(name)  # type: ignore[arg-type]  # narrowed by the test above
        if name == "llm" and (not sep or tier):
            return cls("llm", tier or None)
        raise ValueError(f"unknown grader {text!r} (expected: expected, agreement, llm or llm:TIER)")


def comparison_for(output: str) -> Comparison:
    """json output is compared as parsed JSON; everything else as a normalised label."""
    return "json" if output == "json" else "label"


def normalise_label(text: str) -> str:
    """Case, surrounding whitespace/quotes/backticks, a trailing full stop and inner runs of space don't count."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _FENCE.match(value)
    if match:
        value = match[1].strip()
    value = value.strip(_QUOTES).strip().rstrip(".").strip().strip(_QUOTES)
    return " ".join(value.split()).casefold()


def parse_json_answer(text: str) -> JsonValue:
    """An answer's JSON (a ```json fence around it is allowed); ValueError when it is not JSON."""
    value = text.strip()
    match = _FENCE.match(value)
    if match:
        value = match[1].strip()
    return json.loads(value)


def _normalise_json(value: JsonValue) -> JsonValue:
    """Strings as labels, 1 == 1.0, keys kept: the form two JSON answers are compared in."""
    if isinstance(value, dict):
        return {k: _normalise_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_json(v) for v in value]
    if isinstance(value, str):
        return normalise_label(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def answer_key(text: str, comparison: Comparison) -> str | None:
    """What an answer is compared by; None when a json answer is not JSON (always wrong)."""
    if comparison == "label":
        return normalise_label(text)
    try:
        return canonical_json(_normalise_json(parse_json_answer(text)))
    except (ValueError, RecursionError):
        return None


def expected_key(expected: JsonValue, comparison: Comparison) -> str:
    """The key of a sample's `expected` (for json, a JSON value or a string holding one)."""
    if comparison == "label":
        return normalise_label(expected if isinstance(expected, str) else canonical_json(expected))
    if isinstance(expected, str):
        key = answer_key(expected, "json")
        if key is not None:
            return key
    return canonical_json(_normalise_json(expected))


def differences(answer: str, truth_key: str, comparison: Comparison) -> str:
    """Why an answer is wrong, for the terminal: 'not JSON', or the fields that differ."""
    if comparison == "label":
        return "different label"
    try:
        got = _normalise_json(parse_json_answer(answer))
    except (ValueError, RecursionError):
        return "not valid JSON"
    want = json.loads(truth_key)
    if not (isinstance(got, dict) and isinstance(want, dict)):
        return "different value"
    parts = []
    differ = [k for k in want if k in got and got[k] != want[k]]
    missing = [k for k in want if k not in got]
    extra = [k for k in got if k not in want]
    if differ:
        parts.append("fields differ: " + ", ".join(differ))
    if missing:
        parts.append("missing: " + ", ".join(missing))
    if extra:
        parts.append("unexpected: " + ", ".join(extra))
    return "; ".join(parts) or "different value"


# -- the llm grader -------------------------------------------------------------------------------

VERDICT_TOOL = "record_verdict"
GRADER_MAX_TOKENS = 256

RUBRIC = """You grade answers for a routing evaluation. A task was run on a REFERENCE model and on a \
cheaper CANDIDATE model with the same INPUT. Decide whether the CANDIDATE answer could replace the \
REFERENCE answer for this input without anyone downstream being worse off.

Rubric:
- "pass": same meaning and same decision as the reference: the same label or category, the same \
extracted facts and values, no missing required content, nothing wrong added. Wording, formatting, \
order and length may differ.
- "fail": a different label or decision, a wrong, missing or invented fact or value, an answer that \
does not follow the format the input asks for, or a refusal where the reference answered.
- If the reference itself looks wrong, still judge agreement with it; do not grade the input.

Record your verdict by calling the record_verdict tool exactly once."""

VERDICT_TOOL_SPEC: dict[str, Any] = {
    "name": VERDICT_TOOL,
    "description": "Record whether the candidate answer may replace the reference answer.",
    "input_schema": {
        "type": "object",
        "properties": {"verdict": {"type": "string", "enum": ["pass", "fail"]}},
        "required": ["verdict"],
    },
}


def grader_prompt(input_text: str, reference: str, candidate: str) -> str:
    """The user turn of one grading call."""
    return (f"<input>\n{input_text}\n</input>\n\n<reference>\n{reference}\n</reference>\n\n"
            f"<candidate>\n{candidate}\n</candidate>")


def parse_verdict(blocks: Sequence[Mapping[str, Any]]) -> bool | None:
    """True (pass), False (fail) or None (no readable verdict) from a grading reply's content blocks.

    The forced tool call is read first; a reply that answers in text instead counts when its text
    is a JSON object with a `verdict` of "pass" or "fail".
    """
    for block in blocks:
        if block.get("type") == "tool_use" and block.get("name") == VERDICT_TOOL:
            return _verdict(block.get("input"))
    for block in blocks:
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            try:
                return _verdict(parse_json_answer(str(block["text"])))
            except (ValueError, RecursionError):
                continue
    return None


def _verdict(value: JsonValue) -> bool | None:
    if isinstance(value, dict) and isinstance(value.get("verdict"), str):
        verdict = str(value["verdict"]).strip().casefold()
        if verdict in ("pass", "fail"):
            return verdict == "pass"
    return None
