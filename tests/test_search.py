"""Label search over HTTP: the Arabic matching form, Latin accents, the type filter, JSON, HTML."""

from __future__ import annotations

import re

import pytest
import requests

from .conftest import BASE, LiveServer

RES = BASE + "resource/"
JSON_ACCEPT = {"Accept": "application/json"}


def search_json(server: LiveServer, **params: str) -> dict:
    response = requests.get(f"{server.url}/search", params=params, headers=JSON_ACCEPT, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def first_iri(server: LiveServer, query: str, **params: str) -> str:
    results = search_json(server, q=query, **params)["results"]
    assert results, f"nothing found for {query!r}"
    return results[0]["iri"]


@pytest.mark.parametrize("query", ["الأتاسي", "الاتاسي", "نور الدين الأتاسي"])
def test_hamza_on_alef_does_not_matter(live_server: LiveServer, query: str) -> None:
    assert first_iri(live_server, query) == RES + "nureddin-al-atassi"


@pytest.mark.parametrize("query", ["خالِد بن الوَليد", "خالـد بن الوليد", "خالد بن الوليد"])
def test_diacritics_and_tatweel_do_not_matter(live_server: LiveServer, query: str) -> None:
    hit = search_json(live_server, q=query)["results"][0]
    assert hit["iri"] == RES + "khalid-ibn-al-walid"
    assert hit["score"] == 100


def test_alternative_labels_are_searched(live_server: LiveServer) -> None:
    hit = search_json(live_server, q="إبن الوليد")["results"][0]
    assert hit["iri"] == RES + "khalid-ibn-al-walid"
    assert hit["matched"] == {"label": "ابن الوليد", "lang": "ar"}


@pytest.mark.parametrize("query", ["Remi ochlik", "RÉMI OCHLIK", "remi"])
def test_latin_case_and_accents_do_not_matter(live_server: LiveServer, query: str) -> None:
    assert first_iri(live_server, query) == RES + "remi-ochlik"


def test_scores_rank_exact_prefix_words_substring(live_server: LiveServer) -> None:
    scores = {r["iri"]: r["score"] for r in search_json(live_server, q="Homs")["results"]}
    assert scores[RES + "homs"] == 100  # the label
    assert scores[RES + "homs-governorate"] == 90  # "Homs Governorate" starts with it
    assert scores[RES + "old-city"] == 80  # "Old City of Homs": every word
    assert search_json(live_server, q="chlik")["results"][0]["score"] == 70  # inside a word


def test_results_are_ordered_by_score_then_label(live_server: LiveServer) -> None:
    results = search_json(live_server, q="Homs", limit="100")["results"]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    at_90 = [r["matched"]["label"].casefold() for r in results if r["score"] == 90]
    assert at_90 == sorted(at_90) and len(at_90) > 1


def test_type_filter_takes_subclasses_and_excludes_others(live_server: LiveServer) -> None:
    unfiltered = {r["iri"] for r in search_json(live_server, q="خالد بن الوليد")["results"]}
    assert RES + "khalid-ibn-al-walid-shrine" in unfiltered  # a landmark, i.e. a place
    people = search_json(live_server, q="خالد بن الوليد", type="Person")["results"]
    assert [r["iri"] for r in people] == [RES + "khalid-ibn-al-walid"]
    places = search_json(live_server, q="Homs", type=BASE + "ontology/Place")["results"]
    kinds = {t["iri"].rsplit("/", 1)[1] for r in places for t in r["types"]}
    assert RES + "homs" in {r["iri"] for r in places}  # a City: a subclass of Place
    assert kinds <= {
        "City",
        "Governorate",
        "Region",
        "Neighbourhood",
        "Square",
        "Landmark",
        "Country",
        "Place",
    }
    assert search_json(live_server, q="Homs", type="Person")["results"] == []


def test_json_shape(live_server: LiveServer) -> None:
    body = search_json(live_server, q="Marie Colvin", limit="1")
    assert body == {
        "query": "Marie Colvin",
        "results": [
            {
                "iri": RES + "marie-colvin",
                "label": {"ar": "ماري كولفن", "en": "Marie Colvin"},
                "types": [
                    {"iri": BASE + "ontology/Person", "label": {"ar": "شخص", "en": "person"}}
                ],
                "score": 100,
                "page": "/page/resource/marie-colvin",
                "matched": {"label": "Marie Colvin", "lang": "en"},
            }
        ],
    }


def test_limit(live_server: LiveServer) -> None:
    assert len(search_json(live_server, q="حي", limit="2")["results"]) == 2
    assert len(search_json(live_server, q="a", limit="100000")["results"]) <= 100
    assert len(search_json(live_server, q="a")["results"]) == 20
    for bad in ("0", "-3", "many"):
        response = requests.get(
            f"{live_server.url}/search",
            params={"q": "a", "limit": bad},
            headers=JSON_ACCEPT,
            timeout=30,
        )
        assert response.status_code == 400


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_json_clients_need_a_query(live_server: LiveServer, params: dict) -> None:
    response = requests.get(
        f"{live_server.url}/search", params={**params, "format": "json"}, timeout=30
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400


def test_unknown_type_is_a_bad_request(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/search",
        params={"q": "a", "type": "Unicorn"},
        headers=JSON_ACCEPT,
        timeout=30,
    )
    assert response.status_code == 400
    assert "Unicorn" in response.json()["detail"]


def test_negotiation(live_server: LiveServer) -> None:
    url = f"{live_server.url}/search"
    as_html = requests.get(url, params={"q": "حمص"}, headers={"Accept": "text/html"}, timeout=30)
    as_json = requests.get(url, params={"q": "حمص"}, headers=JSON_ACCEPT, timeout=30)
    by_name = requests.get(
        url, params={"q": "حمص", "format": "json"}, headers={"Accept": "text/html"}, timeout=30
    )
    assert as_html.headers["Content-Type"].startswith("text/html")
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert by_name.json() == as_json.json()
    assert "Accept" in as_json.headers["Vary"]
    refused = requests.get(url, params={"q": "x"}, headers={"Accept": "image/png"}, timeout=30)
    assert refused.status_code == 406


def html(server: LiveServer, **params: str) -> requests.Response:
    response = requests.get(
        f"{server.url}/search", params=params, headers={"Accept": "text/html"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/html")
    return response


def test_html_results_mark_arabic_and_link_pages(live_server: LiveServer) -> None:
    page = html(live_server, q="الأتاسي").text
    assert re.search(r'<[^>]*lang="ar" dir="rtl"[^>]*>نور الدين الاتاسي<', page)
    assert 'href="/page/resource/nureddin-al-atassi"' in page
    assert "Nureddin al-Atassi" in page
    assert ">person<" in page  # the type's label


def test_html_links_its_json_twin(live_server: LiveServer) -> None:
    response = html(live_server, q="Homs", type="Place")
    link = response.headers["Link"]
    target = re.fullmatch(r'<([^>]+)>; rel="alternate"; type="application/json"', link)
    assert target is not None
    twin = requests.get(live_server.url + target.group(1), timeout=30)
    assert twin.json() == search_json(live_server, q="Homs", type="Place")


def test_html_escapes_the_query(live_server: LiveServer) -> None:
    page = html(live_server, q="<b>").text
    assert "&lt;b&gt;" in page
    assert "<b>" not in page


@pytest.mark.parametrize("params", [{}, {"q": ""}])
def test_html_without_a_query_is_the_empty_search_page(
    live_server: LiveServer, params: dict
) -> None:
    response = html(live_server, **params)
    assert '<form class="search-page"' in response.text
    assert '<ol class="results">' not in response.text
    assert "Link" not in response.headers


def test_result_pages_resolve(live_server: LiveServer) -> None:
    for hit in search_json(live_server, q="ابن الوليد")["results"]:  # a resource and a hash IRI
        page = requests.get(live_server.url + hit["page"], timeout=30)
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")


# Spellings the text does not use


@pytest.mark.parametrize("query,matched", [("بابا عمرو", "باب عمرو"), ("Bab Amr", "Baba Amr")])
def test_common_spellings_find_the_name(live_server: LiveServer, query: str, matched: str) -> None:
    hit = search_json(live_server, q=query)["results"][0]
    assert hit["iri"] == RES + "baba-amr"
    assert hit["matched"]["label"] == matched
    assert 54 <= hit["score"] < 70  # a close spelling: below every exact match


@pytest.mark.parametrize(
    "query,other",
    [
        ("Hama", "homs"),  # another city, not in the text
        ("حماة", "homs"),
        ("حماس", "homs"),  # Hamas
        ("Khalidiya", "khalid-ibn-al-walid"),  # the neighbourhood, not the man
        ("Hafez al-Assad", "bashar-al-assad"),  # his father
    ],
)
def test_a_near_name_does_not_find_another_entity(
    live_server: LiveServer, query: str, other: str
) -> None:
    found = {r["iri"] for r in search_json(live_server, q=query, limit="100")["results"]}
    assert RES + other not in found


@pytest.mark.parametrize("query", ["الحكومي", "سورية", "بابا عمرو", "Khaldiyeh"])
def test_close_spellings_come_after_every_exact_match(live_server: LiveServer, query: str) -> None:
    results = search_json(live_server, q=query, limit="100")["results"]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    exact = [r for r in results if r["score"] >= 70]
    assert all(r["score"] < 70 for r in results[len(exact) :])


def test_the_html_page_says_a_spelling_is_only_similar(live_server: LiveServer) -> None:
    page = html(live_server, q="Bab Amr").text
    assert re.search(
        r'class="matched">similar spelling\s*<span lang="en" dir="ltr">Baba Amr<', page
    )
    arabic = html(live_server, q="بابا عمرو", lang="ar").text
    assert "كتابة مشابهة" in arabic
    assert 'href="/page/resource/baba-amr?lang=ar"' in arabic
