"""Synthetic sources shaped like the real graph, written as gzipped N-Quads, for the benchmark.

    python bench/generate.py --triples 1M -o /tmp/homs-kg-bench/data/synthetic-1M.nq.gz [--check 20]

The output holds the real dataset (the packaged article, its ontology and Wikidata-links graphs,
exactly as ``homs-kg build`` makes them) followed by synthetic sources until the target number of
quads is reached (the last source is written whole, so the count overshoots by less than one
source, about 4,000 quads). Each synthetic source is written the way graph/dataset.py and
graph/events.py write a source, with the same IRIs and predicates (docs/data-model.md):

- its own named graph ``graph/syn-NNNNNN`` and source document ``source/syn-NNNNNN`` (title,
  language, dates, publisher note, the full Arabic text, ``hkg:namedGraph``);
- entities (persons with characterisations, places with ``hkg:locatedIn`` and the odd nickname,
  organisations, population groups) with ``@ar``/``@en`` labels and ``skos:altLabel``s; about half
  are new to the source, the rest are *shared*: entities of the real article (``res:homs`` in 35%
  of the sources, ``res:syria`` 20%, ``res:government-forces`` and ``res:syrian-opposition`` 15%,
  ``res:al-waer`` 10%, every other one 3%) and 10 to 20 drawn uniformly from a pool of recurring
  synthetic ones that grows by 6 with every source. A shared entity is written again as
  graph/dataset.py writes an entity that a second source declares: its types, its English label
  and its own evidence in this source's graph (so, as with the real builder, Oxigraph's union
  default graph holds one copy of those triples per source that declares the entity);
- relations (``cameFrom``, ``belongsTo``, ``nationality``, ``hasPopulationGroup`` with a
  demographic weight...), asserted and reified as ``rdf:Statement`` with evidence;
- events and situations of the ontology's classes, with the real article's mix of types: labels,
  ``hkg:date`` as ``xsd:date``/``xsd:gYearMonth``/``xsd:gYear`` with its Arabic phrase,
  qualifier, mode, earliest/latest bounds, ``hkg:approximateTime``, relative times with their
  anchors; places, origins and destinations; participations with roles (and the ``hkg:actor``
  shortcut); counts (kind, group, min/max/value, unit, approximate, phrase); ``partOf`` and
  ``resultOf`` links (reified); outcomes;
- an evidence record (``hkg:Evidence``, ``oa:Annotation``) for every entity mention, relation,
  event, count and nickname, with an ``oa:TextQuoteSelector`` (exact, prefix, suffix) and an
  ``oa:TextPositionSelector`` (code-point offsets) that are true of the generated text.

Deterministic: the same ``--seed`` gives the same bytes, and source k is the same whatever the
target (each source has its own random generator). Fast: lines are formatted directly (no rdflib,
no pyoxigraph terms), about 10 million quads in a few minutes.
"""

from __future__ import annotations

import datetime
import gzip
import random
import re
import sys
import time
from calendar import monthrange
from dataclasses import dataclass, field
from pathlib import Path

import click

from homs_kg.graph import vocabulary

DEFAULT_BASE = vocabulary.DEFAULT_BASE_IRI
# the project's namespaces as plain strings: lines are formatted directly, for speed
RDF, RDFS, XSD, SKOS, DCTERMS, SCHEMA, SEM, OA, PROV = (
    namespace.iri
    for namespace in (
        vocabulary.RDF,
        vocabulary.RDFS,
        vocabulary.XSD,
        vocabulary.SKOS,
        vocabulary.DCTERMS,
        vocabulary.SCHEMA,
        vocabulary.SEM,
        vocabulary.OA,
        vocabulary.PROV,
    )
)

# The real article's mix of event and situation types (instances per type in its graph).
EVENT_TYPES = {
    "Evacuation": 5,
    "TerritorialControl": 4,
    "Capture": 4,
    "MilitaryCampaign": 3,
    "Agreement": 3,
    "Deployment": 3,
    "Bombardment": 2,
    "Siege": 2,
    "Negotiation": 2,
    "Withdrawal": 1,
    "SitInDispersal": 1,
    "Massacre": 1,
    "Attack": 1,
    "BesiegedPopulation": 1,
    "Announcement": 1,
    "Killing": 1,
    "Ceasefire": 1,
    "LossOfControl": 1,
    "GroupEmergence": 1,
    "StatusSettlement": 1,
    "Conflict": 1,
    "Protest": 1,
}
EVENT_WORDS = {
    "Evacuation": ("اجلاء", "evacuation"),
    "TerritorialControl": ("سيطرة", "control"),
    "Capture": ("استعادة", "capture"),
    "MilitaryCampaign": ("حملة عسكرية على", "military campaign"),
    "Agreement": ("اتفاق", "agreement"),
    "Deployment": ("انتشار", "deployment"),
    "Bombardment": ("قصف", "bombardment"),
    "Siege": ("حصار", "siege"),
    "Negotiation": ("مفاوضات", "negotiations"),
    "Withdrawal": ("انسحاب", "withdrawal"),
    "SitInDispersal": ("فض اعتصام", "sit-in dispersal"),
    "Massacre": ("مجزرة", "massacre"),
    "Attack": ("هجوم", "attack"),
    "BesiegedPopulation": ("محاصرون في", "besieged population"),
    "Announcement": ("اعلان", "announcement"),
    "Killing": ("مقتل", "killing"),
    "Ceasefire": ("هدنة", "ceasefire"),
    "LossOfControl": ("خروج عن السيطرة", "loss of control"),
    "GroupEmergence": ("ظهور", "emergence"),
    "StatusSettlement": ("تسوية اوضاع", "settlement"),
    "Conflict": ("نزاع", "conflict"),
    "Protest": ("مظاهرة", "protest"),
}
ROLES = {
    "Actor": 15,
    "Party": 10,
    "Perpetrator": 4,
    "Evacuee": 4,
    "Sponsor": 2,
    "Supporter": 2,
    "Victim": 2,
    "Evacuator": 1,
    "Mediator": 1,
    "Opponent": 1,
}
COUNT_KINDS = [  # (kind, group, Arabic unit, unit text), in the real article's proportions
    ("Killed", "People", "شخصا", "persons"),
    ("Killed", "People", "قتيلا", "persons"),
    ("Killed", "People", "شخصا", "persons"),
    ("Wounded", "People", "جريحا", "persons"),
    ("Evacuated", "Fighters", "مقاتل", "persons"),
    ("Evacuated", "Civilians", "مدني", "persons"),
    ("Besieged", "Civilians", "مدني", "persons"),
    ("SettledStatus", "Fighters", "مسلح", "persons"),
    ("ShareOfCity", "CityArea", "بالمئة من المدينة", "percent"),
]
RELATIVE = [  # (relativeTime, phrase, days after the anchor)
    ("same-time", "في الوقت نفسه", 0),
    ("after", "بعد ذلك", None),
    ("next-day", "في اليوم التالي", 1),
    ("month-later", "بعد شهر", 30),
    ("next-month", "في الشهر التالي", 31),
    ("anchor-year", "في العام ذاته", 0),
    ("during", "خلال ذلك", 0),
]
MONTHS = [
    ("يناير/كانون الثاني", "January"),
    ("فبراير/شباط", "February"),
    ("مارس/آذار", "March"),
    ("ابريل/نيسان", "April"),
    ("مايو/آيار", "May"),
    ("يونيو/حزيران", "June"),
    ("يوليو/تموز", "July"),
    ("اغسطس/آب", "August"),
    ("سبتمبر/ايلول", "September"),
    ("اكتوبر/تشرين الاول", "October"),
    ("نوفمبر/تشرين الثاني", "November"),
    ("ديسمبر/كانون الاول", "December"),
]
QUALIFIERS = {
    "EarlyPeriod": ("اوائل", 1, 4),
    "MidPeriod": ("منتصف", 5, 8),
    "LatePeriod": ("اواخر", 9, 12),
}
FIRST_NAMES = [
    ("محمد", "Muhammad"),
    ("احمد", "Ahmad"),
    ("خالد", "Khalid"),
    ("عمر", "Omar"),
    ("علي", "Ali"),
    ("حسن", "Hassan"),
    ("يوسف", "Yusuf"),
    ("سمير", "Samir"),
    ("فادي", "Fadi"),
    ("رامي", "Rami"),
    ("مازن", "Mazen"),
    ("وليد", "Walid"),
    ("باسل", "Basil"),
    ("نبيل", "Nabil"),
    ("هيثم", "Haitham"),
    ("ريم", "Reem"),
    ("سلمى", "Salma"),
    ("ليلى", "Layla"),
    ("هدى", "Huda"),
    ("منى", "Mona"),
    ("طارق", "Tariq"),
    ("زياد", "Ziad"),
    ("كريم", "Karim"),
    ("جمال", "Jamal"),
]
FAMILY_NAMES = [
    ("الحمصي", "al-Homsi"),
    ("الاتاسي", "al-Atassi"),
    ("السباعي", "al-Sibai"),
    ("الدروبي", "al-Droubi"),
    ("الجندي", "al-Jundi"),
    ("الخطيب", "al-Khatib"),
    ("العلي", "al-Ali"),
    ("الشامي", "al-Shami"),
    ("النجار", "al-Najjar"),
    ("الحداد", "al-Haddad"),
    ("الزعبي", "al-Zoubi"),
    ("المصري", "al-Masri"),
    ("السيد", "al-Sayyed"),
    ("القاسم", "al-Qasim"),
    ("الرفاعي", "al-Rifai"),
    ("البكري", "al-Bakri"),
]
CHARACTERISATIONS = [
    ("قائد عسكري", "military commander"),
    ("ناشط", "activist"),
    ("محافظ", "governor"),
    ("صحفي", "journalist"),
    ("معارض", "opposition figure"),
    ("طبيب", "doctor"),
    ("شيخ", "sheikh"),
    ("معتقل سياسي", "political prisoner"),
    ("رئيس المجلس المحلي", "head of the local council"),
    ("قيادي", "leader"),
]
PLACE_NAMES = [
    ("الزهراء", "al-Zahraa"),
    ("النزهة", "al-Nuzha"),
    ("الغوطة", "al-Ghouta"),
    ("القصور", "al-Qusour"),
    ("الحميدية", "al-Hamidiya"),
    ("الانشاءات", "al-Inshaat"),
    ("كرم الزيتون", "Karm al-Zeitoun"),
    ("جورة الشياح", "Jourat al-Shayah"),
    ("البياضة", "al-Bayada"),
    ("دير بعلبة", "Deir Baalba"),
    ("الرستن", "al-Rastan"),
    ("تلبيسة", "Talbiseh"),
    ("القصير", "al-Qusayr"),
    ("المخرم", "al-Mukharram"),
    ("الحولة", "al-Houla"),
    ("تلكلخ", "Tal Kalakh"),
    ("القريتين", "al-Qaryatayn"),
    ("السخنة", "al-Sukhnah"),
    ("الفرقلس", "al-Furqlus"),
    ("كفرلاها", "Kafr Laha"),
]
PLACE_SUFFIXES = [
    ("", ""),
    ("الشرقي", "East"),
    ("الغربي", "West"),
    ("الشمالي", "North"),
    ("الجنوبي", "South"),
    ("الجديد", "New"),
    ("القديم", "Old"),
]
PLACE_TYPES = {
    "Neighbourhood": ("حي", 5),
    "City": ("مدينة", 4),
    "Facility": ("مستشفى", 2),
    "Region": ("منطقة", 2),
    "Square": ("ساحة", 1),
    "Landmark": ("جامع", 1),
}
ORG_TYPES = {
    "ArmedGroup": ("كتائب", "Brigades", 4),
    "GovernmentForce": ("قوات", "Forces", 3),
    "PoliticalOrganisation": ("تيار", "Movement", 2),
    "ReliefOrganisation": ("جمعية", "Relief Society", 1),
    "InternationalOrganisation": ("بعثة", "Mission", 1),
}
GROUP_TYPES = {
    "ReligiousGroup": [
        ("الطائفة الاسماعيلية", "Ismailis"),
        ("الدروز", "Druze"),
        ("السريان", "Syriacs"),
        ("الشيعة", "Shia"),
    ],
    "SocialGroup": [
        ("البدو", "Bedouin"),
        ("النازحون", "displaced people"),
        ("التجار", "merchants"),
        ("الطلاب", "students"),
    ],
}
WEIGHTS = ["Majority", "Minority", "NotableShare", "LargeNumber"]
PERSON_RELATIONS = ["cameFrom", "descendsFrom", "belongsTo", "basedIn", "governorOf"]
FILLER = [
    "وقالت مصادر محلية ان",
    "وذكر ناشطون ان",
    "واكدت الحكومة ان",
    "وبحسب شهود عيان فان",
    "وافادت تقارير بان",
    "واشار مراسلون الى ان",
]
SLUG = re.compile(r"[^a-z0-9]+")


def parse_size(text: str) -> int:
    """``1M``, ``10m``, ``250k``, ``1500000`` -> a number of quads."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 250k, 1M, 10M)")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * scale)


def slugify(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")


def escape(text: str) -> str:
    """An N-Quads string literal's content (ECHAR escapes)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


@dataclass(frozen=True)
class Entity:
    slug: str
    types: tuple[str, ...]
    ar: str
    en: str
    kind: str  # person | place | org | group | country


@dataclass
class Span:
    """A quote: ``length`` code points at ``offset`` of clause ``clause``."""

    clause: int
    offset: int
    length: int


@dataclass
class PendingEvidence:
    slug: str
    span: Span
    body: str  # the N-Quads form of the annotated node


@dataclass
class Source:
    """One synthetic source while it is being written: its lines and its text's clauses."""

    index: int
    ident: str
    graph: str
    lines: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    paragraph_of: list[int] = field(default_factory=list)
    evidence: list[PendingEvidence] = field(default_factory=list)


class Generator:
    def __init__(
        self, base: str, seed: int, real_entities: list[Entity], redeclare: bool = True
    ) -> None:
        self.base = base
        self.redeclare = redeclare
        self.seed = seed
        self.real = real_entities
        self.real_by_slug = {e.slug: e for e in real_entities}
        self.pool_cache: dict[int, Entity] = {}
        self.declared: set[str] = {e.slug for e in real_entities}
        self.hkg = f"{base}ontology/"
        self.countries = [e for e in real_entities if e.kind == "country"]

    # -- terms -------------------------------------------------------------------------------
    def res(self, slug: str, part: str | None = None) -> str:
        return f"<{self.base}resource/{slug}{'#' + part if part else ''}>"

    def h(self, local: str) -> str:
        return f"<{self.hkg}{local}>"

    @staticmethod
    def ar(text: str) -> str:
        return f'"{escape(text)}"@ar'

    @staticmethod
    def en(text: str) -> str:
        return f'"{escape(text)}"@en'

    @staticmethod
    def typed(lexical: str, datatype: str) -> str:
        return f'"{escape(lexical)}"^^<{XSD}{datatype}>'

    # -- the recurring synthetic world ------------------------------------------------------
    def pool_entity(self, index: int) -> Entity:
        """Recurring entity ``index`` of the synthetic world (the same for every source)."""
        found = self.pool_cache.get(index)
        if found is None:
            rng = random.Random(f"{self.seed}-pool-{index}")
            found = self.new_entity(
                rng, f"w{index}", rng.choice(["person", "place", "place", "org", "group"])
            )
            self.pool_cache[index] = found
        return found

    def new_entity(self, rng: random.Random, tag: str, kind: str) -> Entity:
        if kind == "person":
            (fa, fe), (la, le) = rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)
            ar, en, types = f"{fa} {la}", f"{fe} {le}", ("Person",)
        elif kind == "place":
            place_type = weighted(rng, {k: v[1] for k, v in PLACE_TYPES.items()})
            (na, ne), (sa, se) = rng.choice(PLACE_NAMES), rng.choice(PLACE_SUFFIXES)
            word = PLACE_TYPES[place_type][0]
            ar = f"{word} {na} {sa}".strip()
            en = (
                f"{ne} {se}".strip()
                if place_type in ("Neighbourhood", "City", "Region")
                else (f"{ne} {place_type.lower()}")
            )
            types = (place_type,)
        elif kind == "org":
            org_type = weighted(rng, {k: v[2] for k, v in ORG_TYPES.items()})
            word_ar, word_en, _ = ORG_TYPES[org_type]
            (na, ne) = rng.choice(PLACE_NAMES + FAMILY_NAMES)
            ar, en, types = f"{word_ar} {na}", f"{ne} {word_en}", (org_type,)
        else:
            group_type = rng.choice(list(GROUP_TYPES))
            ar, en = rng.choice(GROUP_TYPES[group_type])
            (na, ne) = rng.choice(PLACE_NAMES)
            ar, en, types = f"{ar} في {na}", f"{en} of {ne}", (group_type,)
        return Entity(f"{slugify(en)}-{tag}", types, ar, en, kind)

    # -- one source --------------------------------------------------------------------------
    def source(self, index: int) -> list[str]:
        rng = random.Random(f"{self.seed}-source-{index}")
        ident = f"syn-{index:06d}"
        src = Source(index, ident, f"<{self.base}graph/{ident}>")
        year = rng.randint(2012, 2024)
        published = (year, rng.randint(1, 12), rng.randint(1, 28))
        entities = self.cast(rng, index)
        paragraph = 0
        for entity in entities:
            paragraph = self.write_entity(rng, src, entity, paragraph)
        paragraph += 1
        self.write_relations(rng, src, entities, paragraph)
        paragraph += 1
        self.write_events(rng, src, entities, published, paragraph)
        text, starts, sentences = self.assemble(src)
        self.write_source_document(src, published, text)
        self.write_evidence(src, text, starts, sentences)
        return src.lines

    def cast(self, rng: random.Random, index: int) -> list[Entity]:
        """The source's entities: new ones, recurring ones of the pool, and real ones."""
        chosen: dict[str, Entity] = {}
        for kind, count in (("person", 8), ("place", 10), ("org", 5), ("group", 2)):
            for n in range(rng.randint(count // 2, count + count // 2)):
                entity = self.new_entity(rng, f"s{index}-{kind[0]}{n}", kind)
                chosen[entity.slug] = entity
        pool_size = 100 + 6 * index
        for _ in range(rng.randint(10, 20)):
            entity = self.pool_entity(rng.randrange(pool_size))
            chosen[entity.slug] = entity
        for slug, chance in (
            ("homs", 0.35),
            ("al-waer", 0.1),
            ("syria", 0.2),
            ("government-forces", 0.15),
            ("syrian-opposition", 0.15),
        ):
            if slug in self.real_by_slug and rng.random() < chance:
                chosen[slug] = self.real_by_slug[slug]
        for entity in self.real:
            if rng.random() < 0.03:
                chosen[entity.slug] = entity
        return list(chosen.values())

    def clause(self, src: Source, text: str, paragraph: int) -> int:
        src.clauses.append(text)
        src.paragraph_of.append(paragraph)
        return len(src.clauses) - 1

    def record(self, src: Source, slug: str, span: Span, body: str) -> str:
        src.evidence.append(PendingEvidence(slug, span, body))
        return f"<{self.base}evidence/{src.ident}/{slug}>"

    def add(self, src: Source, s: str, p: str, o: str) -> None:
        src.lines.append(f"{s} {p} {o} {src.graph} .\n")

    def write_entity(self, rng: random.Random, src: Source, entity: Entity, paragraph: int) -> int:
        node, add = self.res(entity.slug), self.add
        if entity.slug in self.declared:  # declared by an earlier source
            if self.redeclare:  # as graph/dataset.py does: types and English label again
                for type_name in entity.types:
                    add(src, node, f"<{RDF}type>", self.h(type_name))
                add(src, node, f"<{RDFS}label>", self.en(entity.en))
        else:
            for type_name in entity.types:
                add(src, node, f"<{RDF}type>", self.h(type_name))
            self.declared.add(entity.slug)
            add(src, node, f"<{RDFS}label>", self.ar(entity.ar))
            add(src, node, f"<{RDFS}label>", self.en(entity.en))
        if rng.random() < 0.3:
            add(
                src,
                node,
                f"<{SKOS}altLabel>",
                self.ar(f"{entity.ar} {rng.choice(['نفسه', 'المعروف'])}"),
            )
        if rng.random() < 0.3:
            paragraph += 1
        mention = (
            f"{rng.choice(FILLER)} {entity.ar} {rng.choice(['كان حاضرا', 'ورد ذكره', 'برز اسمه'])}"
        )
        index = self.clause(src, mention, paragraph)
        self.record(src, entity.slug, Span(index, 0, len(mention)), node)
        if entity.kind == "person" and rng.random() < 0.6:
            for _ in range(rng.randint(1, 2)):
                ar, en = rng.choice(CHARACTERISATIONS)
                part = f"{slugify(en)}-{len(src.clauses)}"
                self.description(
                    src,
                    node,
                    entity,
                    "characterisedAs",
                    "Characterisation",
                    part,
                    ar,
                    en,
                    paragraph,
                )
        if entity.kind == "place" and rng.random() < 0.04:
            part = f"nickname-{len(src.clauses)}"
            self.description(
                src,
                node,
                entity,
                "nickname",
                "Nickname",
                part,
                f"قلعة {entity.ar.split(' ')[-1]}",
                f"fortress of {entity.en}",
                paragraph,
            )
        return paragraph

    def description(
        self,
        src: Source,
        node: str,
        entity: Entity,
        predicate: str,
        cls: str,
        part: str,
        ar: str,
        en: str,
        paragraph: int,
    ) -> None:
        add, target = self.add, self.res(entity.slug, part)
        add(src, node, self.h(predicate), target)
        add(src, target, f"<{RDF}type>", self.h(cls))
        add(src, target, f"<{RDFS}label>", self.ar(ar))
        add(src, target, f"<{RDFS}label>", self.en(en))
        quote = f"{entity.ar} {ar}"
        index = self.clause(src, f"ووصف {quote} في اكثر من مناسبة", paragraph)
        self.record(src, f"{entity.slug}-{part}", Span(index, 5, len(quote)), target)

    def statement(self, src: Source, subject: str, predicate: str, obj: str, local: str) -> str:
        add, node = self.add, f"{subject[:-1]}#{local}>"
        add(src, subject, predicate, obj)
        add(src, node, f"<{RDF}type>", f"<{RDF}Statement>")
        add(src, node, f"<{RDF}subject>", subject)
        add(src, node, f"<{RDF}predicate>", predicate)
        add(src, node, f"<{RDF}object>", obj)
        return node

    def write_relations(
        self, rng: random.Random, src: Source, entities: list[Entity], paragraph: int
    ) -> None:
        places = [e for e in entities if e.kind == "place"]
        persons = [e for e in entities if e.kind == "person"]
        groups = [e for e in entities if e.kind == "group"]
        orgs = [e for e in entities if e.kind == "org"]
        countries = self.countries or places
        relations: list[tuple[Entity, str, Entity, str | None]] = []
        homs = self.real_by_slug.get("homs")
        for place in places:
            if place.slug in self.real_by_slug or rng.random() < 0.2:
                continue
            container = homs if homs and rng.random() < 0.4 else rng.choice(places)
            if container.slug != place.slug:
                relations.append((place, "locatedIn", container, None))
        for person in persons:
            if rng.random() < 0.35 and places:
                target = homs if homs and rng.random() < 0.3 else rng.choice(places)
                relations.append((person, rng.choice(PERSON_RELATIONS), target, None))
            if rng.random() < 0.15 and countries:
                relations.append((person, "nationality", rng.choice(countries), None))
            if rng.random() < 0.1 and orgs:
                relations.append((person, "leaderOf", rng.choice(orgs), None))
        for group in groups:
            if places:
                relations.append(
                    (rng.choice(places), "hasPopulationGroup", group, rng.choice(WEIGHTS))
                )
        for count, (subject, prop, obj, weight) in enumerate(relations):
            if count % 4 == 0:
                paragraph += 1
            local = f"{re.sub('([A-Z])', lambda m: '-' + m.group(1).lower(), prop)}-{obj.slug}"
            node = self.statement(
                src, self.res(subject.slug), self.h(prop), self.res(obj.slug), local
            )
            if weight:
                self.add(src, node, self.h("demographicWeight"), self.h(weight))
            quote = f"{subject.ar} {rng.choice(['من', 'في', 'لدى'])} {obj.ar}"
            index = self.clause(src, f"{rng.choice(FILLER)} {quote}", paragraph)
            offset = len(src.clauses[index]) - len(quote)
            self.record(src, f"{subject.slug}-{local}", Span(index, offset, len(quote)), node)

    # -- events ------------------------------------------------------------------------------
    def time_of(
        self, rng: random.Random, published: tuple[int, int, int], anchor: dict | None
    ) -> dict:
        """A time as the builder writes it: phrase, literal, qualifier, mode, bounds."""
        if anchor is not None and rng.random() < 0.45:
            relative, phrase, days = rng.choice(RELATIVE)
            (y, m, d) = anchor["day"]
            day = min(
                datetime.date(y, m, d) + datetime.timedelta(days=days or 0),
                datetime.date(*published),
            )  # every bound is at most the publication date
            result = {
                "phrase": phrase,
                "relative": relative,
                "mode": "AtTime",
                "day": (day.year, day.month, day.day),
            }
            if relative == "after":
                result.update(
                    mode="AfterAnchor",
                    earliest=day.isoformat(),
                    latest=datetime.date(*published).isoformat(),
                    approximate=True,
                )
            elif relative in ("anchor-year", "during"):
                result.update(
                    literal=(str(day.year), "gYear"),
                    earliest=f"{day.year}-01-01",
                    latest=f"{day.year}-12-31",
                    approximate=False,
                )
            else:
                result.update(
                    literal=(day.isoformat(), "date"),
                    earliest=day.isoformat(),
                    latest=day.isoformat(),
                    approximate=False,
                )
            return result
        year = rng.randint(2011, published[0] - 1)
        month = rng.randint(1, 12)
        day = rng.randint(1, monthrange(year, month)[1])
        month_ar = MONTHS[month - 1][0]
        precision = rng.choices(["date", "gYearMonth", "gYear"], weights=[10, 17, 7])[0]
        result: dict = {"mode": "AtTime", "approximate": False, "day": (year, month, day)}
        if precision == "date":
            result.update(
                phrase=f"في {day} {month_ar} {year}",
                literal=(f"{year}-{month:02d}-{day:02d}", "date"),
                earliest=f"{year}-{month:02d}-{day:02d}",
                latest=f"{year}-{month:02d}-{day:02d}",
            )
        elif precision == "gYearMonth":
            last = monthrange(year, month)[1]
            result.update(
                phrase=f"في {month_ar} {year}",
                literal=(f"{year}-{month:02d}", "gYearMonth"),
                earliest=f"{year}-{month:02d}-01",
                latest=f"{year}-{month:02d}-{last}",
            )
            if rng.random() < 0.15:
                result.update(
                    phrase=f"نهاية {month_ar} {year}",
                    qualifier="EndOfPeriod",
                    earliest=f"{year}-{month:02d}-21",
                    approximate=True,
                )
        else:
            result.update(
                phrase=f"عام {year}",
                literal=(str(year), "gYear"),
                earliest=f"{year}-01-01",
                latest=f"{year}-12-31",
            )
            if rng.random() < 0.4:
                qualifier = rng.choice(list(QUALIFIERS))
                word, first, last = QUALIFIERS[qualifier]
                result.update(
                    phrase=f"{word} {year}",
                    qualifier=qualifier,
                    earliest=f"{year}-{first:02d}-01",
                    latest=f"{year}-{last:02d}-{monthrange(year, last)[1]}",
                    approximate=True,
                )
        mode_draw = rng.random()
        if mode_draw < 0.1:
            result.update(
                mode="NoLaterThan",
                phrase="بحلول " + result["phrase"].removeprefix("في "),
                approximate=True,
            )
            result.pop("earliest")
        elif mode_draw < 0.18:
            result.update(
                mode="SinceTime",
                phrase="منذ " + result["phrase"].removeprefix("في "),
                approximate=True,
                latest=datetime.date(*published).isoformat(),
            )
        return result

    def write_events(
        self,
        rng: random.Random,
        src: Source,
        entities: list[Entity],
        published: tuple[int, int, int],
        paragraph: int,
    ) -> None:
        add, h = self.add, self.h
        places = [e for e in entities if e.kind == "place"] or entities
        agents = [e for e in entities if e.kind in ("person", "org", "country")] or entities
        events: list[tuple[str, dict]] = []
        for n in range(rng.randint(30, 50)):
            if n % 3 == 0:
                paragraph += 1
            event_type = weighted(rng, EVENT_TYPES)
            word_ar, word_en = EVENT_WORDS[event_type]
            place = rng.choice(places)
            anchor_slug, anchor = rng.choice(events) if events else (None, None)
            when = self.time_of(rng, published, anchor)
            year = when["day"][0]
            slug = f"{slugify(place.en)}-{slugify(word_en)}-{year}-{src.ident}-{n}"
            node = self.res(slug)
            label_ar, label_en = f"{word_ar} {place.ar}", f"{place.en} {word_en} {year}"
            counts = []
            if rng.random() < 0.22:
                for kind in rng.sample(COUNT_KINDS, rng.choice([1, 1, 1, 2])):
                    if all(kind[0] != other[0] for other, _ in counts):  # one count per kind
                        counts.append((kind, self.quantity(rng, kind)))
            count_text = "".join(f" و{q[0]}" for _, q in counts)
            quote = f"{when['phrase']} حدث {label_ar}{count_text}"
            index = self.clause(src, f"{rng.choice(FILLER)} {quote}", paragraph)
            offset = len(src.clauses[index]) - len(quote)
            add(src, node, f"<{RDF}type>", h(event_type))
            add(src, node, f"<{RDFS}label>", self.ar(label_ar))
            add(src, node, f"<{RDFS}label>", self.en(label_en))
            if rng.random() < 0.03:
                add(
                    src,
                    node,
                    f"<{SKOS}editorialNote>",
                    self.en("Synthetic note: the text is vague here."),
                )
            evidence = self.record(src, slug, Span(index, offset, len(quote)), node)
            self.write_time(src, node, when, anchor_slug)
            add(src, node, h("place"), self.res(place.slug))
            if event_type in ("Evacuation", "Withdrawal", "Deployment") and rng.random() < 0.6:
                add(src, node, h("origin"), self.res(rng.choice(places).slug))
                add(src, node, h("destination"), self.res(rng.choice(places).slug))
            if rng.random() < 0.1:
                add(src, node, h("outcome"), h(rng.choice(["Success", "Failure"])))
            for _ in range(rng.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]):
                agent, role = rng.choice(agents), weighted(rng, ROLES)
                part = f"{node[:-1]}#{role.lower()}-{agent.slug}>"
                add(src, node, h("participation"), part)
                add(src, node, h("actor"), self.res(agent.slug))
                add(src, part, f"<{RDF}type>", h("Participation"))
                add(src, part, h("participant"), self.res(agent.slug))
                add(src, part, h("role"), h(role + "Role"))
                add(src, part, h("evidence"), evidence)
            cursor = offset + len(quote) - len(count_text)
            for (kind, group, _unit_ar, unit), (phrase, value, low, high, approximate) in counts:
                cursor += 2  # " و"
                local = re.sub("([A-Z])", lambda m: "-" + m.group(1).lower(), kind).lstrip("-")
                part = self.res(slug, local)
                add(src, node, h("count"), part)
                add(src, part, f"<{RDF}type>", h("Count"))
                add(src, part, h("countKind"), h(kind))
                add(src, part, h("countedGroup"), h(group))
                if value is not None:
                    add(src, part, f"<{SCHEMA}value>", self.typed(str(value), "integer"))
                add(src, part, f"<{SCHEMA}minValue>", self.typed(str(low), "integer"))
                add(src, part, f"<{SCHEMA}maxValue>", self.typed(str(high), "integer"))
                add(src, part, f"<{SCHEMA}unitText>", self.typed(unit, "string"))
                add(src, part, h("approximate"), self.typed(str(approximate).lower(), "boolean"))
                add(src, part, h("quantityPhrase"), self.ar(phrase))
                self.record(src, f"{slug}-{local}", Span(index, cursor, len(phrase)), part)
                cursor += len(phrase)
            for predicate, chance in (("partOf", 0.1), ("resultOf", 0.17)):
                if events and rng.random() < chance:
                    target_slug = rng.choice(events)[0]
                    local = f"{'part-of' if predicate == 'partOf' else 'result-of'}-{target_slug}"
                    statement = self.statement(
                        src, node, h(predicate), self.res(target_slug), local
                    )
                    add(src, statement, h("evidence"), evidence)
            events.append((slug, when))

    @staticmethod
    def quantity(rng: random.Random, kind: tuple) -> tuple:
        """(phrase, value, low, high, approximate) as graph/quantities.py reads such phrases."""
        unit_ar = kind[2]
        if kind[0] == "ShareOfCity":
            value = rng.randint(5, 95)
            return (f"{value} {unit_ar}", value, value, value, False)
        value = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1000, 20000)])
        draw = rng.random()
        if draw < 0.6:
            return (f"{value} {unit_ar}", value, value, value, False)
        if draw < 0.8:
            return (f"نحو {value} {unit_ar}", value, value, value, True)
        high = value + rng.randint(1, 10) * (10 ** max(len(str(value)) - 2, 0))
        return (f"ما بين {value} الى {high} {unit_ar}", None, value, high, False)

    def write_time(self, src: Source, node: str, when: dict, anchor_slug: str | None) -> None:
        add, h = self.add, self.h
        add(src, node, h("datePhrase"), self.ar(when["phrase"]))
        if "literal" in when:
            add(src, node, h("date"), self.typed(*when["literal"]))
        if "qualifier" in when:
            add(src, node, h("timeQualifier"), h(when["qualifier"]))
        add(src, node, h("timeMode"), h(when["mode"]))
        if "earliest" in when:
            add(
                src, node, f"<{SEM}hasEarliestBeginTimeStamp>", self.typed(when["earliest"], "date")
            )
        add(src, node, f"<{SEM}hasLatestBeginTimeStamp>", self.typed(when["latest"], "date"))
        add(
            src, node, h("approximateTime"), self.typed(str(when["approximate"]).lower(), "boolean")
        )
        if "relative" in when and anchor_slug:
            add(src, node, h("relativeTime"), self.typed(when["relative"], "string"))
            add(src, node, h("timeAnchor"), self.res(anchor_slug))

    # -- text, source document, evidence -------------------------------------------------------
    @staticmethod
    def assemble(src: Source) -> tuple[str, list[int], list[str]]:
        """The source's text: clauses joined into paragraphs; each clause's start offset and the
        paragraph (the evidence's ``hkg:sentence``) it sits in."""
        paragraphs: list[list[int]] = []
        last = None
        for index, paragraph in enumerate(src.paragraph_of):
            if paragraph != last:
                paragraphs.append([])
                last = paragraph
            paragraphs[-1].append(index)
        starts = [0] * len(src.clauses)
        line_of = [0] * len(src.clauses)
        line_bounds: list[tuple[int, int]] = []
        pieces: list[str] = []
        offset = 0
        for number, members in enumerate(paragraphs):
            if number:
                pieces.append("\n\n")
                offset += 2
            line_start = offset
            for position, index in enumerate(members):
                if position:
                    pieces.append("، ")
                    offset += 2
                starts[index] = offset
                pieces.append(src.clauses[index])
                offset += len(src.clauses[index])
            pieces.append(".")
            offset += 1
            line_bounds.append((line_start, offset))
            for index in members:
                line_of[index] = number
        text = "".join(pieces)
        lines = [text[begin:end] for begin, end in line_bounds]
        return text, starts, [lines[number] for number in line_of]

    def write_source_document(
        self, src: Source, published: tuple[int, int, int], text: str
    ) -> None:
        add, h = self.add, self.h
        node = f"<{self.base}source/{src.ident}>"
        day = datetime.date(*published).isoformat()
        add(src, node, f"<{RDF}type>", h("SourceDocument"))
        add(
            src,
            node,
            f"<{DCTERMS}title>",
            self.en(f"Synthetic source {src.index} (benchmark data)"),
        )
        add(src, node, f"<{DCTERMS}language>", self.typed("ar", "language"))
        add(src, node, f"<{SCHEMA}inLanguage>", self.typed("ar", "string"))
        add(src, node, f"<{DCTERMS}issued>", self.typed(day, "date"))
        add(src, node, f"<{SCHEMA}datePublished>", self.typed(day, "date"))
        add(src, node, h("publisherNote"), self.en("Generated by bench/generate.py."))
        add(src, node, h("text"), self.ar(text))
        add(src, node, h("namedGraph"), src.graph)

    def write_evidence(
        self, src: Source, text: str, starts: list[int], sentences: list[str]
    ) -> None:
        add, h = self.add, self.h
        source = f"<{self.base}source/{src.ident}>"
        t, oa = f"<{RDF}type>", OA
        for item in src.evidence:
            start = starts[item.span.clause] + item.span.offset
            end = start + item.span.length
            ev = f"{self.base}evidence/{src.ident}/{item.slug}"
            node, target, quote, position = (
                f"<{ev}>",
                f"<{ev}#target>",
                f"<{ev}#quote>",
                f"<{ev}#position>",
            )
            add(src, node, t, h("Evidence"))
            add(src, node, t, f"<{oa}Annotation>")
            add(src, node, f"<{oa}motivatedBy>", f"<{oa}describing>")
            add(src, node, f"<{oa}hasBody>", item.body)
            add(src, node, f"<{oa}hasTarget>", target)
            add(src, node, h("sentence"), self.ar(sentences[item.span.clause]))
            add(src, node, f"<{PROV}wasDerivedFrom>", source)
            add(src, target, t, f"<{oa}SpecificResource>")
            add(src, target, f"<{oa}hasSource>", source)
            add(src, target, f"<{oa}hasSelector>", quote)
            add(src, target, f"<{oa}hasSelector>", position)
            add(src, quote, t, f"<{oa}TextQuoteSelector>")
            add(src, quote, f"<{oa}exact>", self.ar(text[start:end]))
            add(src, quote, f"<{oa}prefix>", self.ar(text[max(start - 32, 0) : start]))
            add(src, quote, f"<{oa}suffix>", self.ar(text[end : end + 32]))
            add(src, position, t, f"<{oa}TextPositionSelector>")
            add(src, position, f"<{oa}start>", self.typed(str(start), "nonNegativeInteger"))
            add(src, position, f"<{oa}end>", self.typed(str(end), "nonNegativeInteger"))
            add(src, item.body, h("evidence"), node)


BLANK_NODE = re.compile(rb"(?m)(?:^|(?<= ))_:([A-Za-z0-9]+)(?= )")


def stable_blank_nodes(data: bytes) -> bytes:
    """Blank nodes renamed in order of first appearance (each build draws new random labels for
    the ontology's blank nodes): the same seed then gives the same bytes."""
    names: dict[bytes, bytes] = {}

    def rename(match: re.Match) -> bytes:
        return b"_:b" + names.setdefault(match.group(1), str(len(names)).encode())

    return BLANK_NODE.sub(rename, data)


# -- the real dataset ----------------------------------------------------------------------------
def real_dataset(base: str) -> tuple[bytes, list[Entity]]:
    """The packaged article built in memory (checked and SHACL-validated, as ``homs-kg build``
    does), as N-Quads, and its entities (to be mentioned again by synthetic sources)."""
    from pyoxigraph import Literal, NamedNode, RdfFormat, serialize

    from homs_kg.graph.build import check

    report = check(base)
    if not report.shacl.conforms:
        raise SystemExit(f"the packaged dataset does not conform: {report.shacl.summary()}")
    dataset = report.dataset
    data = stable_blank_nodes(serialize(dataset.quads, format=RdfFormat.N_QUADS))
    hkg = f"{base}ontology/"
    kinds = {"Person": "person", "Country": "country"}
    kinds |= {
        name: "place"
        for name in ("City", "Governorate", "Landmark", "Neighbourhood", "Region", "Square")
    }
    kinds |= {
        name: "org"
        for name in (
            "ArmedGroup",
            "Facility",
            "Government",
            "GovernmentForce",
            "InternationalOrganisation",
            "PoliticalOrganisation",
            "ReliefOrganisation",
        )
    }
    kinds |= {"ReligiousGroup": "group", "SocialGroup": "group"}
    types: dict[str, list[str]] = {}
    labels: dict[tuple[str, str], str] = {}
    rdf_type, label = NamedNode(f"{RDF}type"), NamedNode(f"{RDFS}label")
    resource = f"{base}resource/"
    for quad in dataset.quads:
        subject = quad.subject
        if not isinstance(subject, NamedNode) or not subject.value.startswith(resource):
            continue
        slug = subject.value[len(resource) :]
        if "#" in slug:
            continue
        if quad.predicate == rdf_type and quad.object.value.startswith(hkg):
            name = quad.object.value[len(hkg) :]
            if name in kinds:
                types.setdefault(slug, []).append(name)
        elif quad.predicate == label and isinstance(quad.object, Literal):
            labels[(slug, quad.object.language or "")] = quad.object.value
    entities = [
        Entity(
            slug,
            tuple(found),
            labels.get((slug, "ar"), slug),
            labels.get((slug, "en"), slug),
            kinds[found[0]],
        )
        for slug, found in sorted(types.items())
    ]
    return data, entities


def generate(
    target: int,
    output: Path,
    seed: int = 7,
    base: str = DEFAULT_BASE,
    progress: bool = True,
    redeclare: bool = True,
) -> dict:
    """Write the real dataset plus synthetic sources until ``target`` quads; return a summary."""
    started = time.perf_counter()
    real, entities = real_dataset(base)
    generator = Generator(base, seed, entities, redeclare)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    written = real.count(b"\n")
    sources = 0
    with (
        open(partial, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=1, mtime=0) as out,
    ):
        out.write(real)
        next_report = 1_000_000
        while written < target:
            lines = generator.source(sources)
            out.write("".join(lines).encode())
            written += len(lines)
            sources += 1
            if progress and written >= next_report:
                rate = written / (time.perf_counter() - started)
                print(
                    f"  {written:,} quads, {sources} sources ({rate:,.0f} quads/s)", file=sys.stderr
                )
                next_report += 1_000_000
    partial.replace(output)
    seconds = time.perf_counter() - started
    return {
        "path": str(output),
        "quads": written,
        "synthetic_sources": sources,
        "real_quads": real.count(b"\n"),
        "seed": seed,
        "shared_declarations": "builder" if redeclare else "once",
        "seconds": round(seconds, 2),
        "bytes": output.stat().st_size,
    }


def size_option(_context: click.Context, _parameter: click.Parameter, text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--triples",
    required=True,
    callback=size_option,
    help="target number of quads: 1M, 10M, 250k ...",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="the .nq.gz to write"
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--base-iri", default=DEFAULT_BASE, show_default=True)
@click.option(
    "--check",
    "check_sources",
    type=int,
    default=0,
    metavar="N",
    help="then validate the real data and the first N synthetic sources with the "
    "project's SHACL shapes (ontology/shapes.ttl) and check every evidence offset "
    "against the text",
)
@click.option(
    "--shared-declarations",
    type=click.Choice(["builder", "once"]),
    default="builder",
    help="builder (default): a shared entity's types and English label are written "
    "again in every source graph that mentions it, as graph/dataset.py does; once: only "
    "in the first (later sources add their evidence and facts only), to measure without "
    "the duplicates that the first gives in a union default graph that keeps one copy "
    "per graph",
)
def main(
    triples: int,
    output: Path,
    seed: int,
    base_iri: str,
    check_sources: int,
    shared_declarations: str,
) -> None:
    """Synthetic sources shaped like the real graph, written as gzipped N-Quads."""
    summary = generate(triples, output, seed, base_iri, redeclare=shared_declarations == "builder")
    print(
        f"{summary['quads']:,} quads ({summary['real_quads']:,} real, "
        f"{summary['synthetic_sources']} synthetic sources) in {summary['seconds']} s: "
        f"{summary['path']}"
    )
    if check_sources:
        check(output, check_sources, base_iri)


def check(path: Path, sources: int, base: str) -> None:
    """SHACL-validate the real graphs and the first synthetic sources, as the build validates
    the real data, and check that every TextPositionSelector slices its oa:exact out of the text."""
    from pyoxigraph import RdfFormat, Store, parse

    from homs_kg.graph.validation import validate_quads
    from homs_kg.graph.vocabulary import MintedIris

    synthetic = f"{base}graph/syn-"
    with gzip.open(path, "rb") as data:
        quads = [
            q
            for q in parse(data, format=RdfFormat.N_QUADS)
            if not q.graph_name.value.startswith(synthetic)
            or int(q.graph_name.value[len(synthetic) :]) < sources
        ]
    report = validate_quads(quads, MintedIris(base))
    print(f"{len(quads):,} quads checked: {report.summary()}")
    store = Store()
    store.extend(quads)
    wrong = store.query(
        "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX hkg: <" + base + "ontology/> "
        "SELECT (COUNT(*) AS ?n) WHERE { ?t oa:hasSource ?s ; oa:hasSelector ?q, ?p . "
        "?q oa:exact ?x . ?p oa:start ?a ; oa:end ?b . ?s hkg:text ?text "
        "FILTER(SUBSTR(STR(?text), ?a + 1, ?b - ?a) != STR(?x)) }",
        use_default_graph_as_union=True,
    )
    print(f"evidence offsets that do not slice their quote: {next(iter(wrong))['n'].value}")
    if not report.conforms:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
