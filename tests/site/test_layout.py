"""The package keeps the shape docs/architecture.md describes: floors by kind,
dependencies pointing down, no import circles, short modules, route packages
that never import each other. Every import counts, including those inside
functions and `if TYPE_CHECKING:` blocks."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "hotline"
BLUEPRINTS = {"public", "deputy", "desk", "followup", "admin", "api", "auth"}
MAX_LINES = 500
MAX_ROOT_MODULES = 15

# Lower floors never import higher ones. A folder is one floor; the few modules
# left at the root are placed by what they need.
FLOORS = {
    "hotline.rules": 0,
    "hotline.config": 1,
    "hotline.extensions": 1,
    "hotline.serving": 1,
    "hotline.clock": 1,
    "hotline.labels": 1,
    "hotline.throttle": 1,
    "hotline.delivery": 1,
    "hotline.models": 2,
    "hotline.access": 3,
    "hotline.database": 3,
    "hotline.web": 3,
    "hotline.integration": 4,
    "hotline.changes": 5,
    "hotline.queries": 6,
    "hotline.forms": 6,
    "hotline.realtime": 7,
    "hotline.actions": 8,
    "hotline.cli": 9,
    **{f"hotline.{name}": 9 for name in BLUEPRINTS},
    "hotline": 10,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of hotline this module imports anywhere: at the top, inside
    functions, under TYPE_CHECKING."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
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


def floor_of(name: str) -> int:
    while name not in FLOORS:
        name = name.rsplit(".", 1)[0]
    return FLOORS[name]


def test_the_walk_sees_imports_inside_functions(tmp_path):
    """The checks below would be blind without this."""
    hidden = tmp_path / "hotline" / "changes" / "x.py"
    hidden.parent.mkdir(parents=True)
    hidden.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..queries import board\n"
        "def f():\n    from ..actions import desk\n"
    )
    known = {"hotline.queries.board", "hotline.actions.desk", "hotline.changes.x"}
    assert imports_of("hotline.changes.x", hidden, known) == {
        "hotline.queries.board",
        "hotline.actions.desk",
    }


def test_every_module_has_a_floor():
    assert [
        name for name in modules() if not any(name == f or name.startswith(f + ".") for f in FLOORS)
    ] == []


def test_the_root_keeps_only_what_every_floor_uses():
    assert len(list(PACKAGE.glob("*.py"))) <= MAX_ROOT_MODULES


def test_no_module_is_longer_than_500_lines():
    long = {
        name: n for name, path in modules().items() if (n := len(path.read_text().splitlines()))
    }
    assert {name: n for name, n in long.items() if n > MAX_LINES} == {}


def test_dependencies_point_down():
    """rules < models < changes < queries < realtime < actions < blueprints."""
    upward = [
        (name, dep)
        for name, deps in graph().items()
        for dep in deps
        if floor_of(dep) > floor_of(name)
    ]
    assert upward == []


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


def test_the_tables_import_nothing_but_the_domain_beside_them():
    """Relationships across models/ name their target by string: no circle."""
    for name, deps in graph().items():
        if name.startswith("hotline.models.") and name != "hotline.models.domain":
            assert {d for d in deps if d.startswith("hotline.models")} <= {
                "hotline.models.domain"
            }, name


def test_test_modules_import_each_other_by_unshadowed_names():
    """Tests import shared helpers as `followup.test_uploads` or `desk_support`:
    the folder or module name must not also be an installed package (aiosmtpd's
    dependency atpublic installs a top-level `public`), or the import finds it."""
    import importlib.util

    tests = Path(__file__).resolve().parents[1]
    imported = set()
    for path in tests.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
                if (tests / top).is_dir() or (tests / f"{top}.py").is_file():
                    imported.add(top)
    assert imported, "the walk found the tests' own imports"
    for top in sorted(imported):
        spec = importlib.util.find_spec(top)
        origin = spec.origin or next(iter(spec.submodule_search_locations or []), "")
        assert str(tests) in str(origin), f"{top} is found at {origin}, not in tests/"
