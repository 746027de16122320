"""Sentences and words of a source text, with their offsets (code points of the NFC text).

A sentence ends at a line break or at a full stop, question or exclamation mark followed by
white space or the end of the text; list bullets and surrounding spaces are not part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^\n.!?؟]+(?:[.!?؟](?!\s|$)[^\n.!?؟]*)*[.!?؟]?")
_WORD = re.compile(r"[^\s.,،؛:!?؟()«»\"“”']+(?:[.,،](?=\w)[^\s.,،؛:!?؟()«»\"“”']+)*")
_TRIM = " \t\u2022\u00a0"


@dataclass(frozen=True)
class Piece:
    """A sentence or a word: its text and where it is."""

    text: str
    start: int
    end: int


def sentences(text: str) -> list[Piece]:
    """The sentences of ``text`` in order."""
    found = []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        stripped = raw.strip(_TRIM)
        if not stripped:
            continue
        start = match.start() + raw.index(stripped)
        found.append(Piece(stripped, start, start + len(stripped)))
    return found


def words(text: str, start: int = 0, end: int | None = None) -> list[Piece]:
    """The words of ``text[start:end]`` (punctuation around them left out), with text offsets."""
    end = len(text) if end is None else end
    return [
        Piece(m.group(), start + m.start(), start + m.end())
        for m in _WORD.finditer(text[start:end])
    ]
