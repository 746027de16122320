"""What a run measured, and on what: the machine, the package versions, the code's digest."""

from __future__ import annotations

import contextlib
import hashlib
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "homs-kg",
    "pyoxigraph",
    "oxigraph",
    "rdflib",
    "rdflib-endpoint",
    "flask",
    "waitress",
    "uvicorn",
)


def shell(command: str) -> str:
    """What the command prints, or nothing if it fails."""
    try:
        return subprocess.run(
            command, shell=True, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine() -> dict:
    lscpu = shell("lscpu | head -20")
    model = re.search(r"Model name:\s*(.+)", lscpu)
    memory = psutil.virtual_memory().total / (1024**3)
    return {
        "nproc": shell("nproc"),
        "free": shell("free -h"),
        "lscpu": lscpu,
        "summary": f"{shell('nproc')} CPUs ({model.group(1).strip() if model else '?'}), "
        f"{memory:.0f} GiB RAM, {platform.platform()}",
    }


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        with contextlib.suppress(PackageNotFoundError):
            found[package] = version(package)
    return found


def code_digest() -> str:
    """A digest of the server and graph code measured (the tree changes while others work)."""
    digest = hashlib.sha256()
    for folder in ("server", "graph"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
