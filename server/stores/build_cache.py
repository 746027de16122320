"""Values computed once per build: the statistics of the dataset, the Service Description and
VoID, page data, the ontology's terms, search indexes.

A build never changes after its swap, so a value computed from it is kept under the build's id
and simply stops being asked for when the next build goes live. One cache for the whole service,
bounded, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class BuildCache:
    def __init__(self, limit: int = 1024) -> None:
        self.limit = limit
        self.values: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """The value for ``key`` (whose first part is the build id), computed on first use."""
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = compute()  # outside the lock: a slow count does not hold up other requests
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.limit:
                self.values.popitem(last=False)
        return value
