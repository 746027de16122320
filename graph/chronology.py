"""Resolving the time of every event: phrases parsed by the temporal normaliser, relative phrases
resolved against their anchor event (or the publication date), and each result checked against the
annotation's ``expect``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from .annotations import Event, When
from .arabic import normalise_arabic
from .errors import AnnotationError, Location
from .temporal import (
    Mode,
    Relation,
    ResolvedTime,
    TemporalError,
    TimeExpression,
    end_bound,
    parse_duration,
    parse_time_phrase,
    resolve_time,
)

DURING = "during"
# Relative phrases resolved against the source's publication date, not against an event.
SOURCE_RELATIVE = (Relation.CURRENT_YEAR, Relation.FEW_DAYS_AGO, Relation.YESTERDAY)


@dataclass(frozen=True)
class EventTime:
    """An event's resolved time, the anchor it was resolved against, and its end bound if any."""

    time: ResolvedTime
    anchor: str | None = None  # an event id, or None for the source (publication date)
    relative: str | None = None  # a Relation value, or "during"
    latest_end: datetime.date | None = None
    end_phrase: str | None = None


def _relation_only(relation: Relation) -> TimeExpression:
    return TimeExpression("", None, None, Mode.AT, relation, None)


class Chronology:
    """Resolves ``when`` and ``end`` of the events of a corpus, anchors first."""

    def __init__(self, events: dict[str, tuple[Event, datetime.date]]) -> None:
        self.events = events  # id -> (event, publication date of its source)
        self.resolved: dict[str, EventTime | None] = {}
        self.failed: dict[str, AnnotationError] = {}
        self._resolving: set[str] = set()

    def time_of(self, event_id: str, needed_by: Location) -> EventTime:
        if event_id not in self.events:
            raise AnnotationError(needed_by, f"anchor {event_id!r} is not an annotated event")
        found = self.resolve(event_id)
        if found is None:
            raise AnnotationError(needed_by, f"anchor {event_id!r} has no time of its own")
        return found

    def resolve(self, event_id: str) -> EventTime | None:
        """The event's time; an error is raised again, as it was, for every event anchored
        on it, so that it is reported once."""
        if event_id in self.resolved:
            return self.resolved[event_id]
        if event_id in self.failed:
            raise self.failed[event_id]
        event, published = self.events[event_id]
        if event_id in self._resolving:
            raise AnnotationError(event.location.at("when"), "anchors form a cycle")
        self._resolving.add(event_id)
        try:
            result = self._resolve(event, published) if event.when else None
        except TemporalError as error:
            self.failed[event_id] = AnnotationError(event.location.at("when"), str(error))
            raise self.failed[event_id] from error
        except AnnotationError as error:
            self.failed[event_id] = error
            raise
        finally:
            self._resolving.discard(event_id)
        self.resolved[event_id] = result
        return result

    def _resolve(self, event: Event, published: datetime.date) -> EventTime:
        when, where = event.when, event.location.at("when")
        assert when is not None
        result = self._start(when, published, where)
        if when.before:
            bound = self.time_of(when.before, where).time.latest
            result = replace(result, time=replace(result.time, latest=bound))
        described = result.time.describe()
        if when.expect is not None and described != when.expect:
            raise AnnotationError(
                where, f"resolves to {described!r}, annotation expects {when.expect!r}"
            )
        if event.end:
            result = self._with_end(result, event.end, published, event.location.at("end"))
        return result

    def _start(self, when: When, published: datetime.date, where: Location) -> EventTime:
        if when.phrase:
            expression = parse_time_phrase(when.phrase)
            anchor = self.time_of(when.anchor, where) if when.anchor else None
            if (
                expression.relation
                and anchor is None
                and expression.relation not in SOURCE_RELATIVE
            ):
                raise AnnotationError(where, f"relative phrase {when.phrase!r} needs an 'anchor'")
            time = resolve_time(expression, anchor.time if anchor else None, published)
            relative = expression.relation.value if expression.relation else None
            return EventTime(time, when.anchor if anchor else None, relative)
        for key, relation in (("same_as", Relation.SAME_TIME), ("after", Relation.AFTER)):
            anchor_id = getattr(when, key)
            if anchor_id:
                anchor = self.time_of(anchor_id, where)
                time = resolve_time(_relation_only(relation), anchor.time, published)
                return EventTime(replace(time, phrase=None), anchor_id, relation.value)
        if when.during:
            anchor = self.time_of(when.during, where)
            time = ResolvedTime(
                None,
                None,
                None,
                Mode.AT,
                None,
                anchor.time.earliest,
                anchor.latest_end or anchor.time.latest,
                True,
            )
            return EventTime(time, when.during, DURING)
        raise AnnotationError(where, "give a phrase, same_as, after or during")

    def _with_end(
        self, result: EventTime, end: When, published: datetime.date, where: Location
    ) -> EventTime:
        if not end.phrase:
            raise AnnotationError(where, "an end needs its phrase")
        if normalise_arabic(end.phrase).startswith("لمده"):
            latest_end: datetime.date | None = end_bound(result.time, *parse_duration(end.phrase))
        else:
            latest_end = resolve_time(parse_time_phrase(end.phrase), None, published).latest
        if latest_end is None or latest_end > published:
            latest_end = published
        if end.expect is not None and latest_end.isoformat() != end.expect:
            raise AnnotationError(
                where, f"resolves to {latest_end.isoformat()!r}, annotation expects {end.expect!r}"
            )
        return replace(result, latest_end=latest_end, end_phrase=end.phrase)
