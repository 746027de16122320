"""Finding the count phrases of a sentence with the Arabic quantity parser (graph/quantities.py).

A count starts at a number (digits, a number word, "المئات"...) outside the sentence's time
phrases and takes in the words the parser reads with it: an approximator before it (نحو، حوالي،
...), a range (ما بين X الى Y, من X الى Y), a scale (آلاف), a share (بالمائة), and the counted
noun after it: a noun of people or of a unit ("340 شخصا", "40 عائلة"), or "من" and a plural in the
construct state with its complement ("2000 من مقاتلي المعارضة").
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from .arabic import CARDINALS, normalise_arabic
from .quantities import Quantity, QuantityError, parse_quantity
from .sentences import Piece, words

APPROXIMATORS = {"نحو", "حوالي", "قرابه", "زهاء", "يقارب", "تقريبا"}
SCALES = {"الاف", "الف", "الفا", "مليون", "ملايين", "مليونا"}
NUMBER_WORDS = {"الف", "الفين", "الفان", "مليون", "مئه", "مائه", "مئتين", "مئتان", "مائتين"}
VAGUE = {"العشرات", "عشرات", "المئات", "مئات", "الالاف"}
RANGE_LINKS = {"الي", "و", "حتي"}
SHARES = {"بالمائه", "بالمئه", "%"}
COUNTED_NOUNS = set(
    """شخص شخصا اشخاص مدني مدنيا مدنيين مدنيون جريح جريحا جرحي قتيل قتيلا قتلي مقاتل مقاتلا
    مقاتلين مسلح مسلحا مسلحين طفل طفلا اطفال امراه نساء نازح نازحا نازحين لاجئ لاجئا لاجئين
    عنصر عنصرا عناصر معتقل معتقلا معتقلين منزل منزلا منازل""".split()  # noqa: SIM905
)
CONSTRUCT_NOUNS = set("مقاتلي مسلحي عناصر سكان اهالي المدنيين العائلات الاسر".split())  # noqa: SIM905


@dataclass(frozen=True)
class CountPhrase:
    """A count phrase of the text: its span and the parsed quantity."""

    text: str
    start: int
    end: int
    quantity: Quantity


def _is_number(word: str) -> bool:
    return word.isdigit() or word in CARDINALS or word in NUMBER_WORDS or word in VAGUE


def _extent(forms: list[str], index: int, nouns: set[str]) -> tuple[int, int]:
    """The first and last word (inclusive) of the count around the number at ``index``."""
    first, last = index, index
    if last + 1 < len(forms) and forms[last + 1] in SCALES:
        last += 1
    if first >= 1 and forms[first - 1] in ("بين", "من") and last + 2 < len(forms):
        link, other = forms[last + 1], forms[last + 2]
        if (link in RANGE_LINKS or link.startswith("و")) and (
            _is_number(other) or _is_number(link[1:])
        ):
            first -= 1
            last += 1 if _is_number(link[1:]) else 2
            if last + 1 < len(forms) and forms[last + 1] in SCALES:
                last += 1
            if first >= 1 and forms[first - 1] == "ما":
                first -= 1
    if first >= 1 and forms[first - 1] in APPROXIMATORS:
        first -= 1
        if first >= 1 and forms[first] == "يقارب" and forms[first - 1] == "ما":
            first -= 1
    return first, _noun_end(forms, last, nouns)


def _noun_end(forms: list[str], last: int, nouns: set[str]) -> int:
    following = forms[last + 1 : last + 4]
    if following[:1] and (following[0] in nouns or following[0] in SHARES):
        return last + 1
    if following[:2] == ["في", "المائه"] or following[:2] == ["في", "المئه"]:
        return last + 2
    if len(following) >= 3 and following[0] == "من" and following[1] in CONSTRUCT_NOUNS:
        return last + 3
    return last


def find_count_phrases(
    text: str, sentence: Piece, exclude: list[tuple[int, int]], unit_words: Mapping[str, str]
) -> list[CountPhrase]:
    """The count phrases of one sentence, outside the ``exclude`` spans (its time phrases)."""
    tokens = [
        token
        for token in words(text, sentence.start, sentence.end)
        if not any(start <= token.start < end for start, end in exclude)
    ]
    forms = [normalise_arabic(token.text) for token in tokens]
    nouns = COUNTED_NOUNS | set(unit_words)
    found: list[CountPhrase] = []
    index = 0
    while index < len(tokens):
        if not _is_number(forms[index]):
            index += 1
            continue
        first, last = _extent(forms, index, nouns)
        start, end = tokens[first].start, tokens[last].end
        phrase = text[start:end]
        with contextlib.suppress(QuantityError):  # a number that is not a count
            found.append(CountPhrase(phrase, start, end, parse_quantity(phrase, unit_words)))
        index = last + 1
    return found
