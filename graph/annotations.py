"""The annotation format (docs/annotations.md), read into typed records with checked fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import AnnotationError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID = re.compile(r"^Q[1-9][0-9]*$")
ROLES = (
    "actor",
    "perpetrator",
    "victim",
    "mediator",
    "sponsor",
    "evacuator",
    "evacuee",
    "party",
    "supporter",
    "opponent",
)
WHEN_KEYS = {"phrase", "anchor", "expect", "same_as", "after", "before", "during"}


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
    used_by: str | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    types: tuple[str, ...]
    label: Label
    mention: str
    location: str
    alt: tuple[str, ...] = ()
    label_note: str | None = None
    wikidata: tuple[str, ...] = ()
    nicknames: tuple[Description, ...] = ()
    characterisations: tuple[Description, ...] = ()


@dataclass(frozen=True)
class Relation:
    subject: str
    property: str
    object: str
    quote: str
    location: str
    weight: str | None = None


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
    location: str
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


@dataclass
class Annotations:
    source: str
    path: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnnotationError(where, "expected a non-empty string")
    return value


def _slug(value: object, where: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise AnnotationError(where, f"expected a lowercase ASCII slug, got {value!r}")
    return value


def _list(value: object, where: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    if not isinstance(value, list):
        raise AnnotationError(where, "expected a list")
    return value


def _slugs(value: object, where: str) -> tuple[str, ...]:
    return tuple(_slug(item, where) for item in _list(value, where))


def _label(value: object, where: str) -> Label:
    if not isinstance(value, dict) or set(value) != {"ar", "en"}:
        raise AnnotationError(where, "expected {ar: ..., en: ...}")
    return Label(_text(value["ar"], f"{where}.ar"), _text(value["en"], f"{where}.en"))


def _qids(value: object, where: str) -> tuple[str, ...]:
    qids = tuple(str(item) for item in _list(value, where))
    for qid in qids:
        if not QID.match(qid):
            raise AnnotationError(where, f"not a Wikidata item ID: {qid!r}")
    return qids


def _descriptions(value: object, where: str) -> tuple[Description, ...]:
    found = []
    for item in _list(value, where):
        at = f"{where}[{item.get('id') if isinstance(item, dict) else '?'}]"
        if not isinstance(item, dict):
            raise AnnotationError(at, "expected a mapping")
        found.append(
            Description(
                id=_slug(item.get("id"), f"{at}.id"),
                label=_label({"ar": item.get("ar"), "en": item.get("en")}, at),
                quote=_text(item.get("quote"), f"{at}.quote"),
                used_by=_slug(item["used_by"], f"{at}.used_by") if "used_by" in item else None,
            )
        )
    return tuple(found)


def read_entity(item: dict, where: str) -> Entity:
    at = f"{where}[{item.get('id', '?')}]"
    return Entity(
        id=_slug(item.get("id"), f"{at}.id"),
        types=tuple(_text(t, f"{at}.type") for t in _list(item.get("type"), f"{at}.type")),
        label=_label(item.get("label"), f"{at}.label"),
        mention=_text(item.get("mention"), f"{at}.mention"),
        location=at,
        alt=tuple(_text(a, f"{at}.alt") for a in _list(item.get("alt"), f"{at}.alt")),
        label_note=item.get("label_note"),
        wikidata=_qids(item.get("wikidata"), f"{at}.wikidata"),
        nicknames=_descriptions(item.get("nicknames"), f"{at}.nicknames"),
        characterisations=_descriptions(item.get("characterisations"), f"{at}.characterisations"),
    )


def read_relation(item: dict, where: str) -> Relation:
    at = (
        f"{where}[{item.get('subject', '?')} {item.get('property', '?')} {item.get('object', '?')}]"
    )
    return Relation(
        subject=_slug(item.get("subject"), f"{at}.subject"),
        property=_text(item.get("property"), f"{at}.property"),
        object=_slug(item.get("object"), f"{at}.object"),
        quote=_text(item.get("quote"), f"{at}.quote"),
        location=at,
        weight=item.get("weight"),
    )


def _when(value: object, where: str) -> When | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not set(value) <= WHEN_KEYS:
        raise AnnotationError(where, f"expected a mapping with keys among {sorted(WHEN_KEYS)}")
    return When(**{key: str(item) for key, item in value.items()})


def _participants(value: object, where: str) -> tuple[Participant, ...]:
    found = []
    for item in _list(value, where):
        if not isinstance(item, list) or len(item) not in (2, 3):
            raise AnnotationError(
                where, f"expected [agent, role] or [agent, role, quote]: {item!r}"
            )
        if item[1] not in ROLES:
            raise AnnotationError(where, f"unknown role {item[1]!r}; roles are {', '.join(ROLES)}")
        quote = _text(item[2], where) if len(item) == 3 else None
        found.append(Participant(_slug(item[0], where), item[1], quote))
    return tuple(found)


def _counts(value: object, where: str) -> tuple[CountAnnotation, ...]:
    found = []
    for item in _list(value, where):
        if not isinstance(item, dict) or set(item) != {"kind", "group", "phrase", "expect"}:
            raise AnnotationError(where, "a count needs exactly kind, group, phrase and expect")
        found.append(CountAnnotation(**{key: str(item[key]) for key in item}))
    return tuple(found)


def _links(value: object, where: str) -> tuple[EventLink, ...]:
    links = []
    for item in _list(value, where):
        if isinstance(item, dict):
            links.append(
                EventLink(_slug(item.get("event"), where), _text(item.get("quote"), where))
            )
        else:
            links.append(EventLink(_slug(item, where)))
    return tuple(links)


def read_event(item: dict, where: str) -> Event:
    at = f"{where}[{item.get('id', '?')}]"
    return Event(
        id=_slug(item.get("id"), f"{at}.id"),
        types=tuple(_text(t, f"{at}.type") for t in _list(item.get("type"), f"{at}.type")),
        label=_label(item.get("label"), f"{at}.label"),
        quote=_text(item.get("quote"), f"{at}.quote"),
        location=at,
        situation=bool(item.get("situation", False)),
        note=item.get("note"),
        when=_when(item.get("when"), f"{at}.when"),
        end=_when(item.get("end"), f"{at}.end"),
        places=_slugs(item.get("places"), f"{at}.places"),
        origin=_slugs(item.get("origin"), f"{at}.origin"),
        destination=_slugs(item.get("destination"), f"{at}.destination"),
        participants=_participants(item.get("participants"), f"{at}.participants"),
        counts=_counts(item.get("counts"), f"{at}.counts"),
        part_of=_links(item.get("part_of"), f"{at}.part_of"),
        result_of=_links(item.get("result_of"), f"{at}.result_of"),
        outcome=item.get("outcome"),
        wikidata=_qids(item.get("wikidata"), f"{at}.wikidata"),
    )


def read_annotations(data: dict, path: str) -> Annotations:
    """Read one annotation file's mapping; every error names the file and the entry."""

    def section(name: str) -> list:
        items = _list(data.get(name), f"{path}: {name}")
        if not all(isinstance(item, dict) for item in items):
            raise AnnotationError(f"{path}: {name}", "every entry must be a mapping")
        return items

    return Annotations(
        source=str(data.get("source")),
        path=path,
        entities=[read_entity(item, f"{path}: entities") for item in section("entities")],
        relations=[read_relation(item, f"{path}: relations") for item in section("relations")],
        events=[read_event(item, f"{path}: events") for item in section("events")],
    )
