"""The store is built aside and swapped in atomically; the previous build is kept."""

from __future__ import annotations

import os
from pathlib import Path

from pyoxigraph import Quad

from homs_kg.graph.build import BuildReport
from homs_kg.graph.store import current_store, open_store, write_store


def test_the_current_link_points_at_the_build(built: BuildReport, data_dir: Path) -> None:
    assert os.readlink(data_dir / "current") == f"store-{built.store.build_id}"
    assert current_store(data_dir).metadata["quads"] == built.triples


def test_the_store_holds_every_built_quad(built: BuildReport, data_dir: Path) -> None:
    store = open_store(data_dir)
    assert len(list(store.quads_for_pattern(None, None, None, None))) == built.triples


def test_a_rebuild_swaps_and_keeps_the_previous_store(tmp_path: Path, built: BuildReport) -> None:
    quads: list[Quad] = built.dataset.quads[:10]
    first = write_store(tmp_path, quads, {})
    second = write_store(tmp_path, quads[:5], {})
    third = write_store(tmp_path, quads[:3], {})
    assert os.readlink(tmp_path / "current") == third.path.name
    assert second.path.is_dir()
    assert not first.path.exists()
    assert len(list(open_store(tmp_path).quads_for_pattern(None, None, None, None))) == 3


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path: Path, built: BuildReport) -> None:
    (tmp_path / ".building-19700101T000000000000Z").mkdir()
    write_store(tmp_path, built.dataset.quads[:1], {})
    assert not list(tmp_path.glob(".building-*"))
