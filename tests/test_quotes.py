"""Quotes: found exactly first, else in the Arabic matching form, always recorded with the text's
own characters at their true offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from homs_kg.graph.build import check
from homs_kg.graph.quotes import QuoteNotFound, differences, locate_quote, locate_within

from .conftest import BASE

NBSP = "\u00a0"
TEXT = "قال مسؤول إن" + NBSP + "الأسر عادت الى حيّ الوعـــر في حمص يوم الأحد."


def test_an_exact_quote_is_found_as_it_is() -> None:
    span = locate_quote(TEXT, "في حمص")
    assert (span.exact, span.start, span.end, span.normalised) == ("في حمص", 41, 47, False)


@pytest.mark.parametrize(
    ("quote", "exact"),
    [
        ("حي الوعر", "حيّ الوعـــر"),  # shadda and tatweel in the text
        ("إن الاسر", "إن" + NBSP + "الأسر"),  # a non-breaking space and a hamza in the text
        ("الى حى", "الى حيّ"),  # alef maksura for yeh, and the shadda after the last letter
        ("في حمص يوم الاحد", "في حمص يوم الأحد"),  # bare alef for alef with hamza
    ],
)
def test_a_quote_that_differs_in_arabic_variation_finds_the_text_s_own_words(
    quote: str, exact: str
) -> None:
    span = locate_quote(TEXT, quote)
    assert span.exact == exact
    assert TEXT[span.start : span.end] == exact
    assert span.normalised


def test_persian_yeh_and_kaf_in_the_quote_match_the_arabic_letters() -> None:
    span = locate_quote("ذهب الى كفرلاها يوم السبت", "كفرلاها یوم")  # keheh, Persian yeh
    assert span.exact == "كفرلاها يوم"


def test_a_zero_width_character_in_the_text_is_kept_in_the_evidence() -> None:
    text = "عادت 40 عائلة\u200c الى الحي"
    span = locate_quote(text, "عائلة الى")
    assert span.exact == "عائلة\u200c الى"


def test_an_ambiguous_quote_asks_for_a_longer_quote_not_for_a_key() -> None:
    with pytest.raises(QuoteNotFound, match="lengthen the quote") as raised:
        locate_quote("حمص ثم حمص", "حمص")
    assert "occurrence" not in str(raised.value)


def test_a_quote_that_is_ambiguous_only_after_normalisation_is_refused() -> None:
    with pytest.raises(QuoteNotFound, match="2 times after Arabic normalisation"):
        locate_quote("الأمم ثم الامم", "الإمم")


def test_a_missing_quote_says_normalisation_was_tried() -> None:
    with pytest.raises(QuoteNotFound, match="even after Arabic normalisation"):
        locate_quote(TEXT, "في دمشق")


def test_a_phrase_inside_a_quote_is_found_after_normalisation() -> None:
    outer = locate_quote(TEXT, "الى حيّ الوعـــر في حمص")
    phrase = locate_within(TEXT, outer, "حي الوعر")
    assert (phrase.exact, phrase.start) == ("حيّ الوعـــر", TEXT.index("حيّ"))


def test_differences_name_the_characters_that_differ() -> None:
    assert differences("الاسر", "الأسر") == (
        "the quote has '"
        + "\u0627"
        + "' (U+0627 ARABIC LETTER ALEF) where the text has '"
        + "أ"
        + "' (U+0623 ARABIC LETTER ALEF WITH HAMZA ABOVE)"
    )


def test_the_build_warns_and_keeps_the_text_s_words(corpus_copy: Path) -> None:
    path = corpus_copy / "annotations" / "homs-2017-05-21.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("mention: 'في مدينة حمص السورية'", "mention: 'في مدينة حمص السوريّة'"),
        encoding="utf-8",
    )
    report = check(BASE, [corpus_copy])
    [warning] = report.dataset.warnings
    assert "entities[homs].mention: matched only after Arabic normalisation" in warning
    assert "'ّ' (U+0651 ARABIC SHADDA) where the text has nothing" in warning
    exacts = [
        q.object.value
        for q in report.dataset.quads
        if q.subject.value.endswith("evidence/homs-2017-05-21/homs#quote")
        and q.predicate.value.endswith("exact")
    ]
    assert exacts == ["في مدينة حمص السورية"]
