"""The OpenAPI 3.1 description of the HTTP API at ``/-/openapi.json``, generated from the routes.

One path per rule of ``app.url_map`` (an ``any(…)`` converter spelled out, one path per
alternative), one operation per method but HEAD and OPTIONS, path parameters from the rule's
converters, the summary and description from the view's docstring, the tag from its blueprint.
What the routes cannot know each view declares next to its route (server/web/api_docs.py).

Every operation may answer any 4XX or 5XX with an RFC 9457 problem details document
(``application/problem+json``, server/web/errors.py), and one with a path parameter a 308 (the
router merges a doubled slash). The ``servers`` entry is the public base IRI (``--base-iri``),
never the request's Host header: the description is cached publicly, and a forged Host must not
reach other clients. Accept and Content-Type are not parameters in OpenAPI (3.1.1, Parameter
Object: such header parameters "SHALL be ignored"); content negotiation is stated by the media
types of each answer.
"""

from __future__ import annotations

import inspect
import itertools
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from werkzeug.routing import Rule
from werkzeug.routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UUIDConverter,
)
from werkzeug.routing.rules import parse_converter_args

from homs_kg.server.web.api_docs import (
    JSON,
    STATIC_FILES,
    Declaration,
    Schema,
    api_response,
    declaration_of,
    documented,
)
from homs_kg.server.web.context import public_url

openapi = Blueprint("openapi", __name__)

OPENAPI_PATH = "/-/openapi.json"
PROBLEM = "application/problem+json"
UNDOCUMENTED_METHODS = {"HEAD", "OPTIONS"}  # HEAD is GET without the body; OPTIONS is CORS
# werkzeug's rule syntax: <converter(arguments):name>, the converter part optional.
VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<arguments>.*?)\))?:)?(?P<name>\w+)>")
CONVERTER_SCHEMAS: dict[type[BaseConverter], Schema] = {
    IntegerConverter: {"type": "integer", "minimum": 0},
    FloatConverter: {"type": "number", "minimum": 0},
    UUIDConverter: {"type": "string", "format": "uuid"},
}
# A sentence ends at . ! or ? before a capital (or the end): "e.g. the query" goes on.
SENTENCE = re.compile(r"(.+?[.!?])(?=\s+[A-Z§]|\s*$)", re.DOTALL)
STATIC_SUMMARY = "A file of the static folder."  # Flask's own static view: its docstring is Flask's

PROBLEM_SCHEMA: Schema = {
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
NOT_MODIFIED: Schema = {"description": "Not Modified (If-None-Match, If-Modified-Since)."}
MERGED_SLASHES = api_response(
    "Permanent Redirect: a doubled slash in the path (a path parameter that starts or ends with "
    "`/`, also as `%2F`) is merged by the router; Location is the merged path, under the same "
    "route.",
    headers={"Location": "The path with the doubled slash merged."},
)
CLIENT_ERROR = "A client error, such as a request larger than the size limit (413)."


@dataclass(frozen=True)
class PathTemplate:
    """A path of a rule: ``/resource/{rest}`` of ``/<any(resource, …):kind>/<path:rest>``."""

    path: str
    choices: tuple[str, ...]  # the any(…) alternatives it takes
    variables: tuple[tuple[str, type[BaseConverter]], ...]  # its path parameters


def openapi_document(app: Flask, server_url: str) -> Schema:
    """The OpenAPI document of ``app``'s routes, its server being ``server_url``."""
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
        "tags": tags(app),
        "paths": paths(app),
        "components": {"schemas": {"Problem": PROBLEM_SCHEMA}},
    }


def paths(app: Flask) -> Schema:
    """Every rule's paths, in the order the rules were registered."""
    described: dict[str, Schema] = {}
    rules_of = Counter(rule.endpoint for rule in app.url_map.iter_rules())
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        methods = sorted((rule.methods or set()) - UNDOCUMENTED_METHODS)
        for template in path_templates(rule, app.url_map.converters):
            item = described.setdefault(template.path, {})
            for method in methods:
                words = id_words(template, rules_of[rule.endpoint] > 1, method, len(methods) > 1)
                item[method.lower()] = operation(rule.endpoint, view, method, template, words)
    return described


def id_words(template: PathTemplate, several_rules: bool, method: str, several: bool) -> list[str]:
    """What tells an operation from the others of its view, for its operationId: the any(…)
    alternatives, the variables when the view has several rules, the method when several."""
    words = [*template.choices]
    if several_rules:
        words += [name for name, _ in template.variables]
    return [*words, method] if several else words


def path_templates(rule: Rule, converters: dict[str, type[BaseConverter]]) -> list[PathTemplate]:
    """The rule's OpenAPI paths: ``<name>`` as ``{name}``, one path per ``any(…)`` alternative."""
    pieces: list[tuple[str, ...]] = []  # literal text and variables: one item; any(…): its items
    choosing: list[bool] = []
    variables = []
    position = 0
    for match in VARIABLE.finditer(rule.rule):
        converter = converters[match["converter"] or "default"]
        pieces.append((rule.rule[position : match.start()],))
        choosing.append(False)
        if issubclass(converter, AnyConverter):
            pieces.append(tuple(str(item) for item in parse_converter_args(match["arguments"])[0]))
            choosing.append(True)
        else:
            pieces.append(("{" + match["name"] + "}",))
            choosing.append(False)
            variables.append((match["name"], converter))
        position = match.end()
    pieces.append((rule.rule[position:],))
    choosing.append(False)
    return [
        PathTemplate(
            "".join(combination),
            tuple(part for part, chosen in zip(combination, choosing, strict=True) if chosen),
            tuple(variables),
        )
        for combination in itertools.product(*pieces)
    ]


def operation(
    endpoint: str, view: Callable[..., Any], method: str, template: PathTemplate, words: list[str]
) -> Schema:
    """One operation: the route's facts, the view's docstring and its declaration."""
    declared = declaration_of(view, method) or implicit_declaration(endpoint)
    summary, description = docstring_parts(STATIC_SUMMARY if is_static(endpoint) else view.__doc__)
    described: Schema = {
        "operationId": operation_id(endpoint, words),
        "summary": summary,
        "tags": [blueprint_of(endpoint)],
    }
    if description:
        described["description"] = description
    parameters = [
        path_parameter(name, converter, declared) for name, converter in template.variables
    ]
    parameters += declared.parameters
    if parameters:
        described["parameters"] = parameters
    if declared.body:
        described["requestBody"] = {"required": True, "content": dict(declared.body)}
    described["responses"] = responses(declared, has_path_parameters=bool(template.variables))
    return described


def is_static(endpoint: str) -> bool:
    """Flask's static view (``static``, ``<blueprint>.static``): not ours to declare on."""
    return endpoint.rpartition(".")[2] == "static"


def implicit_declaration(endpoint: str) -> Declaration:
    if is_static(endpoint):
        return Declaration(
            **STATIC_FILES, path={"filename": {"description": "A file of the folder."}}
        )
    return Declaration()


def blueprint_of(endpoint: str) -> str:
    return endpoint.rpartition(".")[0] or "app"


def operation_id(endpoint: str, words: list[str]) -> str:
    """``linked_data.thing`` and ``["ontology", "rest"]`` -> ``linkedDataThingOntologyRest``."""
    parts = [p for word in [*endpoint.split("."), *words] for p in re.split(r"[^A-Za-z0-9]+", word)]
    parts = [p for p in parts if p]
    return parts[0].lower() + "".join(p[0].upper() + p[1:].lower() for p in parts[1:])


def docstring_parts(docstring: str | None) -> tuple[str, str | None]:
    """The first sentence as the summary; the whole docstring as the description, when it says
    more. reStructuredText's ``code`` becomes Markdown's `code`."""
    text = inspect.cleandoc(docstring or "").replace("``", "`")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return "", None
    first = SENTENCE.match(paragraphs[0])
    summary = first.group(1) if first else paragraphs[0]
    whole = "\n\n".join(paragraphs)
    return summary, whole if whole != summary else None


def path_parameter(name: str, converter: type[BaseConverter], declared: Declaration) -> Schema:
    """A path parameter, described as the view declares; a ``path`` one may hold slashes."""
    parameter: Schema = {
        "name": name,
        "in": "path",
        "required": True,
        "schema": CONVERTER_SCHEMAS.get(converter, {"type": "string", "minLength": 1}),
    }
    parameter.update(declared.path.get(name, {}))
    if issubclass(converter, PathConverter):
        slashes = "It may contain `/` (sent as is or percent-encoded)."
        parameter["description"] = f"{parameter.get('description', '')} {slashes}".strip()
    return parameter


def responses(declared: Declaration, has_path_parameters: bool) -> Schema:
    """The declared answers and errors, 304 and 308 where they apply, and every other error."""
    answers: Schema = {str(status): response for status, response in declared.answers.items()}
    if declared.conditional:
        answers["304"] = NOT_MODIFIED
    if has_path_parameters:
        answers["308"] = MERGED_SLASHES
    answers |= {str(status): problem(why) for status, why in declared.errors.items()}
    answers["4XX"] = problem(CLIENT_ERROR)
    answers["5XX"] = problem("A server error.")
    return dict(sorted(answers.items()))


def problem(description: str) -> Schema:
    return {
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def tags(app: Flask) -> list[Schema]:
    """One tag per blueprint, described by the first sentence of its module's docstring."""
    return [
        {"name": name, "description": docstring_parts(module_doc(blueprint.import_name))[0]}
        for name, blueprint in app.blueprints.items()
    ]


def module_doc(module_name: str) -> str | None:
    module = sys.modules.get(module_name)
    return module.__doc__ if module else None


def service_version() -> str:
    try:
        return version("homs-kg")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "unknown"


def operations(document: Schema) -> Iterator[tuple[str, str, Schema]]:
    """Each (METHOD, path, operation) of an OpenAPI document."""
    for path, item in document["paths"].items():
        for method, described in item.items():
            yield method.upper(), path, described


@openapi.get(OPENAPI_PATH)
@documented(
    answers={200: api_response("The OpenAPI description.", JSON, schema={"type": "object"})}
)
def openapi_json() -> Response:
    """This description of the HTTP API, generated from the routes."""
    described = openapi_document(current_app, public_url().rstrip("/"))
    response = Response(json.dumps(described, ensure_ascii=False, indent=1) + "\n", mimetype=JSON)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
