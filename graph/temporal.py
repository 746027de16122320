"""Arabic temporal normaliser: parse a time phrase of the text and resolve it to dates.

``parse_time_phrase`` says what a phrase states (a period at the precision the text gives, a
qualifier, a mode, a relation to an anchor); ``resolve_time`` turns it into machine-comparable
bounds. The project's conventions (docs/conventions.md "Time", docs/data-model.md):

- A day, month or year: bounds are the first and last day of the period; not approximate.
- Qualifiers of a year: early = months 1-4, mid = months 5-8, late = months 9-12, end of = months
  9-12. Of a month: early = days 1-10, mid = days 11-20, late and end of = day 21 to the last day.
  A qualified period is approximate; a qualifier on a day is an error.
- "by X" (بحلول): no earliest bound, latest = last day of the (qualified) X; approximate.
- "since X" (منذ): the bounds of X (it is the begin time); approximate when X is qualified.
- "after X" with a date (بعد + date): earliest = the day after the (qualified) X, latest = the
  publication date; approximate.
- next day: the anchor's day + 1 (the anchor must be a day). A month later / the next month: the
  anchor's month + 1, at month precision (the anchor must be at least a month).
- "X of the current year": the publication year with the phrase's month. A month with no year
  (anchor-year): the anchor's year with the phrase's month, then the phrase's mode and qualifier.
- "after that" / "after <an event>": earliest = the anchor's earliest bound (may be none), latest =
  the publication date; if the two are the same day the period is that day, not approximate.
- same time: a copy of the anchor. A few days ago: no earliest, latest = publication; approximate.
- yesterday (أمس، يوم أمس): the day before publication, at day precision; not approximate.
- Every latest bound is capped at the publication date; a period that starts after it is an error
  (the text cannot report the future). A relative expression without an anchor is an error.
- A duration ("for a month") gives an end bound: the start's latest bound plus the duration.
"""

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from .arabic import CARDINALS, normalise_arabic


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Qualifier(StrEnum):
    EARLY = "early"
    MID = "mid"
    LATE = "late"
    END = "end of"


class Mode(StrEnum):
    AT = "at"
    BY = "by"
    SINCE = "since"
    AFTER = "after"


class Relation(StrEnum):
    NEXT_DAY = "next-day"
    MONTH_LATER = "month-later"
    NEXT_MONTH = "next-month"
    CURRENT_YEAR = "current-year"
    AFTER = "after"
    FEW_DAYS_AGO = "few-days-ago"
    ANCHOR_YEAR = "anchor-year"
    SAME_TIME = "same-time"
    YESTERDAY = "yesterday"


class TemporalError(ValueError):
    """A time phrase that cannot be parsed or resolved; the message names the phrase."""

    def __init__(self, phrase: str | None, problem: str = "cannot be understood") -> None:
        self.phrase = phrase
        self.problem = problem
        super().__init__(f"time phrase {phrase!r}: {problem}")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    """A calendar day, month or year, at the precision the text gives."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError(f"a day needs a month: {self!r}")
        month, day = (1 if v is None else v for v in (self.month, self.day))
        date(self.year, month, day)  # raises ValueError when out of range

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        return Precision.YEAR if self.month is None else Precision.MONTH

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        if self.month is None:
            return date(self.year, 12, 31)
        return date(
            self.year, self.month, self.day or calendar.monthrange(self.year, self.month)[1]
        )

    def xsd_literal(self) -> tuple[str, str]:
        """The XSD lexical form and datatype name: ``("2011-05", "gYearMonth")``."""
        if self.month is None:
            return f"{self.year:04d}", "gYear"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}", "gYearMonth"
        return self.first_day().isoformat(), "date"

    def plus(self, months: int = 0, days: int = 0) -> "Period":
        """Shift by months and days, keeping the precision (days need a day, months a month)."""
        if self.precision is Precision.YEAR:
            if days or months % 12:
                raise ValueError(f"cannot add {months} months, {days} days to the year {self}")
            return Period(self.year + months // 12)
        if self.precision is Precision.MONTH:
            if days:
                raise ValueError(f"cannot add days to the month {self}")
            shifted = _add_months(self.first_day(), months)
            return Period(shifted.year, shifted.month)
        shifted = _add_months(self.first_day(), months) + timedelta(days=days)
        return Period(shifted.year, shifted.month, shifted.day)

    def __str__(self) -> str:
        return self.xsd_literal()[0]


@dataclass(frozen=True)
class TimeExpression:
    """What a time phrase says, before resolution against an anchor and the publication date."""

    phrase: str
    period: Period | None
    qualifier: Qualifier | None
    mode: Mode
    relation: Relation | None
    month_without_year: int | None


@dataclass(frozen=True)
class ResolvedTime:
    """A time phrase resolved to a period (at the text's precision) and earliest/latest bounds."""

    phrase: str | None
    period: Period | None
    qualifier: Qualifier | None
    mode: Mode
    relation: Relation | None
    earliest: date | None
    latest: date | None
    approximate: bool

    def describe(self) -> str:
        """Canonical short form: "2011-04-18", "early 2011", "by end of 2013-07", "before ..."."""
        if self.period is not None:
            text = str(self.period)
            if self.qualifier is not None:
                text = f"{self.qualifier} {text}"
            if self.mode is Mode.AT or self.relation is Relation.AFTER:
                return text
            return f"{self.mode} {text}"
        if self.earliest is not None and self.latest is not None:
            if self.earliest == self.latest:
                return self.earliest.isoformat()
            return f"between {self.earliest.isoformat()} and {self.latest.isoformat()}"
        if self.latest is not None:
            return f"before {self.latest.isoformat()}"
        if self.earliest is not None:
            return f"after {self.earliest.isoformat()}"
        return "unknown"


# --- vocabulary (all in the matching form of normalise_arabic) ---------------------------------

MONTHS: dict[str, int] = {
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "ااذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
}
"""Month names, Egyptian/Western and Levantine, in the matching form ("ااذار" is in the text)."""

_UNITS = ["الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]


def _ordinal_days() -> dict[str, int]:
    words = {word: n for n, word in enumerate([*_UNITS, "العاشر"], start=1)}
    words |= {"الحادي عشر": 11} | {f"{w} عشر": n for n, w in enumerate(_UNITS[1:], start=12)}
    units = {"الحادي": 1, "الواحد": 1} | {w: n for n, w in enumerate(_UNITS[1:], 2)}
    for tens, base in (("العشر", 20), ("الثلاث", 30)):
        for ending in ("ين", "ون"):
            words[tens + ending] = base
            words |= {f"{w} و{tens}{ending}": base + n for w, n in units.items()}
    return {word: n for word, n in words.items() if n <= 31}


ORDINAL_DAYS = _ordinal_days()
"""Ordinal day words 1-31 (masculine, with the article), in the matching form."""

_QUALIFIERS = {
    "اوائل": Qualifier.EARLY,
    "بدايه": Qualifier.EARLY,
    "مطلع": Qualifier.EARLY,
    "اواسط": Qualifier.MID,
    "منتصف": Qualifier.MID,
    "اواخر": Qualifier.LATE,
    "نهايه": Qualifier.END,
    "بنهايه": Qualifier.END,
}
_MODES = {"بحلول": Mode.BY, "منذ": Mode.SINCE}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTH = _alternation(MONTHS)
_MONTH_SPEC = rf"(?P<months>(?:{_MONTH})(?:/(?:{_MONTH}))?)"
_YEAR = r"(?:(?:عام|سنه) )?(?P<year>\d{4})"
_DAY = rf"(?P<day>\d{{1,2}}|{_alternation(ORDINAL_DAYS)})"
_CURRENT = r"(?:العام (?:الحالي|الجاري)|السنه (?:الحاليه|الجاريه)|هذا العام|هذه السنه)"
_FILLER = re.compile(r"^(?:و|في|يوم|خلال|شهر)\s+")
_DATE_FORMS = [
    re.compile(rf"{_DAY}(?: من)? {_MONTH_SPEC}(?: من)? {_YEAR}"),
    re.compile(rf"{_MONTH_SPEC}(?: من)? {_YEAR}"),
    re.compile(rf"(?:{_MONTH_SPEC} من )?(?P<current>{_CURRENT})"),
    re.compile(rf"{_DAY}(?: من)? {_MONTH_SPEC}"),
    re.compile(_MONTH_SPEC),
    re.compile(_YEAR),
]
_RELATIVE = [
    (re.compile(r"اليوم التالي"), Relation.NEXT_DAY),
    (re.compile(r"الشهر التالي"), Relation.NEXT_MONTH),
    (
        re.compile(r"(?:حتي )?(?:ايام قليله خلت|(?:قبل|منذ) (?:ايام|بضعه ايام)(?: قليله)?)"),
        Relation.FEW_DAYS_AGO,
    ),
    (re.compile(r"(?:الوقت (?:نفسه|ذاته)|نفس الوقت|ذلك الوقت|ذلك الحين)"), Relation.SAME_TIME),
    (re.compile(r"امس"), Relation.YESTERDAY),
]
UNDERSTOOD = (
    "understood: a day, a month or a year (في 3 فبراير/شباط 2012، مايو/أيار 2011، عام 2013), "
    "with منذ، بحلول or بعد and اوائل، اواسط، اواخر or نهاية; or a relative phrase (في اليوم "
    "التالي، بعد شهر، في الشهر التالي، بعد ذلك، أمس، مارس من العام الحالي، ايام قليلة خلت); "
    "every rule is in graph/temporal.py"
)
_UNKNOWN_MONTH = re.compile(r"(?P<name>[^\s\d]+) (?:(?:عام|سنه) )?\d{4}")


def _strip_fillers(text: str) -> str:
    while (shorter := _FILLER.sub("", text, count=1)) != text:
        text = shorter
    return text


def _month_of(spec: str, phrase: str) -> int:
    numbers = {MONTHS[name] for name in spec.split("/")}
    if len(numbers) > 1:
        raise TemporalError(phrase, f"the month names in {spec!r} disagree")
    return numbers.pop()


def _date_form(text: str, phrase: str) -> tuple[Period | None, Relation | None, int | None] | None:
    """Parse a bare date (no mode, no qualifier): (period, relation, month without year)."""
    for form in _DATE_FORMS:
        if not (match := form.fullmatch(text)):
            continue
        parts = match.groupdict()
        month = _month_of(parts["months"], phrase) if parts.get("months") else None
        if parts.get("current"):
            return None, Relation.CURRENT_YEAR, month
        if parts.get("year") is None:
            if parts.get("day"):
                raise TemporalError(phrase, "a day without a year is not supported")
            return None, Relation.ANCHOR_YEAR, month
        day = parts.get("day")
        day_number = None if day is None else ORDINAL_DAYS.get(day) or int(day)
        try:
            return Period(int(parts["year"]), month, day_number), None, None
        except ValueError as error:
            raise TemporalError(phrase, f"no such date ({error})") from None
    return None


def _after(rest: str, phrase: str) -> TimeExpression:
    """Parse what follows "بعد": a month later, a date, or an event (relation "after")."""
    try:
        duration = _duration(re.sub(r" (?:من|علي) ذلك$", "", rest))
    except TemporalError:
        duration = None
    if duration is not None:
        relation = {(1, 0): Relation.MONTH_LATER, (0, 1): Relation.NEXT_DAY}.get(duration)
        if relation is None:
            raise TemporalError(phrase, "only 'a day later' and 'a month later' are supported")
        return TimeExpression(phrase, None, None, Mode.AT, relation, None)
    expression = _qualified(rest, phrase, Mode.AFTER)
    if expression is not None:
        return expression
    return TimeExpression(phrase, None, None, Mode.AFTER, Relation.AFTER, None)


def _qualified(text: str, phrase: str, mode: Mode) -> TimeExpression | None:
    qualifier = None
    head, _, rest = _strip_fillers(text).partition(" ")
    if head in _QUALIFIERS and rest:
        qualifier, text = _QUALIFIERS[head], _strip_fillers(rest)
    parsed = _date_form(_strip_fillers(text), phrase)
    if parsed is None:
        return None
    period, relation, month = parsed
    if qualifier is not None and period is not None and period.precision is Precision.DAY:
        raise TemporalError(phrase, "a qualifier (early, mid, late, end) needs a month or a year")
    return TimeExpression(phrase, period, qualifier, mode, relation, month)


def _parse(text: str, phrase: str) -> TimeExpression | None:
    text = _strip_fillers(text)
    for pattern, relation in _RELATIVE:
        if pattern.fullmatch(text):
            return TimeExpression(phrase, None, None, Mode.AT, relation, None)
    head, _, rest = text.partition(" ")
    if head == "بعد" and rest:
        return _after(rest, phrase)
    if head in _MODES and rest:
        return _qualified(rest, phrase, _MODES[head])
    return _qualified(text, phrase, Mode.AT)


def parse_time_phrase(phrase: str) -> TimeExpression:
    """Parse an Arabic time phrase ("في 18 ابريل/نيسان 2011", "بحلول اواخر 2011", ...)."""
    text = re.sub(r"\s*/\s*", "/", normalise_arabic(phrase))
    text = re.sub(r" و (?=ال(?:عشر|ثلاث))", " و", text)  # "الحادي و العشرين"
    candidates = [text, text[1:]] if text.startswith("و") else [text]  # a leading "and"
    for candidate in candidates:
        if (expression := _parse(candidate, phrase)) is not None:
            return expression
    if match := _UNKNOWN_MONTH.search(candidates[-1]):
        known = MONTHS.keys() | _QUALIFIERS.keys() | {"الاول", "الثاني", "في", "من", "منذ", "بحلول"}
        names = [n for n in match["name"].split("/") if n not in known]
        if names:
            raise TemporalError(phrase, f"unknown month name {names[0]!r}")
    raise TemporalError(phrase, f"no time expression found ({UNDERSTOOD})")


# --- resolution -------------------------------------------------------------------------------

_ANCHORED = {
    Relation.NEXT_DAY,
    Relation.MONTH_LATER,
    Relation.NEXT_MONTH,
    Relation.ANCHOR_YEAR,
    Relation.AFTER,
    Relation.SAME_TIME,
}
_YEAR_PARTS = {
    Qualifier.EARLY: (1, 4),
    Qualifier.MID: (5, 8),
    Qualifier.LATE: (9, 12),
    Qualifier.END: (9, 12),
}
_MONTH_PARTS = {
    Qualifier.EARLY: (1, 10),
    Qualifier.MID: (11, 20),
    Qualifier.LATE: (21, 31),
    Qualifier.END: (21, 31),
}


def _window(period: Period, qualifier: Qualifier | None, phrase: str) -> tuple[date, date]:
    """The first and last day of a period, narrowed by its qualifier."""
    if qualifier is None:
        return period.first_day(), period.last_day()
    if period.precision is Precision.YEAR:
        first, last = _YEAR_PARTS[qualifier]
        return date(period.year, first, 1), Period(period.year, last).last_day()
    if period.precision is Precision.MONTH:
        first, last = _MONTH_PARTS[qualifier]
        return _day(period, first), _day(period, last)
    raise TemporalError(phrase, "a qualifier (early, mid, late, end) needs a month or a year")


def _day(period: Period, day: int) -> date:
    return date(period.year, period.month or 1, min(day, period.last_day().day))


def _anchor_period(anchor: ResolvedTime | None, phrase: str, *allowed: Precision) -> Period:
    if anchor is None:
        raise TemporalError(phrase, "a relative time needs an anchor")
    if anchor.period is None or anchor.period.precision not in allowed:
        wanted = " or ".join(allowed)
        raise TemporalError(phrase, f"the anchor {anchor.describe()!r} is not a {wanted}")
    return anchor.period


def _period_of(expr: TimeExpression, anchor: ResolvedTime | None, published: date) -> Period:
    """The period of a dated or anchored expression, at the precision the text gives."""
    if expr.relation is None and expr.period is not None:
        return expr.period
    if expr.relation is Relation.NEXT_DAY:
        return _anchor_period(anchor, expr.phrase, Precision.DAY).plus(days=1)
    if expr.relation in (Relation.MONTH_LATER, Relation.NEXT_MONTH):
        base = _anchor_period(anchor, expr.phrase, Precision.DAY, Precision.MONTH)
        return Period(base.year, base.month).plus(months=1)
    if expr.relation is Relation.CURRENT_YEAR:
        return Period(published.year, expr.month_without_year)
    if expr.relation is Relation.YESTERDAY:
        day = published - timedelta(days=1)
        return Period(day.year, day.month, day.day)
    if expr.relation is Relation.ANCHOR_YEAR and expr.month_without_year is not None:
        base = _anchor_period(anchor, expr.phrase, *Precision)
        return Period(base.year, expr.month_without_year)
    raise TemporalError(expr.phrase, "the expression has no period")


def _after_anchor(expr: TimeExpression, anchor: ResolvedTime, published: date) -> ResolvedTime:
    earliest = anchor.earliest
    if earliest is not None and earliest > published:
        raise TemporalError(expr.phrase, f"the anchor starts after publication ({published})")
    if earliest == published:
        period = Period(published.year, published.month, published.day)
        return ResolvedTime(
            expr.phrase, period, None, expr.mode, expr.relation, published, published, False
        )
    return ResolvedTime(
        expr.phrase, None, None, expr.mode, expr.relation, earliest, published, True
    )


def resolve_time(
    expr: TimeExpression, anchor: ResolvedTime | None, published: date
) -> ResolvedTime:
    """Resolve an expression against its anchor (a previous time) and the publication date."""
    if expr.relation in _ANCHORED and anchor is None:
        raise TemporalError(expr.phrase, f"a relative time ({expr.relation}) needs an anchor")
    if expr.relation is Relation.FEW_DAYS_AGO:
        return ResolvedTime(
            expr.phrase, None, None, expr.mode, expr.relation, None, published, True
        )
    if anchor is not None and expr.relation is Relation.AFTER:
        return _after_anchor(expr, anchor, published)
    if anchor is not None and expr.relation is Relation.SAME_TIME:
        if anchor.earliest is not None and anchor.earliest > published:
            raise TemporalError(expr.phrase, f"the anchor is after publication ({published})")
        return replace(anchor, phrase=expr.phrase, relation=Relation.SAME_TIME)
    period = _period_of(expr, anchor, published)
    first, last = _window(period, expr.qualifier, expr.phrase)
    if first > published:
        raise TemporalError(expr.phrase, f"{period} is after the publication date {published}")
    approximate = expr.qualifier is not None or expr.mode in (Mode.BY, Mode.AFTER)
    earliest: date | None = None if expr.mode is Mode.BY else first
    latest = last
    if expr.mode is Mode.AFTER:
        earliest, latest = last + timedelta(days=1), published
        if earliest > published:
            raise TemporalError(expr.phrase, f"after {period} is after publication ({published})")
    return ResolvedTime(
        expr.phrase,
        period,
        expr.qualifier,
        expr.mode,
        expr.relation,
        earliest,
        min(latest, published),
        approximate,
    )


# --- durations --------------------------------------------------------------------------------

_DURATION_UNITS: dict[str, tuple[int, int]] = {
    "يوم": (0, 1),
    "يوما": (0, 1),
    "ايام": (0, 1),
    "اسبوع": (0, 7),
    "اسبوعا": (0, 7),
    "اسابيع": (0, 7),
    "شهر": (1, 0),
    "شهرا": (1, 0),
    "اشهر": (1, 0),
    "شهور": (1, 0),
    "عام": (12, 0),
    "عاما": (12, 0),
    "سنه": (12, 0),
    "اعوام": (12, 0),
    "سنوات": (12, 0),
}
_DUAL_UNITS: dict[str, tuple[int, int]] = {
    "يومين": (0, 2),
    "يومان": (0, 2),
    "اسبوعين": (0, 14),
    "اسبوعان": (0, 14),
    "شهرين": (2, 0),
    "شهران": (2, 0),
    "عامين": (24, 0),
    "عامان": (24, 0),
    "سنتين": (24, 0),
    "سنتان": (24, 0),
}
_DURATION = re.compile(
    rf"(?:ل?مده |طوال )?(?:(?P<count>\d+|{_alternation(CARDINALS)}) )?"
    rf"(?P<unit>{_alternation(_DURATION_UNITS | _DUAL_UNITS)})(?: (?:واحد|واحده))?"
)


def _duration(text: str) -> tuple[int, int]:
    if not (match := _DURATION.fullmatch(text)):
        raise TemporalError(text, "no duration found")
    unit, count = match["unit"], match["count"]
    if unit in _DUAL_UNITS:
        if count is not None:
            raise TemporalError(text, "a dual unit takes no number")
        return _DUAL_UNITS[unit]
    n = 1 if count is None else CARDINALS.get(count) or int(count)
    months, days = _DURATION_UNITS[unit]
    return months * n, days * n


def parse_duration(phrase: str) -> tuple[int, int]:
    """Parse a duration ("لمدة شهر" -> (1, 0), "لمدة يومين" -> (0, 2)) as (months, days)."""
    try:
        return _duration(normalise_arabic(phrase))
    except TemporalError:
        raise TemporalError(phrase, "no duration found") from None


def end_bound(start: ResolvedTime, months: int, days: int) -> date:
    """The latest end of something that starts at ``start`` and lasts months and days."""
    if start.latest is not None:
        base = start.latest
    elif start.period is not None:
        base = start.period.last_day()
    else:
        raise TemporalError(start.phrase, "the start has no latest bound")
    return _add_months(base, months) + timedelta(days=days)
