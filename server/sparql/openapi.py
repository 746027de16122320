"""The OpenAPI 3.1 description of the HTTP API, served at ``/-/openapi.json``.

Every route of the app is described: its parameters, its media types and its answers, each error
an RFC 9457 problem details document (``application/problem+json``, server/errors.py). The
description is built here in Python (no data file to package); its ``servers`` entry is the
public base IRI (``--base-iri``), the server's public address, never the request's Host header:
the description is cached publicly, and a forged Host must not reach other clients.

Accept and Content-Type are not parameters in OpenAPI (3.1.1, Parameter Object: such header
parameters "SHALL be ignored"); content negotiation is stated by the media types of each answer.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Blueprint, Response

from homs_kg.server.search.labels import MAX_QUERY_CHARS
from homs_kg.server.search.reconcile import BATCH_SIZE, MAX_TYPES
from homs_kg.server.web.context import public_url

openapi = Blueprint("openapi", __name__)

OPENAPI_PATH = "/-/openapi.json"
PROBLEM = "application/problem+json"
HTML = "text/html"
SOLUTION_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPH_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
    "text/n3",
]
DOCUMENT_TYPES = [
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
]

Schema = dict[str, Any]


def problem_schema() -> Schema:
    return {
        "type": "object",
        "description": "RFC 9457 problem details; `title` is the reason phrase of `status`.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "const": "about:blank"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
        },
    }


def problem(description: str) -> Schema:
    return {
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def errors(**documented: str) -> dict[str, Schema]:
    """The documented errors of an operation (``e404="why"``), and the 4XX and 5XX ranges: every
    error of every route is a problem details document."""
    answers = {code[1:]: problem(why) for code, why in documented.items()}
    answers["4XX"] = problem("A client error, such as a request larger than the size limit (413).")
    answers["5XX"] = problem("A server error.")
    return answers


def content(media_types: list[str], schema: Schema | None = None) -> dict[str, Schema]:
    return {media: {"schema": schema or {"type": "string"}} for media in media_types}


def ok(
    description: str,
    media_types: list[str],
    schema: Schema | None = None,
    headers: dict[str, Schema] | None = None,
) -> Schema:
    answer: Schema = {"description": description, "content": content(media_types, schema)}
    if headers:
        answer["headers"] = headers
    return answer


def header(description: str, schema: Schema | None = None) -> Schema:
    return {"description": description, "schema": schema or {"type": "string"}}


def path_parameter(name: str, description: str, example: str, slashes: bool = False) -> Schema:
    """A path parameter; ``slashes``: it may hold ``/`` (the route takes the rest of the path)."""
    if slashes:
        description += " It may contain `/` (sent as is or percent-encoded)."
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
        "example": example,
    }


def query_parameter(
    name: str,
    description: str,
    schema: Schema | None = None,
    example: object = None,
    repeated: bool = False,
) -> Schema:
    parameter: Schema = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": schema or {"type": "string"}}
        if repeated
        else schema or {"type": "string"},
    }
    if repeated:
        parameter["style"], parameter["explode"] = "form", True
    if example is not None:
        parameter["example"] = example
    return parameter


LANG = query_parameter(
    "lang",
    "`ar` turns the interface to Arabic; anything else is English.",
    {"type": "string"},
    "ar",
)

REDIRECT = {
    "description": "See Other (W3C Cool URIs, section 4.3): to `/page/<path>` for text/html, "
    "else to `/data/<path>.<ext>`, chosen by the Accept header (q-values honoured).",
    "headers": {
        "Location": header("The chosen document."),
        "Link": header('Every representation, as rel="alternate".'),
        "Vary": header("Accept."),
    },
}

TOO_MANY = "Too many requests from this client at once (`--client-concurrency`); see Retry-After."
CONDITIONAL = {"304": {"description": "Not Modified (If-None-Match, If-Modified-Since)."}}

MERGED_SLASHES = {
    "description": "Permanent Redirect: a doubled slash in the path (a path parameter that "
    "starts or ends with `/`, also as `%2F`) is merged by the router; Location is the merged "
    "path, under the same route.",
    "headers": {"Location": header("The path with the doubled slash merged.")},
}


def sparql_parameters(with_query: bool = True) -> list[Schema]:
    """The protocol's parameters (SPARQL 1.1 Protocol section 2.1), and format=/output=."""
    parameters = []
    if with_query:
        parameters.append(
            query_parameter(
                "query",
                "The SPARQL query (exactly one). Without it, the Service Description (Turtle or "
                "JSON-LD), or the query UI for a client preferring text/html.",
                {"type": "string"},
                "SELECT ?s WHERE { ?s a <http://127.0.0.1:8000/ontology/Person> } LIMIT 3",
            )
        )
    parameters += [
        query_parameter(
            "default-graph-uri",
            "The default graph is the merge of these graphs "
            "(default: the union of the named graphs).",
            {"type": "string"},
            repeated=True,
        ),
        query_parameter(
            "named-graph-uri", "The named graphs of the dataset.", {"type": "string"}, repeated=True
        ),
        query_parameter(
            "format",
            "The result format, overriding Accept: a short name (json, xml, csv, tsv, "
            "turtle, ntriples, rdfxml, jsonld, nquads, trig, n3) or a media type; repeatable, the "
            "first known one wins.",
            {"type": "string"},
            repeated=True,
        ),
        query_parameter("output", "Fuseki's name for `format`.", {"type": "string"}, repeated=True),
    ]
    return parameters


SPARQL_RESULTS_JSON: Schema = {
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {"type": "object"},
        "results": {"type": "object", "properties": {"bindings": {"type": "array"}}},
        "boolean": {"type": "boolean"},
    },
}

SPARQL_ANSWER = {
    "description": "The query's results (SELECT, ASK: SPARQL results; CONSTRUCT, DESCRIBE: RDF), "
    "by Accept or format=; without a query, the Service Description (text/turtle, "
    "application/ld+json) or the query UI (text/html).",
    "headers": {
        "ETag": header("The build id and a digest of the request."),
        "Last-Modified": header("The build time."),
        "X-Result-Truncated": header("`true` when the rows were cut at the row limit."),
        "X-Result-Limit": header("The row limit, when the rows were cut.", {"type": "string"}),
    },
    "content": {
        **content(["application/sparql-results+json"], SPARQL_RESULTS_JSON),
        **content(SOLUTION_TYPES[1:]),
        **content(GRAPH_TYPES),
        **content([HTML]),
    },
}

SPARQL_ERRORS = errors(
    e400="A malformed query (the parser's message with line and column), two `query` "
    "parameters, a NUL character or invalid UTF-8, a SERVICE that is not allowed.",
    e403="An update operation: the service is read-only.",
    e406="No acceptable result format, or an unknown `format`.",
    e413="A query string or body larger than the size limit.",
    e415="A POST body that is neither a form nor application/sparql-query.",
    e502="A SERVICE call failed or timed out.",
    e503="The query ran past the time limit, or every query worker stayed busy (Retry-After).",
)


def sparql_operations() -> Schema:
    form = {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
            "format": {"type": "array", "items": {"type": "string"}},
            "output": {"type": "array", "items": {"type": "string"}},
        },
    }
    explode = {
        name: {"style": "form", "explode": True}
        for name in ("default-graph-uri", "named-graph-uri", "format", "output")
    }
    return {
        "get": {
            "operationId": "sparqlQueryGet",
            "summary": "SPARQL query via GET (SPARQL 1.1 Protocol 2.1.1)",
            "tags": ["SPARQL"],
            "parameters": sparql_parameters(),
            "responses": {"200": SPARQL_ANSWER, **CONDITIONAL, **SPARQL_ERRORS},
        },
        "post": {
            "operationId": "sparqlQueryPost",
            "summary": "SPARQL query via POST: a form, or the query itself (2.1.2, 2.1.3)",
            "description": "With application/sparql-query the dataset parameters go in the URL.",
            "tags": ["SPARQL"],
            "parameters": sparql_parameters(with_query=False),
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form, "encoding": explode},
                    "application/sparql-query": {
                        "schema": {"type": "string"},
                        "example": "ASK { ?s ?p ?o }",
                    },
                },
            },
            "responses": {"200": SPARQL_ANSWER, **SPARQL_ERRORS},
        },
    }


def thing(kind: str, summary: str, parameter: Schema | None) -> Schema:
    operation: Schema = {
        "operationId": f"dereference{kind.capitalize()}",
        "summary": summary,
        "tags": ["Linked Data"],
        "responses": {
            "303": REDIRECT,
            **errors(e404="Not a thing of this dataset.", e406="Neither HTML nor RDF acceptable."),
        },
    }
    if parameter:
        operation["parameters"] = [parameter]
    return {"get": operation}


def html_page(
    operation_id: str, summary: str, tag: str, parameters: list[Schema], **documented: str
) -> Schema:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": parameters,
            "responses": {"200": ok("The page.", [HTML]), **errors(**documented)},
        }
    }


def paths() -> Schema:
    any_file = {"type": "string", "contentMediaType": "application/octet-stream"}
    return {
        "/sparql": sparql_operations(),
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness, and the build being served",
                "tags": ["Service"],
                "responses": {
                    "200": ok(
                        "Alive.",
                        ["application/json"],
                        {
                            "type": "object",
                            "required": ["status", "build"],
                            "properties": {"status": {"const": "ok"}, "build": {"type": "string"}},
                        },
                    ),
                    **errors(),
                },
            }
        },
        "/.well-known/void": {
            "get": {
                "operationId": "void",
                "summary": "The VoID description of the dataset (Turtle or JSON-LD by Accept)",
                "tags": ["Service"],
                "responses": {
                    "200": ok("The VoID description.", ["text/turtle", "application/ld+json"]),
                    **CONDITIONAL,
                    **errors(e406="Neither Turtle nor JSON-LD acceptable."),
                },
            }
        },
        "/dumps/": {
            "get": {
                "operationId": "dumpList",
                "summary": "The live build's dumps",
                "tags": ["Service"],
                "responses": {
                    "200": ok(
                        "The dumps (`format`: the media type inside the gzip stream).",
                        ["application/json"],
                        {
                            "type": "object",
                            "required": ["dumps"],
                            "properties": {
                                "dumps": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["name", "url", "format", "bytes"],
                                        "properties": {
                                            "name": {"type": "string"},
                                            "url": {"type": "string"},
                                            "format": {"type": "string"},
                                            "bytes": {"type": "integer"},
                                        },
                                    },
                                }
                            },
                        },
                        {"Link": header('Each dump, rel="item".')},
                    ),
                    **CONDITIONAL,
                    **errors(),
                },
            }
        },
        "/dumps/{name}": {
            "get": {
                "operationId": "dump",
                "summary": "One dump (gzip), named as in /dumps/",
                "tags": ["Service"],
                "parameters": [path_parameter("name", "The dump's name.", "homs-kg.nq.gz")],
                "responses": {
                    "200": ok("The dump.", ["application/gzip"], any_file),
                    **CONDITIONAL,
                    **errors(e404="No dump of that name."),
                },
            }
        },
        "/resource/{path}": thing(
            "resource",
            "An entity or event: 303 to its page or document",
            path_parameter("path", "The resource's slug.", "homs", True),
        ),
        "/ontology": thing("ontology", "The ontology: 303 to its page or document", None),
        "/ontology/{term}": thing(
            "term",
            "An ontology term: 303 to its page or document",
            path_parameter("term", "The term (`shapes/…` for SHACL shapes).", "Person", True),
        ),
        "/source/{id}": thing(
            "source",
            "A source document: 303 to its page or document",
            path_parameter("id", "The source's id.", "homs-2017-05-21", True),
        ),
        "/evidence/{path}": thing(
            "evidence",
            "An evidence record: 303 to its page or document",
            path_parameter("path", "`<source>/<slug>`.", "homs-2017-05-21/homs-label", True),
        ),
        "/graph/{name}": thing(
            "graph",
            "A named graph: 303 to its page or document",
            path_parameter("name", "The graph's name.", "ontology", True),
        ),
        "/data/{path}": {
            "get": {
                "operationId": "document",
                "summary": "A thing's RDF document: `<path>.<ext>` (ttl, jsonld, nt, rdf), or "
                "`<path>` by Accept (then with Content-Location)",
                "tags": ["Linked Data"],
                "parameters": [
                    path_parameter(
                        "path",
                        "The thing's path under the base IRI, with an optional extension.",
                        "resource/homs.ttl",
                        True,
                    )
                ],
                "responses": {
                    "200": ok("The document.", DOCUMENT_TYPES),
                    **CONDITIONAL,
                    **errors(e404="Not a thing of this dataset.", e406="No acceptable RDF format."),
                },
            }
        },
        "/page/{path}": html_page(
            "page",
            "A thing's HTML page",
            "Linked Data",
            [
                path_parameter(
                    "path", "The thing's path under the base IRI.", "resource/homs", True
                ),
                LANG,
            ],
            e404="Not a thing of this dataset.",
        ),
        "/": html_page(
            "home", "The home page: the dataset, its counts, its classes", "Pages", [LANG]
        ),
        "/-/timeline": html_page("timeline", "The events in time order", "Pages", [LANG]),
        "/-/browse/{class}": html_page(
            "browse",
            "The instances of a class",
            "Pages",
            [path_parameter("class", "An ontology class with instances.", "Person"), LANG],
            e404="No class of that name with instances.",
        ),
        "/search": {
            "get": {
                "operationId": "search",
                "summary": "Label search (Arabic matching form; Latin without accents and case)",
                "tags": ["Search"],
                "parameters": [
                    query_parameter(
                        "q",
                        f"The text to search for (needed for JSON; at most {MAX_QUERY_CHARS} "
                        "characters).",
                        {"type": "string", "maxLength": MAX_QUERY_CHARS},
                        "حمص",
                    ),
                    query_parameter(
                        "type",
                        "A class IRI or hkg class name (subclasses included).",
                        example="Person",
                    ),
                    query_parameter(
                        "limit",
                        "At most this many results (a positive integer; at most 100).",
                        {"type": "string"},
                        "5",
                    ),
                    query_parameter(
                        "format", "`json` or `html`, overriding Accept.", example="json"
                    ),
                    LANG,
                ],
                "responses": {
                    "200": {
                        "description": "The results.",
                        "content": {
                            **content(
                                ["application/json"],
                                {
                                    "type": "object",
                                    "required": ["query", "results"],
                                    "properties": {
                                        "query": {"type": "string"},
                                        "results": {"type": "array"},
                                    },
                                },
                            ),
                            **content([HTML]),
                        },
                    },
                    **errors(
                        e400="An unknown format or type, a bad limit, no q for JSON, or a q "
                        "that is too long.",
                        e406="Neither HTML nor JSON acceptable.",
                        e429=TOO_MANY,
                    ),
                },
            }
        },
        "/reconcile": reconcile_operations(),
        "/queries": {
            "get": {
                "operationId": "queryCatalogue",
                "summary": "The catalogue of researcher queries",
                "tags": ["Queries"],
                "parameters": [
                    query_parameter("format", "`json` for the JSON list.", example="json")
                ],
                "responses": {
                    "200": {
                        "description": "The catalogue.",
                        "content": {
                            **content(
                                ["application/json"],
                                {
                                    "type": "object",
                                    "required": ["queries"],
                                    "properties": {"queries": {"type": "array"}},
                                },
                            ),
                            **content([HTML]),
                        },
                    },
                    **errors(e406="Neither HTML nor JSON acceptable."),
                },
            }
        },
        "/queries/{name}": {
            "get": {
                "operationId": "catalogueQuery",
                "summary": "A catalogue query's results",
                "tags": ["Queries"],
                "parameters": [
                    path_parameter(
                        "name", "The query's name, as listed at /queries.", "event-timeline"
                    ),
                    query_parameter(
                        "format", "`json`, `csv` or `html`, overriding Accept.", example="csv"
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The results.",
                        "content": {
                            **content(["application/sparql-results+json"], SPARQL_RESULTS_JSON),
                            **content(["text/csv", HTML]),
                        },
                    },
                    **errors(
                        e404="No catalogue query of that name.",
                        e406="No acceptable format.",
                        e502="A SERVICE call failed.",
                        e503="The query ran past the time limit.",
                    ),
                },
            }
        },
        "/-/query": html_page(
            "queryUi",
            "The query UI (YASGUI); `query` and `tabTitle` are read by the page",
            "SPARQL",
            [
                query_parameter("query", "A query to open in a tab."),
                query_parameter("tabTitle", "The tab's title."),
            ],
        ),
        "/-/static/ui/{file}": static_files("uiStatic", "The UI's own static files", "site.css"),
        "/-/static/yasgui/{file}": static_files(
            "yasguiStatic", "YASGUI's build (from npm); nothing outside its folder", "yasgui.min.js"
        ),
        OPENAPI_PATH: {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "tags": ["Service"],
                "responses": {
                    "200": ok("The OpenAPI description.", ["application/json"], {"type": "object"}),
                    **errors(),
                },
            }
        },
    }


def static_files(operation_id: str, summary: str, example: str) -> Schema:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["Pages"],
            "parameters": [path_parameter("file", "A file of the folder.", example, True)],
            "responses": {
                "200": {
                    "description": "The file.",
                    "content": {"*/*": {"schema": {"type": "string"}}},
                },
                **CONDITIONAL,
                **errors(e404="No such file in the folder (paths cannot leave it)."),
            },
        }
    }


def reconcile_operations() -> Schema:
    queries = query_parameter(
        "queries",
        'A batch of queries as a JSON object, e.g. {"q0": {"query": "Homs", '
        '"type": "Place", "limit": 3}}; without it, the manifest. '
        f"At most {BATCH_SIZE} queries (the manifest's batchSize), each `query` at most "
        f"{MAX_QUERY_CHARS} characters with at most {MAX_TYPES} types.",
        {"type": "string"},
        '{"q0": {"query": "Homs", "limit": 3}}',
    )
    answers = {
        "200": ok(
            "The service manifest (no `queries`), or the candidates of each query.",
            ["application/json"],
            {"type": "object"},
        ),
        **errors(
            e400="`queries` is not a JSON object of valid queries, or a query is too long or "
            "has too many types.",
            e413="More queries than the manifest's batchSize.",
            e429=TOO_MANY,
        ),
    }
    return {
        "get": {
            "operationId": "reconcileGet",
            "summary": "W3C Reconciliation Service API 0.2: the manifest, or a batch via GET",
            "tags": ["Search"],
            "parameters": [queries],
            "responses": answers,
        },
        "post": {
            "operationId": "reconcilePost",
            "summary": "A batch of reconciliation queries as a form field",
            "tags": ["Search"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["queries"],
                            "properties": {"queries": {"type": "string"}},
                        }
                    }
                },
            },
            "responses": answers,
        },
    }


def with_merged_slashes(described: Schema) -> Schema:
    """Every operation with a path parameter may answer 308 for a doubled slash."""
    for item in described.values():
        for operation in item.values():
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                operation["responses"]["308"] = MERGED_SLASHES
    return described


def service_version() -> str:
    try:
        return version("homs-kg")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "unknown"


def description(server_url: str) -> Schema:
    """The OpenAPI document, its server being ``server_url``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "homs-kg",
            "version": service_version(),
            "summary": "SPARQL endpoint and Linked Data of an Arabic news profile of Homs (2017)",
            "description": "Read-only. Every error is an RFC 9457 problem details document "
            "(application/problem+json). Every answer carries CORS headers; OPTIONS is a CORS "
            "preflight on every route, and HEAD is GET without the body.",
            "license": {"name": "CC0-1.0", "identifier": "CC0-1.0"},
        },
        "servers": [{"url": server_url}],
        "tags": [
            {"name": name}
            for name in ("SPARQL", "Linked Data", "Pages", "Search", "Queries", "Service")
        ],
        "paths": with_merged_slashes(paths()),
        "components": {"schemas": {"Problem": problem_schema()}},
    }


@openapi.get(OPENAPI_PATH)
def openapi_document() -> Response:
    body = json.dumps(description(public_url().rstrip("/")), ensure_ascii=False, indent=1)
    response = Response(body + "\n", mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
