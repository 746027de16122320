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
            if self.count(client) >= self.limit:
                raise TooManyRequests(
                    f"this client already has {self.limit} of its {self.limit} requests running "
                    "(queries, searches, reconciliations); retry when one ends",
                    retry_after=1,
                )
            self.add(client, 1)
        released = threading.Event()

        def release() -> None:
            with self.lock:
                if not released.is_set():
                    released.set()
                    self.add(client, -1)

        return release

    def count(self, client: str) -> int:
        """The client's slots held (under the lock)."""
        return self.running[client]

    def add(self, client: str, step: int) -> None:
        """Take (1) or give back (-1) one of the client's slots (under the lock)."""
        self.running[client] += step
        if self.running[client] <= 0:
            del self.running[client]

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
    FREE = bytes(KEY_BYTES)  # the key of a free row

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

    def count(self, client: str) -> int:
        """The client's slots held in all processes; a full table counts as the limit reached."""
        row = self.row(self.key(client))
        if row is None:
            return 0 if self.row(self.FREE) is not None else self.limit
        return self.counts[row]

    def add(self, client: str, step: int) -> None:
        key = self.key(client)
        row = self.row(key)
        if row is None:
            if step < 0 or (row := self.row(self.FREE)) is None:
                return
            self.write_key(row, key)
            self.counts[row] = 0
        self.counts[row] += step
        if self.counts[row] <= 0:
            self.counts[row] = 0
            self.write_key(row, self.FREE)

    def write_key(self, row: int, key: bytes) -> None:
        self.memory[row * self.KEY_BYTES : (row + 1) * self.KEY_BYTES] = key
