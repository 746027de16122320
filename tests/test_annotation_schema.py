"""The strict annotation format: misspelled keys, misplaced terms and wrong types are refused,
every one of them in one run, sorted by file and line, with a suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from homs_kg.graph.build import check
from homs_kg.graph.errors import AnnotationError, AnnotationErrors
from homs_kg.graph.located_yaml import read_located
from homs_kg.graph.resources import corpus_dir
from homs_kg.graph.schema import (
    ANNOTATION_SCHEMA,
    SOURCE_SCHEMA,
    annotation_schema,
    packaged_terms,
    source_schema,
)

from .conftest import BASE

ANNOTATIONS = "annotations/homs-2017-05-21.yaml"
METADATA = "sources/homs-2017-05-21.yaml"


def edit(corpus: Path, old: str, new: str, name: str = ANNOTATIONS) -> None:
    path = corpus / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def errors_of(corpus: Path) -> list[str]:
    with pytest.raises(AnnotationErrors) as raised:
        check(BASE, [corpus])
    return [line.split(f"{corpus}/", 1)[-1] for line in raised.value.lines()]


def test_events_misspelled_as_event_is_refused_with_the_key_named(corpus_copy: Path) -> None:
    edit(corpus_copy, "\nevents:\n", "\nevent:\n")
    assert errors_of(corpus_copy) == [
        f"{ANNOTATIONS}:432: event: unknown key 'event'; did you mean 'events'? "
        "(allowed here: candidates, corrections, entities, events, relations, source)"
    ]


def test_a_misspelled_wikidata_key_suggests_the_right_one(corpus_copy: Path) -> None:
    edit(corpus_copy, "    wikidata: [Q131301]", "    wikidta: [Q131301]")
    [error] = errors_of(corpus_copy)
    assert error.startswith(
        f"{ANNOTATIONS}:100: entities[homs].wikidta: unknown key 'wikidta'; "
        "did you mean 'wikidata'?"
    )


def test_two_mistakes_in_one_file_are_reported_together_in_line_order(corpus_copy: Path) -> None:
    edit(corpus_copy, "type: SitInDispersal", "type: SitInDisperal")
    edit(corpus_copy, "    wikidata: [Q131301]", "    wikidta: [Q131301]")
    errors = errors_of(corpus_copy)
    assert [error.split(": ", 2)[:2] for error in errors] == [
        [f"{ANNOTATIONS}:100", "entities[homs].wikidta"],
        [f"{ANNOTATIONS}:492", "events[clock-square-sit-in-dispersal-2011].type"],
    ]
    assert "did you mean 'SitInDispersal'?" in errors[1]


def test_mistakes_in_two_files_are_reported_by_file(corpus_copy: Path) -> None:
    edit(corpus_copy, "published: 2017-05-21", "published: 21 May 2017", METADATA)
    edit(
        corpus_copy,
        "participants: [[government-forces, perpetrator]]\n    characterisations:",
        "participants: [[government-forces, perpetrater]]\n    characterisations:",
    )
    errors = errors_of(corpus_copy)
    assert [error.split(":", 1)[0] for error in errors] == [ANNOTATIONS, METADATA]
    assert "'perpetrater' is not a participant role; did you mean 'perpetrator'?" in errors[0]
    assert "published: expected the publication date, YYYY-MM-DD" in errors[1]


def test_an_entity_typed_with_an_event_class_says_what_the_class_is(corpus_copy: Path) -> None:
    edit(corpus_copy, "    type: Square\n", "    type: Massacre\n")
    [error] = errors_of(corpus_copy)
    assert (
        "entities[clock-square].type: 'Massacre' is not an entity class of the ontology " in error
    )
    assert "('Massacre' is an event class)" in error


def test_an_event_typed_with_an_entity_class_is_refused(corpus_copy: Path) -> None:
    edit(corpus_copy, "type: SitInDispersal", "type: Person")
    [error] = errors_of(corpus_copy)
    assert "'Person' is not an event class of the ontology ('Person' is an entity class)" in error


def test_a_situation_needs_a_situation_class(corpus_copy: Path) -> None:
    edit(
        corpus_copy,
        "situation: true\n    type: BesiegedPopulation",
        "situation: true\n    type: Siege",
    )
    [error] = errors_of(corpus_copy)
    assert "'Siege' is not a situation class of the ontology ('Siege' is an event class)" in error


def test_a_when_without_expect_is_refused(corpus_copy: Path) -> None:
    edit(
        corpus_copy,
        "when: {phrase: 'في 3 فبراير/شباط 2012', expect: '2012-02-03'}",
        "when: {phrase: 'في 3 فبراير/شباط 2012'}",
    )
    [error] = errors_of(corpus_copy)
    assert error.endswith("events[khalidiya-massacre-2012].when: missing key 'expect'")


def test_a_count_key_misspelled_is_refused(corpus_copy: Path) -> None:
    edit(corpus_copy, "{kind: Wounded, group: People,", "{kind: Wounded, grup: People,")
    errors = errors_of(corpus_copy)
    assert any(
        "counts[Wounded].grup: unknown key 'grup'; did you mean 'group'?" in e for e in errors
    )
    assert any("counts[Wounded]: missing key 'group'" in e for e in errors)


def test_a_key_written_twice_is_refused(corpus_copy: Path) -> None:
    edit(
        corpus_copy,
        "    mention: 'ضد نظام الرئيس بشار الاسد'\n",
        "    mention: 'ضد نظام الرئيس بشار الاسد'\n    mention: 'بشار الاسد'\n",
    )
    [error] = errors_of(corpus_copy)
    assert error == (
        f"{ANNOTATIONS}:13: entities[bashar-al-assad].mention: "
        "key written twice: the first value would be lost"
    )


def test_malformed_yaml_is_located_by_its_line(corpus_copy: Path) -> None:
    edit(corpus_copy, "    type: Square\n", "    type: [Square\n")
    [error] = errors_of(corpus_copy)
    assert error.startswith(f"{ANNOTATIONS}:") and ": malformed YAML: " in error


def test_semantic_errors_of_several_entries_come_in_one_run(corpus_copy: Path) -> None:
    edit(corpus_copy, "قتل فيها 340 شخصا", "قتل فيها 350 شخصا")
    edit(corpus_copy, "places: [clock-square]\n    about:", "places: [clock-tower]\n    about:")
    errors = errors_of(corpus_copy)
    assert len(errors) == 2
    assert "'clock-tower' is not an annotated entity" in errors[0]
    assert "events[khalidiya-massacre-2012].quote: quote not found" in errors[1]


def test_an_annotation_error_is_located_by_file_and_line(corpus_copy: Path) -> None:
    edit(corpus_copy, "expect: '2012-02-03'", "expect: '2012-02-04'")
    with pytest.raises(AnnotationError) as raised:
        check(BASE, [corpus_copy])
    assert raised.value.location.endswith(
        f"{ANNOTATIONS}:543: events[khalidiya-massacre-2012].when"
    )


def test_the_shipped_annotation_schema_is_the_ontology_s() -> None:
    shipped = json.loads(ANNOTATION_SCHEMA.read_text(encoding="utf-8"))
    assert shipped == annotation_schema(packaged_terms())


def test_the_shipped_source_schema_is_current() -> None:
    assert json.loads(SOURCE_SCHEMA.read_text(encoding="utf-8")) == source_schema()


@pytest.mark.parametrize(
    ("schema", "folder"), [(ANNOTATION_SCHEMA, "annotations"), (SOURCE_SCHEMA, "sources")]
)
def test_the_packaged_files_conform_to_the_shipped_schemas(schema: Path, folder: str) -> None:
    validator = Draft202012Validator(json.loads(schema.read_text(encoding="utf-8")))
    for path in (corpus_dir() / folder).glob("*.yaml"):
        assert list(validator.iter_errors(read_located(path))) == [], path
