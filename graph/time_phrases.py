"""Finding the time phrases of a sentence with the Arabic temporal normaliser (graph/temporal.py).

From each word, the longest run of up to ``MAX_WORDS`` words that the normaliser parses is a time
phrase (or, when it starts with لمدة/طوال, a duration). Two readings the normaliser allows are left
out because in running text they catch what is not a time: "after" followed by anything but
"that" (بعد + any noun phrase parses as "after an event", with no end), and a bare four-digit
number (a count such as "2000 مقاتل" reads as the year 2000).
"""

from __future__ import annotations

from dataclasses import dataclass

from .arabic import normalise_arabic
from .sentences import Piece, words
from .temporal import (
    Mode,
    Precision,
    Relation,
    TemporalError,
    TimeExpression,
    parse_duration,
    parse_time_phrase,
)

MAX_WORDS = 9
DURATION_STARTS = ("لمده", "طوال", "مده")
AFTER_THAT = {"بعد ذلك", "وبعد ذلك", "بعد ذاك", "وبعد ذاك"}


@dataclass(frozen=True)
class TimePhrase:
    """A time phrase of the text: its span, and what the normaliser made of it (``expression``
    is None for a duration, whose (months, days) are in ``duration``)."""

    text: str
    start: int
    end: int
    expression: TimeExpression | None = None
    duration: tuple[int, int] | None = None


def _parsed(phrase: str) -> TimePhrase | None:
    form = normalise_arabic(phrase)
    if form.startswith(DURATION_STARTS):
        try:
            return TimePhrase(phrase, 0, 0, duration=parse_duration(phrase))
        except TemporalError:
            return None
    try:
        expression = parse_time_phrase(phrase)
    except TemporalError:
        return None
    if expression.relation is Relation.AFTER and expression.period is None:
        return TimePhrase(phrase, 0, 0, expression) if form in AFTER_THAT else None
    bare_year = (
        expression.period is not None
        and expression.period.precision is Precision.YEAR
        and expression.mode is Mode.AT
        and expression.qualifier is None
        and form.isdigit()
    )
    return None if bare_year else TimePhrase(phrase, 0, 0, expression)


def find_time_phrases(text: str, sentence: Piece) -> list[TimePhrase]:
    """The time phrases of one sentence of ``text``, in order, none overlapping."""
    tokens = words(text, sentence.start, sentence.end)
    found: list[TimePhrase] = []
    index = 0
    while index < len(tokens):
        for stop in range(min(len(tokens), index + MAX_WORDS), index, -1):
            start, end = tokens[index].start, tokens[stop - 1].end
            parsed = _parsed(text[start:end])
            if parsed is not None:
                found.append(
                    TimePhrase(text[start:end], start, end, parsed.expression, parsed.duration)
                )
                index = stop
                break
        else:
            index += 1
    return found
