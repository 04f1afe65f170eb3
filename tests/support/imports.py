"""
The package's import graph, read from the source (no module is imported).

Every ``import``/``from ... import`` counts, at any depth: module level, inside
functions (lazy imports), under ``if TYPE_CHECKING:`` or a module ``__getattr__``, and
``importlib.import_module("messages_schema....")`` with a literal name. Importing a
submodule from outside its package also runs the package's ``__init__``, so that is an
edge too (the usual source of cycles that only show at run time).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

__all__ = ["cycles", "import_graph"]


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``)."""
    out: dict[str, tuple[Path, bool]] = {}
    for file in sorted(root.rglob("*.py")):
        parts = list(file.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts.pop()
        out[".".join(parts)] = (file, package)
    return out


def _imported_names(tree: ast.AST, module: str, package: bool) -> Iterator[str]:
    """
    Every dotted name *tree* imports: ``from a import b`` gives ``a.b``, which resolves to
    module ``a.b`` when ``b`` is a submodule and to ``a`` when it is a name defined there.
    """
    base = module if package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                head = base
                for _ in range(node.level - 1):
                    head = head.rpartition(".")[0]
                source = f"{head}.{node.module}" if node.module else head
            else:
                source = node.module or ""
            for alias in node.names:
                yield f"{source}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the package under *root* whose import it runs."""
    modules = _modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (file, package) in modules.items():
        tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        own_packages = {name.rsplit(".", i)[0] for i in range(name.count(".") + 1)}
        for dotted in _imported_names(tree, name, package):
            target = dotted
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if not target:
                continue
            # The target and every package around it that *name* is not already inside.
            chain = [target.rsplit(".", i)[0] for i in range(target.count(".") + 1)]
            for step in chain:
                if step != name and (step == target or step not in own_packages):
                    graph[name].add(step)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a deep graph cannot hit the recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(found)
