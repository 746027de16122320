"""Tests for the Arabic quantity parser (homs_kg.graph.quantities)."""

import re
from contextlib import AbstractContextManager

import pytest

from homs_kg.graph.quantities import Quantity, QuantityError, parse_quantity

ARTICLE_COUNTS = [
    # phrase, quantity, describe()
    ("ما بين 200 الى 300 شخص", Quantity(200, 300, None, False, "persons"), "200-300"),
    ("340 شخصا", Quantity(340, 340, 340, False, "persons"), "340"),
    ("1800 جريح", Quantity(1800, 1800, 1800, False, "persons"), "1800"),
    ("700 شخص", Quantity(700, 700, 700, False, "persons"), "700"),
    ("ما بين 15 الى 20 بالمائة", Quantity(15, 20, None, False, "percent"), "15-20%"),
    ("حوالي 3 آلاف مدني", Quantity(3000, 3000, 3000, True, "persons"), "~3000"),
    ("1400 مدني", Quantity(1400, 1400, 1400, False, "persons"), "1400"),
    ("نحو 2000 من مقاتلي المعارضة", Quantity(2000, 2000, 2000, True, "persons"), "~2000"),
    ("المئات", Quantity(200, 999, None, True, "persons"), "~200-999"),
]


@pytest.mark.parametrize(("phrase", "expected", "described"), ARTICLE_COUNTS)
def test_article_count(phrase: str, expected: Quantity, described: str) -> None:
    assert parse_quantity(phrase) == expected


@pytest.mark.parametrize(("phrase", "expected", "described"), ARTICLE_COUNTS)
def test_article_count_description(phrase: str, expected: Quantity, described: str) -> None:
    assert parse_quantity(phrase).describe() == described


@pytest.mark.parametrize(
    "phrase",
    ["نحو 500", "حوالي 500", "حوالى 500", "قرابة 500", "زهاء 500", "ما يقارب 500", "500 تقريبا"],
)
def test_approximator(phrase: str) -> None:
    assert parse_quantity(phrase) == Quantity(500, 500, 500, True, "persons")


@pytest.mark.parametrize(
    "phrase",
    [
        "بين 200 و 300",
        "بين 200 و300",
        "ما بين 200 و300 شخص",
        "من 200 الى 300",
        "من 200 إلى 300",
        "200-300",
    ],
)
def test_range_forms(phrase: str) -> None:
    assert parse_quantity(phrase) == Quantity(200, 300, None, False, "persons")


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("3 آلاف", 3000),
        ("٣ آلاف", 3000),
        ("3 الاف", 3000),
        ("ثلاثة آلاف", 3000),
        ("ألف", 1000),
        ("الفين", 2000),
        ("ألفان", 2000),
        ("20 ألف", 20000),
        ("عشرة آلاف", 10000),
        ("مئة", 100),
        ("مئتين", 200),
        ("مليون", 1_000_000),
    ],
)
def test_thousands_and_number_words(phrase: str, value: int) -> None:
    assert parse_quantity(phrase) == Quantity(value, value, value, False, "persons")


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("واحد", 1),
        ("اثنين", 2),
        ("ثلاثة", 3),
        ("أربعة", 4),
        ("خمسة", 5),
        ("ستة", 6),
        ("سبعة", 7),
        ("ثمانية", 8),
        ("تسعة", 9),
        ("عشرة", 10),
    ],
)
def test_number_word_times_thousands(word: str, value: int) -> None:
    assert parse_quantity(f"{word} آلاف مدني").value == value * 1000


def test_scale_of_the_range_end_applies_to_its_start() -> None:
    assert parse_quantity("بين 2 و3 آلاف") == Quantity(2000, 3000, None, False, "persons")


def test_scale_of_the_range_end_is_not_applied_to_a_larger_start() -> None:
    assert parse_quantity("بين 500 و3 آلاف") == Quantity(500, 3000, None, False, "persons")


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("المئات", 200, 999),
        ("مئات المدنيين", 200, 999),
        ("العشرات", 20, 99),
        ("آلاف المدنيين", 2000, 9999),
        ("عشرات الآلاف", 20000, 99999),
    ],
)
def test_vague_amounts(phrase: str, low: int, high: int) -> None:
    assert parse_quantity(phrase) == Quantity(low, high, None, True, "persons")


@pytest.mark.parametrize(
    "phrase",
    ["15 بالمائة", "15 بالمئة", "15 في المائة", "15 في المئة", "15%", "15 %", "15\u066a"],
)
def test_percent_markers(phrase: str) -> None:
    assert parse_quantity(phrase) == Quantity(15, 15, 15, False, "percent")


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("\u0661\u0664\u0660\u0660 مدني", 1400),  # Eastern Arabic digits
        ("\u06f1\u06f4\u06f0\u06f0 مدني", 1400),  # Persian digits
        ("1,400 مدني", 1400),
        ("1\u066c400 مدني", 1400),  # Arabic thousands separator
    ],
)
def test_digit_scripts_and_separators(phrase: str, value: int) -> None:
    assert parse_quantity(phrase).value == value


def test_decimal_share() -> None:
    assert parse_quantity("15\u066b5 بالمائة") == Quantity(15.5, 15.5, 15.5, False, "percent")


@pytest.mark.parametrize(
    ("quantity", "described"),
    [
        (Quantity(15, 15, 15, True, "percent"), "~15%"),
        (Quantity(15.5, 15.5, 15.5, False, "percent"), "15.5%"),
        (Quantity(2000, 9999, None, True, "persons"), "~2000-9999"),
    ],
)
def test_describe(quantity: Quantity, described: str) -> None:
    assert quantity.describe() == described


# --- errors -----------------------------------------------------------------------------------


def raises(phrase: str, problem: str) -> AbstractContextManager[object]:
    return pytest.raises(QuantityError, match=re.escape(f"quantity phrase {phrase!r}: {problem}"))


@pytest.mark.parametrize("phrase", ["", "مقاتلي المعارضة", "عدد كبير من العشائر"])
def test_phrase_without_number_raises(phrase: str) -> None:
    with raises(phrase, "no number found"):
        parse_quantity(phrase)


def test_backwards_range_raises() -> None:
    with raises("ما بين 300 الى 200 شخص", "the range 300-200 runs backwards"):
        parse_quantity("ما بين 300 الى 200 شخص")


def test_two_numbers_that_are_not_a_range_raise() -> None:
    with raises("340 شخصا الى جانب 1800 جريح", "more than one number (340, 1800)"):
        parse_quantity("340 شخصا الى جانب 1800 جريح")


def test_share_above_a_hundred_percent_raises() -> None:
    with raises("150 بالمائة", "a share above 100% (150)"):
        parse_quantity("150 بالمائة")


def test_quantity_error_is_a_value_error() -> None:
    assert issubclass(QuantityError, ValueError)


@pytest.mark.parametrize(
    ("low", "high", "unit"), [(300, 200, "persons"), (1, 2, ""), (1, 2, "%"), (1, 2, "Persons")]
)
def test_quantity_rejects_inconsistent_values(low: int, high: int, unit: str) -> None:
    with pytest.raises(ValueError):
        Quantity(low, high, None, False, unit)


@pytest.mark.parametrize(
    ("phrase", "expected", "described"),
    [
        ("نحو 40 عائلة", Quantity(40, 40, 40, True, "families"), "~40 families"),
        ("60 أسرة", Quantity(60, 60, 60, False, "families"), "60 families"),
        ("قافلة من 12 شاحنة", Quantity(12, 12, 12, False, "trucks"), "12 trucks"),
    ],
)
def test_a_count_of_families_or_trucks_is_not_a_count_of_persons(
    phrase: str, expected: Quantity, described: str
) -> None:
    assert (parse_quantity(phrase), parse_quantity(phrase).describe()) == (expected, described)


def test_the_unit_words_come_from_the_caller() -> None:
    assert parse_quantity("30 خيمة", {"خيمه": "tents"}).unit == "tents"
    assert parse_quantity("نحو 40 عائلة", {}).unit == "persons"
