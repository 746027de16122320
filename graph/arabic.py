"""Arabic text helpers: the matching form of docs/conventions.md and Arabic numerals.

The matching form (used by search, quote location and checks, never for stored labels) drops
diacritics (U+064B-U+065F, U+0670), tatweel (U+0640) and invisible format characters (zero-width
space and joiners, word joiner, byte order mark, direction marks), writes every alef with hamza or
madda and alef wasla as a bare alef, teh marbuta as heh, alef maksura and Persian yeh as yeh,
Persian kaf (keheh) as kaf, Eastern Arabic and Persian digits as ASCII digits, and collapses
whitespace (the non-breaking spaces included). Every character becomes at most one character, so
``matching_form_with_offsets`` can map a match in the matching form back to the original text.
"""

import re

_DIACRITICS = {code: None for code in range(0x064B, 0x0660)}
_DIACRITICS[0x0670] = None  # superscript alef
_DIACRITICS[0x0640] = None  # tatweel
_INVISIBLE = {
    code: None for code in (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C, 0x00AD)
}

_LETTERS = {
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0622": "\u0627",  # alef with madda above -> alef
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u06cc": "\u064a",  # Persian (Farsi) yeh -> yeh
    "\u06a9": "\u0643",  # keheh (Persian kaf) -> kaf
    "\u0675": "\u0627",  # high hamza alef -> alef
}

_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}

_MATCHING_FORM = str.maketrans(
    _DIACRITICS | _INVISIBLE | {ord(k): v for k, v in _LETTERS.items()} | _DIGITS
)
_TO_ASCII_DIGITS = str.maketrans(_DIGITS)
_WHITESPACE = re.compile(r"\s+")

CARDINALS: dict[str, int] = {
    "واحد": 1,
    "واحده": 1,
    "اثنان": 2,
    "اثنين": 2,
    "اثنتان": 2,
    "اثنتين": 2,
    "ثلاثه": 3,
    "ثلاث": 3,
    "اربعه": 4,
    "اربع": 4,
    "خمسه": 5,
    "خمس": 5,
    "سته": 6,
    "ست": 6,
    "سبعه": 7,
    "سبع": 7,
    "ثمانيه": 8,
    "ثماني": 8,
    "ثمان": 8,
    "تسعه": 9,
    "تسع": 9,
    "عشره": 10,
    "عشر": 10,
}
"""Cardinal number words 1-10, masculine and feminine, in the matching form."""


def normalise_arabic(text: str) -> str:
    """Return the matching form of ``text`` (docs/conventions.md, "Labels and text")."""
    return _WHITESPACE.sub(" ", text.translate(_MATCHING_FORM)).strip()


def matching_form_with_offsets(text: str) -> tuple[str, list[int]]:
    """The matching form of ``text`` (not stripped) and, for each of its characters, the offset
    of the character of ``text`` it comes from."""
    form: list[str] = []
    offsets: list[int] = []
    for offset, char in enumerate(text):
        mapped = " " if char.isspace() else char.translate(_MATCHING_FORM)
        if not mapped or (mapped == " " and form and form[-1] == " "):
            continue
        form.append(mapped)
        offsets.append(offset)
    return "".join(form), offsets


def is_mark(char: str) -> bool:
    """True for a character the matching form drops that belongs to the letter before it
    (a diacritic or tatweel), as opposed to an invisible format character."""
    return char.translate(_DIACRITICS) == ""


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
