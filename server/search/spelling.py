"""Spellings close to a name: the tolerant matching of the label index (label_index.py), for
the common ways a name is written otherwise than the text writes it.

Both sides are compared in their loose form: the matching form of docs/conventions.md, with
apostrophes (ʿayn and hamza in transliterations: "Ba'albah") dropped, any other punctuation
(hyphens) a space, a word's final heh (teh marbuta in the matching form) written as alef, as the
two are interchangeable at the end of a name ("سورية", "سوريا"), and a Latin word's final h
after a vowel dropped ("Khaldiyeh", "Baalbah").

Their distance is an edit distance whose edits cost less where spellings commonly differ:
adding, dropping or swapping one *weak* letter costs 0.5 (Arabic alef, waw, yeh and the hamza
seats, the long vowels a writer adds or leaves out: "بابا عمرو" for "باب عمرو"; in Latin script
the vowels and y: "Bab Amr" for "Baba Amr", "Khaldiyeh" for "Khalidiya", "Hizbullah" for
"Hezbollah"; and a space: "Nur al-Din", "Nureddin"), as does q for k or c for k. Any other
edit (a consonant added, dropped or changed) mostly makes another name: it costs 2 in Latin
script (a typo or a doubled letter, "Hezbolah") and 4 in Arabic, where it always makes another
word ("المسلمين", "المسلحين"). Two spellings are close when their distance is within an
allowance that grows with the length of the shorter one (``allowance``): one weak letter in
every four letters, so "Khalidiya" is not "Khalid", "حماس" or "حماة" not "حمص", nor "Hama"
"Homs"; a consonant only in a Latin name of sixteen letters or more.

The cost is bounded: pairs whose lengths, or whose consonants, differ by more than the
allowance allows are not compared at all; the others in a band of the allowance's width around
the diagonal, stopping as soon as a row exceeds the allowance.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

WEAK = frozenset("اويءؤئ" + "aeiouy" + " ")
EQUIVALENT = frozenset({("q", "k"), ("k", "q"), ("c", "k"), ("k", "c")})
KIND = {"q": "k", "c": "k"}  # letters counted as one for the lower bound of a distance
CHEAP, FULL, ARABIC_FULL = 0.5, 2.0, 4.0
ARABIC = range(0x0600, 0x0700)
APOSTROPHES = re.compile(r"['\u2018\u2019\u02bb\u02bc\u02be\u02bf`]")
PUNCTUATION = re.compile(r"[\W_]+")
HEH, ALEF = "\u0647", "\u0627"
FINAL_HEH = re.compile(HEH + r"\b")
FINAL_H = re.compile(r"(?<=[aeiou])h\b")


def loose_form(key: str) -> str:
    """The loose form of a matching form (see the module docstring)."""
    text = APOSTROPHES.sub("", key)
    text = PUNCTUATION.sub(" ", text).strip()
    return FINAL_H.sub("", FINAL_HEH.sub(ALEF, text))


def allowance(length: int) -> float:
    """How far two spellings may be apart, by the length of the shorter: one weak letter in
    every four letters (at least one), at most the cost of six."""
    return min(3.0, max(1, length // 4) * CHEAP)


def cost(left: str, right: str) -> float:
    """The cost of writing ``right`` where ``left`` is written ("" for nothing)."""
    if left == right:
        return 0.0
    if ((left or " ") in WEAK and (right or " ") in WEAK) or (left, right) in EQUIVALENT:
        return CHEAP
    return ARABIC_FULL if any(ord(char) in ARABIC for char in left + right) else FULL


@lru_cache(maxsize=8192)
def consonants(text: str) -> Counter[str]:
    """The letters of ``text`` that are not weak, q and c counted as k."""
    return Counter(KIND.get(char, char) for char in text if char not in WEAK)


def consonant_gap(left: str, right: str) -> float:
    """A lower bound of the distance: each consonant one side has more of than the other costs
    at least 1 (a change of consonant fixes two such at a cost of 2, anything else one)."""
    ours, theirs = consonants(left), consonants(right)
    gap = sum(abs(count - theirs.get(char, 0)) for char, count in ours.items())
    return float(gap + sum(count for char, count in theirs.items() if char not in ours))


def distance(left: str, right: str) -> float | None:
    """The weighted edit distance of two loose forms, or None when it exceeds the allowance of
    the shorter one (see the module docstring)."""
    limit = allowance(min(len(left), len(right)))
    if abs(len(left) - len(right)) * CHEAP > limit or consonant_gap(left, right) > limit:
        return None
    band = int(limit / CHEAP)  # no path leaves the diagonal further than this within the limit
    beyond = limit + 1.0
    previous = [0.0]
    for char in right:
        previous.append(previous[-1] + cost("", char))
    for i, char in enumerate(left, start=1):
        current = [previous[0] + cost(char, "")] + [beyond] * len(right)
        for j in range(max(1, i - band), min(len(right), i + band) + 1):
            current[j] = min(
                previous[j] + cost(char, ""),
                current[j - 1] + cost("", right[j - 1]),
                previous[j - 1] + cost(char, right[j - 1]),
            )
        if min(current) > limit:
            return None
        previous = current
    return previous[-1] if previous[-1] <= limit else None
