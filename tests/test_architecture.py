"""The arrows of DESIGN.md, read from the source: who may import whom, and no import cycles.

Every import counts, wherever it stands: at the top, inside a function (a lazy import is still
a dependency) or under ``TYPE_CHECKING`` (a view that names its cog's class depends on it), and
``importlib.import_module("literal")`` too. Only the module named is a dependency; the parent
packages Python runs on the way are not (every submodule would otherwise "cycle" through an
``__init__`` that re-exports it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APPLICATION = ("bot", "cogs", "bank", "db")

# Imports that break an arrow on purpose, each with its reason. Keep this short.
ALLOWED = {
    # `quizbot sandbox` launches the optional sandbox tool by name; it is installed as an extra
    # and is not a dependency of the application (the sandbox imports the bot, not back).
    ("bot.__main__", "sandbox.app"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def application_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in APPLICATION
        for path in sorted((REPO / package).rglob("*.py"))
    }


MODULES = application_modules()


def _imported(tree: ast.AST, name: str, is_package: bool) -> Iterator[str]:
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from pkg import mod` depends on pkg.mod when that is a module of ours.
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set(_imported(tree, name, path.name == "__init__.py")) - {name}
        graph[name] = {t for t in targets if (name, t) not in ALLOWED}
    return graph


GRAPH = import_graph()


def top(module: str) -> str:
    return module.split(".")[0]


def cog_of(module: str) -> str | None:
    """The feature package a module of ``cogs`` belongs to (None for a shared pure module)."""
    parts = module.split(".")
    if parts[0] != "cogs" or len(parts) < 2:
        return None
    feature = f"cogs.{parts[1]}"
    return feature if (REPO / "cogs" / parts[1]).is_dir() else None


# Which top-level packages each application package may import, besides the standard library
# and third-party packages (discord is named: only the shell and the cogs speak to Discord).
# offline and sandbox sit on top of the application and are never imported by it.
ARROWS = {
    "cogs": {"cogs", "bot", "bank", "db", "discord"},
    "bot": {"bot", "bank", "db", "discord"},
    "bank": {"bank"},
    "db": {"db"},
}
WATCHED = {*APPLICATION, "offline", "sandbox", "discord"}


def test_the_graph_sees_the_application() -> None:
    # A walk that found nothing would pass every rule below.
    assert {"bot.client", "bot.scheduler", "db.database", "bank.grading"} <= GRAPH.keys()
    assert "db.database" in GRAPH["db.daily"]
    assert "bank.schema" in GRAPH["bank.grading"]
    assert "discord" in GRAPH["bot.client"]
    assert any(target.startswith("cogs.daily.") for target in GRAPH["cogs.daily"])


@pytest.mark.parametrize("package", APPLICATION)
def test_arrows_point_one_way(package: str) -> None:
    found = [
        f"{source} imports {target}"
        for source, targets in sorted(GRAPH.items())
        if top(source) == package
        for target in sorted(targets)
        if top(target) in WATCHED and top(target) not in ARROWS[package]
    ]
    allowed = ", ".join(sorted(ARROWS[package] - {package})) or "no other package"
    assert found == [], f"{package} may import {allowed}: " + "; ".join(found)


def test_a_cog_never_imports_another_cog() -> None:
    found = [
        f"{source} imports {target}"
        for source, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if cog_of(source) and cog_of(target) and cog_of(source) != cog_of(target)
    ]
    assert found == [], "what two features share lives in bot/ or a pure module: " + "; ".join(
        found
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue  # not ours
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    found = cycles(GRAPH)
    assert found == [], "modules that import each other: " + "; ".join(
        " <-> ".join(group) for group in found
    )
