"""The ontology's HTML reference (/page/ontology) and its terms' pages (/page/ontology/<Term>)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
import rdflib
import requests

from .conftest import BASE, LiveServer

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
ALIGNED = "rdfs:subClassOf|skos:exactMatch|skos:closeMatch|skos:relatedMatch|skos:narrowMatch"


class Page(HTMLParser):
    """The ids, links and alternate links of an HTML page, and its text."""

    def __init__(self, body: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.alternates: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.feed(body)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"] or "")
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"] or "")
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates.append(attributes)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def get(server: LiveServer, path: str, accept: str = HTML, **kwargs) -> requests.Response:
    return requests.get(f"{server.url}{path}", headers={"Accept": accept}, timeout=30, **kwargs)


def page(server: LiveServer, path: str) -> str:
    response = get(server, path)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


def entry(body: str, name: str) -> str:
    """The ontology page's entry of one term (entries are articles, none nested in another)."""
    found = re.search(
        rf'<article class="term[^"]*" id="{re.escape(name)}">(.*?)</article>', body, re.DOTALL
    )
    assert found, f"no entry for {name}"
    return found.group(1)


def turtle_alternate(body: str) -> str:
    (alternate,) = [a for a in Page(body).alternates if a.get("type") == "text/turtle"]
    return alternate["href"] or ""


@pytest.fixture(scope="module")
def reference(live_server: LiveServer) -> str:
    return page(live_server, "/page/ontology")


def test_the_ontology_iri_sends_browsers_to_its_reference(live_server: LiveServer) -> None:
    response = get(live_server, "/ontology", allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/page/ontology")
    assert turtle_alternate(page(live_server, response.headers["Location"])) == "/data/ontology.ttl"


def test_the_reference_gives_title_version_and_licence(reference: str, select) -> None:
    (about,) = select(f"""SELECT ?title ?version ?license WHERE {{ <{BASE}ontology>
        dcterms:title ?title ; owl:versionInfo ?version ; dcterms:license ?license }}""")
    words = Page(reference).words
    assert about["title"] in words and about["version"] in words
    assert about["license"] in Page(reference).hrefs


@pytest.mark.parametrize(
    "name",
    [
        "Massacre",
        "Person",
        "place",
        "Place",
        "cameFrom",
        "PerpetratorRole",
        "ParticipantRoles",
        "Killed",
        "shapes/EntityShape",
    ],
)
def test_the_reference_lists_each_term_under_its_anchor(reference: str, name: str) -> None:
    parsed = Page(reference)
    assert name in parsed.ids
    assert f"#{name}" in parsed.hrefs  # from the table of contents
    assert f"/page/ontology/{name}" in Page(entry(reference, name)).hrefs


def test_an_entry_shows_both_labels_its_comment_and_its_alignments(reference: str, select) -> None:
    massacre = entry(reference, "Massacre")
    labels = select(
        "SELECT ?ar ?comment WHERE { hkg:Massacre rdfs:label ?ar ; rdfs:comment "
        '?comment FILTER(LANG(?ar) = "ar") }'
    )[0]
    assert f'<span lang="ar" dir="rtl">{labels["ar"]}</span>' in massacre
    assert labels["comment"] in html.unescape(massacre)
    aligned = select(
        f"SELECT ?other WHERE {{ hkg:Massacre {ALIGNED} ?other "
        f'FILTER(!STRSTARTS(STR(?other), "{BASE}")) }}'
    )
    assert {row["other"] for row in aligned} >= {
        "http://schema.org/Event",
        "http://www.wikidata.org/entity/Q3199915",
    }
    hrefs = Page(massacre).hrefs
    assert all(row["other"] in hrefs for row in aligned)
    assert re.search(
        r"exact match\s*</span>\s*<a href=\"http://www.wikidata.org/entity/Q3199915", massacre
    )


def test_a_property_entry_gives_domain_range_and_superproperty(reference: str) -> None:
    place = entry(reference, "place")  # domain: the union of Event and Situation
    assert re.search(
        r'<dt>domain</dt><dd><a href="#Event"[^>]*>.*?</a> or <a href="#Situation"', place
    )
    assert re.search(r'<dt>range</dt><dd><a href="#Place"', place)
    assert re.search(
        r'<dt>subproperty of</dt><dd><a href="#associatedWithPlace"', entry(reference, "cameFrom")
    )


def test_the_class_hierarchy_nests_subclasses(reference: str) -> None:
    tree = re.search(r'<section id="section-class-tree">(.*?)</section>', reference, re.DOTALL)
    assert tree
    assert re.search(
        r'href="#Agreement".*?<ul>\s*<li><a href="#Ceasefire"', tree.group(1), re.DOTALL
    )


def test_a_term_iri_sends_rdf_clients_to_its_turtle(live_server: LiveServer) -> None:
    response = get(live_server, "/ontology/Person", "text/turtle", allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/data/ontology/Person.ttl")
    document = get(live_server, response.headers["Location"], "text/turtle")
    graph = rdflib.Graph().parse(data=document.content, format="turtle")
    person = rdflib.URIRef(BASE + "ontology/Person")
    assert (person, rdflib.RDFS.label, rdflib.Literal("person", lang="en")) in graph
    assert (person, rdflib.RDFS.label, rdflib.Literal("شخص", lang="ar")) in graph


def test_a_class_page_shows_its_instances(live_server: LiveServer, select) -> None:
    body = page(live_server, "/page/ontology/Person")
    assert turtle_alternate(body) == "/data/ontology/Person.ttl"
    (total,) = select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a hkg:Person }")
    assert f"{total['n']} instances" in Page(body).words
    examples = re.search(r'<ul class="examples">(.*?)</ul>', body, re.DOTALL)
    assert examples
    items = re.findall(r"<li>(.*?)</li>", examples.group(1), re.DOTALL)
    assert len(items) == 10
    colvin = next(item for item in items if "Marie Colvin" in item)
    assert 'href="/page/resource/marie-colvin"' in colvin
    assert '<span lang="ar" dir="rtl">ماري كولفن</span>' in colvin


def test_a_property_page_shows_its_comment_and_triples(live_server: LiveServer) -> None:
    body = page(live_server, "/page/ontology/cameFrom")
    assert "NOT a birthplace claim" in html.unescape(body)
    assert "/page/ontology/Person" in Page(body).hrefs  # its domain
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    quwatli = next(row for row in rows if "Shukri al-Quwatli" in row)
    links = Page(quwatli).hrefs
    assert links == [
        "/page/resource/shukri-al-quwatli",
        "/page/ontology/cameFrom",
        "/page/resource/homs",
    ]


@pytest.mark.parametrize("name", ["Killed", "PerpetratorRole"])
def test_a_concept_page_shows_its_uses(live_server: LiveServer, select, name: str) -> None:
    body = page(live_server, f"/page/ontology/{name}")
    (use,) = select(
        f"SELECT ?s WHERE {{ ?s ?p hkg:{name} FILTER(isIRI(?s) && "
        f'STRSTARTS(STR(?s), "{BASE}resource/")) }} ORDER BY STR(?s) LIMIT 1'
    )
    resource, _, part = use["s"][len(BASE) :].partition("#")
    assert f"/page/{resource}" + (f"#{part}" if part else "") in Page(body).hrefs
    assert re.search(r'<p class="count">\d+ uses? in the data', body)


def test_a_shape_page_shows_its_targets_and_messages(live_server: LiveServer) -> None:
    body = page(live_server, "/page/ontology/shapes/EntityShape")
    assert "/page/ontology/Person" in Page(body).hrefs
    assert "Exactly one Arabic rdfs:label (@ar) is required" in body


@pytest.mark.parametrize(
    "path", ["/ontology/NoSuchTerm", "/page/ontology/NoSuchTerm", "/data/ontology/NoSuchTerm.ttl"]
)
def test_an_unknown_term_is_404(live_server: LiveServer, path: str) -> None:
    assert get(live_server, path, allow_redirects=False).status_code == 404


def test_the_reference_has_an_arabic_interface(live_server: LiveServer, reference: str) -> None:
    body = page(live_server, "/page/ontology?lang=ar")
    assert '<html lang="ar" dir="rtl">' in body
    words = Page(body).words
    for heading in ("المحتويات", "تسلسل الأصناف", "الأصناف", "الخصائص الكائنية", "أشكال SHACL"):
        assert heading in words
    for english in ("Contents", "Class hierarchy", "Object properties", "target classes"):
        assert english not in words and english in Page(reference).words
    massacre = entry(body, "Massacre")
    assert re.search(
        r"مطابقة تامة\s*</span>\s*<a href=\"http://www.wikidata.org/entity/Q3199915", massacre
    )
    assert "/page/ontology/Massacre?lang=ar" in Page(massacre).hrefs  # the language is kept
    assert '<p class="comment" lang="en" dir="ltr">' in massacre  # the comments are English


def test_a_term_page_has_an_arabic_interface(live_server: LiveServer, select) -> None:
    body = page(live_server, "/page/ontology/Person?lang=ar")
    (total,) = select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a hkg:Person }")
    words = Page(body).words
    assert f"عدد العناصر، بما فيها عناصر أصنافه الفرعية: {total['n']}" in words
    assert re.search(r'<h1><code>Person</code> <span lang="ar" dir="rtl">شخص</span></h1>', body)
    assert "أمثلة من البيانات" in words and "Examples from the data" not in words
    assert "/page/resource/marie-colvin?lang=ar" in Page(body).hrefs
    uses = Page(page(live_server, "/page/ontology/Killed?lang=ar")).words
    assert re.search(r"عدد مرات استخدامه في البيانات: \d+", uses)
