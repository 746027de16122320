"""The on-disk Oxigraph store: built into a fresh folder, then swapped in atomically.

``{data_dir}/current`` is a symbolic link to the live ``store-{build_id}`` folder. A build writes a
new folder, flushes it, writes its metadata beside it and only then replaces the link with
``os.replace`` (an atomic rename on POSIX), so a failed or killed build never touches the live
store. The previous store is kept; older ones are removed.
"""

from __future__ import annotations

import datetime
import fcntl
import functools
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad, Store

from .dumps import write_dumps
from .errors import BuildError

CURRENT = "current"


class StoreMissing(BuildError):
    """No store has been built in the data directory yet."""


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    build_id: str
    metadata: dict


BUILD_ID_FORMAT = "%Y%m%dT%H%M%S%fZ"  # a build id is its UTC build time, to the microsecond


def new_build_id() -> str:
    return datetime.datetime.now(datetime.UTC).strftime(BUILD_ID_FORMAT)


@functools.lru_cache(maxsize=64)
def build_time(build_id: str) -> datetime.datetime | None:
    """The time a build id names; None for an id that is not a build time (kept: every answer's
    Last-Modified asks for it)."""
    try:
        return datetime.datetime.strptime(build_id, BUILD_ID_FORMAT).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


def write_store(
    data_dir: Path, quads: list[Quad], metadata: dict, prefixes: dict[str, str] | None = None
) -> StoreInfo:
    """Load ``quads`` into a new store folder, write its dumps, and make it the current one.

    One build at a time per data directory (an exclusive lock on the folder itself): a second
    build waits instead of having its half-written folder pruned by the first."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(data_dir):
        _prune(data_dir)  # leftovers of builds killed earlier
        build_id = new_build_id()
        building = data_dir / f".building-{build_id}"
        store = Store(str(building))
        store.bulk_extend(quads)
        store.flush()
        del store
        write_dumps(quads, data_dir / f".building-{build_id}.dumps", prefixes or {})
        os.rename(data_dir / f".building-{build_id}.dumps", data_dir / f"store-{build_id}.dumps")
        target = data_dir / f"store-{build_id}"
        metadata = {**metadata, "build_id": build_id}
        (data_dir / f"store-{build_id}.json").write_text(json.dumps(metadata, indent=2) + "\n")
        os.rename(building, target)
        link = data_dir / f".current-{build_id}"
        os.symlink(target.name, link)
        os.replace(link, data_dir / CURRENT)
        _fsync_dir(data_dir)
        _prune(data_dir)
    return StoreInfo(target, build_id, metadata)


@contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    descriptor = os.open(data_dir, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock, also when the build is killed


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _prune(data_dir: Path) -> None:
    """Keep the live store and the newest one older than it (the previous build); remove every
    other store, files of stores that are gone, and leftovers of interrupted builds."""
    live = current_path(data_dir)
    stores = sorted(p for p in data_dir.glob("store-*") if p.is_dir() and not p.suffix)
    older = [p for p in stores if live is not None and p.name < live.name]
    keep = {live, older[-1] if older else None}
    for old in stores:
        if old not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for extra in [*data_dir.glob("store-*.dumps"), *data_dir.glob("store-*.json")]:
        if (data_dir / extra.name.rsplit(".", 1)[0]).is_dir():
            continue
        if extra.is_dir():
            shutil.rmtree(extra, ignore_errors=True)
        else:
            extra.unlink(missing_ok=True)
    for leftover in data_dir.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)  # a store or dumps folder of a killed build
    for leftover in data_dir.glob(".current-*"):
        leftover.unlink(missing_ok=True)


def dumps_path(store_path: Path) -> Path:
    """The folder of a build's compressed dumps, beside its store."""
    return store_path.with_name(store_path.name + ".dumps")


def current_path(data_dir: Path) -> Path | None:
    try:
        return data_dir / os.readlink(data_dir / CURRENT)  # one system call: asked per request
    except OSError:  # no link (nothing built yet), or not a link
        return None


def current_store(data_dir: Path) -> StoreInfo:
    """The live store's folder and metadata, or StoreMissing."""
    path = current_path(data_dir)
    if path is None:
        raise StoreMissing(f"no store in {data_dir}: run 'homs-kg build' first")
    return store_info(path)


@functools.lru_cache(maxsize=16)
def store_info(path: Path) -> StoreInfo:
    """A build's folder and metadata: read once, since a build is never changed after its swap."""
    if not path.is_dir():
        raise StoreMissing(f"no store in {path.parent}: run 'homs-kg build' first")
    metadata_path = path.with_name(path.name + ".json")
    metadata = json.loads(metadata_path.read_text()) if metadata_path.exists() else {}
    return StoreInfo(path, metadata.get("build_id", path.name.removeprefix("store-")), metadata)


def open_store(data_dir: Path) -> Store:
    """Open the live store read-only (it is never written after its build)."""
    return Store.read_only(str(current_store(data_dir).path))
