"""Errors and the list of dumps for people: a browser gets an HTML page in the interface
language, a program the same answer as before (RFC 9457 problem details; the dumps as JSON)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import ServiceUnavailable

from homs_kg.graph.dumps import DUMPS
from homs_kg.server import app as app_module
from homs_kg.server.settings import ServerConfig
from homs_kg.server.web import errors

from .conftest import BASE, LiveServer

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MACHINES = [None, "*/*", "application/json", "application/problem+json", "text/html;q=0.5, */*"]
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def get(server: LiveServer, path: str, accept: str | None) -> requests.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return requests.get(server.url + path, headers=headers, timeout=30, allow_redirects=False)


def title_and_h1(html: str) -> tuple[str, str]:
    lang = re.search(r'<html lang="(\w+)" dir="(\w+)">', html)
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert lang and heading
    return lang.group(1), " ".join(heading.group(1).split())


def test_a_browser_gets_a_404_page(live_server: LiveServer) -> None:
    response = get(live_server, "/page/resource/no-such-thing", BROWSER)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert title_and_h1(response.text) == ("en", "Not Found")
    assert f"{BASE}resource/no-such-thing is not a resource of this dataset" in response.text
    assert "<script" not in response.text  # the strict CSP needs no inline script
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_404_page_speaks_the_interface_language(live_server: LiveServer) -> None:
    response = get(live_server, "/page/resource/no-such-thing?lang=ar", BROWSER)
    assert response.status_code == 404 and response.headers["Content-Language"] == "ar"
    assert title_and_h1(response.text) == ("ar", "غير موجود")
    assert "خطأ 404" in response.text
    # the service's own message stays English, and says so
    assert re.search(r'<p class="detail" lang="en" dir="ltr">[^<]*no-such-thing', response.text)
    assert 'href="/?lang=ar"' in response.text  # its way home keeps the language


@pytest.mark.parametrize("path", ["/no/such/route", "/-/browse/Nothing"])
def test_unknown_routes_and_classes_are_404_pages_too(live_server: LiveServer, path: str) -> None:
    response = get(live_server, path, BROWSER)
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("accept", MACHINES)
def test_machines_keep_problem_details(live_server: LiveServer, accept: str | None) -> None:
    response = get(live_server, "/page/resource/no-such-thing", accept)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert (body["type"], body["title"], body["status"]) == ("about:blank", "Not Found", 404)


def test_a_malformed_query_opened_in_a_browser_is_a_page(live_server: LiveServer) -> None:
    response = get(live_server, "/sparql?query=SELEKT", BROWSER)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert title_and_h1(response.text) == ("en", "Bad Request")
    assert "malformed query" in response.text
    machine = get(live_server, "/sparql?query=SELEKT", "application/sparql-results+json")
    assert machine.headers["Content-Type"] == "application/problem+json"
    assert machine.json()["detail"].startswith("malformed query")


# The list of dumps


def test_a_browser_gets_the_dumps_as_a_list(live_server: LiveServer) -> None:
    response = get(live_server, "/dumps/", BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Accept" in response.headers["Vary"]
    for name in DUMPS:
        assert f'href="{BASE}dumps/{name}"' in response.text
    arabic = get(live_server, "/dumps/?lang=ar", BROWSER)
    assert title_and_h1(arabic.text) == ("ar", "نسخ البيانات الكاملة")
    assert arabic.headers["ETag"] != response.headers["ETag"]
    revalidate = {"Accept": BROWSER, "If-None-Match": response.headers["ETag"]}
    again = requests.get(live_server.url + "/dumps/", headers=revalidate, timeout=30)
    assert again.status_code == 304


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "image/png"])
def test_programs_still_get_the_dumps_as_json(live_server: LiveServer, accept: str | None) -> None:
    response = get(live_server, "/dumps/", accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert {d["name"] for d in response.json()["dumps"]} == set(DUMPS)
    assert get(live_server, "/dumps/", BROWSER).headers["ETag"] != response.headers["ETag"]


def test_the_home_page_links_the_dumps_in_its_language(live_server: LiveServer) -> None:
    assert 'href="/dumps/?lang=ar"' in get(live_server, "/?lang=ar", BROWSER).text


# Errors raised anywhere: their headers kept, and a failing error page falls back


class NoStore:
    def close(self) -> None: ...


@pytest.fixture
def client() -> Iterator[FlaskClient]:
    app: Flask = app_module.create_app(ServerConfig(), store=NoStore())  # type: ignore[arg-type]

    @app.get("/-/test/busy")
    def busy() -> None:
        raise ServiceUnavailable("busy now", retry_after=5)

    @app.get("/-/test/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    yield app.test_client()


def test_an_error_page_keeps_the_errors_headers(client: FlaskClient) -> None:
    response = client.get("/-/test/busy?lang=ar", headers={"Accept": BROWSER})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert title_and_h1(response.text) == ("ar", "الخدمة مشغولة")
    broken = client.get("/-/test/broken", headers={"Accept": BROWSER})
    assert broken.status_code == 500 and "internal error; it has been logged" in broken.text
    assert "a bug" not in broken.text


def test_an_error_page_that_cannot_be_rendered_falls_back_to_problem_details(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("no template")

    monkeypatch.setattr(errors, "render_template", fail)
    response = client.get("/-/test/busy", headers={"Accept": BROWSER})
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "busy now",
    }
