"""When a model reaches end of life, from the installed anthropic SDK's `DEPRECATED_MODELS` map.

The map is read from the SDK's source with `ast`, never imported: the SDK keeps it in a private
module (`anthropic/_data/deprecated_models.py` in 2.15+, `resources/messages/messages.py` before), and
linting and scanning must not pay for `import anthropic`. Pure functions of a model id and a day.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from routecheck.model_ids import sdk_model_ids

__all__ = ["WARN_BEFORE", "deprecation_date", "deprecation_note", "end_of_life_map"]

#: How long before its end of life a model is warned about.
WARN_BEFORE = timedelta(days=90)
#: Where SDK versions keep the map, newest layout first.
_CANDIDATES = (("_data", "deprecated_models.py"), ("resources", "messages", "messages.py"))
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)\b")


@functools.cache
def end_of_life_map() -> dict[str, date]:
    """Model id -> end-of-life date, as the installed SDK lists them (empty without the SDK or the map)."""
    spec = importlib.util.find_spec("anthropic")
    if spec is None or not spec.submodule_search_locations:
        return {}
    root = Path(next(iter(spec.submodule_search_locations)))
    for parts in _CANDIDATES:
        found = _read_map(root.joinpath(*parts))
        if found is not None:
            return found
    return {}


def _read_map(path: Path) -> dict[str, date] | None:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in ast.walk(tree):
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == "DEPRECATED_MODELS" and isinstance(value, ast.Dict):
            out: dict[str, date] = {}
            for key, item in zip(value.keys, value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(item, ast.Constant):
                    when = parse_sdk_date(str(item.value))
                    if when is not None:
                        out[key.value] = when
            return out
    return None


def parse_sdk_date(text: str) -> date | None:
    """`January 22nd, 2027` (the SDK's wording) or `2027-01-22` as a date; None for anything else."""
    plain = _ORDINAL.sub(r"\1", text.strip())
    for shape in ("%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(plain, shape).date()
        except ValueError:
            continue
    return None


def deprecation_date(model: str) -> date | None:
    """The end-of-life date the SDK lists for `model` (Bedrock and Vertex spellings included), or None."""
    table = end_of_life_map()
    if model in table:
        return table[model]
    bare = re.sub(r"^(?:[a-z-]+\.)?anthropic\.", "", re.split(r"[/:](?=[a-z])", model)[-1])
    bare = re.sub(r"(?:-v\d+(?::\d+)?|@\d{8}|@latest)$", "", bare)
    return table.get(bare)


def deprecation_note(model: str, today: date) -> str | None:
    """A clause for a finding's message, or None when `model` is not deprecated or is far from its end.

    `reaches end of life on 2027-01-22 (in 51 days)` within WARN_BEFORE of the date;
    `reached end of life on 2027-01-22` once it has passed (calls fail from that day).
    """
    when = deprecation_date(model)
    if when is None:
        return None
    if today >= when:
        return f"reached end of life on {when.isoformat()}"
    left = (when - today).days
    if when - today <= WARN_BEFORE:
        return f"reaches end of life on {when.isoformat()} (in {left} day{'s' if left != 1 else ''})"
    return None


_FAMILY = re.compile(r"^claude-([a-z]+)-(\d+(?:-\d+)?)(?:-(\d{8}))?$")


def successor(model: str, today: date) -> str | None:
    """The newest model of `model`'s family (opus, sonnet, haiku...) the SDK lists and has not retired.

    Dated snapshot ids are skipped (the alias names the same model); None when the SDK lists none
    newer than `model`, or `model` is not shaped `claude-<family>-<version>`.
    """

    own = _FAMILY.match(model)
    if own is None:
        return None
    family, version = own.group(1), _version(own.group(2))
    retiring = end_of_life_map()
    best: tuple[tuple[int, ...], str] | None = None
    for candidate in sdk_model_ids():
        match = _FAMILY.match(candidate)
        if match is None or match.group(1) != family or match.group(3) is not None:
            continue
        if candidate in retiring and retiring[candidate] - today <= WARN_BEFORE:
            continue
        key = _version(match.group(2))
        if key > version and (best is None or key > best[0]):
            best = (key, candidate)
    return None if best is None else best[1]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("-"))


def hardcoded_model_clause(model: str, today: date) -> str:
    """What RC201's message adds for a deprecated model id: `; claude-opus-4-5 reaches end of life on
    2027-01-22 (in 51 days), and every call to it fails from then`, or "" when it is not (yet) due."""
    note = deprecation_note(model, today)
    if note is None:
        return ""
    then = "and every call to it fails" if note.startswith("reached") else "and every call to it fails from then"
    return f"; {model} {note}, {then}"
