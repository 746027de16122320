"""The HTML pages for people, over HTTP from the real server: resource pages, the home page, the
timeline, the class lists, escaping, the language switch, and a crawl that reaches every entity."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from homs_kg.graph.build import build

from .conftest import BASE, FIXTURES, LiveServer

TIMEOUT = 30
VOID_ELEMENTS = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}
MARKUP_LABEL = '<script>alert(1)</script> & "quotes"'


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.parts: list[str | Element] = []

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and all(e.attrs.get(name.rstrip("_")) == value for name, value in attrs.items())
        ]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Page(HTMLParser):
    """A page as a tree of elements (the standard library's parser; no BeautifulSoup here)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = Element("#document", {}, None)
        self.current = self.root
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        self.current.parts.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.parts.append(data)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return self.root.find_all(tag, **attrs)

    @property
    def hrefs(self) -> list[str]:
        return [e.attrs["href"] or "" for e in self.find_all("a") if e.attrs.get("href")]

    def json_ld(self) -> dict:
        (script,) = self.find_all("script", type="application/ld+json")
        return json.loads(script.text)


def get(server: LiveServer, path: str) -> requests.Response:
    return requests.get(server.url + path, timeout=TIMEOUT)


def page(server: LiveServer, path: str) -> Page:
    response = get(server, path)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return Page(response.text)


def arabic(element: Element) -> bool:
    return element.attrs.get("lang") == "ar" and element.attrs.get("dir") == "rtl"


def texts(found: list[Element]) -> list[str]:
    return [" ".join(e.text.split()) for e in found]


# Resource pages


def test_homs_page_shows_each_label_in_its_own_language_column(live_server: LiveServer) -> None:
    homs = page(live_server, "/page/resource/homs")
    (labels,) = [e for e in homs.find_all("div") if e.has_class("labels")]
    columns = [c for c in labels.children if c.has_class("col")]
    assert [(c.attrs["lang"], c.attrs["dir"]) for c in columns] == [("en", "ltr"), ("ar", "rtl")]
    assert texts(columns[1].find_all("h1")) == ["حمص"]
    assert texts(columns[0].find_all("h1")) == ["Homs"]
    assert "مدينة حمص" in columns[1].text  # its skos:altLabel, in the Arabic column
    assert "<title>Homs · homs-kg</title>" in get(live_server, "/page/resource/homs").text


def test_homs_page_names_its_type_links_wikidata_and_its_twins(live_server: LiveServer) -> None:
    response = get(live_server, "/page/resource/homs")
    homs = Page(response.text)
    assert "/page/ontology/City" in homs.hrefs
    (same_as,) = [a for a in homs.find_all("a") if a.attrs.get("href") == WIKIDATA_HOMS]
    assert "same as" in same_as.parent.text and "Q131301" in same_as.text
    for ext, media in RDF_TWINS.items():
        assert (
            f'</data/resource/homs.{ext}>; rel="alternate"; type="{media}"'
            in (response.headers["Link"])
        )
        assert homs.find_all("link", rel="alternate", type=media, href=f"/data/resource/homs.{ext}")
    nicknames = [s for s in homs.find_all("section") if s.has_class("nicknames")]
    assert "عاصمة الثورة" in nicknames[0].text and "capital of the revolution" in nicknames[0].text


WIKIDATA_HOMS = "http://www.wikidata.org/entity/Q131301"
RDF_TWINS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


def test_massacre_page_shows_its_date_counts_and_quote(live_server: LiveServer, select) -> None:
    massacre = page(live_server, "/page/resource/khalidiya-massacre-2012")
    text = " ".join(massacre.root.text.split())
    assert "3 February 2012" in text
    phrases = [e for e in massacre.find_all("p") if e.has_class("phrase")]
    assert texts(phrases) == ["في 3 فبراير/شباط 2012"] and arabic(phrases[0].parent)
    numbers = texts([e for e in massacre.find_all("td") if e.has_class("number")])
    assert numbers == ["340", "1,800"]
    assert "340 شخصا" in text and "1800 جريح" in text
    (record,) = select(
        """SELECT ?exact ?sentence WHERE { res:khalidiya-massacre-2012 hkg:evidence ?e .
        ?e hkg:sentence ?sentence ; oa:hasTarget/oa:hasSelector/oa:exact ?exact }"""
    )
    marks = massacre.find_all("mark")
    assert record["exact"] in [m.text for m in marks]
    first = next(m for m in marks if m.text == record["exact"])
    quote = first.parent
    assert quote.tag == "blockquote" and arabic(quote)
    assert quote.text == record["sentence"]  # the whole sentence, the quote highlighted in it


def test_counts_keep_their_ranges_and_approximations(live_server: LiveServer) -> None:
    def numbers(path: str) -> list[str]:
        found = page(live_server, path).find_all("td")
        return texts([e for e in found if e.has_class("number")])

    assert numbers("/page/resource/clock-square-sit-in-dispersal-2011") == ["200\u2013300"]
    assert numbers("/page/resource/old-city-civilians-besieged-2014") == ["about 3,000"]
    assert numbers("/page/resource/opposition-holds-part-of-homs-2012") == ["15\u201320 %"]


def test_a_vague_date_stays_vague(live_server: LiveServer) -> None:
    response = get(live_server, "/page/resource/neighbourhoods-leave-government-control-2011")
    event = Page(response.text)
    (date,) = texts([e for e in event.find_all("p") if e.has_class("date")])
    assert date.startswith("by late 2011")
    assert "بحلول اواخر 2011" in event.root.text
    assert "2011-12-31" not in response.text  # its latest bound is not its date
    assert "startDate" not in event.json_ld()  # "by late 2011" gives no start


@pytest.mark.parametrize(
    "path,english",
    [
        ("al-waer-agreement-2015", "between 2015-09-01 and 2015-12-09"),
        ("old-city-bombardment-2012-2014", "since mid-2012"),
        ("khalidiya-recapture-2013", "by the end of July 2013"),
        ("tank-deployment-2011", "May 2011"),
        ("events-in-syria", "early 2011"),
    ],
)
def test_dates_are_shown_at_the_precision_of_the_text(
    live_server: LiveServer, path: str, english: str
) -> None:
    event = page(live_server, f"/page/resource/{path}")
    (date,) = texts([e for e in event.find_all("p") if e.has_class("date")])
    assert date.split(" (")[0] == english


def test_a_relative_date_names_its_anchor(live_server: LiveServer) -> None:
    event = page(live_server, "/page/resource/baba-amr-bombardment-2012")
    (anchor,) = [e for e in event.find_all("p") if e.has_class("anchor")]
    assert " ".join(anchor.text.split()) == "the day after Khalidiya massacre"
    assert anchor.find_all("a", href="/page/resource/khalidiya-massacre-2012")
    assert "ends by 4 March 2012" in event.root.text


def test_participants_are_shown_with_their_roles(live_server: LiveServer) -> None:
    event = page(live_server, "/page/resource/killing-of-marie-colvin-and-remi-ochlik-2012")
    (section,) = [s for s in event.find_all("section") if s.has_class("participants")]
    rows = texts(section.find_all("li"))
    assert any(r.startswith("victim") and "Marie Colvin" in r for r in rows), rows
    assert section.find_all("a", href="/page/resource/marie-colvin")


def test_a_person_page_has_a_timeline_of_its_events(live_server: LiveServer) -> None:
    colvin = page(live_server, "/page/resource/marie-colvin")
    (section,) = [s for s in colvin.find_all("section") if s.has_class("timeline")]
    (entry,) = section.find_all("li")
    assert entry.find_all("a", href="/page/resource/killing-of-marie-colvin-and-remi-ochlik-2012")
    assert "22 February 2012" in entry.text and "victim" in entry.text


def test_a_place_timeline_is_in_time_order(live_server: LiveServer) -> None:
    homs = page(live_server, "/page/resource/homs")
    (section,) = [s for s in homs.find_all("section") if s.has_class("timeline")]
    events = [a.attrs["href"] for li in section.find_all("li") for a in li.find_all("a")]
    events = [e for e in events if e and e.startswith("/page/resource/")]
    order = [
        "tank-deployment-2011",  # May 2011 (the Free Army's emergence is undated now)
        "october-2011-military-campaign",
        "government-control-of-homs-2017",
    ]
    positions = [events.index(f"/page/resource/{slug}") for slug in order]
    assert positions == sorted(positions)


def timeline_entries(page_: Page) -> dict[str, Element]:
    (section,) = [s for s in page_.find_all("section") if s.has_class("timeline")]
    return {
        li.find_all("span", class_="what")[0].find_all("a")[0].attrs["href"]: li
        for li in section.find_all("li")
    }


@pytest.mark.parametrize(
    "slug,part",
    [
        ("khalidiya-massacre-2012", "khalidiya"),
        ("baba-amr-bombardment-2012", "baba-amr"),
        ("al-waer-siege-2013", "al-waer"),
        ("old-city-ceasefire-2014", "old-city"),
    ],
)
def test_a_place_timeline_takes_in_what_happened_in_its_parts(
    live_server: LiveServer, slug: str, part: str
) -> None:
    """Homs's neighbourhoods are located in it (hkg:locatedIn): their events are on its
    timeline, each marked with the part it happened in."""
    entries = timeline_entries(page(live_server, "/page/resource/homs"))
    (within,) = entries[f"/page/resource/{slug}"].find_all("span", class_="within")
    assert within.text.startswith("in ")
    assert within.find_all("a", href=f"/page/resource/{part}")
    in_arabic = timeline_entries(page(live_server, "/page/resource/homs?lang=ar"))
    (within,) = in_arabic[f"/page/resource/{slug}?lang=ar"].find_all("span", class_="within")
    assert within.text.startswith("في ") and arabic(within)


def test_an_event_in_several_parts_is_listed_once_with_each_part(live_server: LiveServer) -> None:
    homs = page(live_server, "/page/resource/homs")
    entries = timeline_entries(homs)
    event = "/page/resource/neighbourhoods-leave-government-control-2011"
    entry = entries[event]
    (within,) = entry.find_all("span", class_="within")
    parts = [a.attrs["href"] for a in within.find_all("a")]
    assert sorted(parts) == [
        f"/page/resource/{p}" for p in ("baba-amr", "deir-baalba", "khalidiya", "old-city")
    ]
    assert [a.attrs.get("href") for a in homs.find_all("a")].count(event) == 1
    direct = entries["/page/resource/free-syrian-army-emergence-2011"]  # in Homs itself
    assert not direct.find_all("span", class_="within")
    keys = list(entries)
    assert keys.index("/page/resource/khalidiya-massacre-2012") < keys.index(
        "/page/resource/al-waer-final-evacuation-2017"
    )  # still in time order


def test_a_neighbourhood_has_no_parts_on_its_timeline(live_server: LiveServer) -> None:
    khalidiya = page(live_server, "/page/resource/khalidiya")
    assert timeline_entries(khalidiya) and not khalidiya.find_all("span", class_="within")


def test_embedded_json_ld_describes_the_page_in_schema_org(live_server: LiveServer) -> None:
    homs = page(live_server, "/page/resource/homs").json_ld()
    assert homs["@context"] == "https://schema.org"
    assert homs["@type"] == "City" and homs["@id"] == BASE + "resource/homs"
    assert {"@value": "Homs", "@language": "en"} in homs["name"]
    assert {"@value": "حمص", "@language": "ar"} in homs["name"]
    assert homs["sameAs"] == [WIKIDATA_HOMS]
    massacre = page(live_server, "/page/resource/khalidiya-massacre-2012").json_ld()
    assert massacre["@type"] == "Event" and massacre["startDate"] == "2012-02-03"
    assert massacre["location"][0]["@id"] == BASE + "resource/khalidiya"
    person = page(live_server, "/page/resource/marie-colvin").json_ld()
    assert person["@type"] == "Person" and "name" in person


def test_evidence_source_and_graph_pages(live_server: LiveServer, select) -> None:
    evidence = page(live_server, "/page/evidence/homs-2017-05-21/khalidiya-massacre-2012-killed")
    assert texts(evidence.find_all("mark")) == ["340 شخصا"]
    assert "/page/resource/khalidiya-massacre-2012#killed" in evidence.hrefs
    source = page(live_server, "/page/source/homs-2017-05-21")
    (text,) = [e for e in source.find_all("div") if e.has_class("source-text")]
    assert arabic(text) and "عاصمة الثورة" in text.text
    assert "/page/graph/homs-2017-05-21" in source.hrefs
    graph = page(live_server, "/page/graph/homs-2017-05-21")
    (size,) = select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g = <{BASE}graph/homs-2017-05-21>) }}"
    )
    assert f"{int(size['n']):,}" in graph.root.text
    assert "/data/graph/homs-2017-05-21.ttl" in graph.hrefs


# The escaping of what the data holds


@pytest.fixture(scope="module")
def markup_server(
    tmp_path_factory: pytest.TempPathFactory, article_corpus: Path
) -> Iterator[LiveServer]:
    """A server over the article plus a source whose entity's English label holds markup."""
    data_dir = tmp_path_factory.mktemp("markup")
    build(data_dir, BASE, [article_corpus, FIXTURES / "markup-source"])
    server = LiveServer(data_dir, "--query-workers", "1")
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["/page/resource/test-markup-sign", "/-/browse/Landmark"])
def test_labels_with_markup_are_escaped(markup_server: LiveServer, path: str) -> None:
    html = get(markup_server, path).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert "<script>alert(1)" not in html
    assert MARKUP_LABEL in Page(html).root.text  # shown as text, exactly


def test_the_arabic_home_page_names_a_source_by_its_arabic_title(markup_server: LiveServer) -> None:
    home = page(markup_server, "/?lang=ar")
    (item,) = [
        li for li in home.find_all("li") if li.find_all("a", href=MARKUP_SOURCE + "?lang=ar")
    ]
    names = [span for span in item.find_all("a")[0].find_all("span") if span.attrs.get("lang")]
    assert (names[0].attrs["lang"], names[0].text) == ("ar", "ملاحظة اختبار <b>بترميز</b>")
    assert names[1].attrs["lang"] == "en"  # the English title after it
    assert "2 يونيو/حزيران 2017" in item.text
    english = page(markup_server, "/")
    (item,) = [li for li in english.find_all("li") if li.find_all("a", href=MARKUP_SOURCE)]
    first = next(span for span in item.find_all("span") if span.attrs.get("lang"))
    assert first.attrs["lang"] == "en" and "2 June 2017" in item.text


MARKUP_SOURCE = "/page/source/test-markup-2017-06-02"


def test_json_ld_cannot_close_its_script_element(markup_server: LiveServer) -> None:
    html = get(markup_server, "/page/resource/test-markup-sign").text
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in script and ">" not in script
    assert {"@value": MARKUP_LABEL, "@language": "en"} in json.loads(script)["name"]


# Home, timeline, class lists


def test_home_page_counts_and_links(live_server: LiveServer, select) -> None:
    response = get(live_server, "/")
    assert response.status_code == 200
    assert response.headers["Link"] == '</.well-known/void>; rel="alternate"; type="text/turtle"'
    home = Page(response.text)
    facts = dict(zip(texts(home.find_all("dt")), texts(home.find_all("dd")), strict=False))
    (triples,) = select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    )
    events = select(
        "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* ?top "
        "VALUES ?top { hkg:Event hkg:Situation } }"
    )
    assert facts["Triples"] == f"{int(triples['n']):,}"
    assert facts["Events and situations"] == str(len(events))
    assert facts["Evidence records"] == str(len(select("SELECT ?e WHERE { ?e a hkg:Evidence }")))
    assert int(facts["Entities"]) == len(entity_paths(select)) - len(events)
    for link in [
        "/sparql",
        "/dumps/",
        "/.well-known/void",
        "/queries",
        "/-/timeline",
        "/page/source/homs-2017-05-21",
        "/-/browse/Person",
        "/-/browse/Event",
    ]:
        assert link in home.hrefs, link
    (person,) = [a for a in home.find_all("a") if a.attrs.get("href") == "/-/browse/Person"]
    assert texts(person.parent.find_all("span", class_="count")) == ["10"]


def test_timeline_lists_every_event_in_time_order(live_server: LiveServer, select) -> None:
    response = get(live_server, "/-/timeline")
    timeline = Page(response.text)
    rows = timeline.find_all("tbody")[0].find_all("tr")
    events = [r.find_all("td", class_="what")[0].find_all("a")[0].attrs["href"] for r in rows]
    expected = select(
        "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* ?top "
        "VALUES ?top { hkg:Event hkg:Situation } }"
    )
    assert sorted(events) == sorted("/page/" + r["e"].removeprefix(BASE) for r in expected)
    order = [
        "clock-square-sit-in-dispersal-2011",
        "khalidiya-massacre-2012",
        "al-waer-final-evacuation-2017",
    ]
    positions = [events.index(f"/page/resource/{slug}") for slug in order]
    assert positions == sorted(positions)
    first_date = texts(rows[0].find_all("span", **{"class": "date"}))[0]
    assert first_date in ("18 April 2011", "early 2011")
    undated = [r for r in rows if "undated" in r.text]
    assert undated and rows[-len(undated) :] == undated  # the undated ones come last
    twin = response.headers["Link"].split(";")[0].strip("<>")
    assert twin.startswith("/sparql?query=")
    answer = requests.get(live_server.url + twin, timeout=TIMEOUT).json()
    assert {b["e"]["value"] for b in answer["results"]["bindings"]} == {r["e"] for r in expected}


def test_the_site_timeline_keeps_the_catalogue_timeline_order(
    live_server: LiveServer, select
) -> None:
    """/-/timeline and queries/event-timeline.rq order the events by one rule."""
    rows = Page(get(live_server, "/-/timeline").text).find_all("tbody")[0].find_all("tr")
    shown = [r.find_all("td", class_="what")[0].find_all("a")[0].attrs["href"] for r in rows]
    catalogue = (Path(__file__).parents[1] / "queries" / "event-timeline.rq").read_text()
    ordered = dict.fromkeys("/page/" + r["event"].removeprefix(BASE) for r in select(catalogue))
    assert shown == list(ordered)


def test_browse_lists_every_instance_of_a_class(live_server: LiveServer, select) -> None:
    persons = page(live_server, "/-/browse/Person")
    listed = {h for h in persons.hrefs if h.startswith("/page/resource/")}
    expected = {
        "/page/" + r["p"].removeprefix(BASE) for r in select("SELECT ?p WHERE { ?p a hkg:Person }")
    }
    assert listed == expected and len(listed) == 10
    assert "مصطفى السباعي" in persons.root.text and "Mustafa al-Sibai" in persons.root.text


def test_browse_an_unknown_class_is_404(live_server: LiveServer) -> None:
    for name in ("Nothing", "person", "..%2f..%2fetc"):
        response = get(live_server, f"/-/browse/{name}")
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404


def test_language_switch_turns_the_interface_to_arabic(live_server: LiveServer) -> None:
    homs = page(live_server, "/page/resource/homs?lang=ar")
    (html,) = homs.find_all("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("ar", "rtl")
    headings = texts(homs.find_all("h2"))
    assert "الشاهد من النص" in headings and "الخط الزمني" in headings
    (labels,) = [e for e in homs.find_all("div") if e.has_class("labels")]
    columns = [c for c in labels.children if c.has_class("col")]
    assert [c.attrs["lang"] for c in columns] == ["ar", "en"]  # both kept, Arabic first
    links = [h for h in homs.hrefs if h.startswith("/page/resource/")]
    assert links and all("lang=ar" in h for h in links)  # the interface language is kept
    for path in ("/?lang=ar", "/-/timeline?lang=ar", "/-/browse/Person?lang=ar"):
        (root,) = page(live_server, path).find_all("html")
        assert root.attrs["dir"] == "rtl", path


def rows_by_event(timeline: Page) -> dict[str, Element]:
    rows = timeline.find_all("tbody")[0].find_all("tr")
    return {r.find_all("td", class_="what")[0].find_all("a")[0].attrs["href"]: r for r in rows}


ENGLISH_WORDS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|between|early|late|mid|since|by|the day after|after|undated)\b"
)


def test_the_arabic_timeline_gives_dates_and_relations_in_arabic(live_server: LiveServer) -> None:
    rows = rows_by_event(page(live_server, "/-/timeline?lang=ar"))

    def when(slug: str) -> tuple[str, ...]:
        cell = rows[f"/page/resource/{slug}?lang=ar"].find_all("td", class_="when")[0]
        spans = [s for s in cell.find_all("span") if not s.has_class("phrase")]
        assert all(arabic(s) for s in spans), slug
        return tuple(" ".join(s.text.split()) for s in spans)

    assert when("khalidiya-massacre-2012") == ("3 فبراير/شباط 2012",)
    assert when("baba-amr-bombardment-2012") == (
        "4 فبراير/شباط 2012",
        "في اليوم الذي تلا مجزرة الخالدية",
    )
    assert when("al-waer-agreement-2015") == (
        "بين 1 سبتمبر/أيلول 2015 و9 ديسمبر/كانون الأول 2015",
        "بعد مفاوضات اخلاء حي الوعر",
    )
    assert when("neighbourhoods-leave-government-control-2011") == ("بحلول أواخر 2011",)
    for href, row in rows.items():
        cell = row.find_all("td", class_="when")[0]
        shown = " ".join(s.text for s in cell.find_all("span") if not s.has_class("phrase"))
        assert not ENGLISH_WORDS.search(shown), (href, shown)


def test_the_arabic_home_page_gives_the_source_language_and_date_in_arabic(
    live_server: LiveServer,
) -> None:
    home = page(live_server, "/?lang=ar")
    (sources,) = [s for s in home.find_all("section") if s.has_class("sources")]
    text = " ".join(sources.text.split())
    assert "اللغة: العربية" in text and "تاريخ النشر: 21 مايو/أيار 2017" in text
    assert "May" not in text and "Language" not in text


def test_an_arabic_page_counts_in_arabic(live_server: LiveServer) -> None:
    def numbers(path: str) -> list[str]:
        found = page(live_server, path + "?lang=ar").find_all("td")
        return texts([e for e in found if e.has_class("number")])

    assert numbers("/page/resource/old-city-civilians-besieged-2014") == ["نحو 3000"]
    assert numbers("/page/resource/khalidiya-massacre-2012") == ["340", "1800"]


# Every entity and event is reached from the home page


def entity_paths(select) -> set[str]:
    rows = select(f"""SELECT DISTINCT ?s WHERE {{ ?s rdfs:label ?l
        FILTER(STRSTARTS(STR(?s), "{BASE}resource/") && !CONTAINS(STR(?s), "#")) }}""")
    return {"/page/" + row["s"].removeprefix(BASE) for row in rows}


FOLLOWED = ("/page/", "/-/browse/", "/-/timeline")


def politely(server: LiveServer, path: str, attempts: int = 4) -> requests.Response:
    """``path`` fetched as a polite crawler does: a 503 (a page query past the 3 s limit on a
    loaded machine) is asked again after its Retry-After (RFC 9110 section 10.2.3)."""
    response = get(server, path)
    for _ in range(attempts - 1):
        if response.status_code != 503:
            break
        time.sleep(min(float(response.headers.get("Retry-After", "1")), 5.0))
        response = get(server, path)
    return response


def links_of(server: LiveServer, path: str) -> list[str]:
    """The links of the page at ``path`` (none for a page that is not HTML)."""
    response = politely(server, path)
    assert response.status_code == 200, (path, response.status_code)
    if not response.headers["Content-Type"].startswith("text/html"):
        return []
    return Page(response.text).hrefs


def crawl(server: LiveServer, limit: int = 3000) -> tuple[set[str], int]:
    """Breadth first from /, along same-host links to pages, the timeline and the class lists;
    each level fetched by four clients at once."""
    seen, level, fetched = {"/"}, ["/"], 0
    host = urlsplit(server.url).netloc
    with ThreadPoolExecutor(max_workers=4) as clients:
        while level and fetched < limit:
            found = list(clients.map(lambda path: (path, links_of(server, path)), level))
            fetched, level = fetched + len(level), []
            for path, hrefs in found:
                for href in hrefs:
                    target = urlsplit(urljoin(server.url + path, href))
                    wanted = target.netloc == host and target.path.startswith(FOLLOWED)
                    if wanted and target.path not in seen:
                        seen.add(target.path)
                        level.append(target.path)
    return seen, fetched


def test_crawl_from_home_reaches_every_entity_and_event(live_server: LiveServer, select) -> None:
    seen, fetched = crawl(live_server)
    reached = {path for path in seen if path.startswith("/page/resource/")}
    expected = entity_paths(select)
    assert reached == expected, (
        f"{len(reached)} resource pages reached in {fetched} fetches; {len(expected)} expected; "
        f"missing {sorted(expected - reached)[:10]}, extra {sorted(reached - expected)[:10]}"
    )
