"""Documents and pages are conditional (RFC 9110 §13): a client that holds the representation its
ETag or its Last-Modified names gets 304 Not Modified and no body; each format of a document and
each language of a page is a representation of its own, with its own ETag."""

from __future__ import annotations

import pytest
import requests

from .conftest import LiveServer

DOCUMENT = "data/resource/homs.ttl"
PAGE = "page/resource/homs"
LONG_AGO = "Sat, 01 Jan 2000 00:00:00 GMT"


def get(server: LiveServer, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{server.url}/{path}", headers=headers, timeout=30)


@pytest.mark.parametrize("path", [DOCUMENT, PAGE])
def test_if_none_match_with_its_etag_is_304(live_server: LiveServer, path: str) -> None:
    etag = get(live_server, path).headers["ETag"]
    again = get(live_server, path, **{"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize("path", [DOCUMENT, PAGE])
def test_if_modified_since_its_last_modified_is_304(live_server: LiveServer, path: str) -> None:
    last_modified = get(live_server, path).headers["Last-Modified"]
    again = get(live_server, path, **{"If-Modified-Since": last_modified})
    assert again.status_code == 304 and not again.content


@pytest.mark.parametrize("path", [DOCUMENT, PAGE])
def test_modified_since_an_older_date_is_sent_whole(live_server: LiveServer, path: str) -> None:
    again = get(live_server, path, **{"If-Modified-Since": LONG_AGO})
    assert again.status_code == 200 and again.content


@pytest.mark.parametrize("path", [DOCUMENT, PAGE])
def test_if_none_match_decides_over_if_modified_since(live_server: LiveServer, path: str) -> None:
    """RFC 9110 §13.2.2: If-Modified-Since is not evaluated when If-None-Match is present."""
    last_modified = get(live_server, path).headers["Last-Modified"]
    again = get(
        live_server, path, **{"If-None-Match": '"another"', "If-Modified-Since": last_modified}
    )
    assert again.status_code == 200


def test_each_format_of_a_document_has_its_own_etag(live_server: LiveServer) -> None:
    etags = {
        get(live_server, f"data/resource/homs.{ext}").headers["ETag"]
        for ext in ("ttl", "jsonld", "nt", "rdf")
    }
    assert len(etags) == 4


def test_the_etag_of_one_format_does_not_validate_another(live_server: LiveServer) -> None:
    turtle = get(live_server, DOCUMENT).headers["ETag"]
    json_ld = get(live_server, "data/resource/homs.jsonld", **{"If-None-Match": turtle})
    assert json_ld.status_code == 200


def test_a_304_of_a_negotiated_document_names_what_the_200_names(live_server: LiveServer) -> None:
    """RFC 9110 §15.4.5: a 304 carries the Content-Location, ETag and Vary the 200 would."""
    path, accept = "data/resource/homs", "application/ld+json"
    first = get(live_server, path, Accept=accept)
    again = get(live_server, path, Accept=accept, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Content-Location"] == "/data/resource/homs.jsonld"
    assert again.headers["Vary"] == "Accept"
    assert again.headers["Link"] == first.headers["Link"]


def test_each_language_of_a_page_has_its_own_etag(live_server: LiveServer) -> None:
    english = get(live_server, PAGE).headers["ETag"]
    assert get(live_server, f"{PAGE}?lang=ar").headers["ETag"] != english


def test_the_english_etag_does_not_validate_the_arabic_page(live_server: LiveServer) -> None:
    english = get(live_server, PAGE).headers["ETag"]
    arabic = get(live_server, f"{PAGE}?lang=ar", **{"If-None-Match": english})
    assert arabic.status_code == 200 and 'lang="ar"' in arabic.text


def test_the_ontology_reference_answers_304(live_server: LiveServer) -> None:
    first = requests.get(f"{live_server.url}/page/ontology", timeout=30)
    again = requests.get(
        f"{live_server.url}/page/ontology",
        timeout=30,
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert (first.status_code, again.status_code) == (200, 304)
