"""The browser query page: over HTTP from the real server, and a query run in headless Chromium."""

from __future__ import annotations

import datetime
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from homs_kg.graph.resources import queries_dir
from homs_kg.server.app import create_app
from homs_kg.server.catalogue import query_page
from homs_kg.server.catalogue import query_ui as ui_module
from homs_kg.server.settings import ServerConfig

from .conftest import BASE, LiveServer

ARTIFACTS = Path(__file__).parent / "artifacts"
YASGUI_ASSETS = {
    "/-/static/yasgui/yasgui.min.js": "text/javascript; charset=utf-8",
    "/-/static/yasgui/yasgui.min.css": "text/css; charset=utf-8",
}
TIMEOUT = 30


class PageParser(HTMLParser):
    """The page's root language, the URLs it loads, and its JSON blocks by id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang: str | None = None
        self.urls: list[str] = []
        self.json_blocks: dict[str, str] = {}
        self._block: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        if tag == "script" and found.get("type") == "application/json":
            self._block = found.get("id") or ""

    def handle_data(self, data: str) -> None:
        if self._block is not None:
            self.json_blocks[self._block] = self.json_blocks.get(self._block, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._block = None


@pytest.fixture
def public_browser(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> webdriver.Chrome:
    """Chromium reaching the live server at the base IRI's address, as a reverse proxy would put
    it: the query page names its endpoint there, and CSP connect-src 'self' wants that origin."""
    rule = f"--host-resolver-rules=MAP {urlsplit(BASE).netloc} 127.0.0.1:{live_server.port}"

    class PublicAddressOptions(webdriver.ChromeOptions):
        def __init__(self) -> None:
            super().__init__()
            self.add_argument(rule)

    monkeypatch.setattr(webdriver, "ChromeOptions", PublicAddressOptions)
    return request.getfixturevalue("browser")


def get(server: LiveServer, path: str, **headers: str) -> requests.Response:
    return requests.get(server.url + path, headers=headers, timeout=TIMEOUT)


def catalogue_titles() -> list[str]:
    return [
        path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# title:").strip()
        for path in sorted(queries_dir().glob("*.rq"))
    ]


def test_home_page_is_html_loading_yasgui_from_the_server(live_server: LiveServer) -> None:
    answer = get(live_server, "/sparql", Accept="text/html")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    twin = f'<{BASE}sparql>; rel="alternate"; type="text/turtle"'
    assert answer.headers["Link"] == twin
    page = PageParser(answer.text)
    assert page.lang == "en"
    assert "<title>homs-kg: SPARQL query</title>" in answer.text
    assert set(YASGUI_ASSETS) <= set(page.urls)
    # Nothing from the web: every URL the page names is on this server (at its public address).
    assert all(url.startswith(("/", BASE)) for url in page.urls), page.urls


def test_page_settings_name_this_endpoint_the_prefixes_and_the_catalogue(
    live_server: LiveServer,
) -> None:
    page = PageParser(get(live_server, "/sparql", Accept="text/html").text)
    settings = json.loads(page.json_blocks["query-ui-settings"])
    assert settings["endpoint"] == BASE + "sparql"
    assert settings["prefixes"]["hkg"] == BASE + "ontology/"
    assert settings["prefixes"]["res"] == BASE + "resource/"
    names = [example["name"] for example in settings["examples"]]
    assert names == ["Events and their dates", *catalogue_titles()]
    first = settings["examples"][0]["query"]
    assert f"PREFIX hkg: <{BASE}ontology/>" in first
    assert "?event a/rdfs:subClassOf* hkg:Event ; rdfs:label ?label ; hkg:date ?date" in first


@pytest.mark.parametrize("path,media_type", YASGUI_ASSETS.items())
def test_yasgui_assets_are_served_with_their_media_types(
    live_server: LiveServer, path: str, media_type: str
) -> None:
    answer = get(live_server, path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == media_type
    assert len(answer.content) > 10_000


@pytest.mark.parametrize(
    "attempt",
    [
        "..%2f..%2fpyproject.toml",
        "..%2f..%2f..%2fpyproject.toml",
        "%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "..%2fpackage.json",
        "ts",
        "no-such-file.js",
    ],
)
def test_nothing_outside_the_yasgui_build_folder_is_served(
    live_server: LiveServer, attempt: str
) -> None:
    answer = get(live_server, "/-/static/yasgui/" + attempt)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == 404
    assert "[project]" not in answer.text
    assert '"dependencies"' not in answer.text


def test_sparql_without_a_query_answers_a_browser_with_the_query_page(
    live_server: LiveServer,
) -> None:
    """Wired in sparql.py: a browser (Accept text/html) asking /sparql with no query."""
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = get(live_server, "/sparql", Accept=browser_accept)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.text == get(live_server, "/sparql", Accept="text/html").text


class UnusedStore:
    """The query page never queries: a store that must not be reached."""

    build_id = "unused"
    built_at = datetime.datetime(2017, 5, 21, tzinfo=datetime.UTC)

    def run(self, job: object) -> object:
        raise AssertionError("the query page ran a query")

    def dump_path(self, name: str) -> None:
        return None

    def close(self) -> None:
        pass


def test_page_without_installed_assets_says_how_to_install_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(query_page, "YASGUI_BUILD", tmp_path / "not-installed")
    app = create_app(ServerConfig(data_dir=tmp_path), UnusedStore())  # type: ignore[arg-type]
    if "ui" not in app.blueprints:  # until app.py registers it
        app.register_blueprint(ui_module.ui)
    client = app.test_client()
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "npm ci --prefix server/ui --no-audit --no-fund --ignore-scripts" in text
    assert "/-/static/yasgui/" not in text
    asset = client.get("/-/static/yasgui/yasgui.min.js")
    assert asset.status_code == 404
    assert asset.mimetype == "application/problem+json"
    assert "npm ci --prefix server/ui" in asset.get_json()["detail"]


def test_default_query_runs_in_chromium(public_browser: webdriver.Chrome) -> None:
    driver, wait = public_browser, WebDriverWait(public_browser, TIMEOUT)
    driver.get(BASE + "sparql")
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "#yasgui[data-ready=true]")))
    tab_names = [tab.text for tab in driver.find_elements(By.CSS_SELECTOR, ".yasgui .tab a span")]
    assert tab_names == ["Events and their dates", *catalogue_titles()]
    run = wait.until(
        ready.element_to_be_clickable((By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton"))
    )
    run.click()
    rows = (By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr")
    wait.until(ready.presence_of_element_located(rows))
    table = driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table").text
    assert "Khalidiya massacre" in table
    assert "مجزرة الخالدية" in table
    assert "2012-02-03" in table
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "query-ui.png"))
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []


def test_a_catalogue_link_opens_its_query_in_the_ui(
    live_server: LiveServer, public_browser: webdriver.Chrome
) -> None:
    page = requests.get(f"{live_server.url}/queries", timeout=30).text
    start = page.index('href="/-/query?') + len('href="')
    link = page[start : page.index('"', start)].replace("&amp;", "&")
    driver, wait = public_browser, WebDriverWait(public_browser, TIMEOUT)
    driver.get(BASE.rstrip("/") + link)
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "#yasgui[data-ready=true]")))
    value = driver.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
    )
    assert value.startswith("# title: The al-Waer story, end to end")


def tab_count(driver: webdriver.Chrome) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, ".yasgui .tab a span"))


def test_a_catalogue_link_opened_twice_adds_no_tab(
    live_server: LiveServer, public_browser: webdriver.Chrome
) -> None:
    page = requests.get(f"{live_server.url}/queries", timeout=30).text
    start = page.index('href="/-/query?') + len('href="')
    link = BASE.rstrip("/") + page[start : page.index('"', start)].replace("&amp;", "&")
    driver, wait = public_browser, WebDriverWait(public_browser, TIMEOUT)
    ready_ui = (By.CSS_SELECTOR, "#yasgui[data-ready=true]")
    driver.get(link)
    wait.until(ready.presence_of_element_located(ready_ui))
    first = tab_count(driver)
    driver.get(link)
    wait.until(ready.presence_of_element_located(ready_ui))
    assert tab_count(driver) == first
    assert driver.current_url == BASE + "-/query"  # the link's parameters are not kept


def test_arabic_result_cells_read_right_to_left(public_browser: webdriver.Chrome) -> None:
    driver, wait = public_browser, WebDriverWait(public_browser, TIMEOUT)
    driver.get(BASE + "sparql")
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "#yasgui[data-ready=true]")))
    wait.until(
        ready.element_to_be_clickable((By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton"))
    ).click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".tabPanel.active .yasr td")))
    directions = driver.execute_script(
        "return [...document.querySelectorAll('.tabPanel.active .yasr td')]"
        ".filter(td => /[\\u0600-\\u06FF]/.test(td.textContent))"
        ".map(td => getComputedStyle(td).direction)"
    )
    assert directions and set(directions) == {"rtl"}
