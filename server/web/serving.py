"""Running the application under a production WSGI server (waitress), with an access log."""

from __future__ import annotations

import dataclasses
import errno
import logging
import resource
import signal
import sys

from flask import Flask

from homs_kg.server.app import create_app
from homs_kg.server.settings import ServerConfig
from homs_kg.server.web.http_server import ConnectionLimits, LimitedServer, create_server

# descriptors besides the connections: listening socket, trigger, workers' pipes, spool files, logs
OTHER_DESCRIPTORS = 256


class CannotListen(Exception):
    """The server cannot listen on its address; the message says why, in one line."""


def run_server(config: ServerConfig) -> None:
    """Serve the application on --host and --port until SIGTERM; CannotListen when the address
    is taken or not this machine's."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr
    )
    limits = connection_limits(config)
    allow_descriptors(limits.max_connections + OTHER_DESCRIPTORS)
    app = create_app(config)
    try:
        server = listen(app, config, limits)
    except CannotListen:
        app.extensions["homs_kg"]["store"].close()  # its query workers are already running
        raise
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.getLogger("homs_kg").info(
        "serving http://%s:%s/sparql", config.host, server.effective_port
    )
    try:
        server.run()
    finally:
        app.extensions["homs_kg"]["store"].close()


def connection_limits(config: ServerConfig) -> ConnectionLimits:
    """The connection limits the configuration sets (each field is a setting of the same name)."""
    names = [limit.name for limit in dataclasses.fields(ConnectionLimits)]
    return ConnectionLimits(**{name: getattr(config, name) for name in names})


def listen(app: Flask, config: ServerConfig, limits: ConnectionLimits) -> LimitedServer:
    """The server, bound to its address; CannotListen when that fails."""
    host = f"[{config.host}]" if ":" in config.host else config.host  # an IPv6 address
    address = f"{host}:{config.port}"
    try:
        # waitress refuses bodies over twice the limit (and headers over it) itself; below that
        # the app answers 413 with the documented problem body.
        return create_server(
            app,
            limits,
            host=config.host,
            port=config.port,
            threads=config.threads,
            max_request_body_size=2 * config.max_request_bytes,
            max_request_header_size=config.max_request_bytes + 65536,
        )
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise CannotListen(
                f"{address} is already in use: stop the server listening there, or choose another "
                "--port"
            ) from error
        raise CannotListen(f"cannot listen on {address}: {error.strerror or error}") from error
    except ValueError as error:  # waitress's answer when getaddrinfo fails
        raise CannotListen(
            f"cannot listen on {address}: --host is not a known host name"
        ) from error


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
