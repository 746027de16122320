"""Locating quotes in a source text: the W3C Web Annotation quote and position selectors.

Offsets count code points of the NFC text, start inclusive and end exclusive (Web Annotation Data
Model, sections 4.2.4 TextQuoteSelector and 4.2.5 TextPositionSelector); Python string indices are
code points, so they are the offsets.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CONTEXT_LENGTH = 32


class QuoteNotFound(ValueError):
    """The quote is not in the text, or is there more than once without saying which."""


@dataclass(frozen=True)
class TextSpan:
    """A located quote: its exact text, offsets, prefix and suffix, and the line that holds it."""

    exact: str
    start: int
    end: int
    prefix: str
    suffix: str
    sentence: str


def as_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def occurrences(text: str, quote: str) -> list[int]:
    """Every start offset of ``quote`` in ``text``, overlapping ones included."""
    found, start = [], text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def locate_quote(text: str, quote: str, occurrence: int | None = None) -> TextSpan:
    """Find ``quote`` in ``text``; ``occurrence`` (1-based) picks one of several."""
    quote = as_nfc(quote)
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    starts = occurrences(text, quote)
    if not starts:
        raise QuoteNotFound(f"quote not found in the text: {quote!r}")
    if occurrence is None and len(starts) > 1:
        raise QuoteNotFound(
            f"quote occurs {len(starts)} times (at {starts}); give 'occurrence': {quote!r}"
        )
    index = (occurrence or 1) - 1
    if not 0 <= index < len(starts):
        raise QuoteNotFound(f"occurrence {occurrence} asked, the quote occurs {len(starts)} times")
    return span_at(text, starts[index], starts[index] + len(quote))


def span_at(text: str, start: int, end: int) -> TextSpan:
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
    )


def locate_within(text: str, outer: TextSpan, phrase: str) -> TextSpan:
    """Find ``phrase`` inside an already located quote (its first occurrence there)."""
    index = outer.exact.find(as_nfc(phrase))
    if index == -1:
        raise QuoteNotFound(f"phrase {phrase!r} is not inside the quote {outer.exact!r}")
    return span_at(text, outer.start + index, outer.start + index + len(phrase))
