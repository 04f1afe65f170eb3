"""The package's shape: no import cycle, a small root."""

from __future__ import annotations

from pathlib import Path

import messages_schema
from tests.support.imports import cycles, import_graph

PACKAGE = Path(messages_schema.__file__).parent


def test_no_import_cycle() -> None:
    """Every import edge of the package runs one way, lazy imports included."""
    graph = import_graph(PACKAGE)

    assert len(graph) > 50  # the walk found the package
    assert cycles(graph) == []


def test_the_walk_sees_lazy_and_package_edges(tmp_path: Path) -> None:
    """A cycle through a function-level import, or through a package ``__init__``, is found."""
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "a.py").write_text("def f():\n    from pkg import b\n")
    (root / "b.py").write_text("from pkg.a import f\n")
    (root / "sub" / "__init__.py").write_text("from pkg.sub import _x\n")
    (root / "sub" / "_x.py").write_text("X = 1\n")
    (root / "c.py").write_text("from pkg.sub._x import X\n")
    (root / "sub" / "_y.py").write_text("import importlib\nimportlib.import_module('pkg.c')\n")
    (root / "sub" / "_x.py").write_text("from pkg.sub import _y\n")

    found = cycles(import_graph(root))

    assert ["pkg.a", "pkg.b"] in found
    # pkg.c -> pkg.sub._x (and so pkg.sub) -> pkg.sub._y -> pkg.c
    assert any({"pkg.c", "pkg.sub._x", "pkg.sub._y"} <= set(c) for c in found)


def test_root_holds_at_most_fifteen_modules() -> None:
    """The package root holds a few modules; everything else lives in a subpackage."""
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py"))

    assert len(root_modules) <= 15, root_modules


def test_findings_are_made_by_the_registry_only() -> None:
    """No module builds a `Finding` itself: `make_finding` takes name and severity from RULES."""
    import ast

    makers = []
    for file in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Finding"
            ):
                makers.append(str(file.relative_to(PACKAGE)))

    assert makers == ["rules/_registry.py"]
