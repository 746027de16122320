"""A bounded load generator for the live-server tests (rebuild under load, load tests).

``BoundedLoad`` runs ``clients`` threads, each with its own session (a ``requests.Session``, or
what ``session`` makes: bench/ gives each client an ``http.client`` connection), calling
``request(session, client, iteration)`` in a loop until ``stop()`` is called, ``seconds`` have
passed or ``max_requests`` calls were made in all, whichever comes first: a load never outlives
its bounds, even when the test that started it fails. Every call is recorded as a ``Sample``
(start, end, status, the value ``request`` returned, or the exception it raised).

    with BoundedLoad(lambda s, c, i: s.get(url, timeout=10), clients=8, seconds=5) as load:
        ...  # do something while the load runs
    print(load.summary())
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import requests


@dataclass(frozen=True)
class Sample:
    client: int
    iteration: int
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None when the call raised
    value: Any = None  # what the request function returned (or the response)
    error: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.started


Request = Callable[[Any, int, int], Any]  # (the client's session, client, iteration)


def percentile(values: Iterable[float], share: float) -> float:
    """The nearest-rank percentile (``share`` from 0 to 1) of the values, 0 without any."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(math.ceil(share * len(ordered)) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


def status_of(value: Any) -> int | None:
    """The HTTP status of what a request function returned: a Response, or (status, ...)."""
    if isinstance(value, requests.Response):
        return value.status_code
    if isinstance(value, tuple) and value and isinstance(value[0], int):
        return value[0]
    return None


class BoundedLoad:
    """``clients`` threads looping ``request`` for at most ``seconds`` and ``max_requests``."""

    def __init__(
        self,
        request: Request,
        clients: int = 8,
        seconds: float = 5.0,
        max_requests: int = 100_000,
        pause: float = 0.0,
        session: Callable[[], AbstractContextManager] = requests.Session,
    ) -> None:
        self.request = request
        self.session = session
        self.clients = clients
        self.seconds = seconds
        self.max_requests = max_requests
        self.pause = pause
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._sampled = threading.Condition(self._lock)  # notified at each new sample
        self._stop = threading.Event()
        self._count = itertools.count()
        self._threads: list[threading.Thread] = []
        self.started = 0.0
        self.ended = 0.0

    def start(self) -> BoundedLoad:
        self.started = time.monotonic()
        self._deadline = self.started + self.seconds
        for client in range(self.clients):
            thread = threading.Thread(target=self._loop, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _loop(self, client: int) -> None:
        with self.session() as session:
            for iteration in itertools.count():
                if self._stop.is_set() or time.monotonic() >= self._deadline:
                    return
                if next(self._count) >= self.max_requests:
                    return
                started = time.monotonic()
                try:
                    value = self.request(session, client, iteration)
                    sample = Sample(
                        client, iteration, started, time.monotonic(), status_of(value), value
                    )
                except Exception as error:  # recorded, never raised in the thread
                    sample = Sample(
                        client,
                        iteration,
                        started,
                        time.monotonic(),
                        None,
                        None,
                        f"{type(error).__name__}: {error}",
                    )
                with self._sampled:
                    self.samples.append(sample)
                    self._sampled.notify_all()
                if self.pause:
                    self._stop.wait(self.pause)

    def stop(self, join_seconds: float = 60.0) -> None:
        """Stop the clients and wait for the calls in flight (bounded by their own timeouts)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(join_seconds)
        self.ended = time.monotonic()

    def wait(self) -> None:
        """Let the load run to its time or request bound, then stop."""
        for thread in self._threads:
            thread.join(max(self._deadline - time.monotonic(), 0) + 60)
        self.stop()

    def wait_until(self, condition: Callable[[list[Sample]], bool], seconds: float) -> bool:
        """Wait until ``condition(samples)`` holds, checked as each sample is recorded; False
        after ``seconds`` (or once the load has ended without it holding)."""
        deadline = time.monotonic() + seconds
        with self._sampled:
            while not condition(self.samples):
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive:
                    return condition(self.samples)
                self._sampled.wait(min(left, 1.0))  # wakes to notice a load that has ended
        return True

    def __enter__(self) -> BoundedLoad:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def latencies(self) -> list[float]:
        return sorted(s.seconds for s in self.samples)

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in seconds (nearest rank), 0 without samples."""
        return percentile(self.latencies(), p / 100)

    def failures(self) -> list[Sample]:
        return [s for s in self.samples if s.status != 200]

    def summary(self) -> str:
        span = (self.ended or time.monotonic()) - self.started
        rate = len(self.samples) / span if span > 0 else 0.0
        return (
            f"{len(self.samples)} requests by {self.clients} clients in {span:.1f} s "
            f"({rate:.0f}/s), {len(self.failures())} failed; latency p50 "
            f"{self.percentile(50) * 1000:.1f} ms, p99 {self.percentile(99) * 1000:.1f} ms, "
            f"max {(self.latencies() or [0.0])[-1] * 1000:.1f} ms"
        )
