"""Events and situations as RDF: type, labels, evidence, time, places, participants and counts."""

from __future__ import annotations

from collections import Counter

from pyoxigraph import NamedNode

from .annotations import Event
from .chronology import EventTime
from .claims import ClaimWriter
from .emitter import EvidenceWriter, GraphEmitter, ar, boolean, en, kebab, number, typed
from .errors import AnnotationError, Location, Problems
from .quantities import QuantityError, parse_quantity
from .quotes import QuoteNotFound, TextSpan, differences, locate_quote, locate_within
from .temporal import Mode
from .vocabulary import RDF, SCHEMA, SEM, SKOS

TIME_MODES = {
    Mode.AT: "AtTime",
    Mode.BY: "NoLaterThan",
    Mode.SINCE: "SinceTime",
    Mode.AFTER: "AfterAnchor",
}
QUALIFIERS = {
    "early": "EarlyPeriod",
    "mid": "MidPeriod",
    "late": "LatePeriod",
    "end of": "EndOfPeriod",
}


class Locator:
    """Locates the quotes of one source text; a match found only after Arabic normalisation is
    kept, with a warning that shows the characters that differ."""

    def __init__(self, text: str, warnings: list[str]) -> None:
        self.text = text
        self.warnings = warnings

    def locate(self, quote: str, where: Location) -> TextSpan:
        try:
            return self.noted(locate_quote(self.text, quote), quote, where)
        except QuoteNotFound as error:
            raise AnnotationError(where, str(error)) from error

    def within(self, span: TextSpan, phrase: str, where: Location) -> TextSpan:
        try:
            return self.noted(locate_within(self.text, span, phrase), phrase, where)
        except QuoteNotFound as error:
            raise AnnotationError(where, str(error)) from error

    def noted(self, span: TextSpan, quote: str, where: Location) -> TextSpan:
        if span.normalised:
            self.warnings.append(
                f"{where}: matched only after Arabic normalisation; the evidence keeps the "
                f"text's {span.exact!r}: {differences(quote, span.exact)}"
            )
        return span


class EventWriter:
    """Writes the events of one source into its graph."""

    def __init__(
        self,
        evidence: EvidenceWriter,
        locator: Locator,
        times: dict[str, EventTime | None],
        problems: Problems,
        units: dict[str, str],
        claims: ClaimWriter,
    ) -> None:
        self.units = units
        self.claims = claims
        self.evidence = evidence
        self.out: GraphEmitter = evidence.emitter
        self.hkg = self.out.hkg
        self.locator = locator
        self.times = times
        self.problems = problems

    def locate(self, quote: str, where: Location) -> TextSpan:
        return self.locator.locate(quote, where)

    def write(self, event: Event) -> None:
        node = self.out.iris.resource(event.id)
        span = self.locate(event.quote, event.location.at("quote"))
        for type_name in event.types:
            self.out.add(node, RDF.type, self.hkg[type_name])
        self.out.labels(node, event.label)
        if event.note:
            self.out.add(node, SKOS.editorialNote, en(event.note))
        evidence = self.evidence.record(event.id, span, node)
        self.problems.attempt(self.write_time, node, event, span)
        for predicate, places in (
            ("place", event.places),
            ("origin", event.origin),
            ("destination", event.destination),
        ):
            for place in places:
                self.out.add(node, self.hkg[predicate], self.out.iris.resource(place))
        if event.outcome:
            self.write_outcome(node, event, evidence)
        if event.extent:
            self.out.add(node, self.hkg.extent, self.hkg[event.extent])
        self.problems.attempt(self.write_participants, node, event, evidence)
        kinds: Counter[str] = Counter()
        for count in event.counts:
            kinds[count.kind] += 1  # a second count of one kind gets its own node: "-2"
            local = kebab(count.kind) + (f"-{kinds[count.kind]}" if kinds[count.kind] > 1 else "")
            self.problems.attempt(self.write_count, node, event, count, span, local)
        self.problems.attempt(self.write_links, node, event, evidence)
        self.write_claims(node, event)

    def write_outcome(self, node: NamedNode, event: Event, evidence: NamedNode) -> None:
        """The outcome; reified when the text states its cause ("failed after ...")."""
        outcome = self.hkg[event.outcome]
        if not any(cause.of == "outcome" for cause in event.caused_by):
            self.out.add(node, self.hkg.outcome, outcome)
            return
        local = f"outcome-{kebab(event.outcome)}"
        statement = self.evidence.statement(node, self.hkg.outcome, outcome, local)
        self.out.add(statement, self.hkg.evidence, evidence)

    def write_claims(self, node: NamedNode, event: Event) -> None:
        """What the text says about the event beyond its parts: its wording, causes, purposes,
        terms and means of transport."""
        attempt, claims = self.problems.attempt, self.claims
        for description in event.characterisations:
            attempt(claims.description, node, event.id, description, "characterisedAs")
        for cause in event.caused_by:
            subject = node
            if cause.of == "outcome" and event.outcome:
                subject = self.out.iris.resource(event.id, f"outcome-{kebab(event.outcome)}")
            attempt(claims.cause, subject, event.id, cause)
        for kind, provisions in (("purpose", event.purposes), ("term", event.terms)):
            for provision in provisions:
                attempt(claims.provision, node, event.id, provision, kind)
        if event.transport:
            where = event.location.at("transport")
            attempt(claims.transport, node, event.id, event.transport, where)

    def write_time(self, node: NamedNode, event: Event, span: TextSpan) -> None:
        found = self.times.get(event.id)
        if found is None:
            return
        time, hkg = found.time, self.hkg
        if event.when and event.when.phrase:
            phrase = self.locator.within(span, event.when.phrase, event.location.at("when"))
            self.out.add(node, hkg.datePhrase, ar(phrase.exact))
        if time.period is not None:
            self.out.add(node, hkg.date, typed(*time.period.xsd_literal()))
        if time.qualifier is not None:
            self.out.add(node, hkg.timeQualifier, hkg[QUALIFIERS[time.qualifier.value]])
        mode = Mode.AFTER if found.relative == "after" else time.mode
        self.out.add(node, hkg.timeMode, hkg[TIME_MODES[mode]])
        for predicate, day in (
            ("hasEarliestBeginTimeStamp", time.earliest),
            ("hasLatestBeginTimeStamp", time.latest),
            ("hasLatestEndTimeStamp", found.latest_end),
        ):
            if day is not None:
                self.out.add(node, SEM[predicate], typed(day.isoformat(), "date"))
        self.out.add(node, hkg.approximateTime, boolean(time.approximate))
        if found.relative:
            self.out.add(node, hkg.relativeTime, typed(found.relative, "string"))
            anchor = (
                self.out.iris.resource(found.anchor)
                if found.anchor
                else self.out.iris.source(self.evidence.source_id)
            )
            self.out.add(node, hkg.timeAnchor, anchor)
        if found.end_phrase:
            phrase = self.locator.within(span, found.end_phrase, event.location.at("end"))
            self.out.add(node, hkg.endPhrase, ar(phrase.exact))

    def write_participants(self, node: NamedNode, event: Event, evidence: NamedNode) -> None:
        for participant in event.participants:
            part = NamedNode(f"{node.value}#{participant.role}-{participant.agent}")
            agent = self.out.iris.resource(participant.agent)
            self.out.add(node, self.hkg.participation, part)
            self.out.add(node, self.hkg.actor, agent)
            self.out.add(part, RDF.type, self.hkg.Participation)
            self.out.add(part, self.hkg.participant, agent)
            role = participant.role[0].upper() + participant.role[1:] + "Role"
            self.out.add(part, self.hkg.role, self.hkg[role])
            if participant.quote:
                where = event.location.at("participants")
                own = self.locate(participant.quote, where)
                self.evidence.record(
                    f"{event.id}-{participant.role}-{participant.agent}", own, part
                )
            else:
                self.out.add(part, self.hkg.evidence, evidence)

    def write_count(self, node: NamedNode, event: Event, count, span: TextSpan, local: str) -> None:
        where = count.location
        phrase_span = self.locator.within(span, count.phrase, where.at("phrase"))
        try:
            quantity = parse_quantity(phrase_span.exact, self.units)
        except QuantityError as error:
            raise AnnotationError(where.at("phrase"), str(error)) from error
        if count.unit and quantity.unit != count.unit:
            raise AnnotationError(
                where.at("unit"),
                f"{count.phrase!r} counts {quantity.unit}, annotation says {count.unit}",
            )
        if quantity.describe() != count.expect:
            raise AnnotationError(
                where.at("expect"),
                f"{count.phrase!r} parses as {quantity.describe()!r}, annotation expects "
                f"{count.expect!r}",
            )
        part = NamedNode(f"{node.value}#{local}")
        hkg = self.hkg
        self.out.add(node, hkg.count, part)
        self.out.add(part, RDF.type, hkg.Count)
        self.out.add(part, hkg.countKind, hkg[count.kind])
        self.out.add(part, hkg.countedGroup, hkg[count.group])
        if quantity.value is not None:
            self.out.add(part, SCHEMA.value, number(quantity.value))
        if quantity.value is None or not quantity.approximate:
            # "about 3,000" keeps no bounds: min = max = 3000 would read as exact in a range query
            self.out.add(part, SCHEMA.minValue, number(quantity.low))
            self.out.add(part, SCHEMA.maxValue, number(quantity.high))
        self.out.add(part, SCHEMA.unitText, typed(quantity.unit, "string"))
        self.out.add(part, hkg.approximate, boolean(quantity.approximate))
        self.out.add(part, hkg.quantityPhrase, ar(phrase_span.exact))
        self.evidence.record(f"{event.id}-{local}", phrase_span, part)

    def write_links(self, node: NamedNode, event: Event, evidence: NamedNode) -> None:
        for predicate, key, links in (
            ("partOf", "part_of", event.part_of),
            ("resultOf", "result_of", event.result_of),
            ("about", "about", event.about),
        ):
            for link in links:
                target = self.out.iris.resource(link.event)
                local = f"{kebab(predicate)}-{link.event}"
                statement = self.evidence.statement(node, self.hkg[predicate], target, local)
                if link.quote:
                    own = self.locate(link.quote, event.location.at(key))
                    self.evidence.record(f"{event.id}-{local}", own, statement)
                    if link.connective:
                        words = self.locator.within(own, link.connective, event.location.at(key))
                        self.out.add(statement, self.hkg.connective, ar(words.exact))
                else:
                    self.out.add(statement, self.hkg.evidence, evidence)
