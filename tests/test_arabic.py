"""Tests for the Arabic matching form and Arabic numerals (homs_kg.graph.arabic)."""

import pytest

from homs_kg.graph.arabic import (
    matching_form_with_offsets,
    normalise_arabic,
    parse_arabic_int,
    parse_arabic_number,
)

NBSP, ZWSP, ZWNJ, RLM = "\u00a0", "\u200b", "\u200c", "\u200f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مُحَمَّدٌ", "محمد"),  # harakat, shadda, tanwin
        ("هٰذا", "هذا"),  # superscript alef
        ("حمـــص", "حمص"),  # tatweel
        ("أبريل", "ابريل"),
        ("إلى", "الي"),  # hamza below, alef maksura
        ("آذار", "اذار"),  # madda
        ("ٱلوعر", "الوعر"),  # alef wasla
        ("آاذار", "ااذار"),  # the text's misspelling of March
        ("مايو/آيار", "مايو/ايار"),
        ("مدينة", "مدينه"),  # teh marbuta
        ("١٤٠٠", "1400"),  # Eastern Arabic digits
        ("۱۴۰۰", "1400"),  # Persian digits
        ("  حي \t الوعر\n ", "حي الوعر"),  # whitespace collapsed and stripped
        ("Homs 2017", "Homs 2017"),  # Latin text untouched
        ("یعقوب", "يعقوب"),  # Persian yeh
        ("کفر", "كفر"),  # keheh (Persian kaf)
        ("حي" + NBSP + "الوعر", "حي الوعر"),  # non-breaking space
        ("الو" + ZWNJ + "عر" + RLM, "الوعر"),  # zero-width non-joiner, right-to-left mark
    ],
)
def test_normalise_arabic(text: str, expected: str) -> None:
    assert normalise_arabic(text) == expected


def test_normalise_arabic_keeps_the_article_phrase_comparable() -> None:
    assert normalise_arabic("في التاسع من كانون الأول/ ديسمبر 2015") == normalise_arabic(
        "في التاسع من كانون الاول/ ديسمبر ٢٠١٥"
    )


@pytest.mark.parametrize(
    ("token", "expected"),
    [("2017", 2017), ("٢٠١٧", 2017), ("۲۰۱۷", 2017), ("0", 0), ("\u0660\u0667", 7)],
)
def test_parse_arabic_int(token: str, expected: int) -> None:
    assert parse_arabic_int(token) == expected


@pytest.mark.parametrize("token", ["", "12a", "-5", "+5", " 5", "1_000", "1.5", "ثلاثة", "²"])
def test_parse_arabic_int_rejects_non_digit_strings(token: str) -> None:
    with pytest.raises(ValueError, match="not a digit string"):
        parse_arabic_int(token)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("واحد", 1),
        ("اثنين", 2),
        ("ثلاثة", 3),
        ("ثلاث", 3),
        ("أربعة", 4),
        ("خمسة", 5),
        ("ستة", 6),
        ("سبعة", 7),
        ("ثمانية", 8),
        ("تسعة", 9),
        ("عشرة", 10),
        ("٣", 3),
    ],
)
def test_parse_arabic_number(token: str, expected: int) -> None:
    assert parse_arabic_number(token) == expected


def test_parse_arabic_number_rejects_unknown_words() -> None:
    with pytest.raises(ValueError, match="not a number: 'مئة'"):
        parse_arabic_number("مئة")


@pytest.mark.parametrize("text", ["  حيّ" + NBSP * 2 + "الوعـــر" + ZWSP, "الأمم المتحدة", "مدینة"])
def test_matching_form_with_offsets_is_the_matching_form(text: str) -> None:
    form, offsets = matching_form_with_offsets(text)
    assert form.strip() == normalise_arabic(text)
    assert [normalise_arabic(text[o]) or " " for o in offsets] == list(form)
