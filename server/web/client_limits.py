"""How many queries one client may have running at once (RFC 6585 section 4: 429 Too Many
Requests, with Retry-After). A client is its address as the server sees it; behind a proxy, run one
limiter at the proxy instead. A query's slot is held until its answer has been sent, so a client
that stops reading holds its own slots, not the server's threads."""

from __future__ import annotations

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
