"""How much of the packaged article's hand annotation a draft finds at the same place.

- entity mentions: an entity counts as found when the draft links a mention of it inside the
  entity's hand-annotated ``mention`` quote;
- date phrases (every ``when`` and ``end`` phrase) and counts (every count ``phrase``): found when
  the draft proposes exactly the same span.

The gazetteer is made of the graph's own labels, which were written from this article: the figures
measure the finders (normalisation, clitics, phrase boundaries), not recall on unseen names.
Reproduce with ``python -m homs_kg.graph.recall``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from .dataset import Dataset, build_dataset
from .draft import Draft, Drafter
from .quotes import locate_quote, locate_within
from .vocabulary import DEFAULT_BASE_IRI

ARTICLE = "homs-2017-05-21"


@dataclass(frozen=True)
class Recall:
    """Found of total, and what was missed."""

    kind: str
    found: int
    total: int
    missed: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100 * self.found / self.total

    def line(self) -> str:
        missed = f"; missed: {', '.join(self.missed)}" if self.missed else ""
        return f"{self.kind}: {self.found}/{self.total} ({self.percent:.1f} %){missed}"


def _recall(kind: str, wanted: list[tuple[str, tuple]], found: set) -> Recall:
    missed = tuple(name for name, key in wanted if key not in found)
    return Recall(kind, len(wanted) - len(missed), len(wanted), missed)


def entity_recall(dataset: Dataset, draft: Draft, source_id: str) -> Recall:
    text = draft.text
    wanted, found = [], set()
    for entity in dataset.annotations[source_id].entities:
        span = locate_quote(text, entity.mention)
        wanted.append((entity.id, (entity.id,)))
        if any(
            entity.id in m.entities and span.start <= m.start and m.end <= span.end
            for m in draft.mentions
        ):
            found.add((entity.id,))
    return _recall("entity mentions", wanted, found)


def phrase_recall(dataset: Dataset, draft: Draft, source_id: str) -> tuple[Recall, Recall]:
    text = draft.text
    dates, counts = [], []
    for event in dataset.annotations[source_id].events:
        quote = locate_quote(text, event.quote)
        for when in (event.when, event.end):
            if when is not None and when.phrase:
                span = locate_within(text, quote, when.phrase)
                dates.append((when.phrase, (span.start, span.end)))
        for count in event.counts:
            span = locate_within(text, quote, count.phrase)
            counts.append((count.phrase, (span.start, span.end)))
    return (
        _recall("date phrases", dates, {(t.start, t.end) for t in draft.times}),
        _recall("counts", counts, {(c.start, c.end) for c in draft.counts}),
    )


def draft_recall(base_iri: str = DEFAULT_BASE_IRI, source_id: str = ARTICLE) -> list[Recall]:
    """Draft the packaged article against the packaged graph and compare with its annotation."""
    dataset = build_dataset(base_iri)
    source = next(s for s in dataset.sources if s.id == source_id)
    draft = Drafter(dataset).draft(f"draft-of-{source_id}", source.text, source.published)
    return [entity_recall(dataset, draft, source_id), *phrase_recall(dataset, draft, source_id)]


if __name__ == "__main__":
    for recall in draft_recall():
        sys.stdout.write(recall.line() + "\n")
