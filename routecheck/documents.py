"""Reading TOML files into validated models, with every error located in the file.

This is the only module that parses TOML. Everything it cannot read becomes a `ConfigError` whose
problems read ``FILE:LINE:COL: key.path: what is wrong (what was expected)``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from routecheck.errors import ConfigError, Problem
from routecheck.files import UnreadableFile, read_regular_file
from routecheck.paths import display_path
from routecheck.patterns import PATTERN_MEANINGS
from routecheck.toml_locate import KeyLocator, KeyPath

if TYPE_CHECKING:  # reading TOML must not cost the pydantic import; validating does
    import pydantic
    from pydantic_core import ErrorDetails

M = TypeVar("M", bound="pydantic.BaseModel")

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


@dataclass(frozen=True)
class TomlDocument:
    """A parsed TOML file that still knows where each of its keys stands."""

    path: Path
    text: str
    data: dict[str, Any]
    locator: KeyLocator
    #: Whether problems may quote the file's string values: yes for a policy or evidence file, no for
    #: any other (pyproject.toml), so that nothing of a file that is not routecheck's reaches a message.
    echo_strings: bool = True

    @property
    def display(self) -> str:
        return display_path(self.path)

    def problem(self, key: KeyPath, message: str) -> Problem:
        line, column = self.locator.locate(key)
        return Problem(self.display, line, column, format_key(key), message)


def read_toml(path: Path, *, what: str = "file", echo_strings: bool = True) -> TomlDocument:
    """Read and parse `path`; raise a located ConfigError for anything but a valid UTF-8 TOML file."""
    shown = display_path(path)
    try:
        raw = read_regular_file(path)
    except UnreadableFile as exc:
        raise ConfigError([Problem(shown, None, None, "", exc.about(what))]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        # a column counts characters, as in every other error; the valid text before the bad byte decodes
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        raise ConfigError(
            [Problem(shown, line, column, "", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8 (TOML files are UTF-8)")]
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_syntax_problem(shown, text, str(exc))]) from None
    except (ValueError, RecursionError) as exc:
        # tomllib lets a few errors through unwrapped: integers over the int-conversion limit, deep nesting
        raise ConfigError([_unwrapped_problem(shown, text, exc)]) from None
    if _depth(data) > _MAX_NESTING and _too_deep(text) is not None:
        # tomllib took it, but the locator (recursive too) and every later walk would not
        raise ConfigError([_unwrapped_problem(shown, text, RecursionError())])
    return TomlDocument(path, text, data, KeyLocator(text), echo_strings)


#: Arrays and inline tables may nest this deep: tomllib's own limit is the interpreter's recursion limit,
#: which a value that broke it passes somewhere, and the locator's is lower still.
_MAX_NESTING = 100
_MAX_INT_DIGITS = 4300  # sys.get_int_max_str_digits()'s default


def _unwrapped_problem(shown: str, text: str, exc: Exception) -> Problem:
    """A located problem for what tomllib raised without a position: the deep value or the long integer."""
    deep = isinstance(exc, RecursionError)
    offset = _too_deep(text) if deep else _too_long_integer(text)
    what = (f"arrays and inline tables nested too deeply (expected at most {_MAX_NESTING} levels)" if deep
            else f"integer with more than {_MAX_INT_DIGITS} digits")
    if offset is None:
        reason = "nested too deeply" if deep else str(exc)
        return Problem(shown, None, None, "", f"invalid TOML: {reason}")
    # the text before the value is valid up to its key: the locator finds the key the value belongs to
    locator = KeyLocator(text[: offset + 1])
    key = locator.key_at(offset)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Problem(shown, line, column, format_key(key), f"invalid TOML: {what}")


def _depth(data: object) -> int:
    """How deeply `data`'s tables and arrays nest, found without recursion."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return deepest


def _values(text: str) -> typing.Iterator[tuple[int, str, int]]:
    """(offset, character, nesting depth) of each character of `text` outside strings and comments."""
    i, depth, n, previous = 0, 0, len(text), ""
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if c == '"' and text[j] == "\\" else 1
            i, previous = j + len(quote), c
            continue
        # a bracket opens a value inside another or just after `=`; at the top it is a table header
        if c in "[{" and (depth > 0 or previous == "="):
            depth += 1
        elif c in "]}" and depth > 0:
            depth -= 1
        yield i, c, depth
        if c not in " \t":
            previous = c
        i += 1


def _too_deep(text: str) -> int | None:
    """Where the value that nests too deeply begins (its key's value, not the innermost bracket)."""
    outermost = 0
    for i, c, depth in _values(text):
        if depth == 1 and c in "[{":
            outermost = i
        elif depth > _MAX_NESTING:
            return outermost
    return None


def _too_long_integer(text: str) -> int | None:
    start, digits, last = 0, 0, -2
    for i, c, _ in _values(text):
        if c.isdigit() or (c == "_" and last == i - 1):
            if last != i - 1:
                start, digits = i, 0
            digits += c != "_"
            last = i
            if digits > _MAX_INT_DIGITS:
                return start
    return None


def _syntax_problem(shown: str, text: str, message: str) -> Problem:
    match = _TOML_POSITION.search(message)
    if match:
        line, column = int(match[1]), int(match[2])
        message = message[: match.start()]
    else:
        line = text.count("\n") + 1
        column = len(text) - (text.rfind("\n") + 1) + 1
        message = _TOML_AT_END.sub("", message)
    return Problem(shown, line, column, "", f"invalid TOML: {message[:1].lower()}{message[1:]}")


def validate(doc: TomlDocument, model: type[M], data: Any, *, at: KeyPath = ()) -> M:
    """`data` (found at key path `at` of `doc`) as a `model`, or a ConfigError with every problem."""
    import pydantic  # lazy: reading TOML must not import pydantic; only validating does

    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = [doc.problem((*at, *_clean_loc(err["loc"])), describe(model, err, echo=doc.echo_strings))
                    for err in exc.errors()]
        raise ConfigError(sorted(problems, key=in_file_order)) from None


def about_file(subject: str, ref: str, message: str) -> str:
    """`policy file not found` -> `policy file 'p.toml' not found`: the message names the path it is about."""
    if subject in message:
        return message.replace(subject, f"{subject} {ref!r}", 1)
    return f"{subject} {ref!r}: {message}"


def in_file_order(problem: Problem) -> tuple[str, int, int]:
    """Sort key: problems read top to bottom, file by file (a stable sort keeps ties in check order)."""
    return (problem.path, problem.line or 0, problem.column or 0)


def format_key(key: KeyPath) -> str:
    """`tasks.classify_intent.upgrade[1].to`; keys that are not bare TOML keys are quoted and escaped."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            shown = part if part and all(c.isalnum() or c in "_-" for c in part) and part.isascii() else _quoted(part)
            out += f".{shown}" if out else shown
    return out


_SHORT_ESCAPES = {"\b": "b", "\t": "t", "\n": "n", "\f": "f", "\r": "r"}


def _quoted(key: str) -> str:
    # a TOML basic string; control and line-breaking characters escaped so a problem stays on one line
    def escape(c: str) -> str:
        if c in '"\\':
            return "\\" + c
        if c.isprintable():
            return c
        if c in _SHORT_ESCAPES:
            return "\\" + _SHORT_ESCAPES[c]
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"

    return '"' + "".join(escape(c) for c in key) + '"'


def _clean_loc(loc: tuple[str | int, ...]) -> KeyPath:
    # pydantic adds "[key]" when a dict key fails its own validation; the key itself is the place
    return tuple(part for part in loc if part != "[key]")


# -- turning pydantic's errors into routecheck's words ---------------------------------------------

_TYPE_NAMES = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "string_type": "a string",
    "date_type": "a date (YYYY-MM-DD)",
    "datetime_type": "a date-time (YYYY-MM-DDTHH:MM:SSZ)",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}
#: pydantic's range errors: the comparison they stand for and the ctx key holding the bound.
_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}


def toml_type(value: object) -> str:
    """The TOML name of a parsed value's type."""
    match value:
        case bool():
            return "boolean"
        case int():
            return "integer"
        case float():
            return "float"
        case str():
            return "string"
        case datetime():
            return "date-time"
        case date():
            return "date"
        case time():
            return "time"
        case list():
            return "array"
        case dict():
            return "table"
    return type(value).__name__


def _shown(value: object) -> str:
    if isinstance(value, dict | list):
        return toml_type(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 58 else repr(value[:55]) + "..."
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(model: type[pydantic.BaseModel], err: ErrorDetails, *, echo: bool = True) -> str:
    """One pydantic error as `what is wrong (what was expected)`; without `echo`, a string value is
    named by its type only (the location says which it is)."""
    kind, value, loc = err["type"], err["input"], _clean_loc(err["loc"])
    ctx = err.get("ctx", {})
    if not echo and isinstance(value, str):
        return _describe_string(model, kind, loc, ctx, err["msg"])
    if kind == "missing":
        return "missing required key"
    if kind == "extra_forbidden":
        allowed = sorted(_fields_at(model, loc[:-1]))
        name = str(loc[-1]) if loc else "?"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown key {name!r} ({hint}expected one of: {', '.join(allowed)})"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"invalid value {_shown(value)} (expected one of: {expected})"
    if kind in _TYPE_NAMES:
        got = toml_type(value) if isinstance(value, dict | list) else f"{toml_type(value)} {_shown(value)}"
        return f"expected {_TYPE_NAMES[kind]}, got {got}"
    if kind in _BOUNDS:
        symbol, bound_key = _BOUNDS[kind]
        bound = ctx.get(bound_key)
        if isinstance(bound, float) and bound.is_integer():  # pydantic turns `ge=0` on a float field into 0.0
            bound = int(bound)
        return f"{_shown(value)} is out of range (expected a value {symbol} {_shown(bound)})"
    if kind == "finite_number":
        return f"{_shown(value)} is not allowed (expected a finite number)"
    if kind == "too_short":
        least = int(ctx.get("min_length", 1))
        return f"empty {toml_type(value)} (expected at least {least} {'entry' if least == 1 else 'entries'})"
    if kind == "string_pattern_mismatch":
        meaning = PATTERN_MEANINGS.get(str(ctx.get("pattern")))
        if meaning is not None:
            return f"{_shown(value)} is not {meaning}"
    message = err["msg"].removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    if kind == "value_error":
        return message
    return f"{message} (got {_shown(value)})"


def _describe_string(model: type[pydantic.BaseModel], kind: str, loc: KeyPath, ctx: dict[str, Any], msg: str) -> str:
    """`describe` for a string value that must not be quoted."""
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"invalid value (expected one of: {expected})"
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got a string"
    if kind == "string_pattern_mismatch":
        meaning = PATTERN_MEANINGS.get(str(ctx.get("pattern")))
        if meaning is not None:
            return f"the value is not {meaning}"
    message = msg.removeprefix("Value error, ")
    return message[:1].lower() + message[1:] if kind == "value_error" else "invalid value"


def _fields_at(model: type[pydantic.BaseModel], loc: KeyPath) -> set[str]:
    """The key names that the model expects at `loc` (for 'unknown key' messages)."""
    import pydantic  # lazy: reading TOML must not import pydantic; only validating does

    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
            field = next(
                (f for n, f in current.model_fields.items() if (f.alias or n) == part),
                None,
            )
            if field is None:
                return set()
            current = field.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return set()
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
        return {f.alias or n for n, f in current.model_fields.items()}
    return set()


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and `| None` so the container or model type shows."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation
