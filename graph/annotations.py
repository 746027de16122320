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
class Description:
    """A nickname or a characterisation: the text's words, a translation and the quote."""

    id: str
    label: Label
    quote: str
    location: Location
    used_by: str | None = None


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
    # Location.at looks fields up by name: a key that is not a string (YAML allows it) is never read
    return Location(path, line, entry, {k: n for k, n in item.lines.items() if isinstance(k, str)})


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
        EventLink(link["event"], link["quote"]) if isinstance(link, dict) else EventLink(link)
        for link in _list(value)
    )


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
        outcome=item.get("outcome"),
        wikidata=_strings(item.get("wikidata")),
        proposed=bool(item.get("proposed", False)),
    )


def read_annotations(data: LocatedMap, path: str) -> Annotations:
    """Read one checked annotation file's mapping into records."""
    return Annotations(
        source=data["source"],
        path=path,
        entities=[read_entity(item, line, path) for item, line in _items(data, "entities")],
        relations=[read_relation(item, line, path) for item, line in _items(data, "relations")],
        events=[read_event(item, line, path) for item, line in _items(data, "events")],
    )
