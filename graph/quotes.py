"""Locating quotes in a source text: the W3C Web Annotation quote and position selectors.

Offsets count code points of the NFC text, start inclusive and end exclusive (Web Annotation Data
Model, sections 4.2.4 TextQuoteSelector and 4.2.5 TextPositionSelector); Python string indices are
code points, so they are the offsets.

A quote is looked for exactly first. When it is not there, it is looked for in the Arabic matching
form (graph/arabic.py: diacritics, tatweel, hamza and alef forms, yeh and alef maksura, Persian yeh
and kaf, non-breaking and zero-width characters) and the match is mapped back to the original
text: the span, its selectors and the evidence always hold the text's own characters, and the
span says it was found only after normalisation so that the build can warn.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

from .arabic import is_mark, matching_form_with_offsets, normalise_arabic

CONTEXT_LENGTH = 32
UNIQUE_HINT = "lengthen the quote with the words around it until it is unique"


class QuoteNotFound(ValueError):
    """The quote is not in the text, or is there more than once."""


@dataclass(frozen=True)
class TextSpan:
    """A located quote: its exact text, offsets, prefix and suffix, and the line that holds it.

    ``normalised`` is true when the quote matched only in the Arabic matching form."""

    exact: str
    start: int
    end: int
    prefix: str
    suffix: str
    sentence: str
    normalised: bool = False


def as_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def occurrences(text: str, quote: str) -> list[int]:
    """Every start offset of ``quote`` in ``text``, overlapping ones included."""
    found, start = [], text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def normalised_occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) in ``text`` whose matching form is the quote's matching form."""
    form, offsets = matching_form_with_offsets(text)
    wanted = normalise_arabic(quote)
    spans = []
    for index in occurrences(form, wanted) if wanted else []:
        start, end = offsets[index], offsets[index + len(wanted) - 1] + 1
        while end < len(text) and is_mark(text[end]):
            end += 1  # a diacritic or tatweel after the last letter belongs to the word
        spans.append((start, end))
    return spans


def locate_quote(text: str, quote: str) -> TextSpan:
    """Find ``quote`` in ``text``: exactly, or else in the Arabic matching form."""
    quote = as_nfc(quote)
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    starts = occurrences(text, quote)
    if len(starts) == 1:
        return span_at(text, starts[0], starts[0] + len(quote))
    if starts:
        raise QuoteNotFound(
            f"quote occurs {len(starts)} times (at offsets {starts}); {UNIQUE_HINT}: {quote!r}"
        )
    spans = normalised_occurrences(text, quote)
    if not spans:
        raise QuoteNotFound(
            f"quote not found in the text, even after Arabic normalisation: {quote!r}"
        )
    if len(spans) > 1:
        raise QuoteNotFound(
            f"quote occurs {len(spans)} times after Arabic normalisation "
            f"(at offsets {[s for s, _ in spans]}); {UNIQUE_HINT}: {quote!r}"
        )
    return span_at(text, *spans[0], normalised=True)


def span_at(text: str, start: int, end: int, normalised: bool = False) -> TextSpan:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    return TextSpan(
        exact=text[start:end],
        start=start,
        end=end,
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
        sentence=text[line_start:line_end].strip(" \u2022"),
        normalised=normalised,
    )


def locate_within(text: str, outer: TextSpan, phrase: str) -> TextSpan:
    """Find ``phrase`` inside an already located quote (its first occurrence there)."""
    phrase = as_nfc(phrase)
    index = outer.exact.find(phrase)
    if index != -1:
        return span_at(text, outer.start + index, outer.start + index + len(phrase))
    spans = normalised_occurrences(outer.exact, phrase)
    if not spans:
        raise QuoteNotFound(f"phrase {phrase!r} is not inside the quote {outer.exact!r}")
    start, end = spans[0]
    return span_at(text, outer.start + start, outer.start + end, normalised=True)


def _shown(chars: str) -> str:
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}" for c in chars)
    return f"{chars!r} ({names})" if chars else "nothing"


def differences(quote: str, exact: str) -> str:
    """Where a quote and the text's words differ, character by character with code points."""
    quote = as_nfc(quote)
    matcher = difflib.SequenceMatcher(None, quote, exact, autojunk=False)
    parts = [
        f"the quote has {_shown(quote[a1:a2])} where the text has {_shown(exact[b1:b2])}"
        for op, a1, a2, b1, b2 in matcher.get_opcodes()
        if op != "equal"
    ]
    return "; ".join(parts)
