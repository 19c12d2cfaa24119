"""The `check --fix` codemod (libcst): route what can be routed without changing what a call does.

Three rewrites, each only where the policy proves it safe:

- a direct `client.messages.create(model=..., ...)` on a module-level `anthropic.Anthropic(...)` whose
  task is known (`model=REGISTRY["task"]`, or a model literal inside a function named like a policy
  task) and whose model is the task's tier model becomes `router.create("task", ...)` on
  `router = Router(client=client)`, when its `max_tokens` is a literal at most the task's cap;
- a hand-written `call_ai(task_type, prompt, system="")` over a registry that the policy mirrors (same
  models, same cap, same fallback) becomes an import of the generated `call_ai`;
- a `max_tokens=N` literal on a routed `create` / `stream` is dropped when N is at least the task's
  cap: the runtime sends the cap either way.

Everything else is left as it is; the scan then reports it. Formatting and comments are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, ImportItem

__all__ = ["FixPolicy", "TaskRoute", "fix_source"]

_ROUTER = "router"


@dataclass(frozen=True, slots=True)
class TaskRoute:
    model: str
    max_tokens: int


@dataclass(frozen=True, slots=True)
class FixPolicy:
    """What the codemod needs of the policy and the project."""

    tasks: Mapping[str, TaskRoute]
    default_model: str
    unknown_tasks: str
    client_module: str  # the generated client's import name: "helpdesk.llm_routes"


def fix_source(source: str, policy: FixPolicy) -> str:
    """`source` with every safe rewrite applied (the same text when there is none); idempotent."""
    module = cst.parse_module(source)
    facts = _ModuleFacts.of(module)
    rewriter = _Rewriter(policy, facts)
    changed = module.visit(rewriter)
    imports = list(rewriter.imports)
    if rewriter.routed_client is not None:
        changed = changed.visit(_AddRouter(rewriter.routed_client))
        imports.append(ImportItem(policy.client_module, "Router"))
    if imports:
        changed = AddImportsVisitor(CodemodContext(), imports).transform_module(changed)
    return changed.code


@dataclass
class _ModuleFacts:
    """What the module's top-level statements bind: clients, registries, model constants, names."""

    clients: dict[str, bool]  # sync anthropic client names -> built with no arguments
    registries: dict[str, dict[str, str]]
    constants: dict[str, str]
    bound: set[str]
    router_of: str | None  # the client a module-level `router = Router(client=NAME)` wraps

    @classmethod
    def of(cls, module: cst.Module) -> _ModuleFacts:
        sdk_modules, constructors = set(), set()
        facts = cls({}, {}, {}, set(), None)
        for stmt in module.body:
            if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
                facts.bound.add(stmt.name.value)
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        name = _dotted(alias.name)
                        bound = alias.asname.name.value if alias.asname and isinstance(
                            alias.asname.name, cst.Name) else name.split(".")[0]
                        facts.bound.add(bound)
                        if name == "anthropic":
                            sdk_modules.add(bound)
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        bound = alias.asname.name.value if alias.asname and isinstance(
                            alias.asname.name, cst.Name) else _dotted(alias.name)
                        facts.bound.add(bound)
                        if small.module is not None and _dotted(small.module) == "anthropic" and not small.relative \
                                and _dotted(alias.name) == "Anthropic":
                            constructors.add(bound)
                elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                        small.targets[0].target, cst.Name):
                    facts._binding(small.targets[0].target.value, small.value, sdk_modules, constructors)
        return facts

    def _binding(self, name: str, value: cst.BaseExpression, sdk_modules: set[str], constructors: set[str]) -> None:
        self.bound.add(name)
        if isinstance(value, cst.Call):
            func = value.func
            if (isinstance(func, cst.Name) and func.value in constructors) or (
                    isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                    and func.value.value in sdk_modules and func.attr.value == "Anthropic"):
                self.clients[name] = not value.args
            elif name == _ROUTER and isinstance(func, cst.Name) and func.value == "Router" and len(value.args) == 1 \
                    and value.args[0].keyword is not None and value.args[0].keyword.value == "client" \
                    and isinstance(value.args[0].value, cst.Name):
                self.router_of = value.args[0].value.value
        elif isinstance(value, cst.Dict) and value.elements:
            entries = {}
            for element in value.elements:
                if not isinstance(element, cst.DictElement):
                    return
                key, item = _text(element.key), _text(element.value)
                if key is None or item is None:
                    return
                entries[key] = item
            self.registries[name] = entries
        else:
            text = _text(value)
            if text is not None:
                self.constants[name] = text


class _Rewriter(cst.CSTTransformer):
    def __init__(self, policy: FixPolicy, facts: _ModuleFacts) -> None:
        super().__init__()
        self.policy = policy
        self.facts = facts
        self.functions: list[str] = []
        self.routed_client: str | None = None  # the client whose calls now go through `router`
        self.imports: list[ImportItem] = []  # of the generated client, for the helpers it replaces

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node.name.value)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef
                          ) -> cst.FunctionDef | cst.RemovalSentinel:
        self.functions.pop()
        if self.functions or not self._is_replaceable_helper(original):
            return updated
        name = original.name.value
        self.imports.append(ImportItem(self.policy.client_module, "call_ai", None if name == "call_ai" else name))
        return cst.RemoveFromParent()

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        routed = self._route(updated)
        return self._drop_covered_max_tokens(routed if routed is not None else updated)

    # -- a direct SDK call -> router.create --------------------------------------------------------

    def _route(self, call: cst.Call) -> cst.Call | None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "create"
                and isinstance(func.value, cst.Attribute) and func.value.attr.value == "messages"
                and isinstance(func.value.value, cst.Name)):
            return None
        client = func.value.value.value
        if client not in self.facts.clients or not self.functions:
            return None
        if self.routed_client not in (None, client) or (self.facts.router_of not in (None, client)) or (
                _ROUTER in self.facts.bound and self.facts.router_of != client):
            return None  # one router per module, and never over a `router` that is something else
        if any(arg.keyword is None or arg.star for arg in call.args):
            return None
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        if "model" not in keywords or "stream" in keywords or "messages" not in keywords:
            return None
        found = self._task_and_model(keywords["model"].value)
        if found is None:
            return None
        task, model = found
        route = self.policy.tasks.get(task)
        if route is None or route.model != model:
            return None
        if "max_tokens" in keywords:
            tokens = _integer(keywords["max_tokens"].value)
            if tokens is None or tokens > route.max_tokens:
                return None  # the router would cut the call's output to the cap
        self.routed_client = client
        args, model_arg = list(call.args), keywords["model"]
        index = args.index(model_arg)
        if index == 0:  # the task takes model='s place, with its comma and what follows it (a comment, say)
            comma: cst.Comma | cst.MaybeSentinel = model_arg.comma
            rest = args[1:]
        else:
            before = call.whitespace_before_args
            comma = cst.Comma(whitespace_after=before if isinstance(before, cst.ParenthesizedWhitespace)
                              else cst.SimpleWhitespace(" "))
            rest = _removed(args, index)
        task_arg = cst.Arg(value=cst.SimpleString(_quoted(task)), comma=comma)
        return call.with_changes(func=cst.Attribute(value=cst.Name(_ROUTER), attr=cst.Name("create")),
                                 args=[task_arg, *rest])

    def _task_and_model(self, expr: cst.BaseExpression) -> tuple[str, str] | None:
        text = _text(expr)
        if text is None and isinstance(expr, cst.Name):
            text = self.facts.constants.get(expr.value)
        if text is not None:
            return (self.functions[-1], text) if self.functions[-1] in self.policy.tasks else None
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name) and len(expr.slice) == 1:
            index = expr.slice[0].slice
            key = _text(index.value) if isinstance(index, cst.Index) else None
            registry = self.facts.registries.get(expr.value.value, {})
            if key is not None and key in registry:
                return key, registry[key]
        return None

    # -- max_tokens the cap covers -----------------------------------------------------------------

    def _drop_covered_max_tokens(self, call: cst.Call) -> cst.Call:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in ("create", "stream")
                and isinstance(func.value, cst.Name) and func.value.value.lower().endswith("router")):
            return call
        if not call.args or call.args[0].keyword is not None:
            return call
        task = _text(call.args[0].value)
        route = self.policy.tasks.get(task or "")
        if route is None:
            return call
        for index, arg in enumerate(call.args):
            if arg.keyword is not None and arg.keyword.value == "max_tokens":
                tokens = _integer(arg.value)
                if tokens is not None and tokens >= route.max_tokens:
                    return call.with_changes(args=_removed(list(call.args), index))
        return call

    # -- a hand-written call_ai ----------------------------------------------------------------------

    def _is_replaceable_helper(self, func: cst.FunctionDef) -> bool:
        """`def call_ai(task_type, prompt, system="")` that sends exactly what the generated one sends."""
        params = func.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg \
                or params.posonly_params or len(params.params) not in (2, 3) or func.asynchronous is not None \
                or func.decorators:
            return False
        names = [p.name.value for p in params.params]
        if any(p.default is not None for p in params.params[:2]):
            return False
        if len(names) == 3 and (names[2] != "system" or _text(params.params[2].default) != ""):
            return False
        statements = [s for s in _body(func) if not _is_docstring(s)]
        if len(statements) < 2 or any(not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1
                                      for s in statements):
            return False
        smalls = [s.body[0] for s in statements if isinstance(s, cst.SimpleStatementLine)]
        *assigns, last = smalls
        local: dict[str, cst.BaseExpression] = {}
        for small in assigns:
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)):
                return False
            local[small.targets[0].target.value] = small.value
        call = self._returned_call(last, local)
        return call is not None and self._sends_like_generated(call, names, local)

    @staticmethod
    def _returned_call(last: cst.BaseSmallStatement, local: dict[str, cst.BaseExpression]) -> cst.Call | None:
        """The call in `return <call or name>.content[0].text`."""
        if not isinstance(last, cst.Return) or not isinstance(last.value, cst.Attribute) \
                or last.value.attr.value != "text" or not isinstance(last.value.value, cst.Subscript):
            return None
        content = last.value.value
        if len(content.slice) != 1 or not isinstance(content.slice[0].slice, cst.Index) \
                or _integer(content.slice[0].slice.value) != 0 or not isinstance(content.value, cst.Attribute) \
                or content.value.attr.value != "content":
            return None
        reply = content.value.value
        if isinstance(reply, cst.Name):
            reply = local.get(reply.value, reply)
        return reply if isinstance(reply, cst.Call) else None

    def _sends_like_generated(self, call: cst.Call, names: Sequence[str], local: dict[str, cst.BaseExpression]
                              ) -> bool:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "create"
                and isinstance(func.value, cst.Attribute) and func.value.attr.value == "messages"
                and isinstance(func.value.value, cst.Name) and self.facts.clients.get(func.value.value.value)):
            return False  # a client with options of its own is not what the generated default router builds
        if any(arg.keyword is None or arg.star for arg in call.args):
            return False
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        wanted = {"model", "max_tokens", "messages"} | ({"system"} if len(names) == 3 else set())
        if set(keywords) != wanted:
            return False
        if len(names) == 3 and not (isinstance(keywords["system"], cst.Name) and keywords["system"].value == names[2]):
            return False
        if not _user_message(keywords["messages"], names[1]):
            return False
        model = keywords["model"]
        if isinstance(model, cst.Name) and model.value in local:
            model = local[model.value]
        lookup = _registry_lookup(model, names[0])
        tokens = _integer(keywords["max_tokens"])
        if lookup is None or tokens is None or lookup[0] not in self.facts.registries:
            return False
        registry, fallback = self.facts.registries[lookup[0]], lookup[1]
        for task, entry in registry.items():
            route = self.policy.tasks.get(task)
            if route is None or route.model != entry or route.max_tokens != tokens:
                return False
        if fallback is None:
            return self.policy.unknown_tasks == "error"
        return self.policy.unknown_tasks == "default" and _text(fallback) == self.policy.default_model


class _AddRouter(cst.CSTTransformer):
    """`router = Router(client=NAME)` after the module-level statement that builds NAME (once)."""

    def __init__(self, client: str) -> None:
        super().__init__()
        self.client = client

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body = list(updated.body)
        if any(_assigns(stmt, _ROUTER) for stmt in body):
            return updated
        for index, stmt in enumerate(body):
            if _assigns(stmt, self.client):
                line = cst.parse_statement(f"{_ROUTER} = Router(client={self.client})\n")
                body.insert(index + 1, line)
                return updated.with_changes(body=body)
        return updated


def _assigns(stmt: cst.CSTNode, name: str) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(s, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name
                                          for t in s.targets) for s in stmt.body)


def _removed(args: list[cst.Arg], index: int) -> list[cst.Arg]:
    """`args` without `args[index]`; a last argument removed hands its comma (or none) to the one before."""
    if index == len(args) - 1 and index > 0:
        args[index - 1] = args[index - 1].with_changes(comma=args[index].comma)
    return args[:index] + args[index + 1:]


def _registry_lookup(expr: cst.BaseExpression, param: str) -> tuple[str, cst.BaseExpression | None] | None:
    """`REG[param]` -> (REG, None); `REG.get(param, fallback)` -> (REG, fallback)."""
    if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.Name) and index.value.value == param:
            return expr.value.value, None
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get" \
            and isinstance(expr.func.value, cst.Name) and len(expr.args) == 2 \
            and isinstance(expr.args[0].value, cst.Name) and expr.args[0].value.value == param \
            and all(a.keyword is None and not a.star for a in expr.args):
        return expr.func.value.value, expr.args[1].value
    return None


def _user_message(expr: cst.BaseExpression, prompt: str) -> bool:
    """`[{"role": "user", "content": prompt}]`."""
    if not isinstance(expr, cst.List) or len(expr.elements) != 1 or not isinstance(expr.elements[0].value, cst.Dict):
        return False
    entries = {}
    for element in expr.elements[0].value.elements:
        if not isinstance(element, cst.DictElement):
            return False
        entries[_text(element.key)] = element.value
    content = entries.get("content")
    return (set(entries) == {"role", "content"} and _text(entries["role"]) == "user"
            and isinstance(content, cst.Name) and content.value == prompt)


def _body(func: cst.FunctionDef) -> Sequence[cst.BaseStatement | cst.BaseSmallStatement]:
    return func.body.body


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(
        stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)


def _text(expr: cst.BaseExpression | None) -> str | None:
    """The value of a plain (not f-, not bytes) string literal."""
    if isinstance(expr, cst.SimpleString) and "b" not in expr.prefix.lower():
        try:
            value = expr.evaluated_value
        except (SyntaxError, ValueError):  # libcst parses escapes Python itself refuses
            return None
        return value if isinstance(value, str) else None
    return None


def _integer(expr: cst.BaseExpression) -> int | None:
    if isinstance(expr, cst.Integer):
        try:
            value = expr.evaluated_value
        except (SyntaxError, ValueError):
            return None
        return value if isinstance(value, int) else None
    return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _quoted(task: str) -> str:
    return f'"{task}"'  # a task name is a plain identifier: nothing to escape
