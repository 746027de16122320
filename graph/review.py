"""What a review page of one source shows: its sentences, the annotated spans by kind, the
sentences no statement rests on, and coverage figures (docs/annotations.md, "Reviewing").

Kinds: ``entity`` (an entity's mention, nickname or characterisation quote), ``relation`` (a
relation's quote, and the quote of a link between claims: a cause, a link of an event to another,
a means of transport), ``event`` (an event's quote, and the quotes of its wording, purposes and
terms), ``date`` (its time or end phrase), ``count`` (a count's phrase). Spans are located as
the build locates them, so a draft built with ``--corpus`` is reviewed the same way as the
packaged article.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .annotations import Annotations
from .dataset import Dataset
from .quotes import TextSpan, locate_quote, locate_within
from .sentences import Piece, sentences

KINDS = ("entity", "relation", "event", "date", "count")


@dataclass(frozen=True)
class AnnotatedSpan:
    """A span of the text an annotation rests on: its kind, offsets, words, and what it is
    evidence for (an entity or event id, or a relation as "subject property object")."""

    kind: str
    start: int
    end: int
    exact: str
    about: str
    proposed: bool = False


@dataclass(frozen=True)
class ReviewedSentence:
    sentence: Piece
    spans: tuple[AnnotatedSpan, ...]

    @property
    def has_statement(self) -> bool:
        return bool(self.spans)


@dataclass(frozen=True)
class SourceReview:
    """One source's text, its sentences with their spans, and the coverage figures."""

    source_id: str
    text: str
    sentences: tuple[ReviewedSentence, ...]
    spans: tuple[AnnotatedSpan, ...]

    def spans_by_kind(self) -> dict[str, list[AnnotatedSpan]]:
        return {kind: [s for s in self.spans if s.kind == kind] for kind in KINDS}

    def statements_per_kind(self) -> dict[str, int]:
        counts = Counter(span.kind for span in self.spans)
        return {kind: counts[kind] for kind in KINDS}

    @property
    def coverage(self) -> float:
        """The share of sentences with at least one statement (0 to 1)."""
        return sum(s.has_statement for s in self.sentences) / len(self.sentences)

    def unannotated(self) -> list[Piece]:
        return [s.sentence for s in self.sentences if not s.has_statement]


def _span(kind: str, located: TextSpan, about: str, proposed: bool = False) -> AnnotatedSpan:
    return AnnotatedSpan(kind, located.start, located.end, located.exact, about, proposed)


def annotated_spans(text: str, notes: Annotations) -> list[AnnotatedSpan]:
    """Every span the annotations of one source rest on, in text order."""
    spans = []
    for entity in notes.entities:
        spans.append(
            _span("entity", locate_quote(text, entity.mention), entity.id, entity.proposed)
        )
        for part in (*entity.nicknames, *entity.characterisations):
            spans.append(_span("entity", locate_quote(text, part.quote), entity.id))
            spans += _cause_spans(text, part.caused_by, entity.id)
    for relation in notes.relations:
        about = f"{relation.subject} {relation.property} {relation.object}"
        located = locate_quote(text, relation.quote)
        spans.append(_span("relation", located, about, relation.proposed))
    for event in notes.events:
        quote = locate_quote(text, event.quote)
        spans.append(_span("event", quote, event.id, event.proposed))
        for when in (event.when, event.end):
            if when is not None and when.phrase:
                spans.append(
                    _span("date", locate_within(text, quote, when.phrase), event.id, event.proposed)
                )
        for count in event.counts:
            phrase = locate_within(text, quote, count.phrase)
            spans.append(_span("count", phrase, event.id, event.proposed))
        spans += _event_claim_spans(text, event)
    return sorted(spans, key=lambda s: (s.start, -s.end, KINDS.index(s.kind)))


def _cause_spans(text: str, causes, about: str) -> list[AnnotatedSpan]:
    return [_span("relation", locate_quote(text, cause.quote), about) for cause in causes]


def _event_claim_spans(text: str, event) -> list[AnnotatedSpan]:
    """The spans of an event's links, causes, wording, purposes, terms and transport."""
    spans = _cause_spans(text, event.caused_by, event.id)
    for link in (*event.part_of, *event.result_of, *event.about):
        if link.quote:
            spans.append(_span("relation", locate_quote(text, link.quote), event.id))
    if event.transport:
        spans.append(_span("relation", locate_quote(text, event.transport.quote), event.id))
    for part in (*event.characterisations, *event.purposes, *event.terms):
        spans.append(_span("event", locate_quote(text, part.quote), event.id))
    return spans


def source_review(dataset: Dataset, source_id: str) -> SourceReview:
    """The review of one source of a built dataset (``build_dataset`` of the corpus folders)."""
    source = next(s for s in dataset.sources if s.id == source_id)
    spans = annotated_spans(source.text, dataset.annotations[source_id])
    reviewed = tuple(
        ReviewedSentence(
            sentence,
            tuple(s for s in spans if s.start < sentence.end and sentence.start < s.end),
        )
        for sentence in sentences(source.text)
    )
    return SourceReview(source_id, source.text, reviewed, tuple(spans))
