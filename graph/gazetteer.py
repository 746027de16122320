"""A gazetteer of the graph's entities: every Arabic label and alternative label, found in a text.

Names are compared word by word in the Arabic matching form (graph/arabic.py). The first word of a
name may carry the clitics the texts attach to it: a conjunction (و، ف), then a preposition
(ب، ل، ك); "ل" before the article is written "لل" ("للهلال"). The later words of a name of several
words may have the article or not ("طلال برازي" is found in "طلال البرازي"). A country's name is
also found as its nisba adjective ("لبنان": "اللبناني", "لبنانية"), as the texts write it. Words
may be separated by white space and quotation marks only. The longest name wins; a name two
entities share is not linked to either (``Mention.ambiguous``). Nothing else is guessed: no
spelling distance, no nearest name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .arabic import is_mark, matching_form_with_offsets, normalise_arabic

CONJUNCTIONS = ("", "و", "ف")
PREPOSITIONS = ("", "ب", "ل", "ك")
ARTICLE = "ال"
ALEF_OR_HEH = "\u0627\u0647"
NISBA_ENDINGS = ("ي", "يه", "يين", "يون")
_WORD = re.compile(r"\w+")
_GAP = re.compile(r"[ \"'«»“”]*")


@dataclass(frozen=True)
class Name:
    """One Arabic name of an entity, in the matching form, split into words."""

    entity: str
    words: tuple[str, ...]
    adjective: bool = False


@dataclass(frozen=True)
class Mention:
    """A name found in a text: the entity (or the entities sharing it), the span and the name's
    own words without the clitics before them (``form``, None when the text's letters are not a
    plain substring, as in "للهلال")."""

    entities: tuple[str, ...]
    start: int
    end: int
    exact: str
    form: str | None
    adjective: bool = False

    @property
    def ambiguous(self) -> bool:
        return len(self.entities) > 1


def _first_word_forms(word: str) -> dict[str, int]:
    """The written forms of a name's first word, with the number of clitic letters before it."""
    forms = {}
    for conjunction in CONJUNCTIONS:
        for preposition in PREPOSITIONS:
            prefix = conjunction + preposition
            forms[prefix + word] = len(prefix)
            if preposition == "ل" and word.startswith(ARTICLE):
                forms[conjunction + "لل" + word[2:]] = -1  # the article's alef is not written
    return forms


def _later_word_forms(word: str) -> set[str]:
    bare = word[2:] if word.startswith(ARTICLE) and len(word) > 3 else word
    return {bare, ARTICLE + bare}


def _nisba_names(entity: str, label: str) -> list[Name]:
    """A country's nisba adjectives: the name less a final alef, heh or yeh, plus ي, ية, ...."""
    words = normalise_arabic(label).split()
    if len(words) != 1:
        return []
    stem = words[0].removeprefix(ARTICLE).rstrip(ALEF_OR_HEH)
    stem = stem.removesuffix("ي")  # "روسيا": روسي، روسية
    return [Name(entity, (stem + ending,), adjective=True) for ending in NISBA_ENDINGS]


class Gazetteer:
    """Finds the names of known entities in a text."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.by_first: dict[str, list[tuple[Name, int]]] = defaultdict(list)
        seen: dict[tuple[tuple[str, ...], bool], set[str]] = defaultdict(set)
        for name in names:
            if name.words:
                seen[(name.words, name.adjective)].add(name.entity)
        for (words, adjective), entities in seen.items():
            first_words = (words[0], ARTICLE + words[0]) if adjective else (words[0],)
            for entity in sorted(entities):
                for word in first_words:
                    for form, clitics in _first_word_forms(word).items():
                        self.by_first[form].append((Name(entity, words, adjective), clitics))

    @classmethod
    def of_entities(cls, labels: dict[str, list[str]], countries: Iterable[str] = ()) -> Gazetteer:
        """A gazetteer of ``labels`` (entity id -> its Arabic names); the ``countries`` are also
        found by their nisba adjectives."""
        names = [
            Name(entity, tuple(normalise_arabic(label).split()))
            for entity, entity_labels in labels.items()
            for label in entity_labels
        ]
        for entity in countries:
            for label in labels.get(entity, []):
                names += _nisba_names(entity, label)
        return cls(names)

    def find(self, text: str) -> list[Mention]:
        """Every known name in ``text``, longest first where names overlap, in text order."""
        form, offsets = matching_form_with_offsets(text)
        tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(form)]
        found: list[Mention] = []
        index = 0
        while index < len(tokens):
            best = self._longest(form, tokens, index)
            if best is None:
                index += 1
                continue
            count, names, clitics = best
            found.append(self._mention(text, offsets, tokens, index, count, names, clitics))
            index += count
        return found

    def _longest(self, form: str, tokens: list, index: int) -> tuple[int, list[Name], int] | None:
        best: tuple[int, list[Name], int] | None = None
        for name, clitics in self.by_first.get(tokens[index][0], []):
            count = len(name.words)
            if index + count > len(tokens) or not self._rest_matches(form, tokens, index, name):
                continue
            if best is None or count > best[0]:
                best = (count, [name], clitics)
            elif count == best[0] and name.entity not in {n.entity for n in best[1]}:
                best[1].append(name)
        return best

    @staticmethod
    def _rest_matches(form: str, tokens: list, index: int, name: Name) -> bool:
        for offset, word in enumerate(name.words[1:], start=1):
            token, start, _ = tokens[index + offset]
            gap = form[tokens[index + offset - 1][2] : start]
            if token not in _later_word_forms(word) or not _GAP.fullmatch(gap):
                return False
        return True

    @staticmethod
    def _mention(
        text: str,
        offsets: list[int],
        tokens: list,
        index: int,
        count: int,
        names: list[Name],
        clitics: int,
    ) -> Mention:
        first, last = tokens[index], tokens[index + count - 1]
        start, end = offsets[first[1]], offsets[last[2] - 1] + 1
        while end < len(text) and is_mark(text[end]):
            end += 1
        own = None if clitics < 0 else offsets[first[1] + clitics]
        return Mention(
            entities=tuple(sorted({name.entity for name in names})),
            start=start,
            end=end,
            exact=text[start:end],
            form=None if own is None else text[own:end],
            adjective=names[0].adjective,
        )
