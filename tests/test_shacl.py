"""The SHACL shapes catch a dataset that lacks what every resource must carry."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from homs_kg.graph.build import BuildReport
from homs_kg.graph.validation import validate_quads
from homs_kg.graph.vocabulary import RDFS

from .conftest import BASE


def without(quads: list, subject: str, predicate: NamedNode, obj: Literal | None = None) -> list:
    return [
        q
        for q in quads
        if not (
            q.subject.value == subject
            and q.predicate == predicate
            and (obj is None or q.object == obj)
        )
    ]


def test_an_event_without_its_english_label_is_a_violation(built: BuildReport) -> None:
    event = f"{BASE}resource/khalidiya-massacre-2012"
    label = Literal("Khalidiya massacre", language="en")
    report = validate_quads(
        without(built.dataset.quads, event, RDFS.label, label), built.dataset.iris
    )
    assert not report.conforms
    assert any(line.startswith(event) for line in report.violations)


def test_an_event_without_evidence_is_a_violation(built: BuildReport) -> None:
    event = f"{BASE}resource/tank-deployment-2011"
    report = validate_quads(
        without(built.dataset.quads, event, built.dataset.iris.hkg.evidence), built.dataset.iris
    )
    assert [line for line in report.violations if line.startswith(event)]


def test_a_count_without_a_value_is_a_violation(built: BuildReport) -> None:
    count = f"{BASE}resource/khalidiya-massacre-2012#killed"
    quads = [
        q
        for q in built.dataset.quads
        if q.subject.value != count or not q.predicate.value.startswith("http://schema.org/")
    ]
    report = validate_quads(quads, built.dataset.iris)
    assert [line for line in report.violations if line.startswith(count)]
