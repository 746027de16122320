"""A source's review page: its text with the spans the annotations rest on, by kind, the sentences
no statement rests on, and the coverage figures (graph/review.py computes them).

The review reads the corpus the server was started with (``--corpus``), built once per build, so
that a draft served with ``serve --corpus packaged --corpus DIR`` is reviewed as the packaged
article is.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from werkzeug.exceptions import NotFound

from homs_kg.graph.dataset import Dataset, build_dataset
from homs_kg.graph.resources import corpus_folders
from homs_kg.graph.review import KINDS, AnnotatedSpan, SourceReview, source_review
from homs_kg.server.web.context import build_cached, current_config, current_iris


@dataclass(frozen=True)
class Segment:
    """A run of a sentence's text covered by the same spans."""

    text: str
    kinds: tuple[str, ...]  # the kinds of the spans covering it, in KINDS order
    about: tuple[str, ...]  # what those spans are evidence for


@dataclass(frozen=True)
class SentenceView:
    number: int
    segments: tuple[Segment, ...]
    has_statement: bool


@dataclass(frozen=True)
class ReviewView:
    source_id: str
    sentences: tuple[SentenceView, ...]
    coverage: float  # share of sentences with at least one statement
    per_kind: dict[str, int]
    unannotated: int


def corpus_dataset() -> Dataset:
    """The dataset of the server's corpus folders, built once per build of the store."""
    folders, base = corpus_folders(current_config().corpus), current_iris().base
    return build_cached("corpus-dataset", (), lambda: build_dataset(base, folders))


def source_ids() -> list[str]:
    return sorted(source.id for source in corpus_dataset().sources)


def review_of(source_id: str) -> SourceReview:
    if source_id not in source_ids():
        raise NotFound(
            f"no source {source_id!r} in the corpus this server reads (--corpus); "
            "the sources are listed at /-/sources/"
        )
    return build_cached(
        "source-review", (source_id,), lambda: source_review(corpus_dataset(), source_id)
    )


def segments(text: str, start: int, spans: tuple[AnnotatedSpan, ...]) -> tuple[Segment, ...]:
    """The sentence ``text`` (at ``start`` in the source) cut wherever a span begins or ends."""
    end = start + len(text)
    cuts = sorted({start, end} | {max(start, min(end, p)) for s in spans for p in (s.start, s.end)})
    found = []
    for left, right in pairwise(cuts):
        covering = [s for s in spans if s.start <= left and right <= s.end]
        kinds = tuple(k for k in KINDS if any(s.kind == k for s in covering))
        about = tuple(dict.fromkeys(s.about for s in covering))
        found.append(Segment(text[left - start : right - start], kinds, about))
    return tuple(found)


def review_view(source_id: str) -> ReviewView:
    review = review_of(source_id)
    sentences = tuple(
        SentenceView(number, segments(s.sentence.text, s.sentence.start, s.spans), s.has_statement)
        for number, s in enumerate(review.sentences, 1)
    )
    return ReviewView(
        source_id,
        sentences,
        review.coverage,
        review.statements_per_kind(),
        len(review.unannotated()),
    )


def review_json(view: ReviewView) -> dict:
    """The review for programs: the figures, and each sentence with its spans by kind."""
    return {
        "source": view.source_id,
        "coverage": round(view.coverage, 4),
        "statements": view.per_kind,
        "sentences_without_statement": view.unannotated,
        "sentences": [
            {
                "number": s.number,
                "has_statement": s.has_statement,
                "segments": [
                    {"text": g.text, "kinds": list(g.kinds), "about": list(g.about)}
                    for g in s.segments
                ],
            }
            for s in view.sentences
        ],
    }
