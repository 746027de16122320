"""Close spellings (server/search/spelling.py): the variants a name is commonly written in are
close, other names are not, and the work per query is bounded."""

from __future__ import annotations

import time

import pytest

from homs_kg.server.search import label_index, spelling
from homs_kg.server.search.label_index import (
    FUZZY_WORDS,
    LOWEST_EXACT,
    Entry,
    LabelIndex,
    Name,
    matching_form,
)
from homs_kg.server.search.spelling import distance, loose_form


def loose(text: str) -> str:
    return loose_form(matching_form(text))


@pytest.mark.parametrize(
    "variant,label",
    [
        ("بابا عمرو", "باب عمرو"),  # a long vowel written out
        ("Bab Amr", "Baba Amr"),
        ("Khaldiyeh", "Khalidiya"),  # Levantine -eh for teh marbuta
        ("Hizbullah", "Hezbollah"),
        ("Qusair", "Qusayr"),
        ("Kusayr", "Qusayr"),  # k for q
        ("el-Waer", "al-Waer"),
        ("al-Wa'er", "al-Waer"),  # an apostrophe for the ʿayn
        ("دير بعلبا", "دير بعلبة"),  # alef for teh marbuta at the end
        ("نورالدين الاتاسي", "نور الدين الاتاسي"),  # written as one word
        ("Mary Colvin", "Marie Colvin"),
    ],
)
def test_common_variants_are_close(variant: str, label: str) -> None:
    assert distance(loose(variant), loose(label)) is not None


@pytest.mark.parametrize(
    "other,label",
    [
        ("Hama", "Homs"),  # another city
        ("حماة", "حمص"),
        ("حماس", "حمص"),  # Hamas is not Homs
        ("Khalid", "Khalidiya"),  # the man is not the neighbourhood
        ("Hafez al-Assad", "Bashar al-Assad"),
        ("المسلمين", "المسلحين"),  # a consonant makes another Arabic word
        ("Syria", "Russia"),
        ("Shrine", "Syrian"),
    ],
)
def test_other_names_are_not_close(other: str, label: str) -> None:
    assert distance(loose(other), loose(label)) is None


def index_of(labels: list[str]) -> LabelIndex:
    entries = tuple(
        Entry(f"http://x/resource/{n}", {"en": text}, (Name.of(text, "en"),), ())
        for n, text in enumerate(labels)
    )
    vocabulary = frozenset(w for e in entries for name in e.names for w in name.loose_words)
    return LabelIndex("http://x/", entries, {}, {}, vocabulary)


def test_a_close_spelling_ranks_below_every_exact_match() -> None:
    """ "Bab Amr" is a close spelling of the whole of "Baba Amr", and only the start of "Bab
    Amr Street": the exact match comes first all the same."""
    index = index_of(["Baba Amr", "Bab Amr Street", "Khalidiya"])
    hits = [(h.entry.labels["en"], h.score) for h in index.search("Bab Amr")]
    assert hits == [("Bab Amr Street", 90), ("Baba Amr", 59)]
    assert hits[1][1] < LOWEST_EXACT


def test_the_work_per_query_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most one distance per distinct query word and word of the index, plus one per name;
    a longer query is matched exactly only."""
    words = [f"w{'aeiou'[i % 5]}rd{i}" for i in range(400)]
    index = index_of([" ".join(words[i : i + 3]) for i in range(0, 400, 2)])
    calls = []

    def counted(left: str, right: str) -> float | None:
        calls.append((left, right))
        return distance(left, right)

    monkeypatch.setattr(label_index, "distance", counted)
    query = " ".join(f"aeiou{i}" for i in range(FUZZY_WORDS))
    started = time.perf_counter()
    index.search(query)
    elapsed = time.perf_counter() - started
    names = sum(len(e.names) for e in index.entries)
    assert len(calls) <= FUZZY_WORDS * len(index.vocabulary) + names
    assert elapsed < 1.0  # about 10 ms on a shared 2-core machine
    calls.clear()
    index.search(query + " and more words")  # more words than FUZZY_WORDS: no close matching
    assert calls == []
    assert spelling.allowance(100) == 3.0
