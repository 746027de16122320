"""The folder where large results wait to be sent, and the bodies that remove them once sent.

Each server process has its own folder (``homs-kg-results-<pid>-…`` in the temporary directory);
a folder left by a process that no longer runs is removed when the next server starts. Each query
writes one file, named by the pool before the query starts, so that the pool can remove it
whatever becomes of the query (answered, stopped at a limit, refused as busy), and the body of an
answer removes it when the server closes the response (after the last byte, on a client that went
away, and for a HEAD request, whose body is never read).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "homs-kg-results-"
CHUNK = 64 * 1024


def new_spool_folder() -> Path:
    """A fresh folder for this process's results, after removing those of dead processes."""
    remove_stale_folders()
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))


def remove_stale_folders(parent: Path | None = None) -> list[Path]:
    """Remove the spool folders whose server process is gone; the ones removed."""
    removed = []
    for folder in (parent or Path(tempfile.gettempdir())).glob(f"{PREFIX}*"):
        owner = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        if folder.is_dir() and not (owner.isdigit() and process_alive(int(owner))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def folder_bytes(folder: Path) -> int:
    """The bytes the folder's files hold now."""
    total = 0
    with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                total += entry.stat(follow_symlinks=False).st_size
    return total


def remove(path: str) -> None:
    if path:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


class SpooledBody:
    """A response body read from a spool file, which ``close()`` removes (WSGI calls it after
    the response, whether or not the body was read)."""

    def __init__(self, path: str, size: int = CHUNK) -> None:
        self.path = path
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        with open(self.path, "rb") as results:
            while chunk := results.read(self.size):
                yield chunk

    def close(self) -> None:
        remove(self.path)
