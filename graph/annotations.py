"""The annotation format (docs/annotations.md), read into typed records.

The files are checked against their JSON Schema before they are read (graph/schema.py), so the
reader trusts the shapes of the values; every record keeps its ``Location`` (file, line, entry and
the lines of its keys) for the errors the later checks find.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Location
from .located_yaml import LocatedList, LocatedMap


@dataclass(frozen=True)
class Label:
    ar: str
    en: str


@dataclass(frozen=True)
class Cause:
    """A cause or reason the text states: what it points to (an event, an entity, or a relation
    as "subject property object"), the quote that states it and the connective words in it."""

    target: str
    kind: str  # "event", "entity" or "statement"
    quote: str
    connective: str
    location: Location
    of: str | None = None  # "outcome": the cause explains the event's outcome, not the event


@dataclass(frozen=True)
class Description:
    """A nickname or a characterisation: the text's words, a translation and the quote; who uses
    the wording, whether the text says it was used in the past, and why it is used."""

    id: str
    label: Label
    quote: str
    location: Location
    used_by: str | None = None
    formerly: bool = False
    caused_by: tuple[Cause, ...] = ()


@dataclass(frozen=True)
class Provision:
    """A purpose or an agreement term: the text's words, a translation, the quote, what it is
    about, and (terms) the terms it is given in exchange for."""

    id: str
    label: Label
    quote: str
    location: Location
    about: str | None = None
    in_exchange_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transport:
    means: str
    quote: str


@dataclass(frozen=True)
class Correction:
    """An editor's note that the text is likely wrong on a point: the resource it concerns, the
    text's words it questions, the note and the references it rests on."""

    id: str
    about: str
    quote: str
    note: str
    sources: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Entity:
    id: str
    types: tuple[str, ...]
    label: Label
    mention: str
    location: Location
    alt: tuple[str, ...] = ()
    label_note: str | None = None
    wikidata: tuple[str, ...] = ()
    nicknames: tuple[Description, ...] = ()
    characterisations: tuple[Description, ...] = ()
    proposed: bool = False


@dataclass(frozen=True)
class Relation:
    subject: str
    property: str
    object: str
    quote: str
    location: Location
    weight: str | None = None
    proposed: bool = False


@dataclass(frozen=True)
class Participant:
    agent: str
    role: str
    quote: str | None = None


@dataclass(frozen=True)
class CountAnnotation:
    kind: str
    group: str
    phrase: str
    expect: str
    location: Location
    unit: str | None = None


@dataclass(frozen=True)
class When:
    phrase: str | None = None
    anchor: str | None = None
    expect: str | None = None
    same_as: str | None = None
    after: str | None = None
    before: str | None = None
    during: str | None = None


@dataclass(frozen=True)
class EventLink:
    event: str
    quote: str | None = None
    connective: str | None = None


@dataclass(frozen=True)
class Event:
    id: str
    types: tuple[str, ...]
    label: Label
    quote: str
    location: Location
    situation: bool = False
    note: str | None = None
    when: When | None = None
    end: When | None = None
    places: tuple[str, ...] = ()
    origin: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()
    participants: tuple[Participant, ...] = ()
    counts: tuple[CountAnnotation, ...] = ()
    part_of: tuple[EventLink, ...] = ()
    result_of: tuple[EventLink, ...] = ()
    about: tuple[EventLink, ...] = ()
    caused_by: tuple[Cause, ...] = ()
    purposes: tuple[Provision, ...] = ()
    terms: tuple[Provision, ...] = ()
    transport: Transport | None = None
    characterisations: tuple[Description, ...] = ()
    extent: str | None = None
    outcome: str | None = None
    wikidata: tuple[str, ...] = ()
    proposed: bool = False


@dataclass
class Annotations:
    source: str
    path: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)


def _list(value: object) -> list:
    """A value the format allows as one item or a list of them, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in _list(value))


def _label(value: dict) -> Label:
    return Label(value["ar"], value["en"])


def _items(data: LocatedMap, key: str) -> list[tuple[LocatedMap, int]]:
    items = data.get(key) or LocatedList()
    return list(zip(items, getattr(items, "lines", [data.line] * len(items)), strict=True))


def _location(path: str, entry: str, item: LocatedMap, line: int) -> Location:
    return Location(path, line, entry, dict(item.lines))


CAUSE_TARGETS = ("event", "entity", "statement")


def _causes(item: LocatedMap, at: Location) -> tuple[Cause, ...]:
    found = []
    for cause, line in _items(item, "caused_by"):
        kind = next(key for key in CAUSE_TARGETS if key in cause)
        where = _location(at.file, f"{at.entry}.caused_by[{cause[kind]}]", cause, line)
        found.append(
            Cause(cause[kind], kind, cause["quote"], cause["connective"], where, cause.get("of"))
        )
    return tuple(found)


def _descriptions(item: LocatedMap, key: str, at: Location) -> tuple[Description, ...]:
    found = []
    for description, line in _items(item, key):
        where = _location(at.file, f"{at.entry}.{key}[{description['id']}]", description, line)
        found.append(
            Description(
                id=description["id"],
                label=Label(description["ar"], description["en"]),
                quote=description["quote"],
                location=where,
                used_by=description.get("used_by"),
                formerly=bool(description.get("formerly", False)),
                caused_by=_causes(description, where),
            )
        )
    return tuple(found)


def _provisions(item: LocatedMap, key: str, at: Location) -> tuple[Provision, ...]:
    found = []
    for provision, line in _items(item, key):
        where = _location(at.file, f"{at.entry}.{key}[{provision['id']}]", provision, line)
        found.append(
            Provision(
                id=provision["id"],
                label=Label(provision["ar"], provision["en"]),
                quote=provision["quote"],
                location=where,
                about=provision.get("about"),
                in_exchange_for=_strings(provision.get("in_exchange_for")),
            )
        )
    return tuple(found)


def read_entity(item: LocatedMap, line: int, path: str) -> Entity:
    at = _location(path, f"entities[{item['id']}]", item, line)
    return Entity(
        id=item["id"],
        types=_strings(item["type"]),
        label=_label(item["label"]),
        mention=item["mention"],
        location=at,
        alt=_strings(item.get("alt")),
        label_note=item.get("label_note"),
        wikidata=_strings(item.get("wikidata")),
        nicknames=_descriptions(item, "nicknames", at),
        characterisations=_descriptions(item, "characterisations", at),
        proposed=bool(item.get("proposed", False)),
    )


def read_relation(item: LocatedMap, line: int, path: str) -> Relation:
    triple = f"{item['subject']} {item['property']} {item['object']}"
    return Relation(
        subject=item["subject"],
        property=item["property"],
        object=item["object"],
        quote=item["quote"],
        location=_location(path, f"relations[{triple}]", item, line),
        weight=item.get("weight"),
        proposed=bool(item.get("proposed", False)),
    )


def _when(value: dict | None) -> When | None:
    if value is None:
        return None
    return When(**{key: str(item) for key, item in value.items()})


def _counts(item: LocatedMap, at: Location) -> tuple[CountAnnotation, ...]:
    found = []
    for count, line in _items(item, "counts"):
        found.append(
            CountAnnotation(
                kind=count["kind"],
                group=count["group"],
                phrase=count["phrase"],
                expect=str(count["expect"]),
                location=_location(at.file, f"{at.entry}.counts[{count['kind']}]", count, line),
                unit=count.get("unit"),
            )
        )
    return tuple(found)


def _links(value: object) -> tuple[EventLink, ...]:
    return tuple(
        EventLink(link["event"], link["quote"], link.get("connective"))
        if isinstance(link, dict)
        else EventLink(link)
        for link in _list(value)
    )


def _transport(value: dict | None) -> Transport | None:
    return Transport(value["means"], value["quote"]) if value else None


def read_event(item: LocatedMap, line: int, path: str) -> Event:
    at = _location(path, f"events[{item['id']}]", item, line)
    return Event(
        id=item["id"],
        types=_strings(item["type"]),
        label=_label(item["label"]),
        quote=item["quote"],
        location=at,
        situation=bool(item.get("situation", False)),
        note=item.get("note"),
        when=_when(item.get("when")),
        end=_when(item.get("end")),
        places=_strings(item.get("places")),
        origin=_strings(item.get("origin")),
        destination=_strings(item.get("destination")),
        participants=tuple(Participant(*entry) for entry in item.get("participants") or ()),
        counts=_counts(item, at),
        part_of=_links(item.get("part_of")),
        result_of=_links(item.get("result_of")),
        about=_links(item.get("about")),
        caused_by=_causes(item, at),
        purposes=_provisions(item, "purposes", at),
        terms=_provisions(item, "terms", at),
        transport=_transport(item.get("transport")),
        characterisations=_descriptions(item, "characterisations", at),
        extent=item.get("extent"),
        outcome=item.get("outcome"),
        wikidata=_strings(item.get("wikidata")),
        proposed=bool(item.get("proposed", False)),
    )


def read_correction(item: LocatedMap, line: int, path: str) -> Correction:
    return Correction(
        id=item["id"],
        about=item["about"],
        quote=item["quote"],
        note=item["note"],
        sources=_strings(item["sources"]),
        location=_location(path, f"corrections[{item['id']}]", item, line),
    )


def read_annotations(data: LocatedMap, path: str) -> Annotations:
    """Read one checked annotation file's mapping into records."""
    return Annotations(
        source=data["source"],
        path=path,
        entities=[read_entity(item, line, path) for item, line in _items(data, "entities")],
        relations=[read_relation(item, line, path) for item, line in _items(data, "relations")],
        events=[read_event(item, line, path) for item, line in _items(data, "events")],
        corrections=[read_correction(i, line, path) for i, line in _items(data, "corrections")],
    )
