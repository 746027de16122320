"""Running the application under a production WSGI server (waitress), with an access log.

With ``--http-processes N`` (N > 1) the command's process binds the port, makes the limits the
processes hold together (the per-client limiter's table in shared memory, the long-query
semaphore), and forks N HTTP processes that accept connections on the same listening socket,
each with its own application, threads and query workers. One interpreter lock no longer
serialises every request's Python work (waitress, Flask, the hand-off to the workers), so light
queries use more than one core. The first process stops them all: on SIGTERM or Ctrl-C, and when
one of them ends by itself (its share of the service would be gone, and the slots it held in the
shared limiter with it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import logging
import multiprocessing
import os
import resource
import signal
import socket
import sys
from collections.abc import Iterator
from typing import Any, cast

from flask import Flask
from waitress.adjustments import Adjustments

from homs_kg.server.app import SharedLimits, create_app
from homs_kg.server.settings import ServerConfig
from homs_kg.server.web.client_limits import SharedClientLimiter
from homs_kg.server.web.http_server import (
    ConnectionBalance,
    ConnectionLimits,
    LimitedServer,
    create_server,
)

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
    if config.http_processes > 1:
        run_processes(config, limits)
        return
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


def run_processes(config: ServerConfig, limits: ConnectionLimits) -> None:
    """Fork ``config.http_processes`` HTTP processes over one listening socket; wait for them."""
    count = config.http_processes
    with cannot_listen_errors(config):
        sockets = bind_sockets(config)
    shared = SharedLimits(
        SharedClientLimiter(config.client_concurrency, rows=2 * count * config.threads + 64),
        multiprocessing.get_context("fork").BoundedSemaphore(config.long_queries),
    )
    # a connection is held without a thread: the table has a row for every connection allowed
    connections = SharedClientLimiter(config.client_connections, rows=config.max_connections + 64)
    held = multiprocessing.get_context("fork").RawArray("i", count)  # connections per process
    port = sockets[0].getsockname()[1]
    children: dict[int, int] = {}
    for index in range(count):
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                serve_child(
                    process_config(config, index),
                    limits,
                    sockets,
                    shared,
                    connections,
                    ConnectionBalance(held, index),
                )
                status = 0
            except SystemExit as end:
                status = end.code if isinstance(end.code, int) else 0
            except BaseException:
                logging.getLogger("homs_kg").exception("HTTP process %d failed", index + 1)
            finally:
                logging.shutdown()
                os._exit(status)
        children[pid] = index
    for listening in sockets:
        listening.close()  # the children hold it
    logging.getLogger("homs_kg").info(
        "serving http://%s:%s/sparql (%d HTTP processes)",
        config.host,
        port,
        count,
    )
    supervise(children)


def supervise(children: dict[int, int]) -> None:
    """Wait for the HTTP processes; SIGTERM or Ctrl-C stops them all, and so does the end of one
    (then the command fails)."""
    stopping = False

    def stop_all(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop_all)
    failed = False
    while children:
        try:
            pid, status = os.waitpid(-1, 0)
        except KeyboardInterrupt:
            stop_all()
            continue
        except ChildProcessError:
            break
        index = children.pop(pid, None)
        if index is not None and not stopping:
            logging.getLogger("homs_kg").error(
                "HTTP process %d ended (%s); stopping the others",
                index + 1,
                f"exit status {os.waitstatus_to_exitcode(status)}",
            )
            failed = True
            stop_all()
    if failed:
        sys.exit(1)


def serve_child(
    config: ServerConfig,
    limits: ConnectionLimits,
    sockets: list[socket.socket],
    shared: SharedLimits,
    connections: SharedClientLimiter,
    balance: ConnectionBalance,
) -> None:
    """One HTTP process: its application and query workers, serving the shared sockets."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = create_app(config, shared=shared)
    try:
        server = create_server(
            app,
            dataclasses.replace(limits, max_connections=config.max_connections),
            connections,
            balance,
            sockets=sockets,
            threads=config.threads,
            max_request_body_size=2 * config.max_request_bytes,
            max_request_header_size=config.max_request_bytes + 65536,
        )
        server.run()
    finally:
        app.extensions["homs_kg"]["store"].close()


def share(total: int, count: int, index: int, least: int = 1) -> int:
    """Process ``index``'s share of ``total`` split over ``count`` processes (at least
    ``least``; 0 stays 0)."""
    if total <= 0:
        return total
    return max(least, total // count + (1 if index < total % count else 0))


def process_config(config: ServerConfig, index: int) -> ServerConfig:
    """What one of the HTTP processes has of the budgets the settings give the whole service:
    query workers, result cache, spool, connections. The per-client limits are held together
    (SharedLimits, and the shared count of each address's connections)."""
    count = config.http_processes
    return dataclasses.replace(
        config,
        query_workers=share(config.query_workers, count, index),
        result_cache_mb=share(config.result_cache_mb, count, index),
        spool_mb=share(config.spool_mb, count, index),
        max_connections=share(config.max_connections, count, index),
    )


def bind_sockets(config: ServerConfig) -> list[socket.socket]:
    """Listening sockets on every address --host and --port name (as waitress binds them)."""
    adjustments = Adjustments(host=config.host, port=config.port)
    sockets = []
    # getaddrinfo tuples (waitress's stub says str)
    listen = cast("list[tuple[int, int, int, Any]]", adjustments.listen)
    for family, kind, protocol, address in listen:
        listening = socket.socket(family, kind, protocol)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        listening.bind(address)
        listening.listen(adjustments.backlog)
        listening.setblocking(False)
        sockets.append(listening)
    return sockets


def connection_limits(config: ServerConfig) -> ConnectionLimits:
    """The connection limits the configuration sets (each field is a setting of the same name)."""
    names = [limit.name for limit in dataclasses.fields(ConnectionLimits)]
    return ConnectionLimits(**{name: getattr(config, name) for name in names})


def listen(app: Flask, config: ServerConfig, limits: ConnectionLimits) -> LimitedServer:
    """The server, bound to its address; CannotListen when that fails."""
    with cannot_listen_errors(config):
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


@contextlib.contextmanager
def cannot_listen_errors(config: ServerConfig) -> Iterator[None]:
    """Binding errors as CannotListen, in one line."""
    host = f"[{config.host}]" if ":" in config.host else config.host  # an IPv6 address
    address = f"{host}:{config.port}"
    try:
        yield
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
