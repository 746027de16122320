"""The programs measured, as commands: homs-kg's, Oxigraph's and the bench scripts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.servers import OXIGRAPH

BENCH = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


def homs_kg_command() -> list[str]:
    executable = VENV_BIN / "homs-kg"
    return (
        [str(executable)] if executable.exists() else [sys.executable, "-m", "homs_kg.server.cli"]
    )


def serve_options() -> str:
    """``homs-kg serve --help``: which options this version of the server has."""
    found = subprocess.run(
        [*homs_kg_command(), "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    return found.stdout


def oxigraph_cli() -> str:
    found = shutil.which(OXIGRAPH.name, path=str(OXIGRAPH.parent)) or shutil.which("oxigraph")
    if not found:
        raise SystemExit("the oxigraph CLI is missing: pip install 'oxigraph==0.5.13'")
    return found


def bench_script(name: str, *arguments: str) -> list[str]:
    """A script of bench/ run by this interpreter."""
    return [sys.executable, str(BENCH / name), *arguments]
