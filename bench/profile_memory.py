"""Where homs-kg's serving memory and start-up time go.

    python bench/profile_memory.py --data-dir DIR

1. Starts ``homs-kg serve`` (``--query-workers 2 --threads 16``) over ``DIR``, sends it 50
   catalogue queries, and lists every process of its tree with RSS, USS (pages only it uses) and
   PSS (its share of the pages it shares): the sum of RSS counts the pages the forkserver's
   children share with it once per process.
2. Imports, each in a fresh interpreter, the modules the server's processes load, and prints the
   resident memory and the time each import adds (the workers are forked from a forkserver that
   preloads ``homs_kg.server.engine.evaluation``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
import psutil

if not __package__:  # run as bench/profile_memory.py: bench/ and tests/ are packages
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.loops import Request, send
from bench.servers import SERVE_OPTIONS, homs_kg_server
from bench.usage import MB

IMPORTS = [
    "pass",
    "import pyoxigraph",
    "import flask, waitress",
    "import rdflib",
    "import rdflib.plugins.sparql.parser, rdflib.plugins.sparql.algebra",
    "import homs_kg.server.engine.evaluation",
    "import homs_kg.server.app",
    "import homs_kg.server.cli",
]
IMPORT_TIMER = """import time; began = time.perf_counter()
{statement}
took = time.perf_counter() - began
import psutil; print(psutil.Process().memory_info().rss, took)"""


def role(process: psutil.Process) -> str:
    name = " ".join(process.cmdline())
    if "resource_tracker" in name:
        return "resource tracker"
    if "forkserver" in name:
        return "forkserver or query worker"
    return "HTTP process (waitress, Flask)"


def print_tree(pid: int) -> None:
    """RSS, USS and PSS of each process of the tree, and their sums."""
    root = psutil.Process(pid)
    totals = [0, 0, 0]
    for process in [root, *root.children(recursive=True)]:
        info = process.memory_full_info()
        print(
            f"  pid {process.pid:7}  RSS {info.rss / MB:6.1f}  USS {info.uss / MB:6.1f}  "
            f"PSS {info.pss / MB:6.1f} MB  {role(process)}"
        )
        totals = [totals[0] + info.rss, totals[1] + info.uss, totals[2] + info.pss]
    print(
        f"  total            RSS {totals[0] / MB:6.1f}  USS {totals[1] / MB:6.1f}  "
        f"PSS {totals[2] / MB:6.1f} MB"
    )


def print_imports() -> None:
    print("imports, each in a fresh interpreter (resident memory after it, time it took):")
    for statement in IMPORTS:
        code = IMPORT_TIMER.format(statement=statement)
        found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        rss, took = found.stdout.split()
        print(f"  {int(rss) / MB:6.1f} MB  {1000 * float(took):6.0f} ms  {statement}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path, exists=True), required=True)
def main(data_dir: Path) -> None:
    """Where homs-kg's serving memory and start-up time go."""
    from homs_kg.server.catalogue.queries import find_query

    log = Path(tempfile.mkdtemp(prefix="homs-kg-memory-")) / "serve.log"
    server = homs_kg_server("homs-kg", log, "--data-dir", str(data_dir), *SERVE_OPTIONS)
    request = Request.sparql("/sparql", find_query("perpetrators").text)
    started = time.perf_counter()
    server.start()
    try:
        send(server.port, request, 10)
        print(f"first answer {1000 * (time.perf_counter() - started):.0f} ms after start")
        for _ in range(50):
            send(server.port, request, 10)
        time.sleep(0.5)
        print_tree(server.process.pid)
    finally:
        server.stop()
    print_imports()


if __name__ == "__main__":
    main()
