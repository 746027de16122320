"""A corpus folder may bring its own ontology additions; the schema accepts their terms and SHACL
still checks the instances of the new classes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal

from homs_kg.graph.build import BuildReport, check
from homs_kg.graph.errors import AnnotationErrors
from homs_kg.graph.resources import corpus_dir
from homs_kg.graph.validation import validate_quads
from homs_kg.graph.vocabulary import RDFS

from .conftest import BASE, FIXTURES

ADDITION = FIXTURES / "ontology-addition"
EVENT = f"{BASE}resource/test-demolition-2017"


@pytest.fixture(scope="module")
def with_addition() -> BuildReport:
    return check(BASE, [corpus_dir(), ADDITION])


def test_a_new_event_class_of_the_folder_is_accepted(with_addition: BuildReport) -> None:
    assert with_addition.shacl.conforms, with_addition.shacl.summary()
    assert with_addition.class_counts()["Demolition"] == 1


def test_a_new_unit_of_the_folder_is_what_the_phrase_counts(with_addition: BuildReport) -> None:
    units = [
        q.object.value
        for q in with_addition.dataset.quads
        if q.subject.value == f"{EVENT}#other-count" and q.predicate.value.endswith("unitText")
    ]
    assert units == ["tents"]


def test_shacl_checks_an_instance_of_the_new_class(with_addition: BuildReport) -> None:
    label = Literal("Three damaged buildings are demolished (test)", language="en")
    quads = [
        q
        for q in with_addition.dataset.quads
        if not (q.subject.value == EVENT and q.predicate == RDFS.label and q.object == label)
    ]
    report = validate_quads(quads, with_addition.dataset.iris)
    assert [line for line in report.violations if line.startswith(EVENT)]


def test_without_the_addition_the_new_class_is_unknown(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    shutil.copytree(ADDITION, folder)
    shutil.rmtree(folder / "ontology")
    with pytest.raises(AnnotationErrors) as raised:
        check(BASE, [corpus_dir(), folder])
    [error] = raised.value.lines()
    assert "events[test-demolition-2017].type: 'Demolition' is not an event class" in error


@pytest.fixture(scope="module")
def reviewed(article_corpus: Path) -> BuildReport:
    return check(BASE, [article_corpus, FIXTURES / "reviewed-return"])


def test_a_news_item_uses_the_classes_a_corpus_grows_into(reviewed: BuildReport) -> None:
    assert reviewed.shacl.conforms, reviewed.shacl.summary()
    counts = reviewed.class_counts()
    names = ("Return", "AidDelivery", "PublicStatement", "Visit")
    assert [counts.get(name) for name in names] == [1, 1, 1, 1]


def test_a_statement_names_its_unnamed_speaker(reviewed: BuildReport) -> None:
    statement = f"{BASE}resource/un-official-statement-on-the-convoy-2017"
    speaker = f"{statement}#speaker-unnamed-un-official-2017-06"
    roles = {
        (q.predicate.value.rsplit("/", 1)[1], q.object.value.rsplit("/", 1)[1])
        for q in reviewed.dataset.quads
        if q.subject.value == speaker
    }
    assert {("participant", "unnamed-un-official-2017-06"), ("role", "SpeakerRole")} <= roles


def test_returned_families_are_counted_in_families(reviewed: BuildReport) -> None:
    count = f"{BASE}resource/families-return-to-al-waer-2017#returned"
    values = {
        q.predicate.value.rsplit("/", 1)[1]: q.object.value
        for q in reviewed.dataset.quads
        if q.subject.value == count and q.predicate.value.startswith("http://schema.org/")
    }
    # "نحو 40 عائلة" is about 40: a value, no bounds that would read as exact
    assert values == {"value": "40", "unitText": "families"}
