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

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import PROCESSES, Request, free_port, send

MB = 2**20
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()

    from homs_kg.server.catalogue.queries import find_query

    query = find_query("perpetrators").text
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="homs-kg-memory-")) / "serve.log"
    command = [str(Path(sys.executable).parent / "homs-kg"), "serve", "--data-dir",
               str(args.data_dir), "--port", str(port), "--threads", "16", "--query-workers",
               "2"]  # fmt: skip
    started = time.perf_counter()
    server = PROCESSES.start(command, log)
    try:
        request = Request.sparql("/sparql", query)
        while True:
            try:
                if send(port, request, 10)[0] == 200:
                    break
            except OSError:
                time.sleep(0.01)
        print(f"first answer {1000 * (time.perf_counter() - started):.0f} ms after start")
        for _ in range(50):
            send(port, request, 10)
        time.sleep(0.5)
        root = psutil.Process(server.pid)
        totals = [0, 0, 0]
        for process in [root, *root.children(recursive=True)]:
            info = process.memory_full_info()
            name = " ".join(process.cmdline())
            role = (
                "resource tracker" if "resource_tracker" in name
                else "forkserver or query worker" if "forkserver" in name
                else "HTTP process (waitress, Flask)"
            )  # fmt: skip
            print(f"  pid {process.pid:7}  RSS {info.rss / MB:6.1f}  USS {info.uss / MB:6.1f}  "
                  f"PSS {info.pss / MB:6.1f} MB  {role}")  # fmt: skip
            totals = [totals[0] + info.rss, totals[1] + info.uss, totals[2] + info.pss]
        print(f"  total            RSS {totals[0] / MB:6.1f}  USS {totals[1] / MB:6.1f}  "
              f"PSS {totals[2] / MB:6.1f} MB")  # fmt: skip
    finally:
        PROCESSES.stop(server)
    print("imports, each in a fresh interpreter (resident memory after it, time it took):")
    for statement in IMPORTS:
        code = (
            "import time; began = time.perf_counter()\n"
            f"{statement}\n"
            "took = time.perf_counter() - began\n"
            "import psutil; print(psutil.Process().memory_info().rss, took)"
        )
        found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        rss, took = found.stdout.split()
        print(f"  {int(rss) / MB:6.1f} MB  {1000 * float(took):6.0f} ms  {statement}")


if __name__ == "__main__":
    main()
