"""The WSGI server: waitress with limits against clients that stall it.

waitress serves each request on one of a few threads and closes only idle connections, so a client
can hold a thread by not reading a large answer, hold a connection by trickling its headers (each
byte counts as activity), and smuggle a second request behind an ambiguous body length. These
subclasses add the missing limits. They override waitress internals (the channel's send and
received, the server's accept and maintenance, the parser's parse_header), so pyproject.toml pins
the waitress versions they were written against.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping, MutableSequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher
from werkzeug.exceptions import TooManyRequests

from homs_kg.server.settings import ServerConfig
from homs_kg.server.web.client_limits import ClientLimiter

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger("homs_kg.http")


DEFAULTS = ServerConfig()  # the settings' declared defaults, typed


@dataclass(frozen=True)
class ConnectionLimits:
    send_timeout: float = DEFAULTS.send_timeout
    header_timeout: float = DEFAULTS.header_timeout
    client_connections: int = DEFAULTS.client_connections
    max_connections: int = DEFAULTS.max_connections


class FramingParser(HTTPRequestParser):
    """waitress's request parser, refusing a request framed by both Content-Length and
    Transfer-Encoding: RFC 9112 section 6.3 (item 3) allows a server to treat it as an error and
    close, and accepting it lets a front end that reads the other length smuggle a request."""

    ambiguous = False

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        # waitress removes an HTTP/1.1 Transfer-Encoding header once it decodes chunked bodies
        transfer_coded = self.chunked or "TRANSFER_ENCODING" in self.headers
        if transfer_coded and "CONTENT_LENGTH" in self.headers:
            self.ambiguous = True
            raise ParsingError("a request with both Content-Length and Transfer-Encoding")

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        # Where this request ends is unknown, so no bytes after its header may become a request.
        return len(data) if self.ambiguous else consumed


class LimitedChannel(HTTPChannel):
    """A connection that the server ends when its client stalls: takes no bytes of a response, or
    does not complete a request's headers in time."""

    parser_class = FramingParser

    def __init__(
        self,
        server: LimitedServer,
        sock: socket.socket,
        addr: tuple,
        adj: Adjustments,
        map: dict | None = None,
    ) -> None:
        # since when a request's headers are awaited (the connection's opening for the first one)
        self.header_clock: float | None = time.monotonic()
        self.blocked_since: float | None = None  # since when the client has taken no byte
        # the connection's place in the counts shared by several HTTP processes
        self.address_release = server.take_accepted(sock)
        super().__init__(server, sock, addr, adj, map)

    def del_channel(self, map: Mapping[int, socket.socket] | None = None) -> None:
        super().del_channel(map)
        if self.address_release is not None:
            self.address_release()
            self.address_release = None

    def send(self, data: bytes, do_close: bool = True) -> int:
        sent = super().send(data, do_close=do_close)
        if sent:
            self.blocked_since = None
        elif self.blocked_since is None:
            self.blocked_since = time.monotonic()
        return sent

    def received(self, data: bytes) -> bool:
        result = super().received(data)
        partial = self.request
        if partial is None or partial.headers_finished:
            self.header_clock = None
        elif self.header_clock is None:
            self.header_clock = time.monotonic()
        return result

    def stalled_reader(self, now: float, timeout: float) -> bool:
        """Bytes wait to be sent, and the client has taken none for ``timeout`` seconds."""
        blocked = self.blocked_since
        return bool(self.total_outbufs_len) and blocked is not None and now - blocked > timeout

    def headers_overdue(self, now: float, timeout: float) -> bool:
        """A request's headers have been awaited for more than ``timeout`` seconds."""
        if self.header_clock is None or self.will_close or self.close_when_flushed:
            return False
        if self.requests:
            # No byte is read while a request is served, so a pipelined request's clock waits.
            self.header_clock = now
            return False
        return now - self.header_clock > timeout

    def reset(self) -> None:
        """End the connection with a TCP reset, dropping what is queued for the client at once;
        the thread writing the response then gets waitress's ClientDisconnected."""
        sock = self.socket  # None once waitress has closed the channel: nothing left to reset
        with contextlib.suppress(OSError):
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                # Shut down, not closed: this runs while the event loop walks its sockets. A shut
                # socket reports POLLHUP, and waitress closes the channel (and wakes its writer).
                sock.shutdown(socket.SHUT_RDWR)
        self.will_close = True

    def time_out_request(self, timeout: float) -> None:
        """End a connection whose request headers did not arrive in time: 408 when part of a
        request came (RFC 9110 section 15.5.9, with Connection: close), a plain close when
        nothing did."""
        if self.request is None:
            self.will_close = True
            return
        body = f"the request's headers did not arrive complete within {timeout:g} s\n".encode()
        response = (
            b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s"
        ) % (len(body), body)
        with self.outbuf_lock:
            self.outbufs[-1].append(response)
            self.current_outbuf_count += len(response)
            self.total_outbufs_len += len(response)
        self.close_when_flushed = True


class ConnectionBalance:
    """The connections each of several HTTP processes holds, in memory they share: a process
    watches the listening socket only while it holds no more than the others' least plus one, so
    the clients (and their queries, for each process's own query workers) are spread over the
    processes instead of going to whichever woke first."""

    def __init__(self, counts: MutableSequence[int], index: int) -> None:
        self.counts = counts  # a multiprocessing RawArray made before the processes were forked
        self.index = index
        self.lock = threading.Lock()  # this process writes only its own count

    def may_accept(self) -> bool:
        return self.counts[self.index] <= min(self.counts) + 1

    def opened(self) -> Callable[[], None]:
        """Count one connection in; the callable counts it out, once."""
        with self.lock:
            self.counts[self.index] += 1
        done = threading.Event()

        def closed() -> None:
            with self.lock:
                if not done.is_set():
                    done.set()
                    self.counts[self.index] -= 1

        return closed


def all_of(releases: list[Callable[[], None]]) -> Callable[[], None]:
    def release() -> None:
        for each in releases:
            each()

    return release


class LimitedServer(TcpWSGIServer):
    """waitress's TCP server with LimitedChannel connections, a cap on the connections of one
    client address, and the stall limits applied in its maintenance pass."""

    channel_class = LimitedChannel
    # waitress's stub names one HTTPChannel; the server keeps a dict of its channels by descriptor
    active_channels: dict[int, LimitedChannel]  # type: ignore[assignment]
    effective_port: int  # set by waitress's TcpWSGIServer, missing from its stub

    def __init__(
        self,
        application: WSGIApplication,
        limits: ConnectionLimits,
        *,
        sockets: dict[int, socket.socket],
        dispatcher: ThreadedTaskDispatcher,
        adj: Adjustments,
        sockinfo: tuple[int, int, int | None, Any],
        listening: socket.socket | None = None,
        shared_connections: ClientLimiter | None = None,
        balance: ConnectionBalance | None = None,
    ) -> None:
        self.limits = limits
        # with several HTTP processes: the connections of each address in all of them, and of
        # each process
        self.shared_connections = shared_connections
        self.balance = balance
        self.accepted: tuple[socket.socket, Callable[[], None]] | None = None
        super().__init__(
            application,
            sockets,
            _sock=listening,  # a socket bound by the process that forked this one, or None
            dispatcher=dispatcher,
            adj=adj,
            sockinfo=sockinfo,
            bind_socket=listening is None,
        )

    def accept(self) -> tuple[socket.socket, tuple] | None:
        if self.accepted is not None:  # accepted, but no channel was made of it
            self.accepted[1]()
            self.accepted = None
        pair = super().accept()
        if pair is None:
            return None
        releases = []
        if self.shared_connections is not None and self.limits.client_connections > 0:
            try:
                releases.append(self.shared_connections.acquire(pair[1][0]))
            except TooManyRequests:
                pair[0].close()
                return None
        elif self.at_address_cap(pair[1][0]):
            pair[0].close()
            return None
        if self.balance is not None:
            releases.append(self.balance.opened())
        if releases:
            self.accepted = (pair[0], all_of(releases))
        return pair

    def readable(self) -> bool:
        watching = super().readable()  # first: it runs the maintenance pass
        return watching and (self.balance is None or self.balance.may_accept())

    def run(self) -> None:
        """waitress's run; with a balance, the loop looks at it at least every 0.1 s (waitress
        takes whole seconds), since another process's connections change it unseen."""
        if self.balance is None:
            super().run()
            return
        try:
            # _map: the socket map waitress's own run() passes, missing from its stub
            self.asyncore.loop(timeout=0.1, map=self._map, use_poll=self.adj.asyncore_use_poll)  # type: ignore[attr-defined]
        except (SystemExit, KeyboardInterrupt):
            self.task_dispatcher.shutdown()

    def take_accepted(self, sock: socket.socket) -> Callable[[], None] | None:
        """The release of the shared count taken when ``sock`` was accepted, if any."""
        if self.accepted is None or self.accepted[0] is not sock:
            return None
        release, self.accepted = self.accepted[1], None
        return release

    def at_address_cap(self, host: str) -> bool:
        cap = self.limits.client_connections
        channels = list(self.active_channels.values())  # a closing thread may change it
        held = sum(1 for channel in channels if channel.addr[0] == host)
        return 0 < cap <= held

    def maintenance(self, now: float) -> None:
        # waitress passes time.time(), a float; its stub says int
        super().maintenance(now)  # type: ignore[arg-type]
        clock = time.monotonic()
        for channel in list(self.active_channels.values()):
            if channel.stalled_reader(clock, self.limits.send_timeout):
                if not channel.will_close:
                    log.info(
                        "reset the connection of %s: it took no response bytes for %g s",
                        channel.addr[0],
                        self.limits.send_timeout,
                    )
                channel.reset()
            elif channel.headers_overdue(clock, self.limits.header_timeout):
                channel.time_out_request(self.limits.header_timeout)


def socket_info(listening: socket.socket) -> tuple[int, int, int | None, Any]:
    return (listening.family, listening.type, listening.proto, listening.getsockname())


def create_server(
    application: WSGIApplication,
    limits: ConnectionLimits,
    shared_connections: ClientLimiter | None = None,
    balance: ConnectionBalance | None = None,
    **adjustments: object,
) -> LimitedServer:
    """The server on every address the adjustments name (as waitress.create_server, for TCP),
    or on the listening ``sockets`` given (bound by the process that forked this one)."""
    adj = Adjustments(
        **adjustments,
        connection_limit=limits.max_connections,
        asyncore_use_poll=True,  # select() cannot watch descriptors numbered past 1024
        cleanup_interval=1,  # maintenance applies the timeouts: each acts within about a second
    )
    sockets: dict[int, socket.socket] = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    # the listening sockets given, or one per address of --host (the stub says str: they are
    # getaddrinfo tuples)
    places: list[tuple[socket.socket | None, tuple[int, int, int | None, Any]]] = (
        [(listening, socket_info(listening)) for listening in adj.sockets]
        if adj.sockets
        else [(None, info) for info in adj.listen]  # type: ignore[misc]
    )
    servers = [
        LimitedServer(
            application,
            limits,
            sockets=sockets,
            dispatcher=dispatcher,
            adj=adj,
            sockinfo=info,
            listening=listening,
            shared_connections=shared_connections,
            balance=balance,
        )
        for listening, info in places
    ]
    return servers[0]  # its run() serves the shared socket map, so every listening socket
