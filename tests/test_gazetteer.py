"""The gazetteer finds the graph's names as texts write them, and guesses nothing."""

from __future__ import annotations

import pytest

from homs_kg.graph.gazetteer import Gazetteer

LABELS = {
    "homs": ["حمص", "مدينة حمص"],
    "al-waer": ["الوعر", "حي الوعر"],
    "united-nations": ["الامم المتحدة"],
    "talal-barazi": ["طلال برازي"],
    "syrian-arab-red-crescent": ["الهلال الاحمر السوري"],
    "lebanon": ["لبنان"],
    "opposition-a": ["المعارضة"],
    "opposition-b": ["المعارضة"],
}
GAZETTEER = Gazetteer.of_entities(LABELS, countries=["lebanon"])


def found(text: str) -> list[tuple[tuple[str, ...], str]]:
    return [(m.entities, m.exact) for m in GAZETTEER.find(text)]


@pytest.mark.parametrize(
    ("text", "entity", "exact"),
    [
        ("وصلوا بحمص", "homs", "بحمص"),  # preposition
        ("ووصلوا والوعر", "al-waer", "والوعر"),  # conjunction
        ("عادوا للوعر", "al-waer", "للوعر"),  # ل before the article: لل
        ("قال ممثل الأمم المتحدة", "united-nations", "الأمم المتحدة"),  # hamza
        ("زار طلال البرازي", "talal-barazi", "طلال البرازي"),  # article on a later word
        ("تابعة للهلال الأحمر السوري", "syrian-arab-red-crescent", "للهلال الأحمر السوري"),
        ("حزب الله اللبناني", "lebanon", "اللبناني"),  # a country's nisba
        ("في حيّ الوعـــر", "al-waer", "حيّ الوعـــر"),  # shadda, tatweel
    ],
)
def test_a_name_is_found_as_the_text_writes_it(text: str, entity: str, exact: str) -> None:
    assert found(text) == [((entity,), exact)]


def test_the_longest_name_wins() -> None:
    assert found("في مدينة حمص") == [(("homs",), "مدينة حمص")]


def test_a_name_inside_a_longer_word_is_not_found() -> None:
    assert found("الحمصي والوعرة") == []


def test_a_name_two_entities_share_is_not_linked_to_either() -> None:
    [mention] = GAZETTEER.find("قالت المعارضة")
    assert (mention.ambiguous, mention.entities) == (True, ("opposition-a", "opposition-b"))


def test_a_near_spelling_is_not_a_name() -> None:
    assert found("زار طلال برزاوي حمصا") == []


def test_the_name_s_own_words_leave_out_the_clitics() -> None:
    [mention] = GAZETTEER.find("وبحمص")
    assert (mention.exact, mention.form) == ("وبحمص", "حمص")
