"""How many queries one client may have running at once (RFC 6585 section 4: 429 Too Many
Requests, with Retry-After). A client is its address as the server sees it; behind a proxy, run one
limiter at the proxy instead. A query's slot is held until its answer has been sent, so a client
that stops reading holds its own slots, not the server's threads."""

from __future__ import annotations

import hashlib
import mmap
import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from werkzeug.exceptions import TooManyRequests


class ClientLimiter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running: Counter[str] = Counter()
        self.lock = threading.Lock()

    def acquire(self, client: str) -> Callable[[], None]:
        """Take one of the client's slots (429 when none is free); the callable gives it back,
        once however often it is called."""
        with self.lock:
            if self.running[client] >= self.limit:
                raise TooManyRequests(
                    f"this client already has {self.limit} of its {self.limit} requests running "
                    "(queries, searches, reconciliations); retry when one ends",
                    retry_after=1,
                )
            self.running[client] += 1
        released = threading.Event()

        def release() -> None:
            with self.lock:
                if released.is_set():
                    return
                released.set()
                self.running[client] -= 1
                if self.running[client] <= 0:
                    del self.running[client]

        return release

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of the client's slots while the block runs."""
        release = self.acquire(client)
        try:
            yield
        finally:
            release()


class SharedClientLimiter(ClientLimiter):
    """The same limit held by several HTTP processes together (``--http-processes``): the counts
    live in memory shared by the processes forked after it was made, under one lock between
    processes, so a client whose connections land in different processes still has ``limit``
    slots in all.

    The table has a fixed number of rows, each a client's address (at most ``KEY_BYTES`` bytes;
    a longer one is replaced by its digest) and its count; a row is freed when its count falls to
    zero. A held slot is a request being answered, which holds one of a process's threads, so
    ``rows`` (the processes' threads together) is never short; if it were, the request is refused
    as the limit's own would be."""

    KEY_BYTES = 64

    def __init__(self, limit: int, rows: int) -> None:
        self.limit = limit
        self.rows = rows
        # anonymous and MAP_SHARED: the same pages in every process forked from this one
        self.memory = mmap.mmap(-1, rows * (self.KEY_BYTES + 4))
        self.keys_end = rows * self.KEY_BYTES
        self.counts = memoryview(self.memory)[self.keys_end :].cast("i")
        self.lock = multiprocessing.get_context("fork").Lock()  # type: ignore[assignment]

    def key(self, client: str) -> bytes:
        raw = client.encode("utf-8", "replace")
        if not raw or len(raw) > self.KEY_BYTES:
            raw = hashlib.sha256(raw).hexdigest().encode()
        return raw.ljust(self.KEY_BYTES, b"\0")

    def row(self, key: bytes) -> int | None:
        """The row holding ``key`` (a match must start at a row's first byte), or None."""
        start = 0
        while (found := self.memory.find(key, start, self.keys_end)) >= 0:
            if found % self.KEY_BYTES == 0:
                return found // self.KEY_BYTES
            start = found + 1
        return None

    def running_count(self, client: str) -> int:
        """The client's slots held in all processes (for tests and logs)."""
        with self.lock:
            row = self.row(self.key(client))
            return 0 if row is None else self.counts[row]

    def acquire(self, client: str) -> Callable[[], None]:
        key = self.key(client)
        with self.lock:
            row = self.row(key)
            if row is None:
                row = self.row(b"\0" * self.KEY_BYTES)  # a free row
                if row is not None:
                    self.memory[row * self.KEY_BYTES : (row + 1) * self.KEY_BYTES] = key
                    self.counts[row] = 0
            if row is None or self.counts[row] >= self.limit:
                raise TooManyRequests(
                    f"this client already has {self.limit} of its {self.limit} requests running "
                    "(queries, searches, reconciliations); retry when one ends",
                    retry_after=1,
                )
            self.counts[row] += 1
        released = threading.Event()

        def release() -> None:
            with self.lock:
                if released.is_set():
                    return
                released.set()
                row = self.row(key)
                if row is None:
                    return
                self.counts[row] -= 1
                if self.counts[row] <= 0:
                    self.counts[row] = 0
                    self.memory[row * self.KEY_BYTES : (row + 1) * self.KEY_BYTES] = bytes(
                        self.KEY_BYTES
                    )

        return release
