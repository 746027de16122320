"""Running the application under a production WSGI server (waitress), with an access log."""

from __future__ import annotations

import logging
import signal
import sys

import waitress

from .app import create_app
from .config import ServerConfig


def run_server(config: ServerConfig, host: str, port: int, threads: int) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr
    )
    app = create_app(config)
    # waitress refuses bodies over twice the limit (and headers over it) itself; below that the
    # app answers 413 with the documented problem body.
    server = waitress.create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=2 * config.max_request_bytes,
        max_request_header_size=config.max_request_bytes + 65536,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.getLogger("homs_kg").info("serving http://%s:%s/sparql", host, server.effective_port)
    try:
        server.run()
    finally:
        app.extensions["homs_kg"]["store"].close()
