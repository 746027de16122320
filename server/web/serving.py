"""Running the application under a production WSGI server (waitress), with an access log."""

from __future__ import annotations

import logging
import resource
import signal
import sys

from homs_kg.server.app import create_app
from homs_kg.server.config import ServerConfig
from homs_kg.server.web.http_server import ConnectionLimits, create_server

# descriptors besides the connections: listening socket, trigger, workers' pipes, spool files, logs
OTHER_DESCRIPTORS = 256


def run_server(
    config: ServerConfig,
    host: str,
    port: int,
    threads: int,
    limits: ConnectionLimits | None = None,
) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr
    )
    limits = limits or ConnectionLimits()
    allow_descriptors(limits.max_connections + OTHER_DESCRIPTORS)
    app = create_app(config)
    # waitress refuses bodies over twice the limit (and headers over it) itself; below that the
    # app answers 413 with the documented problem body.
    server = create_server(
        app,
        limits,
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


def allow_descriptors(needed: int) -> None:
    """Raise the soft limit of open files towards ``needed`` (as far as the hard limit allows):
    past it accept() fails, and waitress retries it in a busy loop."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        ceiling = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
        if ceiling < needed:
            logging.getLogger("homs_kg").warning(
                "open files are limited to %d: lower --max-connections to %d or raise the limit",
                ceiling,
                ceiling - OTHER_DESCRIPTORS,
            )
