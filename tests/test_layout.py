"""The shape of server/: rooms by concern, and no blueprint reaching into another.

A blueprint module (one that defines a ``Blueprint``) may use shared pieces (web/, engine/,
stores/, and the modules of its concern that hold no routes), never another blueprint's module:
otherwise a change to one page ripples through the others, and imports turn into cycles.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent.parent / "server"
MODULES = {
    "homs_kg.server." + ".".join(path.relative_to(SERVER).with_suffix("").parts): path
    for path in SERVER.rglob("*.py")
    if "node_modules" not in path.parts
}


def defines_blueprint(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Blueprint"
        for node in ast.walk(tree)
    )


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


BLUEPRINTS = sorted(name for name, path in MODULES.items() if defines_blueprint(path))


def test_every_route_module_is_found() -> None:
    assert len(BLUEPRINTS) >= 8


@pytest.mark.parametrize("module", BLUEPRINTS)
def test_a_blueprint_imports_no_other_blueprint(module: str) -> None:
    others = set(BLUEPRINTS) - {module}
    assert imported_modules(MODULES[module]) & others == set()


@pytest.mark.parametrize("folder", ["engine", "stores"])
def test_the_engine_and_stores_do_not_know_flask(folder: str) -> None:
    """Query evaluation runs in worker processes that load neither Flask nor the web layer."""
    for path in (SERVER / folder).rglob("*.py"):
        names = imported_modules(path)
        assert not any(
            n == "flask" or n.startswith(("flask.", "homs_kg.server.web")) for n in names
        ), path
