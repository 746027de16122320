"""Every minted IRI dereferences (W3C Cool URIs): 303 to the page or the RDF document by Accept."""

from __future__ import annotations

import pytest
import rdflib
import requests

from homs_kg.graph.vocabulary import MintedIris

from .conftest import BASE, LiveServer

THINGS = {
    "entity": ("resource/homs", "حمص"),
    "event": ("resource/khalidiya-massacre-2012", "مجزرة الخالدية"),
    "ontology term": ("ontology/Massacre", "massacre"),
    "source": ("source/homs-2017-05-21", None),
    "evidence": ("evidence/homs-2017-05-21/khalidiya-massacre-2012", None),
}
RDF_FORMATS = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}


def fetch(server: LiveServer, path: str, accept: str | None = None) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(f"{server.url}/{path}", headers=headers, allow_redirects=False, timeout=30)


@pytest.mark.parametrize("thing", sorted(THINGS))
def test_browsers_are_sent_to_the_page(live_server: LiveServer, thing: str) -> None:
    path, _ = THINGS[thing]
    response = fetch(live_server, path, "text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/page/{path}")
    assert response.headers["Vary"] == "Accept"
    assert f'</data/{path}.ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"]


@pytest.mark.parametrize("thing", sorted(THINGS))
def test_the_arabic_interface_is_kept_through_the_303(live_server: LiveServer, thing: str) -> None:
    path, _ = THINGS[thing]
    response = fetch(live_server, f"{path}?lang=ar", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/page/{path}?lang=ar")
    page = requests.get(live_server.url + response.headers["Location"], timeout=30)
    assert '<html lang="ar" dir="rtl">' in page.text
    rdf = fetch(live_server, f"{path}?lang=ar", "text/turtle")  # a document has no interface
    assert rdf.headers["Location"].endswith(f"/data/{path}.ttl")
    other = fetch(live_server, f"{path}?lang=xx", "text/html")
    assert other.headers["Location"].endswith(f"/page/{path}")


@pytest.mark.parametrize("thing", sorted(THINGS))
@pytest.mark.parametrize("accept", sorted(RDF_FORMATS))
def test_rdf_clients_are_sent_to_the_document(
    live_server: LiveServer, thing: str, accept: str
) -> None:
    path, label = THINGS[thing]
    ext, rdflib_format = RDF_FORMATS[accept]
    response = fetch(live_server, path, accept)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/data/{path}.{ext}")
    document = requests.get(f"{live_server.url}{response.headers['Location']}", timeout=30)
    assert document.status_code == 200
    assert document.headers["Content-Type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=document.content, format=rdflib_format)
    subject = rdflib.URIRef(BASE + path)
    assert (subject, None, None) in graph
    if label:
        assert label in {str(o) for o in graph.objects(subject, rdflib.RDFS.label)}


def test_q_values_choose_the_format(live_server: LiveServer) -> None:
    response = fetch(live_server, "resource/homs", "text/html;q=0.5, text/turtle;q=0.9")
    assert response.headers["Location"].endswith("/data/resource/homs.ttl")


def test_extension_forms_need_no_header(live_server: LiveServer) -> None:
    response = fetch(live_server, "data/resource/homs.nt")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/n-triples")


def test_document_without_extension_negotiates(live_server: LiveServer) -> None:
    response = fetch(live_server, "data/resource/homs", "application/ld+json")
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert response.headers["Content-Location"] == "/data/resource/homs.jsonld"


def test_document_holds_incoming_links_and_evidence(live_server: LiveServer) -> None:
    graph = rdflib.Graph().parse(
        data=fetch(live_server, "data/resource/homs.ttl").content, format="turtle"
    )
    homs = rdflib.URIRef(BASE + "resource/homs")
    massacre_place = rdflib.URIRef(BASE + "resource/tank-deployment-2011")
    assert (massacre_place, rdflib.URIRef(BASE + "ontology/place"), homs) in graph
    assert (massacre_place, rdflib.RDFS.label, None) in graph
    exact = rdflib.URIRef("http://www.w3.org/ns/oa#exact")
    assert "في مدينة حمص السورية" in {str(o) for o in graph.objects(None, exact)}


def test_hash_parts_are_in_their_resource_document(live_server: LiveServer) -> None:
    graph = rdflib.Graph().parse(
        data=fetch(live_server, "data/resource/khalidiya-massacre-2012.ttl").content,
        format="turtle",
    )
    killed = rdflib.URIRef(BASE + "resource/khalidiya-massacre-2012#killed")
    assert (killed, rdflib.URIRef("http://schema.org/value"), rdflib.Literal(340)) in graph


def test_a_turtle_document_declares_the_prefixes_then_describes_its_resource(
    live_server: LiveServer,
) -> None:
    lines = fetch(live_server, "data/resource/homs.ttl").text.splitlines()
    prefixes = [line for line in lines if line.startswith("@prefix ")]
    assert lines[: len(prefixes)] == prefixes
    assert len(prefixes) == len(MintedIris(BASE).prefixes())
    assert lines[len(prefixes)] == "res:homs a hkg:City ;"


def test_a_documents_subjects_come_resource_parts_evidence_then_the_rest(
    live_server: LiveServer,
) -> None:
    event = f"{BASE}resource/khalidiya-massacre-2012"

    def group(subject: str) -> int:
        if subject == f"<{event}>":
            return 0
        if subject.startswith(f"<{event}#"):
            return 1
        return 2 if subject.startswith(f"<{BASE}evidence/") else 3

    lines = fetch(live_server, "data/resource/khalidiya-massacre-2012.nt").text.splitlines()
    groups = [group(subject) for subject in dict.fromkeys(line.split(" ")[0] for line in lines)]
    assert groups == sorted(groups) and set(groups) == {0, 1, 2, 3}


def test_a_json_ld_document_is_compacted_with_the_graphs_context(live_server: LiveServer) -> None:
    document = fetch(live_server, "data/resource/homs.jsonld").json()
    assert document["@context"] == MintedIris(BASE).prefixes()
    assert document["@graph"][0]["@id"] == "res:homs"
    assert document["@graph"][0]["@type"] == "hkg:City"


@pytest.mark.parametrize("accept", ["text/n3", "application/trig"])
def test_a_client_of_a_superset_of_turtle_is_sent_the_turtle_document(
    live_server: LiveServer, accept: str
) -> None:
    response = fetch(live_server, "resource/homs", f"{accept}, */*;q=0.1")
    assert response.headers["Location"].endswith("/data/resource/homs.ttl")


def test_a_client_of_n_quads_is_sent_the_n_triples_document(live_server: LiveServer) -> None:
    response = fetch(live_server, "resource/homs", "application/n-quads")
    assert response.headers["Location"].endswith("/data/resource/homs.nt")


def test_a_named_graph_dereferences_to_its_content(live_server: LiveServer) -> None:
    response = fetch(live_server, "graph/wikidata-links", "application/n-triples")
    assert response.status_code == 303
    document = requests.get(f"{live_server.url}{response.headers['Location']}", timeout=30)
    graph = rdflib.Graph().parse(data=document.content, format="nt")
    same_as = rdflib.URIRef("http://www.w3.org/2002/07/owl#sameAs")
    assert (
        rdflib.URIRef(BASE + "resource/homs"),
        same_as,
        rdflib.URIRef("http://www.wikidata.org/entity/Q131301"),
    ) in graph


@pytest.mark.parametrize(
    "path",
    [
        "resource/atlantis",
        "ontology/Unicorn",
        "evidence/x/y",
        "graph/nothing",
        "data/resource/atlantis.ttl",
        "page/resource/atlantis",
    ],
)
def test_unknown_iris_are_404(live_server: LiveServer, path: str) -> None:
    assert fetch(live_server, path, "text/turtle").status_code == 404


def test_unacceptable_type_is_406(live_server: LiveServer) -> None:
    assert fetch(live_server, "resource/homs", "image/png").status_code == 406
