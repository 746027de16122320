"""What a process tree uses, and what the rest of the machine does meanwhile: memory and CPU."""

from __future__ import annotations

import contextlib
import threading
import time

import psutil

MB = 1024 * 1024


class MemorySampler(threading.Thread):
    """Samples RSS (and, less often, PSS) of a process and its children; kills the tree above a
    limit (this machine must not use more than ~8 GB)."""

    def __init__(self, pid: int, limit_mb: float, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.limit_mb = limit_mb
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.last_rss = 0
        self.last_pss = 0
        self.exceeded = False
        self.halt = threading.Event()

    def tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    def sample(self, with_pss: bool) -> None:
        try:
            rss, pss = self.measure(with_pss)
        except psutil.Error:
            return
        self.last_rss = rss
        self.peak_rss = max(self.peak_rss, rss)
        if with_pss:
            self.last_pss = pss
            self.peak_pss = max(self.peak_pss, pss)
        if rss > self.limit_mb * MB and not self.exceeded:
            self.exceeded = True
            with contextlib.suppress(psutil.Error):
                for process in reversed(self.tree()):
                    process.kill()

    def measure(self, with_pss: bool) -> tuple[int, int]:
        """RSS and PSS summed over the tree (PSS 0 unless asked: it costs more to read)."""
        rss = pss = 0
        for process in self.tree():
            with contextlib.suppress(psutil.Error):
                if with_pss:
                    info = process.memory_full_info()
                    rss += info.rss
                    pss += info.pss
                else:
                    rss += process.memory_info().rss
        return rss, pss

    def run(self) -> None:
        count = 0
        while not self.halt.is_set():
            self.sample(with_pss=count % 10 == 0)
            count += 1
            self.halt.wait(self.interval)

    def stop(self) -> dict:
        """Stop sampling; the peaks in MB."""
        self.halt.set()
        self.join(2)
        return {
            "peak_rss_mb": round(self.peak_rss / MB, 1),
            "peak_pss_mb": round(self.peak_pss / MB, 1),
        }


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq


def cpu_split(pid: int) -> tuple[float, float]:
    """CPU seconds of a process itself, and of its descendants (reaped and live)."""
    root = psutil.Process(pid)
    times = root.cpu_times()
    descendants = times.children_user + times.children_system
    for child in root.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            found = child.cpu_times()  # with the children it reaped (forkserver: workers)
            descendants += found.user + found.system + found.children_user + found.children_system
    return times.user + times.system, descendants


def tree_cpu_seconds(pid: int | None) -> float:
    """CPU seconds of a process, its reaped children and its live descendants."""
    if pid is None:
        return 0.0
    try:
        return sum(cpu_split(pid))
    except psutil.Error:
        return 0.0


def wait_quiet(threshold: float, longest: float, window: float = 2.0) -> dict:
    """Wait (at most ``longest`` s) until the machine's other processes use less than
    ``threshold`` cores over ``window`` s; this machine is shared, and a benchmark run beside a
    test suite measures the test suite."""
    started = time.monotonic()
    while True:
        before_busy, before_own = busy_cpu_seconds(), time.process_time()
        time.sleep(window)
        others = (busy_cpu_seconds() - before_busy - (time.process_time() - before_own)) / window
        waited = time.monotonic() - started
        if others < threshold or waited >= longest:
            return {
                "others_cores": round(others, 2),
                "waited_s": round(waited, 1),
                "quiet": others < threshold,
            }
