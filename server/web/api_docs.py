"""What a view declares for the OpenAPI description, next to its route: only what the routes cannot
say. server/web/openapi.py reads the rest from the app: paths, methods, path parameters, and the
summary (the view's docstring).

    @catalogue.get("/queries/<name>")
    @documented(parameters=[FORMAT], answers={200: api_response("The results.", *RESULT_TYPES)},
                errors={404: "No catalogue query of that name."})
    def query_results(name: str) -> Response: ...

A declaration names the query parameters the view reads, its request body, its answers (status,
media types, schemas, headers), the error statuses it documents (each a problem details
document), and whether it answers 304; it may also describe and exemplify its path parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from homs_kg.server.engine.formats import Format, essence

Schema = dict[str, Any]
View = TypeVar("View", bound=Callable[..., Any])

FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
JSON = "application/json"
SPARQL_JSON = "application/sparql-results+json"
SPARQL_RESULTS_JSON: Schema = {
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {"type": "object"},
        "results": {"type": "object", "properties": {"bindings": {"type": "array"}}},
        "boolean": {"type": "boolean"},
    },
}
ALL_METHODS = "*"
ATTRIBUTE = "openapi_declarations"  # on the view function: method (or ALL_METHODS) -> Declaration


@dataclass(frozen=True)
class Declaration:
    """What one view (or one of its methods) adds to its routes' description."""

    parameters: tuple[Schema, ...] = ()  # OpenAPI Parameter Objects, beyond the path's
    body: Mapping[str, Schema] | None = None  # request media type -> Media Type Object
    answers: Mapping[int, Schema] = field(default_factory=dict)  # status -> Response Object
    errors: Mapping[int, str] = field(default_factory=dict)  # status -> when it is answered
    conditional: bool = False  # answers 304 to If-None-Match / If-Modified-Since
    path: Mapping[str, Schema] = field(default_factory=dict)  # name -> description, example(s)


def documented(*methods: str, **declared: Any) -> Callable[[View], View]:
    """Attach a :class:`Declaration` to the view, for ``methods`` (by default all of them)."""
    declared["parameters"] = tuple(declared.get("parameters", ()))
    declaration = Declaration(**declared)

    def attach(view: View) -> View:
        by_method = view.__dict__.setdefault(ATTRIBUTE, {})
        for method in methods or (ALL_METHODS,):
            by_method[method.upper()] = declaration
        return view

    return attach


def declaration_of(view: Callable[..., Any], method: str) -> Declaration | None:
    """What ``view`` declares for ``method``; None when it declares nothing."""
    by_method = getattr(view, ATTRIBUTE, {})
    return by_method.get(method, by_method.get(ALL_METHODS))


def query_parameter(
    name: str,
    description: str,
    schema: Schema | None = None,
    example: object = None,
    repeated: bool = False,
) -> Schema:
    """An optional query parameter; ``repeated``: it may be given several times."""
    one = schema or {"type": "string"}
    parameter: Schema = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": one} if repeated else one,
    }
    if repeated:
        parameter["style"], parameter["explode"] = "form", True
    if example is not None:
        parameter["example"] = example
    return parameter


def form(*parameters: Schema, required: Iterable[str] = ()) -> Schema:
    """The Media Type Object of a form (``FORM``) whose fields are these query parameters."""
    media: Schema = {
        "schema": {
            "type": "object",
            "properties": {p["name"]: p["schema"] for p in parameters},
        }
    }
    if required := list(required):
        media["schema"]["required"] = required
    explode = {
        p["name"]: {"style": "form", "explode": True} for p in parameters if p.get("explode")
    }
    if explode:
        media["encoding"] = explode
    return media


def api_response(
    description: str,
    *media_types: str,
    schema: Schema | None = None,
    schemas: Mapping[str, Schema] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Schema:
    """A Response Object: a media type's body follows its schema in ``schemas``, else ``schema``,
    else it is a string; ``headers``: name -> description."""
    response: Schema = {"description": description}
    if media_types:
        response["content"] = {
            media: {"schema": (schemas or {}).get(media, schema or {"type": "string"})}
            for media in media_types
        }
    if headers:
        response["headers"] = {
            name: {"description": why, "schema": {"type": "string"}}
            for name, why in headers.items()
        }
    return response


def media_types(formats: Iterable[Format]) -> list[str]:
    """The media types of RDF or SPARQL results formats, as the engine's format table has them."""
    return list(dict.fromkeys(essence(fmt.media_type) for fmt in formats))


# A folder of files, as Flask's static view and send_from_directory serve it: documented(**…).
STATIC_FILES: dict[str, Any] = {
    "answers": {200: api_response("The file.", "*/*")},
    "errors": {404: "No such file in the folder (paths cannot leave it)."},
    "conditional": True,
}


LANG = query_parameter(
    "lang", "`ar` turns the interface to Arabic; anything else is English.", example="ar"
)
