"""What the scanner learns from one file, as plain typed values (cacheable, resolved later).

Everything here depends only on a file's content and the scan settings, never on other files: that is
what makes a content-hash cache correct. Task types imported from other modules stay symbolic
(`Imported`) until `resolve` looks them up across the tree.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

#: How a routing call's task type is known.
RefKind = Literal["values", "imported", "imported-alias", "trusted", "dynamic"]


@dataclass(frozen=True, slots=True)
class TaskRef:
    """A routing call's task argument: literal values, a symbol in another module, or unknowable.

    values: the task names it can be (a literal, a constant, each member of a Literal alias);
    imported / imported-alias: `name` (then `attrs`) in module `module` (`level` dots), a value or a Literal alias;
    trusted: typed with the generated client's TaskType; dynamic: `text` is what was passed.
    """

    kind: RefKind
    values: tuple[str, ...] = ()
    module: str = ""
    level: int = 0
    name: str = ""
    attrs: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True, slots=True)
class ModelHit:
    line: int
    column: int
    model: str
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class SdkCall:
    line: int
    column: int
    call: str
    called: bool = True  # False: the method taken as a value (`create = client.messages.create`)
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class RouteCall:
    line: int
    column: int
    callee: str
    argument: str
    ref: TaskRef
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class Suppression:
    """`# routecheck: ignore[...]` on `line`; codes None means every code."""

    line: int
    column: int
    codes: tuple[str, ...] | None
    text: str
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class Symbols:
    """What a module defines that a task argument elsewhere may name.

    Task types are identifiers, so only string values that are identifiers are kept: a module's other
    constants (`API_KEY = "sk-..."`, prompts) can never name a task, and never reach the facts cache.
    A Literal alias with any other member is dropped whole (a task argument typed by it is dynamic).
    """

    constants: dict[str, str] = field(default_factory=dict)
    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    imports: dict[str, tuple[str, int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # filtered here, where every Symbols is made (analysis and cache alike), so cold and warm agree
        setattr_ = object.__setattr__
        setattr_(self, "constants", {k: v for k, v in self.constants.items() if v.isidentifier()})
        classes = {name: {k: v for k, v in members.items() if v.isidentifier()}
                   for name, members in self.classes.items()}
        setattr_(self, "classes", {name: members for name, members in classes.items() if members})
        setattr_(self, "aliases", {k: v for k, v in self.aliases.items() if all(m.isidentifier() for m in v)})


@dataclass(frozen=True, slots=True)
class FileNote:
    line: int
    column: int
    message: str
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything one file contributes to a scan."""

    models: tuple[ModelHit, ...] = ()
    sdk_calls: tuple[SdkCall, ...] = ()
    route_calls: tuple[RouteCall, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    quoted_tasks: tuple[str, ...] = ()
    notes: tuple[FileNote, ...] = ()
    symbols: Symbols | None = None
    #: The file starts as `routecheck generate` writes a client: its own ids and calls are no findings.
    generated_client: bool = False

    def in_cells(self, cells: Sequence[tuple[int, int]]) -> FileFacts:
        """These facts, found in a notebook's code cells joined into one text, placed in their cells:
        `cells` is each cell's (first line in the joined text, cell number), in order."""
        firsts = [first for first, _ in cells]

        def place(line: int) -> tuple[int, int]:
            first, number = cells[max(bisect.bisect_right(firsts, line) - 1, 0)]
            return line - first + 1, number

        def moved(item: _Placed) -> _Placed:
            line, cell = place(item.line)
            return dataclasses.replace(item, line=line, cell=cell)

        return FileFacts(
            models=tuple(map(moved, self.models)), sdk_calls=tuple(map(moved, self.sdk_calls)),
            route_calls=tuple(map(moved, self.route_calls)), suppressions=tuple(map(moved, self.suppressions)),
            quoted_tasks=self.quoted_tasks, notes=tuple(map(moved, self.notes)), symbols=self.symbols,
        )

    def to_json(self) -> list[Any]:
        sym = self.symbols
        return [
            [[h.line, h.column, h.model, h.cell] for h in self.models],
            [[c.line, c.column, c.call, c.called, c.cell] for c in self.sdk_calls],
            [[c.line, c.column, c.callee, c.argument, _ref_json(c.ref), c.cell] for c in self.route_calls],
            [[s.line, s.column, None if s.codes is None else list(s.codes), s.text, s.cell] for s in self.suppressions],
            list(self.quoted_tasks),
            [[n.line, n.column, n.message, n.cell] for n in self.notes],
            self.generated_client,
            None if sym is None else [sym.constants, sym.classes, {k: list(v) for k, v in sym.aliases.items()},
                                      {k: list(v) for k, v in sym.imports.items()}],
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> FileFacts:
        models, sdk, routes, sups, quoted, notes, generated, sym = data
        return cls(
            models=tuple(ModelHit(*m) for m in models),
            sdk_calls=tuple(SdkCall(*c) for c in sdk),
            route_calls=tuple(RouteCall(r[0], r[1], r[2], r[3], _ref_from_json(r[4]), r[5]) for r in routes),
            suppressions=tuple(Suppression(s[0], s[1], None if s[2] is None else tuple(s[2]), s[3], s[4])
                               for s in sups),
            quoted_tasks=tuple(quoted),
            notes=tuple(FileNote(*n) for n in notes),
            symbols=None if sym is None else Symbols(
                sym[0], sym[1], {k: tuple(v) for k, v in sym[2].items()},
                {k: (v[0], v[1], v[2]) for k, v in sym[3].items()},
            ),
            generated_client=bool(generated),
        )


_Placed = TypeVar("_Placed", ModelHit, SdkCall, RouteCall, Suppression, FileNote)


def _ref_json(ref: TaskRef) -> list[Any]:
    return [ref.kind, list(ref.values), ref.module, ref.level, ref.name, list(ref.attrs), ref.text]


def _ref_from_json(data: list[Any]) -> TaskRef:
    kind, values, module, level, name, attrs, text = data
    return TaskRef(kind, tuple(values), module, level, name, tuple(attrs), text)
