"""Names a text may give that no entity of the graph has: words after a cue ("حي", "منظمة",
"المتحدث") and short quoted names. They are listed for a reviewer, never linked."""

from __future__ import annotations

import re

from .arabic import normalise_arabic
from .sentences import Piece, words

PLACE_CUES = {"حي", "مدينه", "بلده", "قريه", "منطقه", "مخيم", "ساحه", "شارع", "محافظه"}
BODY_CUES = {"منظمه", "جمعيه", "وكاله", "لجنه", "هيئه", "مكتب", "برنامج", "مؤسسه", "موسسه"}
CLITICS = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")
STOP = {"في", "من", "الي", "علي", "عن", "مع", "ان", "الذي", "التي", "بعد", "قبل", "منذ"}
_QUOTED = re.compile(r"[\"«“]([^\"«»“”\n]{2,40})[\"»”]")


def _cue(word: str) -> int | None:
    """The number of clitic letters before a cue word, or None when the word is no cue."""
    form = normalise_arabic(word)
    for clitic in ("", *CLITICS):
        if form.startswith(clitic) and form[len(clitic) :] in PLACE_CUES | BODY_CUES:
            return len(clitic)
    return None


def _name_words(tokens: list[Piece], index: int) -> int:
    """How many words after the cue at ``index`` make the name: one, and the definite words
    that follow it (an adjective or a genitive: "الأغذية العالمي")."""
    count = 0
    for token in tokens[index + 1 : index + 4]:
        form = normalise_arabic(token.text)
        if form in STOP or (count and not form.startswith("ال")):
            break
        count += 1
    return count


def name_candidates(text: str, sentence: Piece) -> list[Piece]:
    """Cue-introduced and quoted names of one sentence (cue included), in order."""
    tokens = words(text, sentence.start, sentence.end)
    found = []
    for index, token in enumerate(tokens):
        clitics = _cue(token.text)
        if clitics is None or not (count := _name_words(tokens, index)):
            continue
        start, end = token.start + clitics, tokens[index + count].end
        found.append(Piece(text[start:end], start, end))
    for match in _QUOTED.finditer(text, sentence.start, sentence.end):
        if len(match.group(1).split()) <= 4:
            found.append(Piece(match.group(1), match.start(1), match.end(1)))
    return sorted(found, key=lambda piece: piece.start)
