"""Resolving task types that name a symbol of another module of the scanned tree.

`from app.tasks import CLASSIFY`, `from .tasks import Task` then `Task.CLASSIFY`, `import app.tasks as
t` then `t.CLASSIFY`, and `Literal` aliases imported for annotations: the importing file's facts keep
the reference symbolic; here it is looked up in the other module's `Symbols` (re-exports followed).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from routecheck.paths import inside
from routecheck.scan.facts import Symbols, TaskRef

_MAX_HOPS = 8


class Resolver:
    """Looks references up across modules; `symbols_of` reads (or parses) a module file's symbols."""

    def __init__(self, symbols_of: Callable[[Path], Symbols | None], client: Path | None,
                 roots: Sequence[Path] = ()) -> None:
        """`roots`: the folders module files may be found in (the project root, the scanned paths); none
        given, any folder. A module outside them, or linked out of them, is never read."""
        self._symbols_of = symbols_of
        self._client = client
        self._roots = tuple(Path(os.path.realpath(r)) for r in roots)
        self._files: dict[tuple[Path, str, int], Path | None] = {}

    def module_file(self, importer: Path, module: str, level: int) -> Path | None:
        """The file of `module` as imported from `importer` (relative imports by `level` dots)."""
        key = (importer.parent, module, level)
        if key not in self._files:
            self._files[key] = self._find(importer, module, level)
        return self._files[key]

    def _find(self, importer: Path, module: str, level: int) -> Path | None:
        parts = [p for p in module.split(".") if p]
        if level:
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            bases = [base]
        else:  # absolute: the importer's folder and each folder above it may be an import root
            bases = [importer.parent, *importer.parent.parents]
        for base in bases:  # a folder above the root may be the import root (`from app.tasks import X`)
            target = base.joinpath(*parts)
            for candidate in (target.with_name(target.name + ".py") if parts else None, target / "__init__.py"):
                if candidate is not None and candidate.is_file() and (not self._roots or self._within(candidate)):
                    return candidate
        return None

    def _within(self, path: Path) -> bool:
        return any(inside(path, root) for root in self._roots)

    def resolve(self, ref: TaskRef, importer: Path) -> TaskRef:
        """`ref` with imported symbols looked up: values, trusted or dynamic."""
        hops = 0
        while ref.kind in ("imported", "imported-alias") and hops < _MAX_HOPS:
            hops += 1
            ref, importer = self._step(ref, importer)
        if ref.kind in ("imported", "imported-alias"):
            return TaskRef("dynamic", text=_dotted(ref))
        return ref

    def _step(self, ref: TaskRef, importer: Path) -> tuple[TaskRef, Path]:
        alias = ref.kind == "imported-alias"
        target = self.module_file(importer, ref.module, ref.level)
        if target is None:
            if alias and ref.name == "TaskType" and not ref.attrs:
                return TaskRef("trusted"), importer  # the generated client's TaskType, not generated yet
            return TaskRef("dynamic", text=_dotted(ref)), importer
        if alias and self._client is not None and target == self._client:
            return TaskRef("trusted"), target
        symbols = self._symbols_of(target)
        if symbols is None:
            return TaskRef("dynamic", text=_dotted(ref)), importer
        chain = (ref.name, *ref.attrs)
        if len(chain) == 1:
            if not alias and ref.name in symbols.constants:
                return TaskRef("values", (symbols.constants[ref.name],)), target
            if alias and ref.name in symbols.aliases:
                return TaskRef("values", symbols.aliases[ref.name]), target
        else:
            owner, member = ".".join(chain[:-1]), chain[-1]
            if not alias and member in symbols.classes.get(owner, {}):
                return TaskRef("values", (symbols.classes[owner][member],)), target
        if ref.name in symbols.imports:  # re-exported from somewhere else
            module, level, name = symbols.imports[ref.name]
            return TaskRef(ref.kind, module=module, level=level, name=name, attrs=ref.attrs), target
        if ref.attrs:  # `pkg.module.NAME`: NAME in the submodule
            submodule = f"{ref.module}.{ref.name}" if ref.module else ref.name
            inner = TaskRef(ref.kind, module=submodule, level=ref.level, name=ref.attrs[0], attrs=ref.attrs[1:])
            return inner, importer
        return TaskRef("dynamic", text=_dotted(ref)), importer


def _dotted(ref: TaskRef) -> str:
    return ".".join(p for p in ("." * ref.level + ref.module, ref.name, *ref.attrs) if p)
