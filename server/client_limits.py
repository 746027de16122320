"""How many queries one client may have running at once (RFC 6585 section 4: 429 Too Many
Requests, with Retry-After). A client is its address as the server sees it; behind a proxy, run one
limiter at the proxy instead."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import TooManyRequests


class ClientLimiter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running: Counter[str] = Counter()
        self.lock = threading.Lock()

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of the client's slots while its query runs; 429 when none is free."""
        with self.lock:
            if self.running[client] >= self.limit:
                raise TooManyRequests(
                    f"this client already has {self.limit} queries running; retry when one ends",
                    {"Retry-After": "1"},
                )
            self.running[client] += 1
        try:
            yield
        finally:
            with self.lock:
                self.running[client] -= 1
                if self.running[client] <= 0:
                    del self.running[client]
