"""Arabic quantity parser: counts and shares as the text gives them, with their uncertainty.

Conventions (docs/conventions.md "Numbers", docs/data-model.md "Counts"):

- "340 شخصا": exact, low = high = value = 340.
- "ما بين 200 الى 300" / "بين X و Y" / "من X الى Y" / "X-Y": a range, low X, high Y, no value;
  X greater than Y is an error.
- نحو، حوالي، قرابة، زهاء، ما يقارب، تقريبا: approximate, low = high = value = N.
- "3 آلاف" / "ثلاثة آلاف" / "20 ألف": times 1000 (ملايين: times a million); "ألف" 1000, "ألفين"
  2000, "مئة" 100, "مئتين" 200. In "بين 2 و3 آلاف" the scale of the second number applies to both.
- Vague amounts, approximate with no value: العشرات 20-99, المئات 200-999, الآلاف 2000-9999;
  followed by آلاف they are thousands ("عشرات الآلاف" 20000-99999).
- Unit "percent" when the phrase says بالمائة / بالمئة / في المائة / في المئة / % / ٪; else the
  unit whose Arabic word the phrase holds (the ontology's hkg:CountUnit concepts: "نحو 40 عائلة"
  counts families, not persons); else "persons". A unit other than persons and percent is part of
  the description: "~40 families".
- A phrase with no number, or with two numbers that are not a range, is an error.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from .arabic import CARDINALS, normalise_arabic

PERSONS, PERCENT = "persons", "percent"


@dataclass(frozen=True)
class Quantity:
    """A count or share: bounds, the stated value (None for a range), and an approximate flag."""

    low: int | float
    high: int | float
    value: int | float | None
    approximate: bool
    unit: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", self.unit):
            raise ValueError(f"a unit is a lowercase notation such as 'persons', not {self.unit!r}")
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")

    def describe(self) -> str:
        """Canonical short form: "340", "200-300", "~3000", "15-20%", "~200-999"."""
        text = f"{self.value}" if self.value is not None else f"{self.low}-{self.high}"
        unit = {PERSONS: "", PERCENT: "%"}.get(self.unit, f" {self.unit}")
        return ("~" if self.approximate else "") + text + unit


class QuantityError(ValueError):
    """A phrase with no quantity in it, or an inconsistent one; the message names the phrase."""

    def __init__(self, phrase: str, problem: str = "cannot be understood") -> None:
        self.phrase = phrase
        self.problem = problem
        super().__init__(f"quantity phrase {phrase!r}: {problem}")


_SCALES = {
    "الاف": 1000,
    "الف": 1000,
    "الفا": 1000,
    "مليون": 10**6,
    "ملايين": 10**6,
    "مليونا": 10**6,
}
_WORDS = {
    "الف": 1000,
    "الفين": 2000,
    "الفان": 2000,
    "مليون": 10**6,
    "مليونين": 2 * 10**6,
    "مئه": 100,
    "مائه": 100,
    "مئتين": 200,
    "مئتان": 200,
    "مائتين": 200,
    "مائتان": 200,
}
_VAGUE = {
    "العشرات": (20, 99),
    "عشرات": (20, 99),
    "المئات": (200, 999),
    "مئات": (200, 999),
    "الالاف": (2000, 9999),
    "الاف": (2000, 9999),
}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER = rf"(?:\d+(?:\.\d+)?(?!\d)|(?:{_alternation(CARDINALS)})(?!\w))"
_AMOUNT = rf"(?:{_NUMBER}(?: (?:{_alternation(_SCALES)})(?!\w))?|(?:{_alternation(_WORDS)})(?!\w))"
_AMOUNT_PARTS = re.compile(rf"(?P<number>{_NUMBER})(?: (?P<scale>{_alternation(_SCALES)}))?")
_RANGE = re.compile(
    rf"(?<![\w.])(?:(?:ما )?بين (?P<a>{_AMOUNT}) ?(?:و|الي) ?(?P<b>{_AMOUNT})"
    rf"|من (?P<c>{_AMOUNT}) (?:الي|حتي) (?P<d>{_AMOUNT})"
    rf"|(?P<e>{_AMOUNT}) ?- ?(?P<f>{_AMOUNT}))"
)
_SINGLE = re.compile(rf"(?<![\w.])(?:{_AMOUNT})")
_VAGUE_AMOUNT = re.compile(
    rf"(?<!\w)(?P<word>{_alternation(_VAGUE)})(?P<thousands> (?:ال)?الاف)?(?!\w)"
)
_APPROXIMATORS = re.compile(r"(?<!\w)(?:نحو|حوالي|قرابه|زهاء|ما يقارب|يقارب|تقريبا)(?!\w)")
_PERCENT = re.compile(r"(?:بال|في ال)(?:مائه|مئه)(?!\w)|%|\u066a")


def _amount(text: str) -> tuple[int | float, int]:
    """One amount as (number, scale): "3 آلاف" -> (3, 1000), "الفين" -> (2000, 1)."""
    if text in _WORDS:
        return _WORDS[text], 1
    match = _AMOUNT_PARTS.fullmatch(text)
    assert match is not None, text  # the callers only pass what _AMOUNT matched
    number = match["number"]
    value = CARDINALS.get(number) or (float(number) if "." in number else int(number))
    return value, _SCALES[match["scale"]] if match["scale"] else 1


def _value(number: int | float, scale: int) -> int | float:
    value = number * scale
    return int(value) if scale > 1 and float(value).is_integer() else value


def _prepare(phrase: str) -> str:
    text = normalise_arabic(phrase)
    text = re.sub(r"(?<=\d)[\u066c,](?=\d{3}(?!\d))", "", text)  # thousands separators
    return re.sub(r"(?<=\d)\u066b(?=\d)", ".", text)  # Arabic decimal separator


def _range(match: re.Match[str], phrase: str) -> tuple[int | float, int | float]:
    first, second = (g for g in match.groups() if g is not None)
    (low, low_scale), (high, high_scale) = _amount(first), _amount(second)
    if low_scale == 1 and high_scale > 1 and low <= high:
        low_scale = high_scale  # "بين 2 و3 آلاف": 2000 to 3000
    low, high = _value(low, low_scale), _value(high, high_scale)
    if low > high:
        raise QuantityError(phrase, f"the range {low}-{high} runs backwards")
    return low, high


@cache
def packaged_unit_words() -> dict[str, str]:
    """The Arabic unit words of the packaged ontology (matching form -> unit notation)."""
    from .schema import packaged_terms

    return packaged_terms().unit_words


def unit_of(text: str, unit_words: Mapping[str, str]) -> str:
    """The unit a prepared phrase counts in: percent, a unit its words name, or persons."""
    if _PERCENT.search(text):
        return PERCENT
    units = {unit_words[word] for word in re.findall(r"\w+", text) if word in unit_words}
    units.discard(PERSONS)
    return units.pop() if len(units) == 1 else PERSONS


def parse_quantity(phrase: str, unit_words: Mapping[str, str] | None = None) -> Quantity:
    """Parse an Arabic count or share ("ما بين 200 الى 300 شخص", "حوالي 3 آلاف مدني");
    ``unit_words`` (default: the packaged ontology's) tell the units other than persons."""
    text = _prepare(phrase)
    unit = unit_of(text, packaged_unit_words() if unit_words is None else unit_words)
    text = _PERCENT.sub(" ", text)
    approximate = _APPROXIMATORS.search(text) is not None
    if match := _RANGE.search(text):
        low, high = _range(match, phrase)
        quantity = Quantity(low, high, None, approximate, unit)
    elif amounts := _SINGLE.findall(text):
        if len(amounts) > 1:
            raise QuantityError(phrase, f"more than one number ({', '.join(amounts)})")
        value = _value(*_amount(amounts[0]))
        quantity = Quantity(value, value, value, approximate, unit)
    elif match := _VAGUE_AMOUNT.search(text):
        low, high = _VAGUE[match["word"]]
        if match["thousands"]:
            low, high = low * 1000, high * 1000 + 999
        quantity = Quantity(low, high, None, True, unit)
    else:
        raise QuantityError(phrase, "no number found")
    if unit == PERCENT and quantity.high > 100:
        raise QuantityError(phrase, f"a share above 100% ({quantity.high})")
    return quantity
