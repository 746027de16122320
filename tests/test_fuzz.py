"""Property-based fuzzing of the real server: hypothesis over the inputs a client controls, and
schemathesis over the OpenAPI description the server serves at /-/openapi.json.

Every property asserts: no 5xx (a 503 only for the documented limits: a query stopped at the
time limit, or every worker busy), no traceback in the body, and the server process alive.
Schemathesis also checks that each answer is as described (status code, media type, schema);
tests/test_openapi.py holds the description to the app (valid OpenAPI 3.1, every route described).

CI runs a small, derandomized example count (the same inputs on every run, so the suite is
stable); the long run draws fresh random inputs:

    HOMS_KG_FUZZ_EXAMPLES=5000 HOMS_KG_FUZZ_RANDOM=1 pytest tests/test_fuzz.py

``HOMS_KG_FUZZ_EXAMPLES`` is the number of examples of each hypothesis property (default 50);
``HOMS_KG_SCHEMATHESIS_EXAMPLES`` that of each API operation under schemathesis (default 25;
the long run above uses ``HOMS_KG_FUZZ_EXAMPLES`` for both unless it is set). A failing example
is printed with the request that reproduces it.

Requests that were 5xx once stay as explicit examples (REGRESSIONS, and @example on the
properties). An operation found to give a 5xx again goes into KNOWN_5XX (an xfail(strict=True)
with its reproduction as an explicit example, so the mark holds on every run) until it is fixed.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from homs_kg.server.web.openapi import OPENAPI_PATH, openapi_document, operations

from .conftest import BASE, LiveServer
from .test_hostile_input import (
    FORBIDDEN_IN_BODY,
    LEAKS,
    PERSONS,
    Hostile,
    exchange,
    ok,
)
from .test_openapi import app_without_store

EXAMPLES = int(os.environ.get("HOMS_KG_FUZZ_EXAMPLES", "50"))
API_EXAMPLES = int(os.environ.get("HOMS_KG_SCHEMATHESIS_EXAMPLES", "0")) or (
    EXAMPLES if "HOMS_KG_FUZZ_EXAMPLES" in os.environ else 25
)
RANDOM = os.environ.get("HOMS_KG_FUZZ_RANDOM", "") == "1"
TIMEOUT = 60

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
API_FUZZ = settings(FUZZ, max_examples=API_EXAMPLES)

# The documented 503s: not a crash but a limit (docs/endpoint.md, Errors).
LIMIT_503 = ("time limit", "busy")


def assert_sound(status: int, body: bytes, server: LiveServer, what: object) -> None:
    """No 5xx but a documented limit, no traceback, the server alive."""
    if status == 503:
        detail = json.loads(body).get("detail", "")
        assert any(word in detail for word in LIMIT_503), f"{what!r}: 503 {detail}"
    else:
        assert status < 500, f"{what!r}: {status} {body[:300]!r}"
    for marker in (*FORBIDDEN_IN_BODY, *LEAKS):
        assert marker not in body, f"{what!r}: {marker!r} in the body"
    assert server.process.poll() is None, f"the server died on {what!r}"


def get(server: LiveServer, path: str, **kwargs: object) -> requests.Response:
    return requests.get(server.url + path, timeout=TIMEOUT, allow_redirects=False, **kwargs)


def post(server: LiveServer, path: str, body: bytes, media: str) -> requests.Response:
    return requests.post(
        server.url + path, data=body, timeout=TIMEOUT, headers={"Content-Type": media}
    )


# --- hypothesis: SPARQL ------------------------------------------------------------------------

# Fragments of SPARQL, so that inputs get past the first token into the parser's deeper rules.
KEYWORDS_AND_PUNCTUATION = (
    "SELECT ASK CONSTRUCT DESCRIBE WHERE FROM NAMED GRAPH OPTIONAL UNION MINUS FILTER BIND AS "
    "VALUES HAVING LIMIT OFFSET DISTINCT REDUCED PREFIX BASE EXISTS IN COUNT SUM MAX STR LANG "
    "REGEX CONCAT IF COALESCE INSERT DELETE LOAD CLEAR a * . ; , { } ( ) [ ] | / ^ + ? ! = "
    "!= < > && || ?s ?p ?o ?x $y _:b [] () <urn:x> rdfs:label hkg:Person ex:p : 1 -2.5e3 "
    "true ''' \" # \\"
)
TOKENS = [
    *KEYWORDS_AND_PUNCTUATION.split(),
    "ORDER BY",
    "GROUP BY",
    "NOT EXISTS",
    f"<{BASE}resource/homs>",
    f"<{BASE}ontology/Person>",
    '"حمص"',
    '"x"@en',
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
    "\n",
    "\x00",
    "\ufffd",
]
sparqlish = st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join)
queries = st.one_of(st.text(max_size=2000), sparqlish)


@FUZZ
@given(query=queries)
def test_any_text_as_query_parameter(live_server: LiveServer, query: str) -> None:
    response = get(live_server, "/sparql", params={"query": query})
    assert_sound(response.status_code, response.content, live_server, query)


@FUZZ
@given(query=queries)
def test_any_text_as_form_query(live_server: LiveServer, query: str) -> None:
    body = ("query=" + quote(query, safe="")).encode()
    response = post(live_server, "/sparql", body, "application/x-www-form-urlencoded")
    assert_sound(response.status_code, response.content, live_server, query)


@FUZZ
@given(body=st.one_of(st.binary(max_size=4096), sparqlish.map(str.encode)))
def test_any_bytes_as_sparql_query_body(live_server: LiveServer, body: bytes) -> None:
    response = post(live_server, "/sparql", body, "application/sparql-query")
    assert_sound(response.status_code, response.content, live_server, body)


@FUZZ
@given(body=st.binary(max_size=4096))
def test_any_bytes_as_form_body(live_server: LiveServer, body: bytes) -> None:
    response = post(live_server, "/sparql", body, "application/x-www-form-urlencoded")
    assert_sound(response.status_code, response.content, live_server, body)


@FUZZ
@example(query="# SERVICE\nASK { " + "{ " * 60 + "}" * 60 + " }")  # was a 500 (RecursionError)
@example(query="SELECT * WHERE { SERVICE w:sparql { ?s ?p ?o } }")  # was a 500 (bare Exception)
@given(
    query=st.lists(st.sampled_from([*TOKENS, "SERVICE", "SERVICE <urn:x>"]), max_size=80).map(
        " ".join
    )
)
def test_sparql_fragments_with_service(live_server: LiveServer, query: str) -> None:
    """With SERVICE among the fragments, the federation check (rdflib) parses the query too."""
    response = post(live_server, "/sparql", query.encode(), "application/sparql-query")
    assert_sound(response.status_code, response.content, live_server, query)


@FUZZ
@example(graph="not an iri")  # was a 500 (ValueError from NamedNode)
@given(graph=st.text(max_size=200))
def test_any_text_as_dataset_graph(live_server: LiveServer, graph: str) -> None:
    params = {"query": "ASK { ?s ?p ?o }", "default-graph-uri": graph, "named-graph-uri": graph}
    response = get(live_server, "/sparql", params=params)
    assert_sound(response.status_code, response.content, live_server, graph)


@FUZZ
@given(name=st.text(max_size=100))
def test_any_text_as_format_parameter(live_server: LiveServer, name: str) -> None:
    response = get(live_server, "/sparql", params={"query": PERSONS, "format": name})
    assert_sound(response.status_code, response.content, live_server, name)


# --- hypothesis: headers -----------------------------------------------------------------------

# Header bytes: anything but CR and LF (which would end the header); waitress refuses some (400).
header_values = st.binary(max_size=600).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
media_ranges = st.lists(
    st.tuples(
        st.sampled_from(["*", "text", "application", "x", ""]),
        st.sampled_from(["*", "html", "turtle", "sparql-results+json", "csv", "y", ""]),
        st.sampled_from(
            [
                "",
                ";q=0",
                ";q=0.5",
                ";q=1",
                ";q=abc",
                ";q=-1",
                ";q=nan",
                ";q",
                ";charset=utf-8",
                ";;",
                ";q=1e999",
            ]
        ),
    ),
    max_size=30,
).map(lambda items: ", ".join(f"{a}/{b}{p}" for a, b, p in items).encode())
ACCEPT_ROUTES = [
    "/sparql?query=" + quote(PERSONS),
    "/sparql",
    "/resource/homs",
    "/data/resource/homs",
    "/.well-known/void",
    "/search?q=homs",
    "/queries",
    "/queries/event-timeline",
]


@FUZZ
@given(value=st.one_of(header_values, media_ranges), route=st.sampled_from(ACCEPT_ROUTES))
def test_any_accept_header(live_server: LiveServer, value: bytes, route: str) -> None:
    case = Hostile("accept", "fuzz", route.encode(), ok(), headers=(("Accept", value),))
    answer = exchange(live_server, case)
    assert_sound(answer.status, answer.body, live_server, (route, value))


@FUZZ
@given(value=header_values)
def test_any_content_type_header(live_server: LiveServer, value: bytes) -> None:
    case = Hostile(
        "content-type",
        "fuzz",
        b"/sparql",
        ok(),
        "POST",
        (("Content-Type", value),),
        b"ASK { ?s ?p ?o }",
    )
    answer = exchange(live_server, case)
    assert_sound(answer.status, answer.body, live_server, value)


# --- hypothesis: paths -------------------------------------------------------------------------

THING_PREFIXES = [
    "/resource/",
    "/page/resource/",
    "/data/resource/",
    "/page/",
    "/data/",
    "/ontology/",
    "/graph/",
    "/source/",
    "/evidence/",
]
# Characters an IRI path may hold (RFC 3987 iunreserved, sub-delims, ":@/", Arabic letters),
# and dots, so that ".." segments come up often.
IRI_SEGMENT = st.lists(
    st.sampled_from([*"abcxyz019-._~!$&'()*+,;=:@/", "..", "حمص", "%41", "%2F"]), max_size=40
).map("".join)


@FUZZ
@given(segment=IRI_SEGMENT, prefix=st.sampled_from(THING_PREFIXES))
def test_any_iri_path_under_the_things(live_server: LiveServer, segment: str, prefix: str) -> None:
    """Paths made of IRI characters, dot segments included: 303, 200 or 404, never worse."""
    case = Hostile("path", "fuzz", (prefix + quote(segment, safe="/%")).encode(), ok())
    answer = exchange(live_server, case)
    assert_sound(answer.status, answer.body, live_server, prefix + segment)


@FUZZ
@example(segment="a>b", prefix="/resource/")  # was a 500 (the path went into a query unchecked)
@given(segment=st.text(min_size=1, max_size=200), prefix=st.sampled_from(THING_PREFIXES))
def test_any_text_path_under_the_things(live_server: LiveServer, segment: str, prefix: str) -> None:
    """Arbitrary text, percent-encoded, as the path of a thing."""
    response = get(live_server, prefix + quote(segment, safe=""))
    assert_sound(response.status_code, response.content, live_server, prefix + segment)


@FUZZ
@given(
    name=st.one_of(st.text(max_size=300), IRI_SEGMENT),
    prefix=st.sampled_from(
        ["/-/static/ui/", "/-/static/yasgui/", "/dumps/", "/queries/", "/-/browse/"]
    ),
)
def test_any_path_under_files_and_names(live_server: LiveServer, name: str, prefix: str) -> None:
    """Static folders, dumps, catalogue queries, class lists: nothing from outside is served."""
    response = get(live_server, prefix + quote(name, safe="/"))
    assert_sound(response.status_code, response.content, live_server, prefix + name)


# --- hypothesis: search and reconciliation ----------------------------------------------------


def json_containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    )


json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
    ),
    json_containers,
    max_leaves=30,
)
reconcile_batches = st.one_of(
    st.text(max_size=300),
    json_values.map(json.dumps),
    st.dictionaries(
        st.text(max_size=5),
        st.fixed_dictionaries(
            {},
            optional={
                "query": st.one_of(st.text(max_size=30), json_values),
                "type": st.one_of(
                    st.sampled_from(["Person", "Place", "hkg:Event", ""]), json_values
                ),
                "limit": st.one_of(st.integers(), json_values),
                "properties": json_values,
                "type_strict": json_values,
            },
        ),
        max_size=60,
    ).map(json.dumps),
)


@FUZZ
@given(batch=reconcile_batches, method=st.sampled_from(["GET", "POST"]))
def test_any_reconciliation_batch(live_server: LiveServer, batch: str, method: str) -> None:
    if method == "GET":
        response = get(live_server, "/reconcile", params={"queries": batch})
    else:
        body = ("queries=" + quote(batch, safe="")).encode()
        response = post(live_server, "/reconcile", body, "application/x-www-form-urlencoded")
    assert_sound(response.status_code, response.content, live_server, batch)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "type", "limit", "format", "lang"]),
        st.one_of(st.text(max_size=100), st.sampled_from(["json", "html", "Person", "5", "-1"])),
    ),
    route=st.sampled_from(
        [
            "/search",
            "/",
            "/-/timeline",
            "/queries",
            "/-/query",
            "/-/browse/Person",
            "/page/resource/homs",
        ]
    ),
)
def test_any_query_parameters_on_pages(live_server: LiveServer, params: dict, route: str) -> None:
    response = get(live_server, route, params=params)
    assert_sound(response.status_code, response.content, live_server, (route, params))


# --- schemathesis: the OpenAPI description ---------------------------------------------------

schemathesis.serializer.alias("application/sparql-query", "text/plain")

DESCRIBED = openapi_document(app_without_store(BASE), BASE.rstrip("/"))
OPERATIONS = [(method, path) for method, path, _ in operations(DESCRIBED)]
# Requests that were 500s, now run as explicit examples of their operation on every run.
REGRESSIONS: dict[tuple[str, str], dict] = {
    ("GET", "/resource/{rest}"): {"path_parameters": {"rest": "a>b"}},
    ("GET", "/page/{path}"): {"path_parameters": {"path": "resource/a>b"}},
    ("GET", "/data/{document}"): {"path_parameters": {"document": "resource/a>b.ttl"}},
    ("GET", "/ontology/{rest}"): {"path_parameters": {"rest": "a>b"}},
    ("GET", "/source/{rest}"): {"path_parameters": {"rest": "a>b"}},
    ("GET", "/evidence/{rest}"): {"path_parameters": {"rest": "a>b"}},
    ("GET", "/graph/{rest}"): {"path_parameters": {"rest": "a>b"}},
    ("GET", "/queries/{name}"): {"path_parameters": {"name": "x" * 100_000}},
    ("GET", "/sparql"): {"query": {"query": "ASK {}", "default-graph-uri": ["not an iri"]}},
    ("POST", "/sparql"): {
        "query": {"default-graph-uri": ["not an iri"]},
        "body": "ASK {}",
        "media_type": "application/sparql-query",
    },
    ("GET", "/reconcile"): {"query": {"queries": "[" * 100_000}},
}
# Operations that still answer some inputs with a 5xx: (reason, the reproduction, run as an
# explicit example so that the strict xfail holds on every run). Remove an entry when it is fixed.
KNOWN_5XX: dict[tuple[str, str], tuple[str, dict]] = {}


# Never a server error; and the answer is as the description says (status, media type, schema).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# What a found 5xx raises: our assertion, or schemathesis's group of failed checks.
FINDS_5XX = (AssertionError, schemathesis.errors.FailureGroup)


@pytest.fixture(scope="module")
def api_schema(live_server: LiveServer) -> schemathesis.BaseSchema:
    """The description as the live server serves it; its ``servers`` entry is the base IRI, and
    schemathesis calls the host the description came from (with the servers entry's path)."""
    return schemathesis.openapi.from_url(live_server.url + OPENAPI_PATH, timeout=TIMEOUT)


def test_every_regression_and_known_5xx_names_a_described_operation() -> None:
    assert set(REGRESSIONS) | set(KNOWN_5XX) <= set(OPERATIONS)


def operation_params() -> list[object]:
    params = []
    for method, path in OPERATIONS:
        marks = []
        if (method, path) in KNOWN_5XX:
            marks = [
                pytest.mark.xfail(
                    strict=True, raises=FINDS_5XX, reason=KNOWN_5XX[(method, path)][0]
                )
            ]
        params.append(pytest.param(method, path, marks=marks, id=f"{method} {path}"))
    return params


@pytest.mark.parametrize(("method", "path"), operation_params())
def test_schemathesis_operation(
    api_schema: schemathesis.BaseSchema, live_server: LiveServer, method: str, path: str
) -> None:
    """Positive and negative cases of each operation: never a server error (schemathesis's
    not_a_server_error, with the documented 503s allowed), answers as described (status code,
    media type, JSON schema), never a traceback, the server alive."""
    operation = api_schema[path][method]
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    session = requests.Session()

    def check(case: schemathesis.Case) -> None:
        response = case.call(session=session, timeout=TIMEOUT, allow_redirects=False)
        if not is_documented_limit(response):
            case.validate_response(response, checks=CHECKS)
        assert_sound(response.status_code, response.content, live_server, case.as_curl_command())

    test = API_FUZZ(given(case=strategy)(check))
    if (method, path) in REGRESSIONS:
        test = example(case=operation.Case(**REGRESSIONS[(method, path)]))(test)
    if (method, path) in KNOWN_5XX:
        test = example(case=operation.Case(**KNOWN_5XX[(method, path)][1]))(test)
    test()


def is_documented_limit(response: schemathesis.Response) -> bool:
    if response.status_code != 503:
        return False
    return any(word in json.loads(response.content).get("detail", "") for word in LIMIT_503)


def test_server_alive_after_fuzzing(live_server: LiveServer) -> None:
    assert live_server.process.poll() is None
    health = get(live_server, "/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    answer = get(live_server, "/sparql", params={"query": PERSONS})
    assert answer.status_code == 200
