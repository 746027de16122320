"""The catalogue over HTTP (/queries, /queries/<name>) and from the command line (--name)."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests

from homs_kg.graph.build import BuildReport
from homs_kg.server.catalogue.queries import load_catalogue

from .conftest import LiveServer


def test_the_list_is_html_with_every_query(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/queries", headers={"Accept": "text/html"}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    for query in load_catalogue():
        assert f'href="/queries/{query.name}"' in response.text
    assert 'lang="ar" dir="rtl">الخط الزمني للأحداث بالدقة التي يذكرها النص<' in response.text


def test_the_list_in_arabic_stays_arabic(live_server: LiveServer) -> None:
    """?lang=ar: the interface and the queries' titles are Arabic, the links keep the language,
    and the English notes are marked as English."""
    response = requests.get(f"{live_server.url}/queries?lang=ar", timeout=30)
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "<h1>فهرس الاستعلامات</h1>" in response.text
    assert (
        '<h2><a href="/queries/event-timeline?lang=ar">الخط الزمني للأحداث بالدقة التي يذكرها '
        "النص</a></h2>" in response.text
    )
    assert '<p class="question" lang="en" dir="ltr">What happened when' in response.text


def test_the_home_page_links_the_catalogue_in_its_language(live_server: LiveServer) -> None:
    home = requests.get(f"{live_server.url}/?lang=ar", timeout=30).text
    assert 'href="/queries?lang=ar"' in home


def test_the_list_as_json(live_server: LiveServer) -> None:
    body = requests.get(
        f"{live_server.url}/queries", headers={"Accept": "application/json"}, timeout=30
    ).json()
    names = [q["name"] for q in body["queries"]]
    assert names == [q.name for q in load_catalogue()]
    assert body["queries"][0]["results"] == f"/queries/{names[0]}"


def test_a_link_opens_the_query_in_the_query_ui(live_server: LiveServer) -> None:
    page = requests.get(f"{live_server.url}/queries", timeout=30).text
    start = page.index('href="/-/query?') + len('href="')
    link = html.unescape(page[start : page.index('"', start)])
    params = parse_qs(urlparse(link).query)
    assert params["tabTitle"] == ["The al-Waer story, end to end"]
    assert params["query"][0].startswith("# title: The al-Waer story")
    ui = requests.get(f"{live_server.url}{link}", timeout=30)
    assert ui.status_code == 200 and "yasgui" in ui.text


def test_results_as_an_html_table(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/queries/population-groups", headers={"Accept": "text/html"}, timeout=30
    )
    assert response.status_code == 200
    assert '<td lang="ar" dir="rtl">وغالبية سنية</td>' in response.text
    assert "4 rows" in response.text


def test_results_in_arabic_keep_the_interface_arabic(live_server: LiveServer) -> None:
    response = requests.get(f"{live_server.url}/queries/population-groups?lang=ar", timeout=30)
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "عدد الصفوف: 4" in response.text and "افتحه في واجهة الاستعلام" in response.text


def test_results_as_sparql_json(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/queries/casualties-per-event",
        timeout=30,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.headers["Content-Type"] == "application/sparql-results+json"
    assert len(response.json()["results"]["bindings"]) == 4


def test_results_as_csv(live_server: LiveServer) -> None:
    response = requests.get(f"{live_server.url}/queries/nicknames?format=csv", timeout=30)
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["place", "arabic", "english", "usedBy", "quote"]
    assert rows[1][:3] == ["Homs", "عاصمة الثورة", "capital of the revolution"]


def test_an_unknown_query_is_404(live_server: LiveServer) -> None:
    for name in ("nope", "..%2Fpyproject", "event-timeline.rq"):
        assert requests.get(f"{live_server.url}/queries/{name}", timeout=30).status_code == 404


def test_the_cli_runs_a_query_by_name(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", "--name", "perpetrators", "--format", "csv", "--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    assert "Killing of Marie Colvin and Rémi Ochlik,killing,government forces," in result.output


def test_the_cli_names_the_catalogue_for_an_unknown_name(
    cli, built: BuildReport, data_dir: Path
) -> None:
    result = cli("query", "--name", "nope", "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert "the catalogue has: al-waer-story," in result.output


def test_the_cli_lists_the_catalogue(cli) -> None:
    result = cli("queries")
    assert result.output.splitlines()[0] == "al-waer-story: The al-Waer story, end to end"
