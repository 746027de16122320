"""Tests for the Arabic temporal normaliser (homs_kg.graph.temporal)."""

import re
from contextlib import AbstractContextManager
from datetime import date

import pytest

from homs_kg.graph.temporal import (
    Mode,
    Period,
    Precision,
    Qualifier,
    Relation,
    ResolvedTime,
    TemporalError,
    TimeExpression,
    end_bound,
    parse_duration,
    parse_time_phrase,
    resolve_time,
)

PUBLISHED = date(2017, 5, 21)


def resolve(phrase: str, anchor: ResolvedTime | None = None) -> ResolvedTime:
    return resolve_time(parse_time_phrase(phrase), anchor, PUBLISHED)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- Period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "precision", "literal", "first", "last"),
    [
        (Period(2011, 4, 18), Precision.DAY, ("2011-04-18", "date"), "2011-04-18", "2011-04-18"),
        (Period(2011, 5), Precision.MONTH, ("2011-05", "gYearMonth"), "2011-05-01", "2011-05-31"),
        (Period(2012, 2), Precision.MONTH, ("2012-02", "gYearMonth"), "2012-02-01", "2012-02-29"),
        (Period(2013), Precision.YEAR, ("2013", "gYear"), "2013-01-01", "2013-12-31"),
    ],
)
def test_period_precision_literal_and_days(
    period: Period, precision: Precision, literal: tuple[str, str], first: str, last: str
) -> None:
    assert (period.precision, period.xsd_literal(), str(period)) == (precision, literal, literal[0])
    assert (period.first_day(), period.last_day()) == (d(first), d(last))


@pytest.mark.parametrize(
    ("period", "months", "days", "expected"),
    [
        (Period(2012, 2, 3), 0, 1, Period(2012, 2, 4)),
        (Period(2012, 2, 28), 0, 1, Period(2012, 2, 29)),
        (Period(2012, 12, 31), 0, 1, Period(2013, 1, 1)),
        (Period(2012, 1, 31), 1, 0, Period(2012, 2, 29)),
        (Period(2012, 5), 1, 0, Period(2012, 6)),
        (Period(2012, 12), 1, 0, Period(2013, 1)),
        (Period(2012), 12, 0, Period(2013)),
    ],
)
def test_period_plus_keeps_precision(
    period: Period, months: int, days: int, expected: Period
) -> None:
    assert period.plus(months=months, days=days) == expected


@pytest.mark.parametrize(
    ("period", "months", "days"), [(Period(2012, 5), 0, 1), (Period(2012), 1, 0)]
)
def test_period_plus_below_its_precision_raises(period: Period, months: int, days: int) -> None:
    with pytest.raises(ValueError, match="cannot add"):
        period.plus(months=months, days=days)


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(2011, 13, None), (2011, None, 5), (2012, 2, 30), (2011, 0, None), (2011, 5, 0)],
)
def test_period_rejects_impossible_dates(year: int, month: int | None, day: int | None) -> None:
    with pytest.raises(ValueError):
        Period(year, month, day)


# --- every time phrase of the article, without an anchor --------------------------------------

ARTICLE_ABSOLUTE = [
    # phrase, describe(), earliest, latest, approximate
    ("يوم 21 مايو/آيار 2017", "2017-05-21", "2017-05-21", "2017-05-21", False),
    ("اوائل 2011", "early 2011", "2011-01-01", "2011-04-30", True),
    ("في 18 ابريل/نيسان 2011", "2011-04-18", "2011-04-18", "2011-04-18", False),
    ("في مايو/أيار 2011", "2011-05", "2011-05-01", "2011-05-31", False),
    ("بحلول اواخر 2011", "by late 2011", None, "2011-12-31", True),
    ("في 29 اكتوبر/تشرين الاول 2011", "2011-10-29", "2011-10-29", "2011-10-29", False),
    ("في 3 فبراير/شباط 2012", "2012-02-03", "2012-02-03", "2012-02-03", False),
    ("في 22 فبراير/شباط 2012", "2012-02-22", "2012-02-22", "2012-02-22", False),
    ("بحلول مايو/ايار 2012", "by 2012-05", None, "2012-05-31", True),
    ("وفي كانون الاول/ديسمبر 2012", "2012-12", "2012-12-01", "2012-12-31", False),
    ("مارس/آذار 2013", "2013-03", "2013-03-01", "2013-03-31", False),
    ("في اواسط 2013", "mid 2013", "2013-05-01", "2013-08-31", True),
    ("بحلول نهاية يوليو/تموز 2013", "by end of 2013-07", None, "2013-07-31", True),
    ("بنهاية يناير/كانون الثاني 2014", "end of 2014-01", "2014-01-21", "2014-01-31", True),
    ("منذ اواسط 2012", "since mid 2012", "2012-05-01", "2012-08-31", True),
    ("في فبراير/شباط 2014", "2014-02", "2014-02-01", "2014-02-28", False),
    ("في مايو/آيار 2015", "2015-05", "2015-05-01", "2015-05-31", False),
    ("اواخر عام 2015", "late 2015", "2015-09-01", "2015-12-31", True),
    ("منذ عام 2013", "since 2013", "2013-01-01", "2013-12-31", False),
    ("في التاسع من كانون الاول/ ديسمبر 2015", "2015-12-09", "2015-12-09", "2015-12-09", False),
    ("منذ اواخر 2015", "since late 2015", "2015-09-01", "2015-12-31", True),
    ("وحتى ايام قليلة خلت", "before 2017-05-21", None, "2017-05-21", True),
    ("في شهر مارس/آاذار من العام الحالي", "2017-03", "2017-03-01", "2017-03-31", False),
]


@pytest.mark.parametrize(
    ("phrase", "described", "earliest", "latest", "approximate"), ARTICLE_ABSOLUTE
)
def test_article_phrase_resolves(
    phrase: str, described: str, earliest: str | None, latest: str, approximate: bool
) -> None:
    resolved = resolve(phrase)
    assert resolved.describe() == described
    assert resolved.earliest == (None if earliest is None else d(earliest))
    assert resolved.latest == d(latest)
    assert resolved.approximate is approximate
    assert resolved.phrase == phrase


ARTICLE_EXPRESSIONS = [
    ("يوم 21 مايو/آيار 2017", Period(2017, 5, 21), None, Mode.AT, None, None),
    ("اوائل 2011", Period(2011), Qualifier.EARLY, Mode.AT, None, None),
    ("بحلول اواخر 2011", Period(2011), Qualifier.LATE, Mode.BY, None, None),
    ("في التاسع من كانون الاول/ ديسمبر 2015", Period(2015, 12, 9), None, Mode.AT, None, None),
    ("بحلول نهاية يوليو/تموز 2013", Period(2013, 7), Qualifier.END, Mode.BY, None, None),
    ("بنهاية يناير/كانون الثاني 2014", Period(2014, 1), Qualifier.END, Mode.AT, None, None),
    ("منذ عام 2013", Period(2013), None, Mode.SINCE, None, None),
    ("وبحلول يونيو/حزيران", None, None, Mode.BY, Relation.ANCHOR_YEAR, 6),
    ("في شهر مارس/آاذار من العام الحالي", None, None, Mode.AT, Relation.CURRENT_YEAR, 3),
    ("في اليوم التالي", None, None, Mode.AT, Relation.NEXT_DAY, None),
    ("وبعد شهر", None, None, Mode.AT, Relation.MONTH_LATER, None),
    ("في الشهر التالي", None, None, Mode.AT, Relation.NEXT_MONTH, None),
    ("وبعد ذلك", None, None, Mode.AFTER, Relation.AFTER, None),
    ("بعد مغادرة الحافلات", None, None, Mode.AFTER, Relation.AFTER, None),
    ("وحتى ايام قليلة خلت", None, None, Mode.AT, Relation.FEW_DAYS_AGO, None),
]


@pytest.mark.parametrize(
    ("phrase", "period", "qualifier", "mode", "relation", "month"), ARTICLE_EXPRESSIONS
)
def test_article_phrase_parses(
    phrase: str,
    period: Period | None,
    qualifier: Qualifier | None,
    mode: Mode,
    relation: Relation | None,
    month: int | None,
) -> None:
    expected = TimeExpression(phrase, period, qualifier, mode, relation, month)
    assert parse_time_phrase(phrase) == expected


# --- the article's relative phrases, against their anchors ------------------------------------

ARTICLE_RELATIVE = [
    # phrase, anchor phrase, describe(), earliest, latest, approximate
    ("في اليوم التالي", "في 3 فبراير/شباط 2012", "2012-02-04", "2012-02-04", "2012-02-04", False),
    ("وبعد شهر", "بحلول مايو/ايار 2012", "2012-06", "2012-06-01", "2012-06-30", False),
    ("وبحلول يونيو/حزيران", "في اواسط 2013", "by 2013-06", None, "2013-06-30", True),
    ("وبعد ذلك", "وبحلول يونيو/حزيران 2013", "before 2017-05-21", None, "2017-05-21", True),
    ("في الشهر التالي", "في فبراير/شباط 2014", "2014-03", "2014-03-01", "2014-03-31", False),
    (
        "بعد مغادرة الحافلات",
        "يوم 21 مايو/آيار 2017",
        "2017-05-21",
        "2017-05-21",
        "2017-05-21",
        False,
    ),
]


@pytest.mark.parametrize(
    ("phrase", "anchor", "described", "earliest", "latest", "approximate"), ARTICLE_RELATIVE
)
def test_article_relative_phrase_resolves_against_its_anchor(
    phrase: str,
    anchor: str,
    described: str,
    earliest: str | None,
    latest: str,
    approximate: bool,
) -> None:
    resolved = resolve(phrase, resolve(anchor))
    assert resolved.describe() == described
    assert resolved.earliest == (None if earliest is None else d(earliest))
    assert resolved.latest == d(latest)
    assert resolved.approximate is approximate


def test_next_day_keeps_day_precision() -> None:
    resolved = resolve("في اليوم التالي", resolve("في 3 فبراير/شباط 2012"))
    assert (resolved.period, resolved.relation) == (Period(2012, 2, 4), Relation.NEXT_DAY)


def test_anchor_year_takes_the_year_of_the_anchor() -> None:
    resolved = resolve("وبحلول يونيو/حزيران", resolve("في اواسط 2013"))
    assert (resolved.period, resolved.mode, resolved.relation) == (
        Period(2013, 6),
        Mode.BY,
        Relation.ANCHOR_YEAR,
    )


def test_current_year_takes_the_publication_year() -> None:
    resolved = resolve("في شهر مارس/آاذار من العام الحالي")
    assert (resolved.period, resolved.relation) == (Period(2017, 3), Relation.CURRENT_YEAR)


def test_after_an_anchor_with_an_earliest_bound_is_a_span_to_publication() -> None:
    resolved = resolve("وبعد ذلك", resolve("اواخر عام 2015"))
    assert (resolved.period, resolved.describe()) == (None, "between 2015-09-01 and 2017-05-21")


def test_after_an_anchor_on_the_publication_day_collapses_to_that_day() -> None:
    resolved = resolve("بعد مغادرة الحافلات", resolve("يوم 21 مايو/آيار 2017"))
    assert (resolved.period, resolved.mode, resolved.relation) == (
        Period(2017, 5, 21),
        Mode.AFTER,
        Relation.AFTER,
    )


def test_after_a_date_starts_the_day_after_it() -> None:
    resolved = resolve("بعد مايو/أيار 2013")
    assert (resolved.describe(), resolved.earliest, resolved.latest, resolved.approximate) == (
        "after 2013-05",
        d("2013-06-01"),
        PUBLISHED,
        True,
    )


def test_same_time_copies_the_anchor() -> None:
    anchor = resolve("في اواسط 2013")
    resolved = resolve("في الوقت نفسه", anchor)
    assert resolved == ResolvedTime(
        "في الوقت نفسه",
        Period(2013),
        Qualifier.MID,
        Mode.AT,
        Relation.SAME_TIME,
        d("2013-05-01"),
        d("2013-08-31"),
        True,
    )


@pytest.mark.parametrize("phrase", ["قبل ايام", "ايام قليلة خلت", "منذ أيام قليلة"])
def test_few_days_ago_needs_no_anchor(phrase: str) -> None:
    assert resolve(phrase).describe() == "before 2017-05-21"


# --- vocabulary -------------------------------------------------------------------------------

MONTH_NAMES = [
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("ابريل", 4),
    ("أبريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("اغسطس", 8),
    ("أغسطس", 8),
    ("سبتمبر", 9),
    ("اكتوبر", 10),
    ("أكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    ("كانون الثاني", 1),
    ("شباط", 2),
    ("آذار", 3),
    ("آاذار", 3),
    ("نيسان", 4),
    ("أيار", 5),
    ("آيار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("آب", 8),
    ("أيلول", 9),
    ("تشرين الأول", 10),
    ("تشرين الثاني", 11),
    ("كانون الأول", 12),
]


@pytest.mark.parametrize(("name", "month"), MONTH_NAMES)
def test_month_name_alone(name: str, month: int) -> None:
    assert parse_time_phrase(f"في {name} 2012").period == Period(2012, month)


@pytest.mark.parametrize(
    "phrase",
    ["كانون الاول/ديسمبر 2012", "ديسمبر/كانون الاول 2012", "كانون الأول / ديسمبر 2012"],
)
def test_month_pair_in_either_order(phrase: str) -> None:
    assert parse_time_phrase(phrase).period == Period(2012, 12)


ORDINALS = [
    "الأول",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "العاشر",
    "الحادي عشر",
    "الثاني عشر",
    "الثالث عشر",
    "الرابع عشر",
    "الخامس عشر",
    "السادس عشر",
    "السابع عشر",
    "الثامن عشر",
    "التاسع عشر",
    "العشرين",
    "الحادي والعشرين",
    "الثاني والعشرين",
    "الثالث والعشرين",
    "الرابع والعشرين",
    "الخامس والعشرين",
    "السادس والعشرين",
    "السابع والعشرين",
    "الثامن والعشرين",
    "التاسع والعشرين",
    "الثلاثين",
    "الحادي والثلاثين",
]


@pytest.mark.parametrize(("word", "day"), [(w, n) for n, w in enumerate(ORDINALS, start=1)])
def test_ordinal_day(word: str, day: int) -> None:
    assert parse_time_phrase(f"في {word} من يوليو/تموز 2013").period == Period(2013, 7, day)


@pytest.mark.parametrize(
    ("phrase", "earliest", "latest"),
    [
        ("بداية 2012", "2012-01-01", "2012-04-30"),
        ("منتصف 2012", "2012-05-01", "2012-08-31"),
        ("نهاية 2012", "2012-09-01", "2012-12-31"),
        ("اوائل مايو/أيار 2012", "2012-05-01", "2012-05-10"),
        ("منتصف مايو/أيار 2012", "2012-05-11", "2012-05-20"),
        ("اواخر فبراير/شباط 2012", "2012-02-21", "2012-02-29"),
    ],
)
def test_qualifier_bounds(phrase: str, earliest: str, latest: str) -> None:
    resolved = resolve(phrase)
    assert (resolved.earliest, resolved.latest, resolved.approximate) == (
        d(earliest),
        d(latest),
        True,
    )


@pytest.mark.parametrize(
    "phrase", ["2013", "عام 2013", "سنة 2013", "خلال عام 2013", "و في 2013", "في ٢٠١٣"]
)
def test_year_forms(phrase: str) -> None:
    assert parse_time_phrase(phrase).period == Period(2013)


@pytest.mark.parametrize(
    ("phrase", "latest"), [("عام 2017", "2017-05-21"), ("في مايو/أيار 2017", "2017-05-21")]
)
def test_latest_bound_is_capped_at_publication(phrase: str, latest: str) -> None:
    assert resolve(phrase).latest == d(latest)


# --- errors -----------------------------------------------------------------------------------


def raises(phrase: str | None, problem: str) -> AbstractContextManager[object]:
    return pytest.raises(TemporalError, match=re.escape(f"time phrase {phrase!r}: {problem}"))


def test_unknown_month_is_named() -> None:
    with raises("في 5 فبرير 2012", "unknown month name 'فبرير'"):
        parse_time_phrase("في 5 فبرير 2012")


@pytest.mark.parametrize("phrase", ["مايو/حزيران 2013", "في 3 فبراير/آذار 2012"])
def test_disagreeing_month_pair_raises(phrase: str) -> None:
    with pytest.raises(TemporalError, match="disagree"):
        parse_time_phrase(phrase)


@pytest.mark.parametrize(
    "phrase",
    [
        "في اليوم التالي",
        "وبعد شهر",
        "في الشهر التالي",
        "بحلول يونيو/حزيران",
        "وبعد ذلك",
        "في الوقت نفسه",
    ],
)
def test_relative_phrase_without_anchor_raises(phrase: str) -> None:
    with pytest.raises(TemporalError, match="needs an anchor"):
        resolve(phrase)


def test_next_day_on_a_month_anchor_raises() -> None:
    with raises("في اليوم التالي", "the anchor '2014-02' is not a day"):
        resolve("في اليوم التالي", resolve("في فبراير/شباط 2014"))


def test_month_later_on_a_year_anchor_raises() -> None:
    with raises("بعد شهر", "the anchor 'mid 2013' is not a day or month"):
        resolve("بعد شهر", resolve("في اواسط 2013"))


@pytest.mark.parametrize("phrase", ["في 22 مايو/أيار 2017", "في يونيو/حزيران 2017", "عام 2018"])
def test_time_after_publication_raises(phrase: str) -> None:
    with pytest.raises(TemporalError, match="after the publication date 2017-05-21"):
        resolve(phrase)


def test_next_day_after_publication_raises() -> None:
    with pytest.raises(TemporalError, match="after the publication date"):
        resolve("في اليوم التالي", resolve("يوم 21 مايو/آيار 2017"))


@pytest.mark.parametrize("phrase", ["", "خلال القرن العشرين", "وبسطت الحكومة سيطرتها"])
def test_phrase_without_time_raises(phrase: str) -> None:
    with raises(phrase, "no time expression found"):
        parse_time_phrase(phrase)


def test_qualifier_on_a_day_raises() -> None:
    with pytest.raises(TemporalError, match="needs a month or a year"):
        parse_time_phrase("اواخر 3 فبراير/شباط 2012")


def test_day_without_year_raises() -> None:
    with raises("في 22 فبراير", "a day without a year is not supported"):
        parse_time_phrase("في 22 فبراير")


def test_impossible_date_raises() -> None:
    with pytest.raises(TemporalError, match="no such date"):
        parse_time_phrase("في 30 فبراير/شباط 2012")


def test_temporal_error_is_a_value_error() -> None:
    assert issubclass(TemporalError, ValueError)


# --- durations and end bounds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("لمدة شهر", (1, 0)),
        ("لمدة يومين", (0, 2)),
        ("لمدة ثلاثة اشهر", (3, 0)),
        ("لمدة أسبوعين", (0, 14)),
        ("لمدة 10 أيام", (0, 10)),
        ("لمدة عام", (12, 0)),
        ("شهرين", (2, 0)),
    ],
)
def test_parse_duration(phrase: str, expected: tuple[int, int]) -> None:
    assert parse_duration(phrase) == expected


@pytest.mark.parametrize("phrase", ["لمدة طويلة", "لمدة ثلاثة شهرين", ""])
def test_parse_duration_rejects_non_durations(phrase: str) -> None:
    with raises(phrase, "no duration found"):
        parse_duration(phrase)


def test_end_bound_of_the_article_bombardment() -> None:
    start = resolve("في اليوم التالي", resolve("في 3 فبراير/شباط 2012"))
    assert end_bound(start, *parse_duration("لمدة شهر")) == d("2012-03-04")


def test_end_bound_clamps_to_the_end_of_the_month() -> None:
    assert end_bound(resolve("في 31 يناير/كانون الثاني 2012"), 1, 0) == d("2012-02-29")


def test_end_bound_uses_the_latest_bound_of_a_vague_start() -> None:
    assert end_bound(resolve("اواخر عام 2015"), 0, 2) == d("2016-01-02")


def test_end_bound_without_latest_raises() -> None:
    start = ResolvedTime(None, None, None, Mode.AFTER, Relation.AFTER, d("2013-06-01"), None, True)
    with raises(None, "the start has no latest bound"):
        end_bound(start, 1, 0)


# --- describe() of bounds without a period ----------------------------------------------------


@pytest.mark.parametrize(
    ("earliest", "latest", "described"),
    [
        ("2015-09-01", "2017-05-21", "between 2015-09-01 and 2017-05-21"),
        (None, "2017-05-21", "before 2017-05-21"),
        ("2013-06-01", None, "after 2013-06-01"),
    ],
)
def test_describe_bounds_without_period(
    earliest: str | None, latest: str | None, described: str
) -> None:
    resolved = ResolvedTime(
        None,
        None,
        None,
        Mode.AFTER,
        Relation.AFTER,
        None if earliest is None else d(earliest),
        None if latest is None else d(latest),
        True,
    )
    assert resolved.describe() == described


@pytest.mark.parametrize("phrase", ["أمس", "يوم أمس", "امس"])
def test_yesterday_is_the_day_before_publication(phrase: str) -> None:
    found = resolve(phrase)
    assert (found.describe(), found.relation, found.approximate) == (
        "2017-05-20",
        Relation.YESTERDAY,
        False,
    )


def test_a_phrase_without_time_says_what_is_understood() -> None:
    with pytest.raises(TemporalError, match=r"understood: a day, a month or a year \(") as raised:
        parse_time_phrase("خلال القرن العشرين")
    assert "every rule is in graph/temporal.py" in str(raised.value)
