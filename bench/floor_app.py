"""The floor of the HTTP stack homs-kg runs on: Flask under waitress answering a constant.

    python bench/floor_app.py --port 8124 [--threads 16] [--processes 1]

``POST /sparql`` reads the form's ``query`` and answers the light lookup's two rows as SPARQL
JSON, with no store, no worker and no checks: what waitress and Flask alone cost a request.
Whatever homs-kg does, its light lookup cannot be answered faster than this on the same machine;
bench/http_cost.py runs it beside homs-kg and Oxigraph's server (``--floor``).
"""

from __future__ import annotations

import os
import socket

import click
import waitress
from flask import Flask, request

ANSWER = (
    '{"head":{"vars":["l"]},"results":{"bindings":['
    '{"l":{"type":"literal","value":"\\u062d\\u0645\\u0635","xml:lang":"ar"}},'
    '{"l":{"type":"literal","value":"Homs","xml:lang":"en"}}]}}'
)

app = Flask(__name__)


@app.route("/sparql", methods=["GET", "POST"])
def sparql() -> tuple[str, int, dict[str, str]]:
    if not request.values.get("query"):
        return "no query", 400, {"Content-Type": "text/plain"}
    return ANSWER, 200, {"Content-Type": "application/sparql-results+json"}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--port", type=int, required=True)
@click.option("--threads", type=int, default=16, show_default=True)
@click.option("--processes", type=int, default=1, show_default=True, help="forked on one socket")
def main(port: int, threads: int, processes: int) -> None:
    """Flask under waitress answering a constant, on 127.0.0.1:PORT."""
    listener = socket.create_server(("127.0.0.1", port), backlog=1024)
    for _ in range(processes - 1):
        if os.fork() == 0:
            break
    waitress.serve(app, sockets=[listener], threads=threads, _quiet=True)


if __name__ == "__main__":
    main()
