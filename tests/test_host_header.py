"""A forged Host header reaches no public document: every URL the service writes into an answer a
shared cache may keep (they are ``public, max-age=60`` with an ETag that ignores the host, and a
308 is cacheable by default) is under the base IRI, the server's public address, so a request with
``Host: evil.example`` cannot poison the cache for other clients."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph, Namespace, URIRef

from .conftest import BASE, LiveServer

FORGED = "evil.example"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(f"{BASE}.well-known/void#dataset")
DUMPS = ("homs-kg.nq.gz", "homs-kg.ttl.gz")


def forged(server: LiveServer, path: str, accept: str = "*/*") -> requests.Response:
    """GET ``path`` from the live server, naming another host in the Host header."""
    headers = {"Host": FORGED, "Accept": accept}
    answer = requests.get(server.url + path, headers=headers, allow_redirects=False, timeout=30)
    assert answer.status_code < 400, answer.text
    return answer


def assert_forged_host_absent(answer: requests.Response) -> None:
    assert FORGED not in answer.text
    assert not [value for value in answer.headers.values() if FORGED in value], answer.headers


class JsonBlocks(HTMLParser):
    """The ``<script type="application/…json">`` blocks of a page, by type."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.blocks: dict[str, str] = {}
        self._type: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("type") or ""
        self._type = kind if tag == "script" and kind.endswith("json") else None

    def handle_data(self, data: str) -> None:
        if self._type:
            self.blocks[self._type] = self.blocks.get(self._type, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._type = None


def test_the_service_description_names_the_base_iris_endpoint(live_server: LiveServer) -> None:
    answer = forged(live_server, "/sparql", "text/turtle")
    assert_forged_host_absent(answer)
    graph = Graph().parse(data=answer.text, format="turtle")
    assert set(graph.objects(None, SD.endpoint)) == {URIRef(BASE + "sparql")}


def test_void_names_the_base_iris_endpoint_and_dumps(live_server: LiveServer) -> None:
    answer = forged(live_server, "/.well-known/void", "text/turtle")
    assert_forged_host_absent(answer)
    graph = Graph().parse(data=answer.text, format="turtle")
    assert set(graph.objects(DATASET, VOID.sparqlEndpoint)) == {URIRef(BASE + "sparql")}
    assert set(graph.objects(DATASET, VOID.dataDump)) == {
        URIRef(BASE + "dumps/" + name) for name in DUMPS
    }


def test_the_openapi_server_is_the_base_iri(live_server: LiveServer) -> None:
    answer = forged(live_server, "/-/openapi.json")
    assert_forged_host_absent(answer)
    assert answer.json()["servers"] == [{"url": BASE.rstrip("/")}]


def test_the_dump_list_names_the_base_iris_dumps(live_server: LiveServer) -> None:
    answer = forged(live_server, "/dumps/")
    assert_forged_host_absent(answer)
    assert {dump["url"] for dump in answer.json()["dumps"]} == {
        BASE + "dumps/" + name for name in DUMPS
    }
    linked = set(re.findall(r"<([^>]+)>", answer.headers["Link"]))
    assert linked == {BASE + "dumps/" + name for name in DUMPS} | {BASE + ".well-known/void"}


def test_the_reconciliation_manifest_names_the_base_iri(live_server: LiveServer) -> None:
    answer = forged(live_server, "/reconcile")
    assert_forged_host_absent(answer)
    manifest = answer.json()
    assert manifest["logo"] == BASE + "-/static/ui/icon.svg"
    assert manifest["identifierSpace"] == BASE + "resource/"
    assert manifest["view"] == {"url": BASE + "resource/{{id}}"}


@pytest.mark.parametrize("path", ["/-/query", "/sparql"])
def test_the_query_page_names_the_base_iris_endpoint(live_server: LiveServer, path: str) -> None:
    answer = forged(live_server, path, "text/html")
    assert_forged_host_absent(answer)
    settings = json.loads(JsonBlocks(answer.text).blocks["application/json"])
    assert settings["endpoint"] == BASE + "sparql"
    assert answer.headers["Link"] == f'<{BASE}sparql>; rel="alternate"; type="text/turtle"'


def test_a_pages_json_ld_names_the_base_iris_page(live_server: LiveServer) -> None:
    answer = forged(live_server, "/page/resource/homs", "text/html")
    assert_forged_host_absent(answer)
    described = json.loads(JsonBlocks(answer.text).blocks["application/ld+json"])
    assert described["url"] == BASE + "page/resource/homs"


@pytest.mark.parametrize(
    "path,location",
    [("/dumps", "dumps/"), ("/page//resource/homs", "page/resource/homs")],
)
def test_a_routing_redirect_goes_to_the_base_iri(
    live_server: LiveServer, path: str, location: str
) -> None:
    answer = forged(live_server, path)
    assert answer.status_code == 308
    assert_forged_host_absent(answer)
    assert answer.headers["Location"] == BASE + location


@pytest.mark.parametrize(
    "path,accept",
    [
        ("/sparql", "text/turtle"),
        ("/.well-known/void", "application/ld+json"),
        ("/-/openapi.json", "*/*"),
        ("/dumps/", "*/*"),
        ("/reconcile", "*/*"),
        ("/-/query", "text/html"),
        ("/page/resource/homs", "text/html"),
    ],
)
def test_a_forged_host_gets_the_same_document_as_the_public_one(
    live_server: LiveServer, path: str, accept: str
) -> None:
    """What a shared cache keeps for one client is what every client would have got."""
    public = {"Host": urlsplit(BASE).netloc, "Accept": accept}
    expected = requests.get(live_server.url + path, headers=public, timeout=30)
    assert forged(live_server, path, accept).content == expected.content
