"""The remote store's credentials: read from the environment only (never a flag, never shown),
sent as HTTP basic or digest authentication as the store's challenge asks (RFC 7617, RFC 7616).
Digest against a real Virtuoso is in tests/test_virtuoso.py."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests
from click.testing import CliRunner

from homs_kg.server.cli import main
from homs_kg.server.settings import SECRETS, SETTINGS, ServerConfig, option
from homs_kg.server.stores.authentication import store_auth

USER, PASSWORD = "reader", "s3cret-not-for-logs"
REALM, NONCE = "store", "abc123"


def digest_response(method: str, path: str, fields: dict[str, str]) -> str:
    ha1 = hashlib.md5(f"{USER}:{REALM}:{PASSWORD}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{path}".encode()).hexdigest()
    parts = [ha1, fields["nonce"], fields["nc"], fields["cnonce"], fields["qop"], ha2]
    return hashlib.md5(":".join(parts).encode()).hexdigest()


class Guarded(BaseHTTPRequestHandler):
    scheme = "basic"
    seen: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.headers.get("Content-Length"):
            self.rfile.read(int(self.headers["Content-Length"]))
        header = self.headers.get("Authorization", "")
        self.seen.append(header.split(" ")[0])
        if self.authorised(header):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")
            return
        self.send_response(401)
        if self.scheme == "basic":
            self.send_header("WWW-Authenticate", f'Basic realm="{REALM}"')
        else:
            self.send_header(
                "WWW-Authenticate", f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth"'
            )
        self.send_header("Content-Length", "0")
        self.end_headers()

    def authorised(self, header: str) -> bool:
        if self.scheme == "basic":
            return header == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if not header.startswith("Digest "):
            return False
        fields = {}
        for part in header[7:].split(","):
            key, _, value = part.strip().partition("=")
            fields[key] = value.strip('"')
        return fields.get("response") == digest_response(self.command, self.path, fields)

    do_PUT = do_GET


@pytest.fixture(params=["basic", "digest"])
def guarded(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    handler = type("Handler", (Guarded,), {"scheme": request.param, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sparql", handler.seen
    server.shutdown()
    server.server_close()


def test_the_store_challenge_decides_basic_or_digest(guarded: tuple[str, list[str]]) -> None:
    url, seen = guarded
    with requests.Session() as session:
        session.auth = store_auth(USER, PASSWORD)
        assert session.get(url, timeout=10).status_code == 200
        assert session.get(url, timeout=10).status_code == 200
    expected = "Basic" if "Basic" in seen else "Digest"
    assert seen[0] == ""  # nothing is sent before the store asks
    assert seen[-1] == expected


def test_a_wrong_password_is_refused_not_retried_forever(guarded: tuple[str, list[str]]) -> None:
    url, seen = guarded
    with requests.Session() as session:
        session.auth = store_auth(USER, "wrong")
        assert session.get(url, timeout=10).status_code == 401
    assert len(seen) <= 3


def test_no_user_means_no_authentication() -> None:
    assert store_auth("", "") is None


def test_credentials_have_no_flag_and_are_never_shown() -> None:
    assert set(SECRETS) == {"store_user", "store_password"}
    for name in SECRETS:
        assert SETTINGS[name].flag == ""
        with pytest.raises(ValueError, match="only"):
            option(name)
    config = ServerConfig(store_user=USER, store_password=PASSWORD)
    assert PASSWORD not in repr(config) and USER not in repr(config)
    assert PASSWORD not in repr(store_auth(USER, PASSWORD))
    for command in ("serve", "build"):
        help_text = CliRunner().invoke(main, [command, "--help"]).output
        assert "--store-user" not in help_text and "--store-password" not in help_text
    refused = CliRunner().invoke(main, ["serve", "--store-password", PASSWORD])
    assert refused.exit_code != 0


def test_a_refused_load_names_the_variables_not_the_password(
    guarded: tuple[str, list[str]], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = guarded
    monkeypatch.setenv("HOMS_KG_STORE_USER", USER)
    monkeypatch.setenv("HOMS_KG_STORE_PASSWORD", "wrong-" + PASSWORD)
    result = CliRunner().invoke(main, ["build", "--store", url, "--store-gsp", url])
    assert result.exit_code == 1
    assert "HOMS_KG_STORE_USER" in result.output and PASSWORD not in result.output
    assert "Traceback" not in result.output
