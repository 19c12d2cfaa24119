"""samples.jsonl: one sample a line, checked completely before anything is sent.

A line is a JSON object with `input` (a string, or a Messages API `messages` list) and optional
`expected` (a label string, or for json tasks a JSON value or a string holding one), `id` (a name
for the sample in output) and `metadata` (anything; ignored). Every bad line is reported as
``FILE:LINE: what is wrong`` and the run refuses to start until the file is clean.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routecheck.errors import ConfigError, Problem
from routecheck.paths import display_path

_KEYS = frozenset({"input", "expected", "id", "metadata"})
_ROLES = frozenset({"user", "assistant"})

JsonValue = Any  # a value json.loads returned: kept as parsed, never executed


@dataclass(frozen=True)
class Sample:
    """One sample: where it is, the messages it sends, and what the answer should be."""

    line: int
    messages: tuple[Mapping[str, JsonValue], ...]
    expected: JsonValue | None
    has_expected: bool
    name: str | None
    sha256: str

    def label(self, path: str) -> str:
        """How output names this sample: `FILE:LINE` and its id, if it has one."""
        return f"{path}:{self.line}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True)
class SampleSet:
    """A clean samples file: its samples in file order and the sha256 of its bytes."""

    path: Path
    samples: tuple[Sample, ...]
    sha256: str

    @property
    def display(self) -> str:
        return display_path(self.path)


class SamplesError(ConfigError):
    """A samples file with bad lines: every one of them, as ``FILE:LINE: what is wrong``."""

    def __str__(self) -> str:
        lines = [f"{p.path}:{p.line}: {p.message}" if p.line else f"{p.path}: {p.message}" for p in self.problems]
        bad = len({p.line for p in self.problems if p.line})
        if bad:
            lines.append(f"{self.problems[0].path}: {bad} bad line{'s' * (bad != 1)}; fix them and run again "
                         "(nothing was sent)")
        return "\n".join(lines)


def canonical_json(value: JsonValue) -> str:
    """The one spelling of a JSON value that hashes are taken of: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sample_hash(obj: Mapping[str, JsonValue]) -> str:
    """sha256 of the canonical JSON of a sample line's object: its identity in the results file."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def read_samples(path: Path, *, need_expected: bool = False) -> SampleSet:
    """Parse and check `path`; SamplesError lists every bad line (and nothing is sent)."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SamplesError([Problem(shown, None, None, "", "samples file not found")]) from None
    except OSError as exc:
        raise SamplesError([Problem(shown, None, None, "", f"cannot read samples file: {exc.strerror}")]) from None
    problems: list[Problem] = []
    samples: list[Sample] = []
    first_seen: dict[str, int] = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        sample, errors = _parse_line(line, number, need_expected=need_expected)
        problems.extend(Problem(shown, number, None, "", e) for e in errors)
        if sample is None:
            continue
        if sample.sha256 in first_seen:
            problems.append(Problem(shown, number, None, "", f"duplicate of line {first_seen[sample.sha256]} "
                                    "(a repeated sample would count twice)"))
            continue
        first_seen[sample.sha256] = number
        samples.append(sample)
    if not problems and not samples:
        problems.append(Problem(shown, None, None, "", "no samples (expected one JSON object a line)"))
    if problems:
        raise SamplesError(problems)
    return SampleSet(path, tuple(samples), hashlib.sha256(raw).hexdigest())


def _parse_line(line: bytes, number: int, *, need_expected: bool) -> tuple[Sample | None, list[str]]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [f"byte 0x{line[exc.start]:02x} at column {exc.start + 1} is not valid UTF-8"]
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [f"invalid JSON at column {exc.colno}: {exc.msg}"]
    except RecursionError:
        return None, ["invalid JSON: nested too deeply"]
    if not isinstance(obj, dict):
        return None, [f"expected a JSON object, got {_json_type(obj)}"]
    errors = [f"unknown key '{key}' (expected: expected, id, input, metadata)" for key in obj if key not in _KEYS]
    messages: tuple[Mapping[str, JsonValue], ...] = ()
    if "input" not in obj:
        errors.append("missing 'input' (a string, or a list of messages)")
    else:
        messages, input_errors = _messages(obj["input"])
        errors.extend(input_errors)
    name = obj.get("id")
    if name is not None and not isinstance(name, str | int):
        errors.append(f"'id' must be a string or an integer, got {_json_type(name)}")
    if need_expected and "expected" not in obj:
        errors.append("missing 'expected' (the expected grader needs it on every sample)")
    if "expected" in obj and obj["expected"] is None:
        errors.append("'expected' is null (leave the key out instead)")
    if errors:
        return None, errors
    sample = Sample(number, messages, obj.get("expected"), "expected" in obj,
                    None if name is None else str(name), sample_hash(obj))
    return sample, []


def _messages(value: JsonValue) -> tuple[tuple[Mapping[str, JsonValue], ...], list[str]]:
    if isinstance(value, str):
        if not value.strip():
            return (), ["'input' is an empty string"]
        return ({"role": "user", "content": value},), []
    if not isinstance(value, list):
        return (), [f"'input' must be a string or a list of messages, got {_json_type(value)}"]
    if not value:
        return (), ["'input' is an empty list (expected at least one message)"]
    errors: list[str] = []
    for index, message in enumerate(value):
        errors.extend(f"input[{index}]: {e}" for e in _message_problems(message))
    if not errors and value[0]["role"] != "user":
        errors.append("input[0]: the first message must have role 'user'")
    return (tuple(value) if not errors else ()), errors


def _message_problems(message: JsonValue) -> Iterable[str]:
    if not isinstance(message, dict):
        yield f"expected a message object, got {_json_type(message)}"
        return
    extra = sorted(set(message) - {"role", "content"})
    if extra:
        yield f"unknown key '{extra[0]}' (a message has role and content)"
    if message.get("role") not in _ROLES:
        yield f"'role' must be 'user' or 'assistant', got {json.dumps(message.get('role'))}"
    content = message.get("content")
    if isinstance(content, str):
        if not content.strip():
            yield "'content' is an empty string"
    elif isinstance(content, list) and content:
        for block in content:
            if not (isinstance(block, dict) and isinstance(block.get("type"), str)):
                yield "'content' blocks must be objects with a 'type'"
                break
    else:
        yield "'content' must be a non-empty string or a non-empty list of content blocks"


def _json_type(value: JsonValue) -> str:
    match value:
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return "a string"
        case list():
            return "an array"
        case dict():
            return "an object"
        case None:
            return "null"
    return type(value).__name__


def input_text(messages: Sequence[Mapping[str, JsonValue]]) -> str:
    """A sample's input as one string (for the llm grader's prompt and for token estimates)."""
    if len(messages) == 1 and isinstance(messages[0].get("content"), str):
        return str(messages[0]["content"])
    return canonical_json(list(messages))
