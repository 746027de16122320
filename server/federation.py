"""Outbound federation: which SERVICE endpoints a query may call, and how the calls are made.

pyoxigraph evaluates SERVICE itself, over HTTP, to any URL. So before evaluation starts, the
query is parsed (rdflib's SPARQL algebra, which resolves prefixed names and sees SERVICE clauses
inside subqueries) and every SERVICE target must be an IRI on the allowlist: a variable or any
other IRI is refused with 400, and no request leaves. The allowed targets are then rewritten to a
loopback relay in the same process, which forwards each call to the endpoint (or to the URL the
service map gives for it) with its own time limit, a descriptive User-Agent (as Wikidata's
User-Agent policy asks) and no redirects (a redirect could lead off the allowlist).
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WIKIDATA = "https://query.wikidata.org/sparql"
SERVICE_KEYWORD = re.compile(r"\bSERVICE\b", re.IGNORECASE)
SERVICE_TARGET = re.compile(
    r"(\bSERVICE\s+(?:SILENT\s+)?)"
    r"(<[^>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*|\?\w+|\$\w+)",
    re.IGNORECASE,
)
PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
FORWARDED_HEADERS = ("Content-Type", "Accept")


class ServiceRefused(ValueError):
    """The query names a SERVICE it may not call; nothing was sent."""


@dataclass(frozen=True)
class ServicePolicy:
    allow: tuple[str, ...] = (WIKIDATA,)
    service_map: dict[str, str] = field(default_factory=dict)
    call_timeout: float = 10.0
    user_agent: str = "homs-kg"

    def target_url(self, iri: str) -> str:
        return self.service_map.get(iri, iri)


def service_targets(query: str) -> list[str | None]:
    """The SERVICE targets of a query, anywhere in it: an IRI, or None for a variable."""
    if not SERVICE_KEYWORD.search(query):
        return []
    # rdflib (about 30 MB per process) is loaded only by the processes that meet a SERVICE
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except RecursionError:
        raise ServiceRefused("the query is nested too deeply to check its SERVICE") from None
    except Exception as error:  # rdflib also raises a bare Exception (unknown prefix)
        raise ServiceRefused(f"the query's SERVICE targets cannot be checked: {error}") from error
    found: list[str | None] = []
    collect_services(algebra, found)
    return found


def collect_services(node: object, found: list[str | None]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            term = node.get("term")
            found.append(str(term) if isinstance(term, URIRef) else None)
        for value in node.values():
            collect_services(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            collect_services(value, found)


def check_services(query: str, policy: ServicePolicy) -> list[str]:
    """The allowed SERVICE IRIs of the query; ServiceRefused for a variable or another IRI."""
    targets = service_targets(query)
    for target in targets:
        if target is None:
            raise ServiceRefused("a SERVICE whose endpoint is a variable is not allowed")
        if target not in policy.allow:
            allowed = ", ".join(f"<{iri}>" for iri in policy.allow) or "none"
            raise ServiceRefused(f"SERVICE <{target}> is not allowed; allowed endpoints: {allowed}")
    return [t for t in targets if t is not None]


def rewrite_services(query: str, relay: ServiceRelay) -> str:
    """Point every SERVICE at the relay; refuse when a target could not be rewritten safely."""
    prefixes = dict(PREFIX_DECLARATION.findall(query))

    def replace(match: re.Match) -> str:
        token = match.group(2)
        if token.startswith("<"):
            iri = token[1:-1]
        elif token.startswith(("?", "$")):
            raise ServiceRefused("a SERVICE whose endpoint is a variable is not allowed")
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                raise ServiceRefused(f"SERVICE {token}: unknown prefix")
            iri = prefixes[prefix] + local
        if iri not in relay.targets:
            raise ServiceRefused(f"SERVICE {token} could not be routed through the relay")
        return f"{match.group(1)}<{relay.url_for(iri)}>"

    rewritten = SERVICE_TARGET.sub(replace, query)
    if any(t is None or not t.startswith(relay.base) for t in service_targets(rewritten)):
        raise ServiceRefused("a SERVICE target could not be routed through the relay")
    return rewritten


def prepare_query(query: str, policy: ServicePolicy, relay: ServiceRelay | None) -> str:
    """Check the query's SERVICE targets and route them through the relay."""
    if not check_services(query, policy):
        return query
    return rewrite_services(query, relay or ServiceRelay.for_process(policy))


class ServiceRelay:
    """A loopback HTTP relay for the allowed SERVICE endpoints of one process."""

    _instance: ServiceRelay | None = None
    _lock = threading.Lock()

    def __init__(self, policy: ServicePolicy) -> None:
        self.policy = policy
        self.targets = list(policy.allow)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @classmethod
    def for_process(cls, policy: ServicePolicy) -> ServiceRelay:
        with cls._lock:
            if cls._instance is None or cls._instance.policy != policy:
                cls._instance = ServiceRelay(policy)
            return cls._instance

    def url_for(self, iri: str) -> str:
        return f"{self.base}{self.targets.index(iri)}"

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                relay.forward(self)

            def do_GET(self) -> None:
                relay.forward(self)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def forward(self, request: BaseHTTPRequestHandler) -> None:
        path, _, query_string = request.path.lstrip("/").partition("?")
        if not path.isdigit() or int(path) >= len(self.targets):
            return self.reply(request, 404, b"unknown SERVICE target")
        url = self.policy.target_url(self.targets[int(path)])
        if query_string:
            url += "?" + query_string
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else None
        headers = {
            name: request.headers[name] for name in FORWARDED_HEADERS if request.headers[name]
        }
        headers["User-Agent"] = self.policy.user_agent
        outbound = urllib.request.Request(url, data=body, headers=headers, method=request.command)
        try:
            with NO_REDIRECTS.open(outbound, timeout=self.policy.call_timeout) as answer:
                content = answer.read()
                return self.reply(
                    request, answer.status, content, answer.headers.get("Content-Type")
                )
        except urllib.error.HTTPError as error:
            return self.reply(request, 502, f"SERVICE answered {error.code}".encode())
        except (TimeoutError, OSError) as error:
            return self.reply(request, 504, f"SERVICE call failed: {error}".encode())

    @staticmethod
    def reply(request: BaseHTTPRequestHandler, status: int, body: bytes,
              content_type: str | None = "text/plain") -> None:  # fmt: skip
        request.send_response(status)
        request.send_header("Content-Type", content_type or "application/octet-stream")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


NO_REDIRECTS = urllib.request.build_opener(NoRedirect)
