"""The graph's dates, times and counts in words, in English and in Arabic, at the precision the
text gives and no finer (docs/data-model.md: "late 2011" stays "late 2011", never 2011-12-31),
and quotes cut around their exact words. (The interface's own words: server/web/language.py.)

Everything here returns plain strings; the templates escape them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homs_kg.server.pages.vocabulary import Label

EN_DASH = "\u2013"
EN, AR = 0, 1  # the index of each language in the pairs below
# The article writes each month by both its names, the Egyptian/Gulf one first and the Levantine
# one after a slash ("فبراير/شباط 2012"); its hamza spelling varies (ابريل, أيار, آيار), so the
# names are written in the standard spelling.
MONTHS = (
    ("January", "يناير/كانون الثاني"),
    ("February", "فبراير/شباط"),
    ("March", "مارس/آذار"),
    ("April", "أبريل/نيسان"),
    ("May", "مايو/أيار"),
    ("June", "يونيو/حزيران"),
    ("July", "يوليو/تموز"),
    ("August", "أغسطس/آب"),
    ("September", "سبتمبر/أيلول"),
    ("October", "أكتوبر/تشرين الأول"),
    ("November", "نوفمبر/تشرين الثاني"),
    ("December", "ديسمبر/كانون الأول"),
)

# hkg:timeQualifier: how a vague phrase narrows its period (in Arabic, the article's own words).
QUALIFIERS = {
    "EarlyPeriod": ("early {}", "أوائل {}"),
    "MidPeriod": ("mid-{}", "أواسط {}"),
    "LatePeriod": ("late {}", "أواخر {}"),
    "EndOfPeriod": ("the end of {}", "نهاية {}"),
}
# hkg:timeMode: how the event stands to its time (AtTime and AfterAnchor add nothing to the date;
# AfterAnchor is said with its anchor).
MODES = {"NoLaterThan": ("by {}", "بحلول {}"), "SinceTime": ("since {}", "منذ {}")}
# hkg:relativeTime: how a relative phrase was resolved against its anchor, said before the
# anchor's name (the Arabic avoids a clitic, since the name is a separate link).
RELATIVE = {
    "next-day": ("the day after", "في اليوم الذي تلا"),
    "month-later": ("a month after", "بعد شهر من"),
    "next-month": ("the month after", "في الشهر الذي تلا"),
    "current-year": ("in the year of", "في عام"),
    "after": ("after", "بعد"),
    "few-days-ago": ("a few days before", "قبل أيام من"),
    "anchor-year": ("in the same year as", "في العام نفسه الذي شهد"),
    "same-time": ("at the same time as", "بالتزامن مع"),
    "during": ("during", "خلال"),
}
UNKNOWN_RELATIVE = ("relative ({}) to", "بالنسبة إلى")
BETWEEN = ("between {} and {}", "بين {} و{}")
NO_LATER = ("no later than {}", "في موعد لا يتجاوز {}")
NO_EARLIER = ("no earlier than {}", "في موعد لا يسبق {}")
END = ("by {}", "بحلول {}")
ABOUT = ("about {}", "نحو {}")
PERCENT = ("{} %", "{}٪")


def index_of(language: str) -> int:
    return AR if language == "ar" else EN


def both(render: Callable[[str], str | None]) -> Label:
    """``render(language)`` in English and in Arabic."""
    return Label(render("en"), render("ar"))


def local_name(iri: str | None) -> str | None:
    if iri is None:
        return None
    return iri[max(iri.rfind("/"), iri.rfind("#")) + 1 :]


def date_text(lexical: str, datatype: str | None, language: str = "en") -> str:
    """``2011-04-18``^^xsd:date → "18 April 2011" ("18 أبريل/نيسان 2011"), gYearMonth → "May
    2011", gYear → "2011"; digits as the article writes them (ASCII)."""
    kind = local_name(datatype) or "date"
    parts = lexical[:10].split("-")
    try:
        if kind == "date" and len(parts) == 3:
            month = MONTHS[int(parts[1]) - 1][index_of(language)]
            return f"{int(parts[2])} {month} {parts[0]}"
        if kind == "gYearMonth" and len(parts) >= 2:
            return f"{MONTHS[int(parts[1]) - 1][index_of(language)]} {parts[0]}"
        if kind == "gYear":
            return parts[0]
    except (ValueError, IndexError):
        pass
    return lexical


@dataclass(frozen=True)
class TimeFacts:
    """An event's time as the graph states it (local names for the hkg: individuals)."""

    date: str | None = None
    datatype: str | None = None
    phrase: str | None = None  # hkg:datePhrase, Arabic
    qualifier: str | None = None  # hkg:timeQualifier
    mode: str | None = None  # hkg:timeMode
    earliest: str | None = None  # sem:hasEarliestBeginTimeStamp
    latest: str | None = None  # sem:hasLatestBeginTimeStamp
    relative: str | None = None  # hkg:relativeTime
    end: str | None = None  # sem:hasLatestEndTimeStamp
    end_phrase: str | None = None  # hkg:endPhrase, Arabic
    approximate: bool = False

    @property
    def dated(self) -> bool:
        return bool(self.date or self.earliest or self.latest)


def time_text(facts: TimeFacts, language: str = "en") -> str | None:
    """An event's time: its date at its precision, qualified ("late 2011") and moded ("by late
    2011"); without hkg:date, its bounds ("between 2015-09-01 and 2015-12-09")."""
    at = index_of(language)
    if facts.date:
        text = date_text(facts.date, facts.datatype, language)
        if facts.qualifier in QUALIFIERS:
            text = QUALIFIERS[facts.qualifier][at].format(text)
        mode = MODES.get(facts.mode or "")
        return mode[at].format(text) if mode else text
    return bounds(facts.earliest, facts.latest, language)


def bounds(earliest: str | None, latest: str | None, language: str = "en") -> str | None:
    """Bounds worked out from the text: ISO dates in English, as the text's dates are not; in
    words in Arabic, the way an Arabic reader reads any date."""
    at = index_of(language)

    def shown(bound: str) -> str:
        return date_text(bound, None, language) if at == AR else bound

    if earliest and latest:
        if earliest == latest:
            return shown(earliest)
        return BETWEEN[at].format(shown(earliest), shown(latest))
    if latest:
        return NO_LATER[at].format(shown(latest))
    if earliest:
        return NO_EARLIER[at].format(shown(earliest))
    return None


def relation_to_anchor(facts: TimeFacts, language: str = "en") -> str | None:
    """How the time was resolved against its anchor ("the day after", "after"), if it was."""
    at = index_of(language)
    if facts.relative:
        if facts.relative in RELATIVE:
            return RELATIVE[facts.relative][at]
        return UNKNOWN_RELATIVE[at].format(facts.relative)
    if facts.mode == "AfterAnchor":
        return RELATIVE["after"][at]
    return None


def end_text(facts: TimeFacts, language: str = "en") -> str | None:
    """The end bound a duration or an end phrase gives (a latest bound, hence "by")."""
    if not facts.end:
        return None
    return END[index_of(language)].format(date_text(facts.end, None, language))


def number(lexical: str, language: str = "en") -> str:
    """1800 → "1,800" in English; in Arabic as the article writes it, "1800"; a non-integer is
    shown as written."""
    try:
        value = int(lexical)
    except ValueError:
        return lexical
    return f"{value:,}" if language == "en" else str(value)


def count_text(
    value: str | None,
    minimum: str | None,
    maximum: str | None,
    unit: str | None,
    approximate: bool,
    language: str = "en",
) -> str:
    """A count as the text gives it: "340", "about 3,000", "200-300", "15-20 %" (with an en
    dash between the bounds)."""
    at = index_of(language)
    if value is not None:
        text = number(value, language)
    elif minimum is not None and maximum is not None and minimum != maximum:
        text = f"{number(minimum, language)}{EN_DASH}{number(maximum, language)}"
    else:
        text = number(minimum or maximum or "?", language)
    if approximate:
        text = ABOUT[at].format(text)
    if unit == "percent":
        text = PERCENT[at].format(text)
    return text


def common_suffix(left: str, right: str) -> int:
    size = 0
    while size < min(len(left), len(right)) and left[-1 - size] == right[-1 - size]:
        size += 1
    return size


def common_prefix(left: str, right: str) -> int:
    size = 0
    while size < min(len(left), len(right)) and left[size] == right[size]:
        size += 1
    return size


def split_quote(
    sentence: str, exact: str, prefix: str = "", suffix: str = ""
) -> tuple[str, str, str] | None:
    """The sentence cut around the quote: (before, exact, after). Of several occurrences, the one
    whose surroundings best match the selector's prefix and suffix (the first on a tie); None
    when the sentence does not hold the quote."""
    if not exact:
        return None
    found, start = [], sentence.find(exact)
    while start >= 0:
        found.append(start)
        start = sentence.find(exact, start + 1)
    if not found:
        return None

    def fit(at: int) -> tuple[int, int]:
        after = at + len(exact)
        return common_suffix(sentence[:at], prefix) + common_prefix(sentence[after:], suffix), -at

    at = max(found, key=fit)
    return sentence[:at], exact, sentence[at + len(exact) :]
