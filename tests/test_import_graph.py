"""No import cycle among routecheck's modules, nor among its pieces (the subpackages and top-level modules
of DESIGN.md §6), counting the imports inside functions and under TYPE_CHECKING: a lazy import may be
there for start-up speed, never to hide a cycle."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import grimp

GRAPH = grimp.build_graph("routecheck", cache_dir=None)


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted; sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def imports(group: Callable[[str], str]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module in GRAPH.modules:
        for imported in GRAPH.find_modules_directly_imported_by(module):
            if group(module) != group(imported):
                edges.setdefault(group(module), set()).add(group(imported))
    return edges


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    """The graph counts what the test promises: `known_codes` imported inside a function of the CLI, and
    `PolicyFile` imported under TYPE_CHECKING by lint."""
    assert GRAPH.get_import_details(importer="routecheck.cli.common", imported="routecheck.rules") != []
    assert "routecheck.policy.loader" in GRAPH.find_modules_directly_imported_by("routecheck.lint.rules")


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(imports(lambda module: module)) == []


def test_no_piece_imports_itself_through_others() -> None:
    assert cycles(imports(lambda module: ".".join(module.split(".")[:2]))) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
