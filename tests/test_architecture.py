"""The import contract of docs/ARCHITECTURE.md, checked on the source (every import, lazy ones too)
and on a real interpreter (what importing the library pulls into sys.modules)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "magcheck"

# Rooms from the ground up. A room may import its own modules and any room listed in ALLOWED.
ALLOWED: dict[str, set[str]] = {
    "ground": set(),  # errors, paths, i18n: nothing but the ground (and core.model, below)
    "core": {"ground"},
    "store": {"ground", "core"},
    "exports": {"ground", "core", "store"},
    "report": {"ground", "core", "store"},
    "aggregate": {"ground", "core", "store", "exports"},
    "demo": {"ground", "core", "store"},
    "translations": {"ground", "core"},
    "cli": {
        "ground",
        "core",
        "store",
        "exports",
        "report",
        "aggregate",
        "demo",
        "tui",
        "translations",
    },
    "tui": {"ground", "core", "store", "report", "demo"},
}
# Third-party packages the library rooms must never import (front ends only).
FRONT_END_ONLY = {"textual", "argparse"}
LIBRARY = ("core", "store", "exports", "report", "aggregate", "demo", "translations")


def room_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in ("__init__", "__main__"):
        return "top"
    name = parts[1]
    if name in ALLOWED:
        return name
    return "ground"


def module_of(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module this file imports, anywhere in it, as absolute names."""
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if node.module is None:  # from . import a, b: the modules a and b
                found.extend((node.lineno, f"{name}.{a.name}") for a in node.names)
            else:
                found.append((node.lineno, name))
    return found


SOURCES = sorted(p for p in SRC.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_import_follows_the_room_contract(path: Path) -> None:
    mine = room_of(module_of(path))
    allowed = ALLOWED.get(mine)
    for line, name in imports(path):
        top = name.split(".")[0]
        if top == "magcheck":
            other = room_of(name)
            if other in (mine, "top") or allowed is None or name == "magcheck.core.model":
                continue  # core.model is plain data types with no imports: every room may use it
            assert other in allowed, f"{path.name}:{line}: {mine} imports {name} ({other})"
        elif mine in LIBRARY or mine == "ground":
            assert top not in FRONT_END_ONLY, f"{path.name}:{line}: {mine} imports {name}"
            if mine != "report" and mine != "aggregate":
                # Rich renderables are allowed where a report is drawn; a Console never is.
                assert top != "rich", f"{path.name}:{line}: {mine} imports {name}"


def test_library_imports_pull_in_no_front_end() -> None:
    code = (
        "import sys\n"
        "import magcheck.core.questionnaires, magcheck.core.scoring, magcheck.core.evidence\n"
        "import magcheck.store, magcheck.exports.importing, magcheck.report.build\n"
        "import magcheck.aggregate.sources, magcheck.demo\n"
        "print(sorted(m for m in ('textual', 'argparse', 'rich.console') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_imports_neither_textual_nor_the_store() -> None:
    code = (
        "import sys, magcheck.cli\n"
        "try:\n    magcheck.cli.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('textual', 'magcheck.store', 'sqlite3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_no_module_outside_the_app_imports_itself_in_a_circle() -> None:
    """The library reads one way (the app's screens may name each other for types only)."""
    graph: dict[str, set[str]] = {}
    for path in SOURCES:
        mine = module_of(path)
        if mine.startswith("magcheck.tui"):
            continue
        known = {module_of(p) for p in SOURCES}
        graph[mine] = {name for _, name in imports(path) if name in known and name != mine} - {
            "magcheck"
        }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                raise AssertionError(" -> ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
