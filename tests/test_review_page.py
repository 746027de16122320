"""A source's review page (/-/sources/<id>): the text with its annotated spans by kind, the
sentences without a statement, the coverage figures; for the article and for a served draft."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from homs_kg.graph.build import BuildReport

from .conftest import DRAFTED, LiveServer

ARTICLE = "homs-2017-05-21"


def review(server: LiveServer, source: str, **params: str) -> requests.Response:
    return requests.get(f"{server.url}/-/sources/{source}", params=params, timeout=30)


def test_the_figures_of_the_article(live_server: LiveServer) -> None:
    body = review(live_server, ARTICLE, format="json").json()
    assert (body["coverage"], body["sentences_without_statement"], len(body["sentences"])) == (
        0.8889,
        3,
        27,
    )
    assert body["statements"] == {"entity": 77, "relation": 56, "event": 67, "date": 30, "count": 9}


def test_a_sentence_without_a_statement_is_marked(live_server: LiveServer) -> None:
    body = review(live_server, ARTICLE, format="json").json()
    unmarked = [
        "".join(g["text"] for g in s["segments"])
        for s in body["sentences"]
        if not s["has_statement"]
    ]
    assert "محطات رئيسية" in unmarked
    assert 'class="uncovered"' in review(live_server, ARTICLE).text


def test_spans_are_highlighted_by_kind(live_server: LiveServer) -> None:
    body = review(live_server, ARTICLE, format="json").json()
    first = body["sentences"][0]["segments"]
    dated = [g for g in first if "date" in g["kinds"]]
    assert dated[0]["text"] == "يوم 21 مايو/آيار 2017"
    assert "event" in dated[0]["kinds"]
    html = review(live_server, ARTICLE).text
    assert 'class="k-event k-date "' in html


def test_the_page_is_in_the_interface_language(live_server: LiveServer) -> None:
    assert "<h1>مراجعة" in review(live_server, ARTICLE, lang="ar").text


def test_an_unknown_source_is_404(live_server: LiveServer) -> None:
    response = review(live_server, "no-such-source", format="json")
    assert response.status_code == 404
    assert "the sources are listed at /-/sources/" in response.json()["detail"]


def test_the_sources_are_listed_with_their_coverage(live_server: LiveServer) -> None:
    listed = requests.get(f"{live_server.url}/-/sources/?format=json", timeout=30).json()
    assert listed["sources"] == [
        {"source": ARTICLE, "coverage": 0.8889, "review": f"/-/sources/{ARTICLE}"}
    ]


@pytest.fixture(scope="module")
def draft_server(
    built: BuildReport,
    article_corpus: Path,
    drafted_corpus: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """A server over the article and a draft of a text it has never seen (serve --corpus)."""
    folder = tmp_path_factory.mktemp("draft")
    server = LiveServer(
        folder / "data", "--corpus", str(article_corpus), "--corpus", str(drafted_corpus)
    )
    yield server
    server.stop()


def test_a_served_draft_is_reviewed(draft_server: LiveServer) -> None:
    body = review(draft_server, DRAFTED, format="json").json()
    assert body["source"] == DRAFTED
    assert body["coverage"] > 0
    assert body["statements"]["date"] > 0
