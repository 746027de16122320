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
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from homs_kg.server.settings import ServerConfig

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
        super().__init__(server, sock, addr, adj, map)

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
    ) -> None:
        self.limits = limits
        super().__init__(application, sockets, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo)

    def accept(self) -> tuple[socket.socket, tuple] | None:
        pair = super().accept()
        if pair is not None and self.at_address_cap(pair[1][0]):
            pair[0].close()
            return None
        return pair

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


def create_server(
    application: WSGIApplication, limits: ConnectionLimits, **adjustments: object
) -> LimitedServer:
    """The server on every address the adjustments name (as waitress.create_server, for TCP)."""
    adj = Adjustments(
        **adjustments,
        connection_limit=limits.max_connections,
        asyncore_use_poll=True,  # select() cannot watch descriptors numbered past 1024
        cleanup_interval=1,  # maintenance applies the timeouts: each acts within about a second
    )
    sockets: dict[int, socket.socket] = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    servers = [
        LimitedServer(
            application,
            limits,
            sockets=sockets,
            dispatcher=dispatcher,
            adj=adj,
            sockinfo=info,  # type: ignore[arg-type]  # the stub says str: getaddrinfo tuples
        )
        for info in adj.listen
    ]
    return servers[0]  # its run() serves the shared socket map, so every listening socket
