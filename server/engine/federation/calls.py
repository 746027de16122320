"""Outbound federation: which SERVICE endpoints a query may call, and how a call is made.

The engine never calls a SERVICE itself. Before evaluation, the query's SERVICE clauses are read
(server/sparql_syntax.py, with the engine's own lexical rules) and every target must be an IRI on
the allowlist: a variable or any other IRI is refused with 400 and nothing is sent. Each allowed
SERVICE is then evaluated here, as a bound join (server/bound_join.py), and replaced in the query
by its answer; the process that evaluates the query cannot open a socket at all
(server/sandbox.py), so a SERVICE this reading missed could reach nothing.

A call goes to the endpoint (or to the URL the service map gives for it) as a SPARQL 1.1 Protocol
query (section 2.1.2, URL-encoded POST), with its own time limit, a descriptive User-Agent (as
Wikidata's User-Agent policy asks), no redirects (a redirect could lead off the allowlist), and a
cap on the answer's size. A failure is told in words that name the SERVICE IRI the query wrote.
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

WIKIDATA = "https://query.wikidata.org/sparql"
ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
MAX_ANSWER_BYTES = 64 * 2**20  # a larger SERVICE answer is refused (502), not read on
CONCURRENT_CALLS = 4  # chunks of one bound join sent at once

log = logging.getLogger("homs_kg.access")


class ServiceRefused(ValueError):
    """The query names a SERVICE it may not call; nothing was sent."""


@dataclass(frozen=True)
class ServicePolicy:
    allow: tuple[str, ...] = (WIKIDATA,)
    service_map: dict[str, str] = field(default_factory=dict)
    call_timeout: float = 10.0
    user_agent: str = "homs-kg"
    bind_rows: int = 100  # bindings sent per call of a bound join

    def target_url(self, iri: str) -> str:
        return self.service_map.get(iri, iri)

    def check(self, target: str | None) -> str:
        """The target, if a SERVICE may call it; ServiceRefused otherwise."""
        if target is None:
            raise ServiceRefused("a SERVICE whose endpoint is a variable is not allowed")
        if target not in self.allow:
            allowed = ", ".join(f"<{iri}>" for iri in self.allow) or "none"
            raise ServiceRefused(f"SERVICE <{target}> is not allowed; allowed endpoints: {allowed}")
        return target


@dataclass(frozen=True)
class ServiceRequest:
    """One query to send to an allowed endpoint, and why it has this shape (for the log)."""

    endpoint: str
    query: str
    note: str = ""


@dataclass(frozen=True)
class ServiceAnswer:
    body: bytes = b""
    media_type: str = ""
    error: str = ""  # the failure in words; empty when the call succeeded


Caller = Callable[[list[ServiceRequest], float], list[ServiceAnswer]]


def call_services(
    requests: list[ServiceRequest], policy: ServicePolicy, deadline: float
) -> list[ServiceAnswer]:
    """Send the requests (a few at once), each within the call limit and the query's deadline."""
    if len(requests) == 1:
        return [call_service(requests[0], policy, deadline)]
    with ThreadPoolExecutor(min(CONCURRENT_CALLS, len(requests))) as pool:
        return list(pool.map(lambda r: call_service(r, policy, deadline), requests))


def call_service(request: ServiceRequest, policy: ServicePolicy, deadline: float) -> ServiceAnswer:
    """One SERVICE call; the answer, or the reason it failed."""
    endpoint = policy.check(request.endpoint)  # checked again where the request leaves
    timeout = min(policy.call_timeout, max(deadline - time.monotonic(), 0.001))
    outbound = urllib.request.Request(
        policy.target_url(endpoint),
        data=urllib.parse.urlencode({"query": request.query}).encode(),
        headers={
            "Accept": ACCEPT,
            "User-Agent": policy.user_agent,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    started = time.monotonic()
    answer = fetch(outbound, endpoint, timeout)
    log.info(
        "SERVICE <%s> %s: %s in %.2f s",
        endpoint,
        request.note or "sent as written",
        answer.error or f"{len(answer.body)} bytes",
        time.monotonic() - started,
    )
    return answer


def fetch(outbound: urllib.request.Request, endpoint: str, timeout: float) -> ServiceAnswer:
    try:
        with NO_REDIRECTS.open(outbound, timeout=timeout) as response:
            body = response.read(MAX_ANSWER_BYTES + 1)
            media = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return failure(endpoint, http_failure(error))
    except urllib.error.URLError as error:
        return failure(endpoint, connection_failure(error.reason, timeout))
    except (TimeoutError, OSError) as error:
        return failure(endpoint, connection_failure(error, timeout))
    if len(body) > MAX_ANSWER_BYTES:
        return failure(endpoint, f"its answer is larger than {MAX_ANSWER_BYTES // 2**20} MB")
    return ServiceAnswer(body, media)


def failure(endpoint: str, cause: str) -> ServiceAnswer:
    return ServiceAnswer(error=f"SERVICE <{endpoint}> failed: {cause}")


def http_failure(error: urllib.error.HTTPError) -> str:
    if 300 <= error.code < 400:
        return f"it answered with a redirect ({error.code}), which is not followed"
    try:
        first_line = error.read(2000).decode("utf-8", "replace").strip().splitlines()[:1]
    except OSError:
        first_line = []
    said = printable(first_line[0])[:200] if first_line else ""
    return f"it answered HTTP {error.code} {error.reason}" + (f": {said}" if said else "")


def connection_failure(reason: object, timeout: float) -> str:
    if isinstance(reason, socket.gaierror):
        return "its host name could not be resolved"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionResetError):
        return "the connection was reset"
    return f"the connection failed ({printable(str(reason))[:200]})"


def printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


NO_REDIRECTS = urllib.request.build_opener(NoRedirect)
