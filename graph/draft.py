"""A draft annotation of a new text: what can be found in it without guessing, each item with its
exact quote and marked ``proposed: true`` for a reviewer (docs/annotations.md, "Drafting").

- mentions of the graph's entities (graph/gazetteer.py); a name no entity has, or two share, is a
  candidate, never linked;
- time phrases (graph/time_phrases.py), resolved against the publication date or, when relative
  to an event, against the previous dated sentence's event;
- counts (graph/count_phrases.py), in the unit the text gives;
- one event per sentence with a time or a count: the sentence as its quote, the generic class
  hkg:Event, the mentioned places as places and the other mentioned entities as participants in
  the role "involved", counts of kind OtherCount and group UnspecifiedGroup.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .arabic import normalise_arabic
from .chronology import SOURCE_RELATIVE
from .count_phrases import find_count_phrases
from .dataset import Dataset, matching_text
from .gazetteer import Gazetteer, Mention
from .name_candidates import name_candidates
from .quotes import occurrences
from .sentences import Piece, sentences, words
from .temporal import ResolvedTime, TemporalError, end_bound, resolve_time
from .time_phrases import TimePhrase, find_time_phrases

LABEL_WORDS = 8


@dataclass
class Draft:
    """What a draft proposes, with the spans found (for the YAML and for measuring recall)."""

    source_id: str
    text: str
    entities: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    times: list[TimePhrase] = field(default_factory=list)
    counts: list = field(default_factory=list)

    def annotations(self) -> dict:
        """The annotation file's content."""
        content: dict = {"source": self.source_id}
        for key in ("entities", "events", "candidates"):
            if getattr(self, key):
                content[key] = getattr(self, key)
        return content


def gazetteer_of(dataset: Dataset) -> Gazetteer:
    """Every Arabic label and alternative label of the dataset's entities, in every source."""
    labels: dict[str, list[str]] = {}
    for entity_id, declarations in dataset.entities.items():
        for _, entity in declarations:
            labels.setdefault(entity_id, []).extend([entity.label.ar, *entity.alt])
    countries = [e for e, d in dataset.entities.items() if "Country" in d[0][1].types]
    return Gazetteer.of_entities(labels, countries)


def unique_quote(text: str, start: int, end: int) -> str | None:
    """The shortest run of whole words of its line around ``text[start:end]`` that occurs once in
    the text; None when even the whole line occurs more than once."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    tokens = words(text, line_start, len(text) if line_end == -1 else line_end)
    first = next(i for i, t in enumerate(tokens) if t.end > start)
    last = max(i for i, t in enumerate(tokens) if t.start < end)
    quote_start, quote_end = min(start, tokens[first].start), max(end, tokens[last].end)
    while len(occurrences(text, text[quote_start:quote_end])) > 1:
        if last + 1 < len(tokens):
            last += 1
        elif first > 0:
            first -= 1
        else:
            break
        quote_start, quote_end = min(start, tokens[first].start), max(end, tokens[last].end)
    quote = text[quote_start:quote_end]
    return quote if len(occurrences(text, quote)) == 1 else None


class Drafter:
    """Drafts the annotations of one text against the entities of a built dataset."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.gazetteer = gazetteer_of(dataset)
        assert dataset.vocabulary is not None  # a built dataset has its ontology's terms
        self.places = set(dataset.vocabulary.place_classes)
        self.unit_words = dataset.vocabulary.unit_words
        self.used_ids = set(dataset.entities) | set(dataset.events)

    def draft(self, source_id: str, text: str, published: datetime.date) -> Draft:
        draft = Draft(source_id, text)
        found = self.gazetteer.find(text)
        draft.mentions = [m for m in found if not m.ambiguous]
        for mention in found:
            if mention.ambiguous:
                note = f"a name of {' and of '.join(mention.entities)}: link it by hand"
                draft.candidates.append({"quote": mention.exact, "note": note})
        self.add_entities(draft)
        times: dict[str, ResolvedTime] = {}
        for sentence in sentences(text):
            self.add_names(draft, sentence)
            self.add_event(draft, sentence, published, times)
        return draft

    def add_names(self, draft: Draft, sentence: Piece) -> None:
        for name in name_candidates(draft.text, sentence):
            if any(m.start < name.end and name.start < m.end for m in draft.mentions):
                continue
            note = "no entity of the graph has this name: add one if the text is about it"
            draft.candidates.append({"quote": name.text, "note": note})

    def add_entities(self, draft: Draft) -> None:
        text_form = matching_text(draft.text)
        by_entity: dict[str, list[Mention]] = {}
        for mention in draft.mentions:
            by_entity.setdefault(mention.entities[0], []).append(mention)
        for entity_id, mentions in by_entity.items():
            quotes = (unique_quote(draft.text, m.start, m.end) for m in mentions)
            evidence = next((quote for quote in quotes if quote), None)
            if evidence is None:  # every passage naming it is written twice: no unique evidence
                draft.mentions = [m for m in draft.mentions if m not in mentions]
                note = "named only in passages written twice: link it by hand"
                draft.candidates.append({"quote": mentions[0].exact, "note": note})
                continue
            first = self.dataset.entities[entity_id][0][1]
            names = [m.form for m in mentions if m.form and not m.adjective]
            own = normalise_arabic(first.label.ar)
            label = next((n for n in names if normalise_arabic(n) == own), None)
            label = label or (names[0] if names else first.label.ar)
            entry: dict = {
                "id": entity_id,
                "type": first.types[0] if len(first.types) == 1 else list(first.types),
                "label": {"ar": label, "en": first.label.en},
            }
            alt = sorted({n for n in names if normalise_arabic(n) != normalise_arabic(label)})
            if alt:
                entry["alt"] = alt
            if normalise_arabic(label) not in text_form:
                written = "، ".join(sorted({m.exact for m in mentions}))
                entry["label_note"] = f"The text writes only: {written}"
            entry["mention"] = evidence
            entry["proposed"] = True
            draft.entities.append(entry)

    def add_event(
        self, draft: Draft, sentence: Piece, published: datetime.date, times: dict
    ) -> None:
        text = draft.text
        found_times = find_time_phrases(text, sentence)
        spans = [(t.start, t.end) for t in found_times]
        counts = find_count_phrases(text, sentence, spans, self.unit_words)
        draft.times += found_times
        draft.counts += counts
        if not found_times and not counts:
            return
        if len(occurrences(text, sentence.text)) > 1:
            draft.candidates.append({"quote": sentence.text, "note": "a sentence written twice"})
            return
        event: dict = {"id": "", "type": "Event"}
        event["label"] = {
            "ar": " ".join(sentence.text.split()[:LABEL_WORDS]),
            "en": "(draft) an event of this sentence: name it",
        }
        event["quote"] = sentence.text
        time = self.add_time(draft, event, found_times, published, times)
        self.add_entities_of(draft, event, sentence)
        if counts:
            event["counts"] = [self.count_entry(count) for count in counts]
        event["proposed"] = True
        event["id"] = self.event_id(event, time)
        if time is not None:
            times[event["id"]] = time
        draft.events.append(event)

    def add_time(
        self,
        draft: Draft,
        event: dict,
        found: list[TimePhrase],
        published: datetime.date,
        times: dict[str, ResolvedTime],
    ) -> ResolvedTime | None:
        resolved = None
        for phrase in found:
            note = None
            if phrase.expression is None:
                if resolved is not None and "end" not in event:
                    assert phrase.duration is not None  # a phrase with no expression is one
                    latest = min(end_bound(resolved, *phrase.duration), published)
                    event["end"] = {"phrase": phrase.text, "expect": latest.isoformat()}
                    continue
                note = "a duration with no start in its sentence"
            elif resolved is None:
                anchor = None
                relation = phrase.expression.relation
                if relation is not None and relation not in SOURCE_RELATIVE:
                    anchor = next(reversed(times), None)
                try:
                    resolved = resolve_time(
                        phrase.expression, times[anchor] if anchor else None, published
                    )
                except TemporalError as error:
                    note = f"a time phrase not resolved: {error.problem}"
                else:
                    event["when"] = {"phrase": phrase.text}
                    if anchor:
                        event["when"]["anchor"] = anchor
                    event["when"]["expect"] = resolved.describe()
                    continue
            draft.candidates.append(
                {"quote": phrase.text, "note": note or "another time in the event's sentence"}
            )
        return resolved

    def add_entities_of(self, draft: Draft, event: dict, sentence: Piece) -> None:
        places: list[str] = []
        agents: list[str] = []
        for mention in draft.mentions:
            if not sentence.start <= mention.start < sentence.end:
                continue
            entity_id = mention.entities[0]
            types = set(self.dataset.entities[entity_id][0][1].types)
            group = places if types & self.places else agents
            if entity_id not in group:
                group.append(entity_id)
        if places:
            event["places"] = places
        if agents:
            event["participants"] = [[agent, "involved"] for agent in agents]

    @staticmethod
    def count_entry(count) -> dict:
        entry = {"kind": "OtherCount", "group": "UnspecifiedGroup", "phrase": count.text}
        if count.quantity.unit != "persons":
            entry["unit"] = count.quantity.unit
        entry["expect"] = count.quantity.describe()
        return entry

    def event_id(self, event: dict, time: ResolvedTime | None) -> str:
        """A slug from what the event is about: its first place or participant and its date."""
        subjects = event.get("places") or [p[0] for p in event.get("participants", [])]
        about = subjects[0] if subjects else "event"
        when = str(time.period) if time is not None and time.period is not None else "undated"
        base = f"{about}-{when}".lower()
        slug, number = base, 1
        while slug in self.used_ids:
            number += 1
            slug = f"{base}-{number}"
        self.used_ids.add(slug)
        return slug
