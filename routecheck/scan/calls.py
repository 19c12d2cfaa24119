"""SDK calls, routing calls and what a module defines, from the stdlib `ast` (read-only: no libcst here).

Only the top-level statements that hold something shaped like a call are walked, iteratively (a tree
tens of thousands of nodes deep costs no stack), with the scopes a task argument may be looked up
in: function parameters and locals, then, once the whole module is seen, module constants, Enum
members and class attributes, `Literal` aliases and imports (resolved across files by `resolve`).
"""

from __future__ import annotations

import ast
import bisect
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Literal

from routecheck.scan.facts import RouteCall, SdkCall, Symbols, TaskRef
from routecheck.scan.lexer import Positions
from routecheck.scan.rules import SDK_CALL_SHAPES, SDK_RESOURCES, SDK_WRAPPERS
from routecheck.scan.settings import ROUTE_FUNCTIONS, ROUTER_METHODS

_DYNAMIC = TaskRef("dynamic")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True, slots=True)
class _Pending:
    """A name or attribute chain to look up in the module's own symbols once the whole module is seen."""

    chain: tuple[str, ...]
    alias: bool  # True: the chain names a type (a Literal alias); False: a value


Ref = TaskRef | _Pending


@dataclass
class _Frame:
    """A function's names, for the task arguments of routing calls inside it."""

    names: dict[str, Ref] = field(default_factory=dict)
    outer: _Frame | None = None

    def lookup(self, name: str) -> Ref | None:
        frame: _Frame | None = self
        while frame is not None:
            if name in frame.names:
                return frame.names[name]
            frame = frame.outer
        return None


def segments(expr: ast.expr) -> list[str]:
    """`a.b().c[0].d` -> ['a', 'b()', 'c[]', 'd']: the dotted shape of a callee (iteratively)."""
    suffixes: list[str] = []
    out: list[str] = []
    node = expr
    while True:
        if isinstance(node, ast.Attribute):
            out.append(node.attr + "".join(reversed(suffixes)))
            suffixes = []
            node = node.value
        elif isinstance(node, ast.Call):
            suffixes.append("()")
            node = node.func
        elif isinstance(node, ast.Subscript):
            suffixes.append("[]")
            node = node.value
        else:
            head = node.id if isinstance(node, ast.Name) else "(...)"
            out.append(head + "".join(reversed(suffixes)))
            return out[::-1]


# Every shape is at least two parts long and ends in one of these followed by the method.
_PENULTIMATE = frozenset(shape[-2] for shape in SDK_CALL_SHAPES)


def sdk_shape(segs: Sequence[str]) -> bool:
    """Does a callee's dotted shape match one of RC202's `SDK_CALL_SHAPES` (wrappers skipped)?"""
    if _PENULTIMATE.isdisjoint(segs):  # nearly every callee: `self.x.get`, `os.path.join`
        return False
    parts = [s for s in segs if s not in SDK_WRAPPERS]
    for shape in SDK_CALL_SHAPES:
        n = len(shape)
        if len(parts) <= n:
            continue
        tail = parts[-n:]
        if all(want == got or (want == "*" and got not in SDK_RESOURCES and got.isidentifier())
               for want, got in zip(shape, tail, strict=True)):
            return True
    return False


def is_route_call(segs: Sequence[str], task_calls: Sequence[str]) -> bool:
    """A call of the generated client, or of a configured `task-calls` name."""
    last = segs[-1]
    if last in ROUTE_FUNCTIONS:
        return True
    if len(segs) > 1 and last in ROUTER_METHODS and segs[-2].removesuffix("()").lower().endswith("router"):
        return True
    dotted = ".".join(segs)
    return any(fnmatchcase(dotted, p) or ("." not in p and fnmatchcase(last, p)) for p in task_calls)


def literal_text(expr: ast.expr) -> str | None:
    """The value of a plain string literal (implicit concatenations included); None for anything else."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def _literal_members(expr: ast.expr) -> tuple[str, ...] | None:
    """`Literal["a", "b"]` (also `typing.Literal`, `t.Literal`) -> ('a', 'b')."""
    if not isinstance(expr, ast.Subscript) or segments(expr.value)[-1] != "Literal":
        return None
    elements = expr.slice.elts if isinstance(expr.slice, ast.Tuple) else [expr.slice]
    values = tuple(text for e in elements if (text := literal_text(e)) is not None)
    return values or None


def select_statements(tree: ast.Module, lines: Iterable[int]) -> list[ast.stmt]:
    """The top-level statements holding one of `lines` (1-based), decorators included."""
    marks = sorted(set(lines))
    chosen = []
    for stmt in tree.body:
        decorators = getattr(stmt, "decorator_list", [])
        first = min([stmt.lineno, *(d.lineno for d in decorators)])
        hit = bisect.bisect_left(marks, first)
        if hit < len(marks) and marks[hit] <= (stmt.end_lineno or stmt.lineno):
            chosen.append(stmt)
    return chosen


@dataclass(frozen=True)
class CallFacts:
    sdk_calls: tuple[SdkCall, ...]
    route_calls: tuple[RouteCall, ...]
    symbols: Symbols


# Per node type, the fields that may hold nodes (`ast.walk` also visits every Load/Store context and
# operator singleton, and asks each field of each node through a generator: several times slower).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: (), ast.Name: ()}
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind", "id", "arg", "attr", "name", "names",
                          "module", "level", "is_async", "conversion", "simple"})


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = tuple(f for f in getattr(kind, "_fields", ()) if f not in _LEAF_FIELDS)
    _CHILD_FIELDS[kind] = fields
    return fields


class CallCollector:
    """Collects the SDK calls and routing calls of chosen statements, and a module's symbols. Never prints."""

    def __init__(self, text: str, positions: Positions, task_calls: Sequence[str]) -> None:
        self._text = text
        self._positions = positions
        self._shift = (0, 0)  # (lines, first-line columns) from a fragment's coordinates to the file's
        self._task_calls = tuple(task_calls)
        self.sdk_calls: list[SdkCall] = []
        self._routes: list[tuple[int, int, str, str, Ref]] = []
        self.constants: dict[str, str | None] = {}
        self.classes: dict[str, dict[str, str]] = {}
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.imports: dict[str, tuple[str, int, str]] = {}
        self.module_aliases: dict[str, str] = {}

    # -- walking ---------------------------------------------------------------------------------

    def walk(self, statements: Sequence[ast.stmt]) -> None:
        """Visit `statements` and everything inside them, in source order, without recursion."""
        inner: set[int] = set()  # ids of nodes that are part of a longer chain or a call's callee
        stack: list[tuple[ast.AST, _Frame | None]] = [(s, None) for s in reversed(statements)]
        while stack:
            node, frame = stack.pop()
            kind = type(node)
            if kind is ast.Call or kind is ast.Attribute:
                self._chain(node, frame, inner)
            elif kind in _FUNCTIONS:
                assert isinstance(node, _FUNCTIONS)
                body_frame = self._function_frame(node, frame)
                stack += [(s, body_frame) for s in reversed(node.body)]
                outer = [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]
                stack += [(n, frame) for n in reversed(outer)]
                continue
            elif kind is ast.Assign and frame is not None:
                assert isinstance(node, ast.Assign)
                for target in node.targets:
                    self._bind(frame, target, node.value, None)
            elif kind is ast.AnnAssign and frame is not None:
                assert isinstance(node, ast.AnnAssign)
                self._bind(frame, node.target, node.value, node.annotation)
            elif kind in (ast.For, ast.AsyncFor) and frame is not None:
                assert isinstance(node, (ast.For, ast.AsyncFor))
                self._bind(frame, node.target, None, None)
            stack += [(child, frame) for child in reversed(list(ast.iter_child_nodes(node)))]

    def walk_fragment(self, statements: Sequence[ast.stmt], first_line: int, indent: int) -> None:
        """The calls of statements parsed from the file's lines from `first_line` on, the first one's
        `indent` characters of indentation (ASCII blanks) removed. No scopes: a task argument naming
        anything makes the statement `pending` (the file is then parsed whole)."""
        self._shift = (first_line - 1, indent)
        inner: set[int] = set()
        stack: list[ast.AST] = list(statements)
        try:
            while stack:  # a node before its children (a chain before its parts), in any sibling order
                node = stack.pop()
                kind = type(node)
                if kind is ast.Call or kind is ast.Attribute:
                    self._chain(node, None, inner)
                for field in _CHILD_FIELDS.get(kind) or _child_fields(kind):
                    value = getattr(node, field, None)
                    if type(value) is list:
                        stack += [item for item in value if isinstance(item, ast.AST)]
                    elif isinstance(value, ast.AST):
                        stack.append(value)
        finally:
            self._shift = (0, 0)

    def _chain(self, node: ast.AST, frame: _Frame | None, inner: set[int]) -> None:
        """A call (SDK or routing), or an attribute chain not inside a longer one or a callee: an SDK method
        taken as a value. `inner` collects the ids of the parts, seen after the whole."""
        if isinstance(node, ast.Call):
            inner.add(id(node.func))
            self._call(node, frame)
        elif isinstance(node, ast.Attribute):
            inner.add(id(node.value))
            if id(node) not in inner and sdk_shape(segs := segments(node)):
                self.sdk_calls.append(SdkCall(*self._where(node), ".".join(segs), called=False))

    @property
    def pending(self) -> bool:
        """Does a routing call name something only the module's scopes can resolve?"""
        return any(isinstance(ref, _Pending) for *_, ref in self._routes)

    def _in_file(self, line: int, byte_column: int) -> tuple[int, int]:
        lines, indent = self._shift
        return line + lines, byte_column + (indent if line == 1 else 0)

    def _where(self, node: ast.expr) -> tuple[int, int]:
        line, column = self._in_file(node.lineno, node.col_offset)
        return line, self._positions.column(line, column)

    def _source(self, node: ast.expr) -> str:
        start = self._positions.offset(*self._in_file(node.lineno, node.col_offset))
        end = self._positions.offset(*self._in_file(node.end_lineno or node.lineno,
                                                    node.end_col_offset or node.col_offset))
        return self._text[start:end]

    def _call(self, node: ast.Call, frame: _Frame | None) -> None:
        segs = segments(node.func)
        if sdk_shape(segs):
            self.sdk_calls.append(SdkCall(*self._where(node), ".".join(segs)))
        elif is_route_call(segs, self._task_calls):
            arg = task_argument(node)
            if arg is not None:
                self._routes.append((*self._where(arg), ".".join(segs), self._source(arg), self._ref(arg, frame)))

    def _function_frame(self, node: ast.FunctionDef | ast.AsyncFunctionDef, frame: _Frame | None) -> _Frame:
        new = _Frame(outer=frame)
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]
        for arg in every:
            new.names[arg.arg] = _DYNAMIC if arg.annotation is None else self._annotation_ref(arg.annotation)
        return new

    # -- task references -------------------------------------------------------------------------

    def _ref(self, expr: ast.expr, frame: _Frame | None) -> Ref:
        text = literal_text(expr)
        if text is not None:
            return TaskRef("values", (text,))
        if isinstance(expr, (ast.Name, ast.Attribute)):
            segs = segments(expr)
            if not all(s.isidentifier() for s in segs):
                return TaskRef("dynamic", text=self._source(expr))
            local = frame.lookup(segs[0]) if frame is not None else None
            if local is not None:
                return local if len(segs) == 1 else TaskRef("dynamic", text=self._source(expr))
            return _Pending(tuple(segs), alias=False)
        return TaskRef("dynamic", text=self._source(expr))

    def _annotation_ref(self, expr: ast.expr) -> Ref:
        members = _literal_members(expr)
        if members is not None:
            return TaskRef("values", members)
        name = literal_text(expr)
        if name is not None:  # a forward reference: "TaskType"
            return _Pending((name,), alias=True) if name.isidentifier() else _DYNAMIC
        if isinstance(expr, (ast.Name, ast.Attribute)):
            segs = segments(expr)
            if all(s.isidentifier() for s in segs):
                return _Pending(tuple(segs), alias=True)
        return TaskRef("dynamic", text=self._source(expr))

    def _bind(self, frame: _Frame, target: ast.expr, value: ast.expr | None, annotation: ast.expr | None) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(frame, element, None, None)
            return
        if not isinstance(target, ast.Name):
            return
        if value is not None:
            ref = self._ref(value, frame)
        elif annotation is not None:
            ref = self._annotation_ref(annotation)
        else:
            ref = _DYNAMIC
        previous = frame.names.get(target.id)
        frame.names[target.id] = ref if previous is None or previous == ref or value is None else _DYNAMIC

    # -- what the module defines -----------------------------------------------------------------

    def define(self, tree: ast.Module) -> None:
        """Record the module's imports, constants, Literal aliases and class attributes (top level, and in
        top-level `if` / `try` blocks such as `if TYPE_CHECKING:` or an ImportError fallback)."""
        statements = list(reversed(tree.body))
        classes: list[tuple[str, ast.ClassDef]] = []
        while statements:
            stmt = statements.pop()
            if isinstance(stmt, (ast.If, ast.Try, ast.TryStar)):
                blocks = [stmt.body, stmt.orelse, *(h.body for h in getattr(stmt, "handlers", ())),
                          getattr(stmt, "finalbody", [])]
                statements += [s for block in reversed(blocks) for s in reversed(block)]
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    head = alias.name.split(".")[0]
                    self.module_aliases[alias.asname or head] = alias.name if alias.asname else head
            elif isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if alias.name != "*":
                        self.imports[alias.asname or alias.name] = (stmt.module or "", stmt.level, alias.name)
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    self._module_binding(target, stmt.value)
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                self._module_binding(stmt.target, stmt.value)
            elif isinstance(stmt, ast.ClassDef):
                classes.append((stmt.name, stmt))
        while classes:  # nested classes too, by their dotted names; not classes inside functions
            qualified, cls = classes.pop()
            attributes = self.classes.setdefault(qualified, {})
            for stmt in cls.body:
                if isinstance(stmt, ast.ClassDef):
                    classes.append((f"{qualified}.{stmt.name}", stmt))
                elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                    value = literal_text(stmt.value)
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        if isinstance(target, ast.Name) and value is not None:
                            attributes[target.id] = value

    def _module_binding(self, target: ast.expr, value: ast.expr) -> None:
        if not isinstance(target, ast.Name):
            return
        name = target.id
        members = _literal_members(value)
        if members is not None:
            self.aliases[name] = members
            return
        text = literal_text(value)
        known = self.constants.get(name, text)
        self.constants[name] = text if text is not None and known == text else None

    # -- results ---------------------------------------------------------------------------------

    def result(self) -> CallFacts:
        """What was collected; a call seen twice (statements read around two candidates overlap) counts once."""
        routes = tuple(RouteCall(line, column, callee, argument, self._local_ref(ref))
                       for line, column, callee, argument, ref in dict.fromkeys(self._routes))
        constants = {k: v for k, v in self.constants.items() if v is not None}
        symbols = Symbols(constants, {k: v for k, v in self.classes.items() if v}, dict(self.aliases),
                          dict(self.imports))
        return CallFacts(tuple(dict.fromkeys(self.sdk_calls)), routes, symbols)

    def _local_ref(self, ref: Ref) -> TaskRef:
        """A reference with the module's own names looked up (imports stay symbolic)."""
        if isinstance(ref, TaskRef):
            return ref
        chain, head = list(ref.chain), ref.chain[0]
        if not ref.alias and len(chain) >= 3 and chain[-1] == "value":
            chain.pop()  # Task.CLASSIFY.value: the Enum member's value
        if len(chain) == 1:
            if not ref.alias and self.constants.get(head) is not None:
                return TaskRef("values", (self.constants[head] or "",))
            if ref.alias and head in self.aliases:
                return TaskRef("values", self.aliases[head])
        else:
            owner = ".".join(chain[:-1])
            if owner in self.classes and chain[-1] in self.classes[owner]:
                return TaskRef("values", (self.classes[owner][chain[-1]],))
        kind: Literal["imported", "imported-alias"] = "imported-alias" if ref.alias else "imported"
        if head in self.imports:
            module, level, name = self.imports[head]
            return TaskRef(kind, module=module, level=level, name=name, attrs=tuple(chain[1:]))
        if head in self.module_aliases and len(chain) > 1:
            return TaskRef(kind, module=self.module_aliases[head], name=chain[1], attrs=tuple(chain[2:]))
        if ref.alias and chain[-1] == "TaskType":
            return TaskRef("trusted")
        return TaskRef("dynamic", text=".".join(ref.chain))


def task_argument(call: ast.Call) -> ast.expr | None:
    """Where a routing call's task is: `task=` / `task_type=`, else the first positional argument."""
    for keyword in call.keywords:
        if keyword.arg in ("task", "task_type"):
            return keyword.value
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return None


def parse_fragment(code: str) -> list[ast.stmt] | None:
    """The statements of one logical line (its first line dedented), made parseable on its own: a compound
    statement's header gets a body, a decorator a definition, `elif` becomes `if`. None if it still fails."""
    keyword = code.split(None, 1)[0] if code.strip() else ""
    attempts = [code, code + "\n pass", code + "\ndef _(): pass"]
    if keyword.startswith("elif"):
        attempts.append("if  " + code[4:] + "\n pass")
    for attempt in attempts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse(attempt).body
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
    return None
