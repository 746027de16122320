"""The ontology's terms sorted by where an annotation may use them.

An entity's ``type`` must be an entity class (a subclass of Person, Organisation, Place or
PopulationGroup), an event's an event class, a situation's a situation class; a participant's role
is a concept of hkg:ParticipantRole written in lower case without "Role"; a count's kind, group and
unit are concepts of their schemes (a unit by its skos:notation). Everything is read from the
ontology graph, so a corpus folder's own additions count as the packaged terms do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad

from .arabic import normalise_arabic
from .vocabulary import OWL, RDF, RDFS, SKOS, MintedIris

ENTITY_ROOTS = ("Person", "Organisation", "Place", "PopulationGroup")

# Object properties the builder writes from an annotation's own keys (places, participants,
# counts, ...): a relation may not name them.
BUILDER_PROPERTIES = frozenset(
    """evidence place actor participation participant role count countKind countedGroup partOf
    resultOf origin destination outcome timeQualifier timeMode timeAnchor nickname usedBy
    characterisedAs demographicWeight namedGraph causedBy ledTo about purpose term inExchangeFor
    transportMeans extent correction""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class OntologyTerms:
    """The names an annotation may use, by place (all sorted)."""

    entity_classes: tuple[str, ...]
    place_classes: tuple[str, ...]
    event_classes: tuple[str, ...]
    situation_classes: tuple[str, ...]
    roles: tuple[str, ...]
    count_kinds: tuple[str, ...]
    counted_groups: tuple[str, ...]
    units: tuple[str, ...]
    weights: tuple[str, ...]
    outcomes: tuple[str, ...]
    extents: tuple[str, ...]
    transport_means: tuple[str, ...]
    relation_properties: tuple[str, ...]
    unit_words: dict[str, str]  # Arabic word (matching form) -> unit notation

    def kind_of(self, name: str) -> str | None:
        """What a term is ("an event class", "a role", ...), to say why it is in the wrong place."""
        for kind, names in (
            ("an entity class", self.entity_classes),
            ("an event class", self.event_classes),
            ("a situation class", self.situation_classes),
            ("a role", self.roles),
            ("a count kind", self.count_kinds),
            ("a counted group", self.counted_groups),
            ("a count unit", self.units),
            ("a demographic weight", self.weights),
            ("an outcome", self.outcomes),
            ("an extent", self.extents),
            ("a means of transport", self.transport_means),
            ("a relation property", self.relation_properties),
        ):
            if name in names:
                return kind
        return None


class _Ontology:
    """The hkg: part of the ontology graph, indexed for the questions below."""

    def __init__(self, quads: list[Quad], iris: MintedIris) -> None:
        self.namespace = iris.hkg.iri
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.instances: dict[str, set[str]] = defaultdict(set)
        self.literals: dict[tuple[str, str], list[Literal]] = defaultdict(list)
        for quad in quads:
            subject, obj = self.local(quad.subject), quad.object
            if subject is None:
                continue
            if quad.predicate == RDFS.subClassOf and (parent := self.local(obj)):
                self.parents[subject].add(parent)
            elif quad.predicate == RDF.type:
                self.instances[self.local(obj) or obj.value].add(subject)
            elif isinstance(obj, Literal):
                self.literals[(subject, quad.predicate.value)].append(obj)

    def local(self, term: object) -> str | None:
        if isinstance(term, NamedNode) and term.value.startswith(self.namespace):
            return term.value[len(self.namespace) :]
        return None

    def subclasses(self, *roots: str) -> tuple[str, ...]:
        """The classes below any of ``roots`` (the roots included)."""
        found = set(roots)
        changed = True
        while changed:
            more = {c for c, parents in self.parents.items() if parents & found} - found
            found |= more
            changed = bool(more)
        return tuple(sorted(found & self.instances[OWL.Class.value]))

    def members(self, concept_class: str) -> tuple[str, ...]:
        return tuple(sorted(self.instances[concept_class]))


def ontology_terms(quads: list[Quad], iris: MintedIris) -> OntologyTerms:
    """The terms of the ontology graph (packaged terms and a corpus's additions)."""
    onto = _Ontology(quads, iris)
    roles = tuple(sorted(r[0].lower() + r[1:-4] for r in onto.members("ParticipantRole")))
    units: dict[str, str] = {}
    words: dict[str, str] = {}
    for unit in onto.members("CountUnit"):
        notation = onto.literals[(unit, SKOS.notation.value)]
        if not notation:
            continue
        units[unit] = notation[0].value
        for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in onto.literals[(unit, predicate.value)]:
                if label.language == "ar":
                    words[normalise_arabic(label.value)] = notation[0].value
    properties = onto.instances[OWL.ObjectProperty.value] - BUILDER_PROPERTIES
    return OntologyTerms(
        entity_classes=onto.subclasses(*ENTITY_ROOTS),
        place_classes=onto.subclasses("Place"),
        event_classes=onto.subclasses("Event"),
        situation_classes=onto.subclasses("Situation"),
        roles=roles,
        count_kinds=onto.members("CountKind"),
        counted_groups=onto.members("CountedGroup"),
        units=tuple(sorted(units.values())),
        weights=onto.members("DemographicWeight"),
        outcomes=onto.members("Outcome"),
        extents=onto.members("Extent"),
        transport_means=onto.members("TransportMeans"),
        relation_properties=tuple(sorted(properties)),
        unit_words=words,
    )
