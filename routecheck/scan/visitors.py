"""The libcst visitor: one pass over a parsed module collecting typed facts, positions resolved after.

Positions: the visitor numbers the module's string tokens in source order, and the string lexer
gives each token's start; libcst's PositionProvider (the expensive part of a libcst scan) is only
computed when a finding points at something other than a string, or the lexer and libcst disagree.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Literal

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from routecheck.model_ids import ModelMatcher
from routecheck.scan.facts import ModelHit, RouteCall, SdkCall, Symbols, TaskRef
from routecheck.scan.lexer import LineIndex, string_tokens
from routecheck.scan.settings import ROUTE_FUNCTIONS, ROUTER_METHODS

_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
_SDK_MESSAGE_METHODS = frozenset({"create", "stream", "count_tokens", "parse"})
_DYNAMIC = TaskRef("dynamic")


@dataclass(frozen=True, slots=True)
class _Pending:
    """A name or attribute chain to look up in the module's own symbols once the whole module is seen."""

    chain: tuple[str, ...]
    alias: bool  # True: the chain names a type (a Literal alias); False: a value


Ref = TaskRef | _Pending


@dataclass
class _Frame:
    kind: Literal["module", "class", "function"]
    name: str = ""
    names: dict[str, Ref] = field(default_factory=dict)


def segments(expr: cst.BaseExpression) -> list[str]:
    """`a.b().c[0].d` -> ['a', 'b()', 'c[]', 'd']: the dotted shape of a callee."""
    if isinstance(expr, cst.Name):
        return [expr.value]
    if isinstance(expr, cst.Attribute):
        return [*segments(expr.value), expr.attr.value]
    if isinstance(expr, cst.Call):
        inner = segments(expr.func)
        return [*inner[:-1], inner[-1] + "()"]
    if isinstance(expr, cst.Subscript):
        inner = segments(expr.value)
        return [*inner[:-1], inner[-1] + "[]"]
    return ["(...)"]


def is_sdk_call(segs: Sequence[str]) -> bool:
    """`*.messages.create` and friends (DESIGN.md RC202), on the callee's dotted shape."""
    n = len(segs)
    if n < 3:
        return False
    a, b, c = segs[-3], segs[-2], segs[-1]
    if b == "messages" and c in _SDK_MESSAGE_METHODS:
        return True
    if n >= 4 and (a, b, c) == ("messages", "batches", "create"):
        return True
    if any(segs[i] == "beta" and segs[i + 1] == "messages" for i in range(n - 2)):
        return True
    if n >= 4 and (a, b) == ("chat", "completions") and c in {"create", "parse", "stream"}:
        return True
    return b == "responses" and c in {"create", "stream", "parse"}


def is_route_call(segs: Sequence[str], task_calls: Sequence[str]) -> bool:
    """A call of the generated client, or of a configured `task-calls` name."""
    last = segs[-1]
    if last in ROUTE_FUNCTIONS:
        return True
    if len(segs) > 1 and last in ROUTER_METHODS and segs[-2].removesuffix("()").lower().endswith("router"):
        return True
    dotted = ".".join(segs)
    return any(fnmatchcase(dotted, p) or ("." not in p and fnmatchcase(last, p)) for p in task_calls)


def string_value(node: cst.SimpleString) -> str:
    """The value of a string literal (bytes as Latin-1), without evaluating anything but the literal."""
    raw = node.raw_value
    if "\\" not in raw:
        return raw
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences warn; they are the code's business
        try:
            value = node.evaluated_value
        except Exception:  # literal_eval of a literal libcst accepted but Python does not
            return raw
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _fstring_text(node: cst.FormattedString) -> str:
    # Replacement fields become NUL: a model id may end at one ("{x}claude-opus-4-6"), none is split by one.
    return "".join(p.value if isinstance(p, cst.FormattedStringText) else "\0" for p in node.parts)


def _pieces(node: cst.BaseExpression) -> list[cst.SimpleString | cst.FormattedString]:
    """The pieces of an implicit concatenation, left to right (iteratively: some have thousands)."""
    pieces: list[cst.SimpleString | cst.FormattedString] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.ConcatenatedString):
            stack += [current.right, current.left]
        elif isinstance(current, (cst.SimpleString, cst.FormattedString)):
            pieces.append(current)
    return pieces


def _piece_text(node: cst.SimpleString | cst.FormattedString) -> str:
    return string_value(node) if isinstance(node, cst.SimpleString) else _fstring_text(node)


def literal_text(expr: cst.BaseExpression) -> str | None:
    """The value of a plain string literal or a concatenation of them; None for anything else."""
    if isinstance(expr, cst.SimpleString):
        return string_value(expr)
    if isinstance(expr, cst.ConcatenatedString):
        pieces = _pieces(expr)
        if all(isinstance(p, cst.SimpleString) for p in pieces):
            return "".join(_piece_text(p) for p in pieces)
    return None


def _literal_members(expr: cst.BaseExpression) -> tuple[str, ...] | None:
    """`Literal["a", "b"]` (also `typing.Literal`, `t.Literal`) -> ('a', 'b')."""
    if not isinstance(expr, cst.Subscript) or segments(expr.value)[-1] != "Literal":
        return None
    values = []
    for element in expr.slice:
        if isinstance(element.slice, cst.Index):
            text = literal_text(element.slice.value)
            if text is not None:
                values.append(text)
    return tuple(values) or None


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


class FactsVisitor(cst.CSTVisitor):
    """Collects model ids in strings, SDK calls, routing calls and the module's symbols. Never prints."""

    def __init__(self, matcher: ModelMatcher, task_calls: Sequence[str]) -> None:
        super().__init__()
        self._matcher = matcher
        self._task_calls = tuple(task_calls)
        self.string_nodes: list[cst.CSTNode] = []
        self._string_index: dict[cst.CSTNode, int] = {}
        self.model_hits: list[tuple[int, str]] = []  # (string token index, model)
        self.nested_hits: list[tuple[cst.CSTNode, str]] = []  # strings inside f-string replacement fields
        self.sdk_calls: list[tuple[cst.CSTNode, str]] = []
        self.route_calls: list[tuple[cst.CSTNode, str, str, Ref]] = []
        self._fstring_depth = 0
        self._doc_depth = 0
        self._concat_depth = 0
        self._frames = [_Frame("module")]
        self.constants: dict[str, str | None] = {}
        self.classes: dict[str, dict[str, str]] = {}
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.imports: dict[str, tuple[str, int, str]] = {}
        self.module_aliases: dict[str, str] = {}
        self._visits = _handlers(self, "visit_")
        self._leaves = _handlers(self, "leave_")

    # -- dispatch ----------------------------------------------------------------------------------
    # libcst's default dispatch builds a method name and looks it up for every node and, twice more,
    # for every attribute of every node; most of a visit's time goes there. One dict lookup per node
    # (type -> bound method, built once) keeps the visit_*/leave_* methods and drops that overhead.

    def on_visit(self, node: cst.CSTNode) -> bool:
        handler = self._visits.get(type(node))
        return handler is None or handler(node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        handler = self._leaves.get(type(original_node))
        if handler is not None:
            handler(original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    # -- strings ---------------------------------------------------------------------------------

    def _number(self, node: cst.CSTNode) -> int:
        index = len(self.string_nodes)
        self.string_nodes.append(node)
        self._string_index[node] = index
        return index

    def _hits(self, index: int, text: str) -> None:
        for match in self._matcher.finditer(text):
            self.model_hits.append((index, match.model))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self._fstring_depth:  # inside an f-string's replacement field: no token of its own
            self.nested_hits += [(node, m.model) for m in self._matcher.finditer(string_value(node))]
            return
        index = self._number(node)
        if not (self._doc_depth or self._concat_depth):
            self._hits(index, string_value(node))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        if self._fstring_depth:
            return
        index = self._number(node)
        if not (self._doc_depth or self._concat_depth):
            self._hits(index, _fstring_text(node))

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        self._fstring_depth += 1

    def leave_FormattedStringExpression(self, original_node: cst.FormattedStringExpression) -> None:
        self._fstring_depth -= 1

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        if self._fstring_depth:
            return
        if not (self._doc_depth or self._concat_depth):
            # The id may span pieces ("claude-" "opus-4-6"): match the joined text, blame the piece it starts in.
            first = len(self.string_nodes)
            starts, parts, offset = [], [], 0
            for piece in _pieces(node):
                text = _piece_text(piece)
                starts.append(offset)
                parts.append(text)
                offset += len(text)
            for match in self._matcher.finditer("".join(parts)):
                piece_index = max(i for i, start in enumerate(starts) if start <= match.start)
                self.model_hits.append((first + piece_index, match.model))
        self._concat_depth += 1

    def leave_ConcatenatedString(self, original_node: cst.ConcatenatedString) -> None:
        if not self._fstring_depth:
            self._concat_depth -= 1

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, _STRINGS):
            self._doc_depth += 1  # a docstring, or any string standing alone as a statement: documentation

    def leave_Expr(self, original_node: cst.Expr) -> None:
        if isinstance(original_node.value, _STRINGS):
            self._doc_depth -= 1

    # -- calls -----------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        segs = segments(node.func)
        if is_sdk_call(segs):
            self.sdk_calls.append((node, ".".join(segs)))
        elif is_route_call(segs, self._task_calls):
            arg = _task_argument(node.args)
            if arg is not None:
                self.route_calls.append((_position_node(arg), ".".join(segs), _code(arg), self._ref(arg)))

    def _ref(self, expr: cst.BaseExpression) -> Ref:
        text = literal_text(expr)
        if text is not None:
            return TaskRef("values", (text,))
        if isinstance(expr, (cst.Name, cst.Attribute)):
            segs = segments(expr)
            if not all(s.isidentifier() for s in segs):
                return TaskRef("dynamic", text=_code(expr))
            local = self._lookup(segs[0])
            if local is not None:
                return local if len(segs) == 1 else TaskRef("dynamic", text=_code(expr))
            return _Pending(tuple(segs), alias=False)
        return TaskRef("dynamic", text=_code(expr))

    def _annotation_ref(self, expr: cst.BaseExpression) -> Ref:
        members = _literal_members(expr)
        if members is not None:
            return TaskRef("values", members)
        if isinstance(expr, cst.SimpleString):  # a forward reference: "TaskType"
            name = string_value(expr)
            return _Pending((name,), alias=True) if name.isidentifier() else _DYNAMIC
        if isinstance(expr, (cst.Name, cst.Attribute)):
            segs = segments(expr)
            if all(s.isidentifier() for s in segs):
                return _Pending(tuple(segs), alias=True)
        return TaskRef("dynamic", text=_code(expr))

    def _lookup(self, name: str) -> Ref | None:
        for frame in reversed(self._frames):
            if frame.kind == "function" and name in frame.names:
                return frame.names[name]
        return None

    # -- scopes and symbols ----------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = _Frame("function", node.name.value)
        params = node.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            ann = param.annotation
            frame.names[param.name.value] = _DYNAMIC if ann is None else self._annotation_ref(ann.annotation)
        self._frames.append(frame)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        outer = [f.name for f in self._frames if f.kind == "class"]
        qualified = ".".join([*outer, node.name.value])
        if all(f.kind != "function" for f in self._frames):
            self.classes.setdefault(qualified, {})
        self._frames.append(_Frame("class", qualified))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._frames.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value, None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value, node.annotation.annotation)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, None, None)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None,
              annotation: cst.BaseExpression | None) -> None:
        if not isinstance(target, cst.Name):
            if isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._bind(element.value, None, None)
            return
        name = target.value
        frame = self._frames[-1]
        text = None if value is None else literal_text(value)
        if frame.kind == "function":
            if value is not None:
                ref = self._ref(value)
            elif annotation is not None:
                ref = self._annotation_ref(annotation)
            else:
                ref = _DYNAMIC
            previous = frame.names.get(name)
            frame.names[name] = ref if previous is None or previous == ref or value is None else _DYNAMIC
        elif frame.kind == "class":
            if text is not None and frame.name in self.classes:
                self.classes[frame.name][name] = text
        else:
            members = None if value is None else _literal_members(value)
            if members is not None:
                self.aliases[name] = members
            elif value is not None:
                known = self.constants.get(name, text)
                self.constants[name] = text if text is not None and known == text else None

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = ".".join(segments(alias.name))
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.module_aliases[alias.asname.name.value] = dotted
            else:
                head = dotted.split(".")[0]
                self.module_aliases[head] = head

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = "" if node.module is None else ".".join(segments(node.module))
        for alias in node.names:
            name = ".".join(segments(alias.name))
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self.imports[local] = (module, len(node.relative), name)

    # -- results ---------------------------------------------------------------------------------

    def symbols(self) -> Symbols:
        constants = {k: v for k, v in self.constants.items() if v is not None}
        return Symbols(constants, {k: v for k, v in self.classes.items() if v}, dict(self.aliases), dict(self.imports))

    def local_ref(self, ref: Ref) -> TaskRef:
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
            for cut in range(len(chain) - 1, 0, -1):
                owner = ".".join(chain[:cut])
                if cut == len(chain) - 1 and owner in self.classes and chain[cut] in self.classes[owner]:
                    return TaskRef("values", (self.classes[owner][chain[cut]],))
        kind: Literal["imported", "imported-alias"] = "imported-alias" if ref.alias else "imported"
        if head in self.imports:
            module, level, name = self.imports[head]
            return TaskRef(kind, module=module, level=level, name=name, attrs=tuple(chain[1:]))
        if head in self.module_aliases and len(chain) > 1:
            return TaskRef(kind, module=self.module_aliases[head], name=chain[1], attrs=tuple(chain[2:]))
        if ref.alias and chain[-1] == "TaskType":
            return TaskRef("trusted")
        return TaskRef("dynamic", text=".".join(ref.chain))


def _handlers(visitor: FactsVisitor, prefix: str) -> dict[type, Callable[[Any], Any]]:
    """`visit_Call` -> {cst.Call: visitor.visit_Call}: the methods a prefix names, keyed by node type."""
    return {node_type: getattr(visitor, name) for node_type, name in _handler_names(type(visitor), prefix)}


@functools.cache
def _handler_names(visitor_type: type, prefix: str) -> tuple[tuple[type, str], ...]:
    found = []
    for name in dir(visitor_type):
        if name.startswith(prefix) and name != prefix:
            node_type = getattr(cst, name[len(prefix):], None)
            if isinstance(node_type, type):
                found.append((node_type, name))
    return tuple(found)


def _task_argument(args: Sequence[cst.Arg]) -> cst.BaseExpression | None:
    for arg in args:
        if arg.keyword is not None and arg.keyword.value in ("task", "task_type"):
            return arg.value
    for arg in args:
        if arg.keyword is None:
            return arg.value if not arg.star else None
    return None


def _position_node(expr: cst.BaseExpression) -> cst.CSTNode:
    pieces = _pieces(expr)
    return pieces[0] if pieces else expr


@dataclass(frozen=True)
class VisitResult:
    models: tuple[ModelHit, ...]
    sdk_calls: tuple[SdkCall, ...]
    route_calls: tuple[RouteCall, ...]
    symbols: Symbols


def collect(chunks: Sequence[tuple[cst.Module, str, int]], matcher: ModelMatcher,
            task_calls: Sequence[str]) -> VisitResult:
    """Visit each chunk (a parsed run of top-level statements, its text, its line offset) and place
    every result; one visitor sees all chunks in order, so names defined in one resolve in another."""
    visitor = FactsVisitor(matcher, task_calls)
    where: dict[cst.CSTNode, tuple[int, int]] = {}
    for module, text, offset in chunks:
        first_string = len(visitor.string_nodes)
        first_sdk, first_nested, first_route = (len(visitor.sdk_calls), len(visitor.nested_hits),
                                                len(visitor.route_calls))
        module.visit(visitor)
        strings = visitor.string_nodes[first_string:]
        others = [node for node, _ in (*visitor.sdk_calls[first_sdk:], *visitor.nested_hits[first_nested:])]
        others += [node for node, _, _, _ in visitor.route_calls[first_route:] if node not in visitor._string_index]
        tokens = string_tokens(text)
        if not others and len(tokens) == len(strings):
            lines = LineIndex(text)
            for node, token in zip(strings, tokens, strict=True):
                line, column = lines.position(token.start)
                where[node] = (line + offset, column)
        else:
            ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
            for node in (*strings, *others):
                start = ranges[node].start
                where[node] = (start.line + offset, start.column + 1)

    models = tuple(ModelHit(*where[visitor.string_nodes[i]], model) for i, model in visitor.model_hits)
    models += tuple(ModelHit(*where[node], model) for node, model in visitor.nested_hits)
    sdk = tuple(SdkCall(*where[node], call) for node, call in visitor.sdk_calls)
    routes = tuple(
        RouteCall(*where[node], callee, argument, visitor.local_ref(ref))
        for node, callee, argument, ref in visitor.route_calls
    )
    return VisitResult(models, sdk, routes, visitor.symbols())
