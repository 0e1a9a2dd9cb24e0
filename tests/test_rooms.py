"""Room boundaries, read from the source: no import cycle among eventdesk's modules, and no room
using a name another room keeps private.

A room is a top-level subpackage or module of ``eventdesk`` (``store``, ``interop``, ``cli``,
``model``, ...). The modules are parsed, never imported, so a lazy import inside a function
counts as much as one at the top of a module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import eventdesk

SRC = Path(eventdesk.__file__).parent


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return out


MODULES = _modules()


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "eventdesk"


def _imports(module: str) -> list[tuple[int, str, str | None]]:
    """(line, module imported, name imported from it or None) for every import statement of
    ``module``, at any depth, resolved to absolute names."""
    path, tree = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found += [(node.lineno, target, a.name) for a in node.names]
    return found


def import_graph() -> dict[str, set[str]]:
    """Each eventdesk module and the eventdesk modules it imports (``from pkg import mod``
    imports the submodule ``pkg.mod``; ``from pkg import name`` the package)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for _, target, name in _imports(module):
            dep = f"{target}.{name}" if name and f"{target}.{name}" in MODULES else target
            if dep in MODULES and dep != module:
                graph[module].add(dep)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as one cycle
    through them, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_one_cycle(graph, set(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _one_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A path from the component's first module back to itself, inside the component."""
    start = min(component)
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(graph[v] & component):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                todo.append(w)
    return sorted(component)


def test_the_cycle_finder_names_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_imports_inside_functions():
    # interop.importer imports interop.plover only inside import_file
    assert "eventdesk.interop.plover" in import_graph()["eventdesk.interop.importer"]


def test_no_import_cycle_in_src():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def _private_definitions() -> dict[str, set[str]]:
    """Every underscore name (not a dunder) a room defines, with the rooms defining it: a
    module's or class's function, class or assignment, or an attribute its methods set on
    ``self``."""
    defined: dict[str, set[str]] = {}
    for module, (_, tree) in MODULES.items():
        names: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(node.name)
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    names.append(t.id)
                elif isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and \
                        t.value.id in ("self", "cls"):
                    names.append(t.attr)
        for name in names:
            if _private(name):
                defined.setdefault(name, set()).add(_room(module))
    return defined


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses() -> list[str]:
    """Each place a module imports, or reads as an attribute, an underscore name that another
    room defines and its own room does not."""
    defined = _private_definitions()
    found = []
    for module, (path, tree) in MODULES.items():
        room = _room(module)
        where = path.relative_to(SRC.parent)
        for line, target, name in _imports(module):
            if name and _private(name) and target.startswith("eventdesk") and \
                    _room(target) != room:
                found.append(f"{where}:{line}: imports {name} from {target}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                    continue
                rooms = defined.get(node.attr, set())
                if rooms and room not in rooms:
                    found.append(f"{where}:{node.lineno}: uses {node.attr} of "
                                 f"{', '.join(sorted(rooms))}")
    return sorted(found)


def test_no_room_uses_another_rooms_private_names():
    found = private_uses()
    assert not found, "private names used across rooms:\n" + "\n".join(found)


@pytest.mark.parametrize("name", ["transaction", "ready", "check_writable", "mark_pending",
                                  "event_filter", "settle"])
def test_the_store_offers_what_the_importers_need_publicly(name):
    from eventdesk.store import Store

    method = getattr(Store, name)
    assert callable(method) and method.__doc__, f"Store.{name} is public and documented"
