"""A Wikidata stand-in for the federation tests: a real `oxigraph serve` over many synthetic
items and the fixture's real facts, behind a proxy with limits like the Wikidata Query Service's.

The synthetic items (IDs from Q1000000000 up, far past any real item, labels "synthetic item N")
are shaped like Wikidata's: labels in Arabic and English, instance of (P31) a class, coordinates
(P625) for places, date (P569) and place (P19) of birth for humans. They hold no fact about any
real thing; they make every unbound pattern expensive, as on the real service. The real facts
are tests/fixtures/wikidata/wikidata-fixture.ttl.

The proxy refuses an answer larger than ``max_bytes`` or slower than ``max_seconds`` (HTTP 500,
as the Wikidata Query Service answers a query it stops), records every call it is sent, and can be
taken down (503) to play an outage.
"""

from __future__ import annotations

import http.server
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

FIRST_SYNTHETIC = 1_000_000_000
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
WKT = "<http://www.opengis.net/ont/geosparql#wktLiteral>"
DATE_TIME = "<http://www.w3.org/2001/XMLSchema#dateTime>"
# Classes of Wikidata (aligned in ontology/homs-kg.ttl, with evidence): human, city, organization.
HUMAN, CITY, ORGANIZATION = f"<{WD}Q5>", f"<{WD}Q515>", f"<{WD}Q43229>"


def synthetic_items(count: int, seed: int = 2017) -> str:
    """N-Triples of ``count`` synthetic items: a third places, a third humans, a third
    organisations."""
    generator = random.Random(seed)
    lines = []
    for number in range(count):
        item = f"<{WD}Q{FIRST_SYNTHETIC + number}>"
        lines.append(f'{item} {RDFS_LABEL} "synthetic item {number}"@en .')
        lines.append(f'{item} {RDFS_LABEL} "عنصر تجريبي {number}"@ar .')
        kind = number % 3
        if kind == 0:
            point = f"Point({generator.uniform(-180, 180):.5f} {generator.uniform(-90, 90):.5f})"
            lines.append(f"{item} <{WDT}P31> {CITY} .")
            lines.append(f'{item} <{WDT}P625> "{point}"^^{WKT} .')
        elif kind == 1:
            born = f"{generator.randint(1800, 2000)}-01-01T00:00:00Z"
            birthplace = f"<{WD}Q{FIRST_SYNTHETIC + 3 * generator.randrange(count // 3)}>"
            lines.append(f"{item} <{WDT}P31> {HUMAN} .")
            lines.append(f'{item} <{WDT}P569> "{born}"^^{DATE_TIME} .')
            lines.append(f"{item} <{WDT}P19> {birthplace} .")
        else:
            lines.append(f"{item} <{WDT}P31> {ORGANIZATION} .")
    return "\n".join(lines) + "\n"


@dataclass
class Call:
    query: str
    status: int
    answer_bytes: int


@dataclass
class LimitProxy:
    """An HTTP front for a SPARQL endpoint that refuses large or slow answers."""

    upstream: str
    max_bytes: int = 2 * 2**20
    max_seconds: float = 5.0
    down: bool = False
    calls: list[Call] = field(default_factory=list)
    url: str = ""

    def start(self) -> str:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                proxy.answer(self, self.rfile.read(length))

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"
        return self.url

    def stop(self) -> None:
        self.server.shutdown()

    def answer(self, handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        query = urllib.parse.parse_qs(body.decode()).get("query", [""])[0]
        if self.down:
            return self.reply(handler, query, 503, b"Service Unavailable\n", "text/plain")
        status, content, media = self.forward(body, handler.headers.get("Accept", "*/*"))
        return self.reply(handler, query, status, content, media)

    def forward(self, body: bytes, accept: str) -> tuple[int, bytes, str]:
        request = urllib.request.Request(
            self.upstream,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.max_seconds) as answer:
                content = answer.read(self.max_bytes + 1)
                media = answer.headers.get("Content-Type", "")
        except (TimeoutError, urllib.error.URLError):
            return 500, b"java.util.concurrent.TimeoutException\n", "text/plain"
        if len(content) > self.max_bytes:
            return 500, b"Query result too large: more than 2 MB\n", "text/plain"
        if time.monotonic() - started > self.max_seconds:
            return 500, b"java.util.concurrent.TimeoutException\n", "text/plain"
        return 200, content, media

    def reply(
        self,
        handler: http.server.BaseHTTPRequestHandler,
        query: str,
        status: int,
        content: bytes,
        media: str,
    ) -> None:
        self.calls.append(Call(query, status, len(content)))
        handler.send_response(status)
        handler.send_header("Content-Type", media)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)


def write_standin(folder: Path, count: int, fixture: Path) -> Path:
    """The N-Triples file to load: the synthetic items, then the fixture's real facts."""
    from pyoxigraph import RdfFormat, parse, serialize

    path = folder / "standin.nt"
    real = serialize(parse(path=str(fixture), format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES)
    path.write_text(synthetic_items(count) + real.decode(), encoding="utf-8")
    return path
