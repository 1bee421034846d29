"""The package keeps the shape README's Development section describes: short
modules, no import cycles, route packages that never import each other, and
pushes and queries below the routes."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "hotline"
BLUEPRINTS = {"public", "deputy", "desk", "followup", "admin", "api", "auth"}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of hotline this module imports at import time (top level only)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.add(full if full in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def test_no_module_is_longer_than_500_lines():
    long = {
        name: n for name, path in modules().items() if (n := len(path.read_text().splitlines()))
    }
    assert {name: n for name, n in long.items() if n > MAX_LINES} == {}


def test_route_packages_never_import_each_other():
    crossing = []
    for name, deps in graph().items():
        parts = name.split(".")
        if len(parts) > 1 and parts[1] in BLUEPRINTS:
            for dep in deps:
                other = dep.split(".")
                if len(other) > 1 and other[1] in BLUEPRINTS and other[1] != parts[1]:
                    crossing.append((name, dep))
    assert crossing == []


def test_no_import_cycles():
    """Except a blueprint package's own: its __init__ creates the blueprint and
    imports its route modules, which import the blueprint from it."""
    edges = graph()
    for name, deps in edges.items():
        if name.split(".")[-1] in BLUEPRINTS or name == "hotline":
            edges[name] = {d for d in deps if not d.startswith(name + ".")}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for dep in edges[todo.pop()]:
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    assert [name for name in edges if name in reach(name)] == []


def test_lower_layers_never_import_routes():
    """queries, pushes and the write layer sit below every blueprint."""
    lower = ("hotline.queries", "hotline.pushes", "hotline.calls", "hotline.commitments")
    wrong = [
        (name, dep)
        for name, deps in graph().items()
        if name.startswith(lower)
        for dep in deps
        if dep.split(".")[1] in BLUEPRINTS
    ]
    assert wrong == []
