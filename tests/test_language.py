"""The interface language (server/web/language.py): one table of words in English and Arabic,
reached by every template through ``t``; links that keep the language; and the graph's dates,
times and counts in Arabic words (server/pages/text.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from homs_kg.server.pages.ontology import ALIGNMENTS, KINDS, SECTIONS
from homs_kg.server.pages.text import (
    TimeFacts,
    count_text,
    date_text,
    relation_to_anchor,
    time_text,
)
from homs_kg.server.web.language import WORDS, install, pick, with_language, word

TEMPLATES = Path(__file__).resolve().parent.parent / "server" / "templates"
# The query catalogue's templates are another room's (server/catalogue/), English only for now.
OURS = sorted(p for p in TEMPLATES.glob("*.html") if not p.name.startswith("quer"))
ARABIC_LETTER = re.compile(r"[\u060c-\u064a]")  # letters and Arabic punctuation (، ؛ ؟)
INLINE_CHOICE = [
    re.compile(r"""(?:'[^']*'|"[^"]*")\s+if\s+(?:ui_lang|lang)\s*==\s*['"]ar['"]\s+else"""),
    re.compile(r"""\bif\s+ar\s+else\b|{%-?\s*if\s+ar\s*-?%}"""),
    re.compile(r"""{%-?\s*if\s+ui_lang\s*==\s*['"]ar['"]\s*-?%}"""),
]
LITERAL_KEY = re.compile(r"""\bt\(\s*'([^']+)'\s*[,)]""")


@pytest.mark.parametrize("template", OURS, ids=lambda p: p.name)
def test_templates_take_their_words_from_the_table_only(template: Path) -> None:
    """No template chooses between an English and an Arabic string itself."""
    source = template.read_text(encoding="utf-8")
    for pattern in INLINE_CHOICE:
        assert not pattern.search(source), (template.name, pattern.search(source))


@pytest.mark.parametrize("template", OURS, ids=lambda p: p.name)
def test_every_word_a_template_names_is_in_the_table(template: Path) -> None:
    keys = LITERAL_KEY.findall(template.read_text(encoding="utf-8"))
    assert [key for key in keys if key not in WORDS] == []


def test_the_ontology_pages_words_are_in_the_table() -> None:
    """The words term.html and ontology.html look up by name: kinds, sections, relations."""
    keys = {f"kind {kind}" for kind in KINDS.values()} | {"kind ontology"}
    keys |= {section_id for section_id, _, _ in SECTIONS}
    keys |= set(ALIGNMENTS.values()) | {"domain of", "range of", "checked by"}
    assert keys - WORDS.keys() == set()


def test_every_word_has_an_english_and_an_arabic_side() -> None:
    for key, (english, arabic) in WORDS.items():
        assert english and not ARABIC_LETTER.search(english), key
        assert ARABIC_LETTER.search(arabic), key
        fields = set(re.findall(r"{(\w*)}", english))
        assert fields == set(re.findall(r"{(\w*)}", arabic)), key


def test_words_fill_their_fields() -> None:
    assert word("results for", "en", n=3) == "3 results for"
    assert word("results for", "ar", n=3) == "عدد النتائج 3 للبحث عن"
    assert word("timeline", "fr") == "Timeline"  # an unknown language is English


@pytest.mark.parametrize(
    "url,language,expected",
    [
        ("/page/resource/homs", "ar", "/page/resource/homs?lang=ar"),
        ("/page/resource/homs", "en", "/page/resource/homs"),
        ("/search?q=%D8%AD&type=Place", "ar", "/search?q=%D8%AD&type=Place&lang=ar"),
        ("/-/timeline?lang=ar", "en", "/-/timeline"),
        ("/-/timeline?lang=ar", "ar", "/-/timeline?lang=ar"),
    ],
)
def test_a_link_keeps_the_interface_language(url: str, language: str, expected: str) -> None:
    assert with_language(url, language) == expected


def test_pick_takes_the_interface_side_else_the_other() -> None:
    assert pick({"en": "Homs", "ar": "حمص"}, "ar") == "حمص"
    assert pick({"en": "Homs", "ar": ""}, "ar") == "Homs"
    assert pick({"en": None, "ar": "حمص"}, "en") == "حمص"


def test_templates_read_the_language_of_the_request() -> None:
    app = Flask(__name__)
    install(app)
    template = (
        "{{ ui_lang }} {{ ui_dir }} {{ t('timeline') }} {{ '/x'|localised }} {{ switch_to('en') }}"
    )
    with app.test_request_context("/x?lang=ar&q=1"):
        assert render_template_string(template) == "ar rtl الخط الزمني /x?lang=ar ?q=1&amp;lang=en"
    with app.test_request_context("/x?lang=fr"):
        assert render_template_string(template) == "en ltr Timeline /x ?lang=en"


def test_a_template_compiled_in_arabic_links_in_english_for_an_english_request() -> None:
    """A link filter on a literal is not fixed into the template by the request that compiled it."""
    app = Flask(__name__)
    install(app)
    with app.test_request_context("/?lang=ar"):
        template = app.jinja_env.from_string("{{ '/queries'|localised }}")
        assert template.render() == "/queries?lang=ar"
    with app.test_request_context("/"):
        assert template.render() == "/queries"


# The graph's times and counts in Arabic


@pytest.mark.parametrize(
    "lexical,datatype,arabic",
    [
        ("2012-02-03", None, "3 فبراير/شباط 2012"),
        ("2013-07", "http://www.w3.org/2001/XMLSchema#gYearMonth", "يوليو/تموز 2013"),
        ("2011", "http://www.w3.org/2001/XMLSchema#gYear", "2011"),
        ("2015-12-09", None, "9 ديسمبر/كانون الأول 2015"),
    ],
)
def test_dates_are_written_as_the_article_writes_them(
    lexical: str, datatype: str | None, arabic: str
) -> None:
    """Day, both month names (Egyptian/Gulf/Levantine, as the article pairs them), year."""
    assert date_text(lexical, datatype, "ar") == arabic


def test_vague_and_bounded_times_in_arabic() -> None:
    late_2011 = TimeFacts(date="2011", datatype="gYear", qualifier="LatePeriod", mode="NoLaterThan")
    assert time_text(late_2011, "ar") == "بحلول أواخر 2011"
    assert time_text(late_2011) == "by late 2011"
    since = TimeFacts(date="2012", datatype="gYear", qualifier="MidPeriod", mode="SinceTime")
    assert time_text(since, "ar") == "منذ أواسط 2012"
    bounded = TimeFacts(earliest="2015-09-01", latest="2015-12-09")
    assert time_text(bounded, "ar") == "بين 1 سبتمبر/أيلول 2015 و9 ديسمبر/كانون الأول 2015"
    assert time_text(bounded) == "between 2015-09-01 and 2015-12-09"
    assert relation_to_anchor(TimeFacts(relative="next-day"), "ar") == "في اليوم الذي تلا"
    assert relation_to_anchor(TimeFacts(mode="AfterAnchor"), "ar") == "بعد"


def test_counts_in_arabic() -> None:
    assert count_text("1800", None, None, None, False, "ar") == "1800"
    assert count_text("3000", None, None, None, True, "ar") == "نحو 3000"
    assert count_text(None, "15", "20", "percent", False, "ar") == "15\u201320٪"
    assert count_text("3000", None, None, None, True) == "about 3,000"


def test_every_word_of_the_table_is_used() -> None:
    """A word no page asks for is dead weight in two languages (keys built from a name: the
    ontology's kinds, sections and relations, statuses, language names, example counts)."""
    server = TEMPLATES.parent
    sources = [
        p
        for p in [*server.rglob("*.html"), *server.rglob("*.py")]
        if "node_modules" not in p.parts and p.name != "language.py"
    ]
    text = "".join(p.read_text(encoding="utf-8") for p in sources)
    built = re.compile(r"status \d+( note)?|kind .+|section-.+|language ..|\w+ examples?")
    named = set(ALIGNMENTS.values()) | {"domain of", "range of", "checked by"}
    unused = [
        key
        for key in WORDS
        if f"'{key}'" not in text and key not in named and not built.fullmatch(key)
    ]
    assert unused == []
