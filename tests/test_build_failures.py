"""A broken annotation fails the build with its location, and the live store stays as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from homs_kg.graph.build import build, check
from homs_kg.graph.errors import AnnotationError, BuildError

from .conftest import BASE

ANNOTATIONS = "annotations/homs-2017-05-21.yaml"


def edit(corpus: Path, old: str, new: str) -> None:
    path = corpus / ANNOTATIONS
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_quote_not_in_the_text_names_the_entry(corpus_copy: Path) -> None:
    edit(corpus_copy, "قتل فيها 340 شخصا", "قتل فيها 350 شخصا")
    with pytest.raises(AnnotationError) as error:
        check(BASE, [corpus_copy])
    assert "events[khalidiya-massacre-2012].quote" in error.value.location
    assert "quote not found in the text" in str(error.value)


def test_a_wrong_date_fails_with_both_dates(corpus_copy: Path) -> None:
    edit(corpus_copy, "expect: '2012-02-03'", "expect: '2012-02-04'")
    with pytest.raises(AnnotationError) as error:
        check(BASE, [corpus_copy])
    assert "events[khalidiya-massacre-2012].when" in error.value.location
    assert "resolves to '2012-02-03', annotation expects '2012-02-04'" in str(error.value)


def test_a_wrong_count_fails(corpus_copy: Path) -> None:
    edit(corpus_copy, "phrase: '1800 جريح', expect: '1800'", "phrase: '1800 جريح', expect: '180'")
    with pytest.raises(AnnotationError, match=r"parses as '1800', annotation expects '180'"):
        check(BASE, [corpus_copy])


def test_a_wrong_relative_anchor_changes_the_date_and_fails(corpus_copy: Path) -> None:
    edit(
        corpus_copy,
        "anchor: khalidiya-massacre-2012, expect: '2012-02-04'",
        "anchor: killing-of-marie-colvin-and-remi-ochlik-2012, expect: '2012-02-04'",
    )
    with pytest.raises(AnnotationError, match=r"resolves to '2012-02-23'"):
        check(BASE, [corpus_copy])


def test_an_unverified_wikidata_id_fails(corpus_copy: Path) -> None:
    edit(corpus_copy, "wikidata: [Q131301]", "wikidata: [Q80988]")
    with pytest.raises(AnnotationError, match=r"Q80988 is not in the verified reference"):
        check(BASE, [corpus_copy])


def test_an_arabic_label_not_in_the_text_fails(corpus_copy: Path) -> None:
    edit(corpus_copy, "label: {ar: 'رياض الترك'", "label: {ar: 'رياض التركي'")
    with pytest.raises(AnnotationError, match=r"'رياض التركي' does not occur in the text"):
        check(BASE, [corpus_copy])


def test_an_unknown_entity_reference_fails(corpus_copy: Path) -> None:
    edit(corpus_copy, "places: [clock-square]\n    about:", "places: [clock-tower]\n    about:")
    with pytest.raises(AnnotationError, match=r"'clock-tower' is not an annotated entity"):
        check(BASE, [corpus_copy])


def test_an_unknown_event_type_fails(corpus_copy: Path) -> None:
    edit(corpus_copy, "type: SitInDispersal", "type: SitInDisperal")
    with pytest.raises(
        AnnotationError, match=r"'SitInDisperal' is not an event class of the ontology"
    ):
        check(BASE, [corpus_copy])


def test_a_failed_build_leaves_the_live_store(corpus_copy: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = build(data_dir, BASE, [corpus_copy])
    edit(corpus_copy, "قتل فيها 340 شخصا", "قتل فيها 350 شخصا")
    with pytest.raises(BuildError):
        build(data_dir, BASE, [corpus_copy])
    assert os.readlink(data_dir / "current") == first.store.path.name
    assert not list(data_dir.glob(".building-*"))
