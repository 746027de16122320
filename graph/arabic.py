"""Arabic text helpers: the matching form of docs/conventions.md and Arabic numerals.

The matching form (used by search and checks, never for stored labels) drops diacritics
(U+064B-U+065F, U+0670) and tatweel (U+0640), writes every alef with hamza or madda and alef wasla
as a bare alef, teh marbuta as heh, alef maksura as yeh, Eastern Arabic and Persian digits as ASCII
digits, and collapses whitespace.
"""

import re

_DIACRITICS = {code: None for code in range(0x064B, 0x0660)}
_DIACRITICS[0x0670] = None  # superscript alef
_DIACRITICS[0x0640] = None  # tatweel

_LETTERS = {
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0622": "\u0627",  # alef with madda above -> alef
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u0649": "\u064a",  # alef maksura -> yeh
}

_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}

_MATCHING_FORM = str.maketrans(_DIACRITICS | {ord(k): v for k, v in _LETTERS.items()} | _DIGITS)
_TO_ASCII_DIGITS = str.maketrans(_DIGITS)
_WHITESPACE = re.compile(r"\s+")

CARDINALS: dict[str, int] = {
    "واحد": 1, "واحده": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاثه": 3, "ثلاث": 3,
    "اربعه": 4, "اربع": 4,
    "خمسه": 5, "خمس": 5,
    "سته": 6, "ست": 6,
    "سبعه": 7, "سبع": 7,
    "ثمانيه": 8, "ثماني": 8, "ثمان": 8,
    "تسعه": 9, "تسع": 9,
    "عشره": 10, "عشر": 10,
}  # fmt: skip
"""Cardinal number words 1-10, masculine and feminine, in the matching form."""


def normalise_arabic(text: str) -> str:
    """Return the matching form of ``text`` (docs/conventions.md, "Labels and text")."""
    return _WHITESPACE.sub(" ", text.translate(_MATCHING_FORM)).strip()


def parse_arabic_int(token: str) -> int:
    """Parse a string of ASCII, Eastern Arabic or Persian digits; raise ValueError otherwise."""
    ascii_token = token.translate(_TO_ASCII_DIGITS)
    if not ascii_token or not (ascii_token.isascii() and ascii_token.isdigit()):
        raise ValueError(f"not a digit string: {token!r}")
    return int(ascii_token)


def parse_arabic_number(token: str) -> int:
    """Parse a digit string (any script) or a cardinal number word 1-10 (``ثلاثة`` -> 3)."""
    word = normalise_arabic(token)
    if word in CARDINALS:
        return CARDINALS[word]
    try:
        return parse_arabic_int(word)
    except ValueError:
        raise ValueError(f"not a number: {token!r}") from None
