"""The layers point one way: every module imports alone, no import cycle (module-level or inside
functions), and the core never imports click or a face (coopgraph.cli, .cli_common, .commands,
.server). Read from the installed package's files, as CI installs it."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

FACES = ("coopgraph.cli", "coopgraph.cli_common", "coopgraph.commands", "coopgraph.server", "coopgraph.__main__")


def _root() -> Path:
    spec = importlib.util.find_spec("coopgraph")
    assert spec and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def _modules() -> dict[str, Path]:
    root = _root()
    out = {}
    for f in sorted(root.rglob("*.py")):
        rel = f.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every coopgraph module or outside package `name` imports, at any depth (inside functions
    too), leaving out `if TYPE_CHECKING:` blocks (annotations only, never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for a in node.names:
                sub = f"{mod}.{a.name}"
                found.add(sub if sub in known else mod)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: {i for i in _imports(m, f, known) if i in known and i != m} for m, f in mods.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    # An edge from a package's __init__ to its own submodules is how packages are made, and a
    # submodule importing its package's sibling goes through __init__ only implicitly: neither
    # is a cycle between layers. Every other loop is.
    colour: dict[str, int] = {}
    stack: list[str] = []

    def edges(m: str) -> list[str]:
        return sorted(graph[m])

    def dfs(m: str) -> list[str] | None:
        colour[m] = 1
        stack.append(m)
        for n in edges(m):
            if colour.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in colour:
                found = dfs(n)
                if found:
                    return found
        stack.pop()
        colour[m] = 2
        return None

    for m in sorted(graph):
        if m not in colour:
            found = dfs(m)
            if found:
                return found
    return None


def test_no_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_core_imports_no_face_and_no_click():
    mods = _modules()
    known = set(mods)
    bad = {}
    for m, f in mods.items():
        if m.startswith(FACES):
            continue
        wrong = sorted(
            i for i in _imports(m, f, known) if i == "click" or i.startswith("click.") or i.startswith(FACES)
        )
        if wrong:
            bad[m] = wrong
    assert not bad, f"core modules importing click or a face: {bad}"


def test_store_and_validate_do_not_reach_up_into_link():
    graph = _graph()
    for m in graph:
        if m in ("coopgraph.store", "coopgraph.reference") or m.startswith("coopgraph.validate"):
            assert not [i for i in graph[m] if i.startswith("coopgraph.link")], (m, graph[m])


@pytest.mark.parametrize("chunk", range(2))
def test_every_module_imports_alone_in_a_fresh_interpreter(chunk):
    names = sorted(_modules())[chunk::2]

    def load(name: str) -> tuple[str, int, str]:
        p = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120)
        return name, p.returncode, p.stderr[-2000:]

    with ThreadPoolExecutor(2) as pool:
        failed = [(n, err) for n, code, err in pool.map(load, names) if code != 0]
    assert not failed, failed
