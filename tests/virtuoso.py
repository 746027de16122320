"""A throwaway OpenLink Virtuoso 7 (Debian's ``virtuoso-opensource``) on free loopback ports.

Plain helpers, without pytest, as tests/servers.py. Each server gets its own folder: a
``virtuoso.ini`` written here (its HTTP and ISQL ports, its database files, its limits) and the
database, created empty at the first start. The process runs in a session of its own, so that
``stop`` ends it and anything it started with one signal to the group, and asks the kernel to
kill it when the process that started it dies (``PR_SET_PDEATHSIG``): a test run killed with
``kill -9`` leaves no Virtuoso behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .servers import free_port, start, status_of, wait_until

BINARY = "virtuoso-t"
USER = "dba"  # a new database's administrator, with the password "dba"
PASSWORD = "dba"
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    """The [SPARQL] section's limits: rows in an answer, seconds of a query (0: none)."""

    max_rows: int = 2_000_000
    seconds: int = 0


INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
ServerThreads = 20
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {folder}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
ServerThreads = 20
MaxClientConnections = 20
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {seconds}
MaxQueryCostEstimationTime = 0
"""


def binary() -> str | None:
    """The path of virtuoso-t, or None where it is not installed."""
    return shutil.which(BINARY)


def die_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGKILL when the parent dies."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class VirtuosoServer:
    """``virtuoso-t -f -c virtuoso.ini`` over a new database in ``folder``."""

    def __init__(self, folder: Path, limits: Limits = Limits()) -> None:
        self.folder = folder
        self.http_port, self.isql_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        (folder / "db").mkdir(parents=True)
        (folder / "www").mkdir()
        self.ini = folder / "virtuoso.ini"
        self.ini.write_text(
            INI.format(
                db=folder / "db",
                folder=folder,
                isql_port=self.isql_port,
                http_port=self.http_port,
                max_rows=limits.max_rows,
                seconds=limits.seconds,
            )
        )
        self.log = folder / "virtuoso.out"
        started = time.monotonic()
        self.process = start(
            [binary() or BINARY, "-f", "-c", str(self.ini)],
            self.log,
            cwd=folder,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        try:
            wait_until(self.process, self.answers, seconds=120, log=self.log)
        except RuntimeError:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def gsp_url(self) -> str:
        """The Graph Store Protocol endpoint that writes (digest authentication)."""
        return f"{self.url}/sparql-graph-crud-auth"

    @property
    def credentials(self) -> dict[str, str]:
        """The environment that gives homs-kg the store's credentials."""
        return {"HOMS_KG_STORE_USER": USER, "HOMS_KG_STORE_PASSWORD": PASSWORD}

    def answers(self) -> bool:
        return status_of(f"{self.query_url}?query=ASK%7B%7D") == 200

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the process group (Virtuoso checkpoints and exits), SIGKILL after
        ``grace`` seconds."""
        if self.process.poll() is None:
            with_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            with_group(self.process.pid, signal.SIGKILL)
            self.process.wait()


def with_group(pid: int, sign: signal.Signals) -> None:
    """Send ``sign`` to the process group ``pid`` leads; nothing when it is gone already."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sign)
