"""Real servers on free loopback ports: ``homs-kg serve`` and Oxigraph's, started as processes.

Plain helpers, without pytest, so that bench/ starts and stops its servers with the same code.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(
    command: list, log: Path, env: dict[str, str] | None = None, **popen: object
) -> subprocess.Popen:
    """The command started, its output (stdout and stderr) appended to ``log``."""
    with log.open("ab") as out:
        environment = {**os.environ, **env} if env else None
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=environment, **popen
        )


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Terminate the process; kill it if it is still there after ``grace`` seconds."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def status_of(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of a GET of ``url``; None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def wait_until(
    process: subprocess.Popen,
    ready: Callable[[], bool],
    seconds: float = 60,
    pause: float = 0.1,
    log: Path | None = None,
) -> None:
    """Return once ``ready()``; RuntimeError if the process exits first or ``seconds`` pass."""
    name = Path(str(process.args[0])).name
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}){log_tail(log)}")
        if ready():
            return
        time.sleep(pause)
    raise RuntimeError(f"{name} not ready in {seconds} s{log_tail(log)}")


def log_tail(log: Path | None, characters: int = 4000) -> str:
    if log is None or not log.exists():
        return ""
    return f"; {log}:\n{log.read_text(errors='replace')[-characters:]}"


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    """Wait until ``url`` gives any HTTP answer."""
    wait_until(process, lambda: status_of(url) is not None, seconds)


class LiveServer:
    """The real ``homs-kg serve`` in a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path, *options: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.parent / f"server-{self.port}.log"
        command = [
            sys.executable,
            "-m",
            "homs_kg.server.cli",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(data_dir),
            *options,
        ]
        self.process = start(command, self.log, env)
        self.wait_until_ready()

    def wait_until_ready(self, seconds: float = 60) -> None:
        """Until /healthz answers, then until a query is evaluated: the query workers start
        after the server listens (and, on a busy machine, may take longer than a short time
        limit), so a test's first query must not be the one that waits for them."""
        deadline = time.monotonic() + seconds
        evaluated = f"{self.url}/sparql?query=ASK%7B%7D"
        try:
            wait_until(
                self.process, lambda: status_of(f"{self.url}/healthz") == 200, seconds, log=self.log
            )
            wait_until(
                self.process,
                lambda: status_of(evaluated, 10) not in (None, 503),
                max(deadline - time.monotonic(), 1),
                log=self.log,
            )
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        stop(self.process)


class OxigraphServer:
    """A real `oxigraph serve-read-only` over a data file, on a free loopback port."""

    def __init__(self, folder: Path, data: Path) -> None:
        subprocess.run(
            [OXIGRAPH, "load", "--location", folder / "store", "--file", data],
            check=True,
            capture_output=True,
        )
        port = free_port()
        self.process = start(
            [
                OXIGRAPH,
                "serve-read-only",
                "--location",
                folder / "store",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            folder / "oxigraph.log",
        )
        wait_for(f"http://127.0.0.1:{port}/", self.process)
        self.query_url = f"http://127.0.0.1:{port}/query"

    def stop(self) -> None:
        stop(self.process)
