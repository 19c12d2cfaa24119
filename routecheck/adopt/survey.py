"""What the code does today: which task runs on which model, read from the scanner's findings.

The scan (with an empty policy) says where the model ids, the direct SDK calls and the routing calls
are; `ast` then reads, around each of those places only, what names them: a registry dict of task ->
model, a `call_ai("task", ...)` literal, the function a direct call sits in, and the `max_tokens` each
sends. Read-only: nothing here rewrites code.
"""

from __future__ import annotations

import ast
import keyword
import warnings
from dataclasses import dataclass
from pathlib import Path

from routecheck.finding import Finding
from routecheck.model_ids import is_anthropic_model_id
from routecheck.scan.calls import literal_text, sdk_shape, segments, task_argument

__all__ = ["Site", "Survey", "survey_files"]


@dataclass(frozen=True, slots=True)
class Site:
    """One place that names a task and the model it runs on today."""

    task: str
    model: str
    max_tokens: int | None
    where: str  # "registry MODEL_REGISTRY (helpdesk/registry.py:6)": for the policy's comments
    path: str


@dataclass(frozen=True, slots=True)
class Survey:
    sites: tuple[Site, ...]
    #: The model a registry helper falls back to for a task it does not list (`REGISTRY.get(task, "…")`).
    fallback: tuple[str, str] | None  # (model, where)
    #: Places that use a model but name no task init can read, and why (shown by `init`, left to the user).
    unnamed: tuple[str, ...]
    #: Every model id the scan found in code, once per occurrence (a tier for each family; the most used spelling).
    models: tuple[str, ...] = ()


def survey_files(findings: list[Finding]) -> Survey:
    """The sites of the Python files the scan's findings point at (display paths, read from the cwd)."""
    by_file: dict[str, dict[tuple[str, int, int], str]] = {}
    for f in findings:
        if f.cell is None and f.path.endswith(".py") and f.code in ("RC201", "RC202", "RC203"):
            # RC203's task is the scanner's resolution of the argument: a literal, a constant, an Enum member
            by_file.setdefault(f.path, {})[(f.code, f.line, f.column)] = f.task or ""
    files: list[tuple[_FileSurvey, ast.Module]] = []
    for path in sorted(by_file):
        try:
            text = Path(path).read_text(encoding="utf-8")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue  # the scan has already said why it could not read it
        files.append((_FileSurvey(path, text, by_file[path]), tree))
    helpers: dict[str, _Helper] = {}
    for found, tree in files:  # first every module's registries and helpers: call_ai is called from elsewhere
        helpers.update(found.define(tree))
    sites: list[Site] = []
    unnamed: list[str] = []
    for found, tree in files:
        found.collect(tree, helpers)
        sites += found.sites
        unnamed += found.unnamed
    fallback = next(((h.fallback, h.where) for h in helpers.values() if h.fallback is not None), None)
    models = tuple(f.model for f in findings if f.code == "RC201" and f.model is not None)
    return Survey(tuple(sites), fallback, tuple(unnamed), models)


@dataclass(frozen=True, slots=True)
class _Helper:
    """A hand-written routing function: it looks its first parameter up in a registry."""

    registry: dict[str, str]
    fallback: str | None
    max_tokens: int | None
    where: str


class _FileSurvey:
    def __init__(self, path: str, text: str, marks: dict[tuple[str, int, int], str]) -> None:
        self.path = path
        self._lines = text.splitlines()
        self._marks = marks
        self.sites: list[Site] = []
        self.unnamed: list[str] = []
        self._registries: dict[str, dict[str, str]] = {}
        self._constants: dict[str, str] = {}
        self._own_helpers: set[str] = set()
        self._site_registry: list[dict[str, str]] = []  # the registry of each of the first sites

    def _marked(self, code: str, node: ast.expr) -> bool:
        return (code, node.lineno, self._column(node)) in self._marks

    def _column(self, node: ast.expr) -> int:
        line = self._lines[node.lineno - 1] if node.lineno <= len(self._lines) else ""
        return len(line.encode("utf-8")[:node.col_offset].decode("utf-8", errors="replace")) + 1

    def _at(self, node: ast.AST) -> str:
        return f"{self.path}:{getattr(node, 'lineno', 1)}"

    def define(self, tree: ast.Module) -> dict[str, _Helper]:
        """Record the module's model constants and registries; its registry helpers, by name."""
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                self._module_value(stmt.targets[0].id, stmt.value)
        helpers = {}
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                helper = self._helper(stmt)
                if helper is not None:
                    helpers[stmt.name] = helper
                    self._own_helpers.add(stmt.name)
        for index, site in enumerate(self.sites):  # a registry's tasks get what its helper sends
            tokens = next((h.max_tokens for h in helpers.values() if h.registry is self._site_registry[index]), None)
            self.sites[index] = Site(site.task, site.model, tokens, site.where, self.path)
        return helpers

    def collect(self, tree: ast.Module, helpers: dict[str, _Helper]) -> None:
        """The routing calls and direct SDK calls of the module, in source order."""
        stack: list[tuple[ast.AST, str | None]] = [(stmt, None) for stmt in reversed(tree.body)]
        while stack:
            current, scope = stack.pop()
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                if current.name in self._own_helpers:
                    continue  # its SDK call is the registry's, already read
                scope = current.name
            if isinstance(current, ast.Call):
                self._call(current, scope, helpers)
            stack += [(child, scope) for child in reversed(list(ast.iter_child_nodes(current)))]

    def _module_value(self, name: str, value: ast.expr) -> None:
        model = _model_literal(value)
        if model is not None:
            self._constants[name] = model
            return
        if not isinstance(value, ast.Dict) or not value.keys:
            return
        entries: dict[str, str] = {}
        for key, item in zip(value.keys, value.values, strict=True):
            model = _model_literal(item)
            task = _string(key)
            if model is None or task is None or not _is_name(task):
                return  # not a plain task -> model registry
            entries[task] = model
        self._registries[name] = entries
        for key, item in zip(value.keys, value.values, strict=True):
            task = _string(key) or ""
            if any(code == "RC201" and line == item.lineno for code, line, _ in self._marks):
                self.sites.append(Site(task, entries[task], None, f"registry {name} ({self._at(item)})", self.path))
                self._site_registry.append(entries)

    def _helper(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> _Helper | None:
        params = func.args.posonlyargs + func.args.args
        if not params:
            return None
        for node in ast.walk(func):
            lookup = _registry_lookup(node, params[0].arg)
            if lookup is not None and lookup[0] in self._registries:
                tokens = next((_max_tokens(n) for n in ast.walk(func) if isinstance(n, ast.Call)
                               and self._marked("RC202", n)), None)
                return _Helper(self._registries[lookup[0]], lookup[1], tokens, f"{func.name}() ({self._at(node)})")
        return None

    def _call(self, call: ast.Call, scope: str | None, helpers: dict[str, _Helper]) -> None:
        argument = task_argument(call)
        if argument is not None and self._marked("RC203", argument):
            task = self._marks[("RC203", argument.lineno, self._column(argument))]
            name = segments(call.func)[-1]
            helper = helpers.get(name)
            where = f"{name}() ({self._at(call)})"
            model = None if helper is None else helper.registry.get(task, helper.fallback)
            if helper is None or model is None:
                self.unnamed.append(f"{where}: task {task!r}, but no registry in the scanned code says its model")
            elif _is_name(task):
                self.sites.append(Site(task, model, helper.max_tokens, where, self.path))
            return
        if not self._marked("RC202", call) or not sdk_shape(segments(call.func)):
            return  # `openai.OpenAI()` starts where `openai.OpenAI().chat.completions.create()` does
        model_arg = next((k.value for k in call.keywords if k.arg == "model"), None)
        if model_arg is None:
            self.unnamed.append(f"{'.'.join(segments(call.func))}() ({self._at(call)}): no model= argument")
            return
        model, named = self._model_of(model_arg)
        where = f"{'.'.join(segments(call.func))}() ({self._at(call)})"
        site_task = named if named is not None else scope if scope is not None and _is_name(scope) else None
        if model is None:
            self.unnamed.append(f"{where}: its model is not a Claude model id written in this module")
        elif site_task is None:
            self.unnamed.append(f"{where}: outside a function, nothing names its task")
        else:
            self.sites.append(Site(site_task, model, _max_tokens(call), f"{scope}(): {where}", self.path))

    def _model_of(self, expr: ast.expr) -> tuple[str | None, str | None]:
        """The model an expression names and the task it names with it (a registry key)."""
        literal = _model_literal(expr)
        if literal is not None:
            return literal, None
        if isinstance(expr, ast.Name):
            return self._constants.get(expr.id), None
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
            key = _string(expr.slice)
            registry = self._registries.get(expr.value.id, {})
            if key is not None and key in registry:
                return registry[key], key
        return None, None


def _string(expr: ast.expr | None) -> str | None:
    return None if expr is None else literal_text(expr)


def _is_name(text: str) -> bool:
    return text.isidentifier() and text.isascii() and not keyword.iskeyword(text)


def _model_literal(expr: ast.expr) -> str | None:
    """An Anthropic model id written as a literal, or as an environment lookup's literal default."""
    text = _string(expr)
    if text is None and isinstance(expr, ast.Call) and segments(expr.func)[-1] in ("getenv", "get") and len(
            expr.args) == 2:
        text = _string(expr.args[1])
    return text if text is not None and text.startswith("claude-") and is_anthropic_model_id(text) else None


def _registry_lookup(node: ast.AST, param: str) -> tuple[str, str | None] | None:
    """`REG[param]` -> (REG, None); `REG.get(param, "fallback")` -> (REG, "fallback")."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Name) \
            and node.slice.id == param:
        return node.value.id, None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and isinstance(node.func.value, ast.Name) and node.args and isinstance(node.args[0], ast.Name) \
            and node.args[0].id == param:
        return node.func.value.id, _model_literal(node.args[1]) if len(node.args) > 1 else None
    return None


def _max_tokens(call: ast.Call) -> int | None:
    value = next((k.value for k in call.keywords if k.arg == "max_tokens"), None)
    if isinstance(value, ast.Constant) and type(value.value) is int and value.value >= 1:
        return value.value
    return None
