"""The baked package is a one-way house: read its imports (with ast, nothing is run) and check
every rule of the layout.

Layers, bottom to top: (settings, menu, messages, data, processes) < lab < (kitchen, shop) <
(rush_hour, order_book) < (workshop, catering) < cli. Nothing imports a module above it; no
import cycles; the kitchen and the shop never import each other (the shop talks to the kitchen
over HTTP); nothing imports the command line; the kitchen reaches its advanced wings
(`rush_hour`, `order_book`) only at the one plug-in point, `kitchen/app.py`. Imports inside
functions count too: they are dependencies all the same, only later.
"""

import ast
from pathlib import Path

import pytest

from .conftest import Baked, bake_into

LAYERS = {
    "__init__": 0,
    "settings": 0,
    "menu": 0,
    "messages": 0,
    "data": 0,
    "processes": 0,
    "lab": 1,
    "kitchen": 2,
    "shop": 2,
    "rush_hour": 3,
    "order_book": 3,  # the kitchen's order book, plugged in where rush_hour is
    "workshop": 4,
    "catering": 4,
    "cli": 5,
    "__main__": 5,  # `python -m <package>`: the command line's other door
}
PLUG_IN_POINT = "kitchen.app"
WINGS = {"rush_hour", "order_book"}  # what the kitchen may plug in there, and only there
VARIANTS = [{}, {"use_case": "house_prices", "language": "fr", "edition": "student"}]


def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package by its dotted name inside it: "kitchen.app" -> its file."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()  # a sub-package is named by its folder
        names[".".join(parts)] = path
    return names


def imported_modules(name: str, path: Path, package: str, known: set[str]) -> set[str]:
    """The package's own modules that module `name` imports, anywhere in its file."""
    # The package a relative import starts from: the module's own folder.
    here = [] if name == "__init__" else name.split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from ..menu import y
                base = here[: len(here) - (node.level - 1)]
                start = ".".join([package, *base, *([node.module] if node.module else [])])
            else:
                start = node.module or ""
            # `from a import b` imports the module a.b when there is one, else a's name b
            targets = [f"{start}.{alias.name}" for alias in node.names] + [start]
        else:
            continue
        for target in targets:
            if target != package and not target.startswith(f"{package}."):
                continue
            inner = target.removeprefix(package).removeprefix(".") or "__init__"
            if inner in known:
                found.add(inner)
    found.discard(name)
    return found


def layer_of(name: str) -> int:
    return LAYERS[name.split(".")[0]]


def plugs_the_wing_in(name: str, target: str) -> bool:
    """The one import that may go up a layer: the kitchen's app plugging in a wing."""
    return name == PLUG_IN_POINT and target.split(".")[0] in WINGS


def broken_rules(graph: dict[str, set[str]]) -> list[str]:
    """Every import that breaks a rule of the layout, said as `a imports b: why`."""
    problems = []
    for name, imports in sorted(graph.items()):
        for target in sorted(imports):
            top, target_top = name.split(".")[0], target.split(".")[0]
            why = None
            if target_top == "cli" and top != "__main__":
                why = "nothing imports the command line (it is the top of the house)"
            elif {top, target_top} == {"kitchen", "shop"}:
                why = "the kitchen and the shop never import each other: they talk over HTTP"
            elif top == "kitchen" and target_top in WINGS and name != PLUG_IN_POINT:
                point = f"its plug-in point ({PLUG_IN_POINT})"
                why = f"the kitchen reaches {target_top} only at {point}"
            elif layer_of(target) > layer_of(name) and not plugs_the_wing_in(name, target):
                why = f"{target_top} is above {top} in the layers"
            if why:
                problems.append(f"{name} imports {target}: {why}")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle, as the modules on it (found by depth-first search)."""
    found, done = [], set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = path[path.index(name) :] + [name]
            if not any(set(cycle) == set(seen) for seen in found):
                found.append(cycle)
            return
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return found


def import_graph(project: Baked) -> dict[str, set[str]]:
    package = project.path / "src" / project.package
    modules = module_names(package)
    unplaced = sorted(name for name in modules if name.split(".")[0] not in LAYERS)
    assert not unplaced, f"modules with no layer (add them to LAYERS in this test): {unplaced}"
    return {
        name: imported_modules(name, path, project.package, set(modules))
        for name, path in modules.items()
    }


@pytest.fixture(
    scope="module", params=VARIANTS, ids=lambda answers: "-".join(answers.values()) or "default"
)
def graph(request, tmp_path_factory):
    """The import graph of a freshly baked package, one per variant."""
    project = bake_into(tmp_path_factory.mktemp("imports"), request.param)
    return import_graph(project)


def test_the_graph_sees_the_imports_it_must(graph):
    """It reads the imports for real: the kitchen's routes import the menu, its app the
    settings and both wings, the command line the processes."""
    assert "menu" in graph["kitchen.routes"] and "settings" in graph["kitchen.app"]
    assert {"rush_hour", "order_book"} <= graph["kitchen.app"]
    assert "processes" in graph["cli"]


def test_no_module_imports_above_its_layer_nor_breaks_a_rule(graph):
    """It finds no import that goes up the layers, reaches the command line, joins the kitchen
    and the shop, or plugs the advanced wing (rush_hour, order_book) in anywhere but
    kitchen/app.py."""
    problems = broken_rules(graph)
    assert not problems, "imports that break the layout:\n" + "\n".join(problems)


def test_no_import_cycle(graph):
    """It finds no chain of imports that comes back to where it started."""
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_rules_catch_each_kind_of_broken_import():
    """It names the rule each bad import breaks, so a red test says what to fix."""
    graph = {
        "settings": {"lab.train"},
        "shop.client": {"kitchen.model"},
        "workshop.restaurant": {"cli"},
        "kitchen.routes": {"rush_hour.batching"},
        "kitchen.model": {"order_book.book"},
        "kitchen.app": {"rush_hour.batching", "order_book"},
        "order_book.book": {"workshop.checks"},
        "rush_hour.batching": {"kitchen.model"},
        "lab.train": {"lab.registry"},
        "lab.registry": {"lab.train"},
    }
    problems = broken_rules(graph)
    assert problems == [
        "kitchen.model imports order_book.book: the kitchen reaches order_book only at its "
        "plug-in point (kitchen.app)",
        "kitchen.routes imports rush_hour.batching: the kitchen reaches rush_hour only at its "
        "plug-in point (kitchen.app)",
        "order_book.book imports workshop.checks: workshop is above order_book in the layers",
        "settings imports lab.train: lab is above settings in the layers",
        "shop.client imports kitchen.model: the kitchen and the shop never import each other: "
        "they talk over HTTP",
        "workshop.restaurant imports cli: nothing imports the command line (it is the top of "
        "the house)",
    ]
    assert cycles(graph) == [["lab.registry", "lab.train", "lab.registry"]]
