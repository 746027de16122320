"""Every process the benchmark starts, stopped however it ends (errors, Ctrl-C, SIGTERM)."""

from __future__ import annotations

import atexit
import contextlib
import signal
import subprocess
import threading
import time
from pathlib import Path

import psutil

from bench.usage import MemorySampler
from tests.servers import start, stop


class Processes:
    """The processes started and not yet stopped, by pid."""

    def __init__(self) -> None:
        self.running: dict[int, subprocess.Popen] = {}
        self.lock = threading.Lock()

    def start(self, command: list[str], log: Path) -> subprocess.Popen:
        """The command started in a session of its own, its output in ``log``."""
        return self.track(start(command, log, start_new_session=True))

    def track(self, process: subprocess.Popen) -> subprocess.Popen:
        with self.lock:
            self.running[process.pid] = process
        return process

    def forget(self, process: subprocess.Popen) -> None:
        with self.lock:
            self.running.pop(process.pid, None)

    def stop(self, process: subprocess.Popen, grace: float = 10.0) -> None:
        """Terminate the process, then kill it and any child of it still there (by pid)."""
        try:
            children = psutil.Process(process.pid).children(recursive=True)
        except psutil.Error:
            children = []
        stop(process, grace)
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        self.forget(process)

    def stop_all(self) -> None:
        with self.lock:
            running = list(self.running.values())
        for process in running:
            self.stop(process, grace=5.0)


PROCESSES = Processes()
atexit.register(PROCESSES.stop_all)


def stop_on_sigterm() -> None:
    """SIGTERM ends the run as Ctrl-C does: through the finally clauses that stop the servers."""

    def on_signal(number: int, _frame: object) -> None:
        raise SystemExit(f"stopped by signal {number}")

    signal.signal(signal.SIGTERM, on_signal)


def run_measured(command: list[str], log: Path, limit_mb: float, timeout: float = 3600) -> dict:
    """Run a command to its end; wall time, peak memory (tree RSS), exit status, stdout."""
    out_path = log.with_suffix(".out")
    started = time.perf_counter()
    with out_path.open("wb") as out, log.open("ab") as err:
        process = PROCESSES.track(
            subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
        )
    sampler = MemorySampler(process.pid, limit_mb)
    sampler.start()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        PROCESSES.stop(process)
    finally:
        memory = sampler.stop()
        PROCESSES.forget(process)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "returncode": process.returncode,
        "stdout": out_path.read_text(errors="replace"),
        "memory_exceeded": sampler.exceeded,
        **memory,
    }
