"""The OpenAPI description is generated from the app's routes (server/web/openapi.py) and the
declarations next to them (server/web/api_docs.py): every route is described, with what each view
declares, and the media types of SPARQL results are those of the engine's format table."""

from __future__ import annotations

import re

import schemathesis
from flask import Flask

from homs_kg.server.app import create_app
from homs_kg.server.engine.formats import FORMAT_NAMES, GRAPH_FORMATS, SOLUTION_FORMATS, essence
from homs_kg.server.linked_data.things import DOCUMENTS
from homs_kg.server.settings import ServerConfig
from homs_kg.server.web.api_docs import JSON, api_response, documented, query_parameter
from homs_kg.server.web.openapi import OPENAPI_PATH, Schema, openapi_document, operations

PUBLIC = "https://homs.example/kg/"


class NoStore:
    """The routes and their description need no store."""

    def close(self) -> None: ...


def app_without_store(base_iri: str = PUBLIC) -> Flask:
    return create_app(ServerConfig(base_iri=base_iri), store=NoStore())  # type: ignore[arg-type]


APP = app_without_store()
DOCUMENT = openapi_document(APP, PUBLIC.rstrip("/"))
PATHS = DOCUMENT["paths"]


def application_routes(app: Flask) -> set[tuple[str, str]]:
    """Every (method, path) the app routes, ``any(...)`` alternatives spelled out, variables
    as ``{}``: read from the rules' own text, independently of the generator."""
    routes = set()
    for rule in app.url_map.iter_rules():
        templates = [rule.rule]
        alternatives = re.search(r"<any\(([^)]*)\):\w+>", rule.rule)
        if alternatives:
            templates = [
                rule.rule.replace(alternatives.group(0), name.strip())
                for name in alternatives.group(1).split(",")
            ]
        for template in templates:
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                routes.add((method, re.sub(r"<(?:\w+:)?\w+>", "{}", template)))
    return routes


def described_routes(document: Schema) -> set[tuple[str, str]]:
    return {(method, re.sub(r"\{[^}]+\}", "{}", path)) for method, path, _ in operations(document)}


def content_of(method: str, path: str, status: str = "200") -> list[str]:
    return list(PATHS[path][method]["responses"][status]["content"])


def parameter(method: str, path: str, name: str) -> Schema:
    return next(p for p in PATHS[path][method]["parameters"] if p["name"] == name)


# --- the routes ----------------------------------------------------------------------------------


def test_every_route_of_the_app_is_described() -> None:
    assert described_routes(DOCUMENT) == application_routes(APP)


def test_head_and_options_are_not_operations() -> None:
    methods = {method for method, _, _ in operations(DOCUMENT)}
    assert methods == {"GET", "POST"}


def test_an_any_converter_gives_one_path_per_alternative() -> None:
    assert {"/resource/{rest}", "/source/{rest}", "/evidence/{rest}", "/graph/{rest}"} <= set(PATHS)


def test_a_rule_whose_variable_has_a_default_is_a_path_without_it() -> None:
    assert "parameters" not in PATHS["/ontology"]["get"]
    assert [p["name"] for p in PATHS["/ontology/{rest}"]["get"]["parameters"]] == ["rest"]


def test_a_path_variable_is_a_required_path_parameter() -> None:
    name = parameter("get", "/dumps/{name}", "name")
    assert (name["in"], name["required"], name["schema"]) == (
        "path",
        True,
        {"type": "string", "minLength": 1},
    )


def test_a_path_converter_parameter_says_it_may_hold_slashes() -> None:
    document = parameter("get", "/data/{document}", "document")
    assert document["description"].endswith("It may contain `/` (sent as is or percent-encoded).")
    assert "may contain `/`" not in parameter("get", "/dumps/{name}", "name")["description"]


def test_operation_ids_are_unique() -> None:
    ids = [described["operationId"] for _, _, described in operations(DOCUMENT)]
    assert len(ids) == len(set(ids))


def test_a_view_with_two_methods_has_an_operation_id_for_each() -> None:
    sparql = PATHS["/sparql"]
    assert (sparql["get"]["operationId"], sparql["post"]["operationId"]) == (
        "sparqlEndpointGet",
        "sparqlEndpointPost",
    )


def test_each_operation_is_tagged_with_its_blueprint() -> None:
    assert PATHS["/search"]["get"]["tags"] == ["search"]
    assert PATHS["/resource/{rest}"]["get"]["tags"] == ["linked_data"]


def test_each_blueprint_is_a_tag_described_by_its_module_docstring() -> None:
    tags = {tag["name"]: tag["description"] for tag in DOCUMENT["tags"]}
    assert set(tags) == set(APP.blueprints)
    assert tags["meta"] == "The service's own small endpoints: health."


# --- the docstrings ------------------------------------------------------------------------------


def test_the_summary_is_the_first_sentence_of_the_views_docstring() -> None:
    dump = PATHS["/dumps/{name}"]["get"]
    assert dump["summary"] == "One dump."
    assert dump["description"].startswith("One dump. The build id is read before the path")


def test_a_one_sentence_docstring_has_no_description() -> None:
    page = PATHS["/page/{path}"]["get"]
    assert page["summary"] == "A thing's HTML page."
    assert "description" not in page


def test_restructuredtext_code_becomes_markdown_code() -> None:
    assert PATHS["/data/{document}"]["get"]["summary"] == (
        "A thing's RDF document: `/data/<path>.<ext>`, or `/data/<path>` by conneg."
    )


def test_every_operation_has_a_summary() -> None:
    assert all(described["summary"] for _, _, described in operations(DOCUMENT))


# --- the answers ---------------------------------------------------------------------------------


def test_every_operation_documents_a_success_or_a_redirect() -> None:
    for method, path, described in operations(DOCUMENT):
        assert any(status[0] in "23" for status in described["responses"]), (method, path)


def test_every_operation_answers_any_error_as_problem_details() -> None:
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for _, _, described in operations(DOCUMENT):
        assert described["responses"]["4XX"]["content"] == problem
        assert described["responses"]["5XX"]["content"] == problem


def test_a_declared_error_is_documented_with_its_reason() -> None:
    not_found = PATHS["/queries/{name}"]["get"]["responses"]["404"]
    assert not_found["description"] == "No catalogue query of that name."


def test_an_operation_with_a_path_parameter_may_answer_308() -> None:
    assert "308" in PATHS["/page/{path}"]["get"]["responses"]
    assert "308" not in PATHS["/healthz"]["get"]["responses"]


def test_a_conditional_view_may_answer_304() -> None:
    assert "304" in PATHS["/.well-known/void"]["get"]["responses"]
    assert "304" not in PATHS["/search"]["get"]["responses"]


def test_flasks_static_view_is_described_as_a_folder_of_files() -> None:
    static = PATHS["/-/static/ui/{filename}"]["get"]
    assert static["summary"] == "A file of the static folder."
    assert set(static["responses"]) >= {"200", "304", "404"}


# --- media types from the format tables ----------------------------------------------------------


def test_sparql_results_media_types_are_the_engines_format_table() -> None:
    table = [essence(fmt.media_type) for fmt in [*SOLUTION_FORMATS, *GRAPH_FORMATS]]
    assert content_of("get", "/sparql") == [*table, "text/html"]
    assert content_of("post", "/sparql") == [*table, "text/html"]


def test_the_format_parameter_names_every_short_name_of_the_format_table() -> None:
    description = parameter("get", "/sparql", "format")["description"]
    assert all(name in description for name in FORMAT_NAMES)


def test_rdf_document_media_types_are_the_linked_data_extensions() -> None:
    extensions = [fmt.media_type for fmt in DOCUMENTS.values()]
    assert content_of("get", "/data/{document}") == extensions


def test_sparql_json_results_have_a_schema() -> None:
    media = PATHS["/sparql"]["get"]["responses"]["200"]["content"]
    assert media["application/sparql-results+json"]["schema"]["required"] == ["head"]
    assert media["text/csv"]["schema"] == {"type": "string"}


# --- the parameters and bodies each view declares ------------------------------------------------


def test_a_declaration_for_one_method_applies_to_that_method_only() -> None:
    get, post = PATHS["/sparql"]["get"], PATHS["/sparql"]["post"]
    assert "query" in [p["name"] for p in get["parameters"]]
    assert "query" not in [p["name"] for p in post["parameters"]]
    assert "requestBody" not in get


def test_the_sparql_post_body_is_a_form_or_the_query_itself() -> None:
    body = PATHS["/sparql"]["post"]["requestBody"]
    assert list(body["content"]) == [
        "application/x-www-form-urlencoded",
        "application/sparql-query",
    ]
    form = body["content"]["application/x-www-form-urlencoded"]
    assert list(form["schema"]["properties"]) == [
        "query",
        "default-graph-uri",
        "named-graph-uri",
        "format",
        "output",
    ]
    assert form["encoding"]["named-graph-uri"] == {"style": "form", "explode": True}


def test_a_repeatable_query_parameter_is_an_exploded_array() -> None:
    graphs = parameter("get", "/sparql", "default-graph-uri")
    assert (graphs["schema"]["type"], graphs["style"], graphs["explode"]) == ("array", "form", True)


# --- the generator on an app of its own ----------------------------------------------------------


def small_app() -> Flask:
    app = Flask(__name__)

    @app.get("/items/<int:number>")
    @documented(
        parameters=[query_parameter("fields", "Which fields.")],
        answers={200: api_response("The item.", JSON)},
        errors={404: "No such item."},
    )
    def item(number: int) -> str:
        """One item. By its number."""
        return str(number)

    @app.get("/plain")
    def plain() -> str:
        """Nothing declared."""
        return ""

    return app


def test_an_int_converter_is_an_integer_path_parameter() -> None:
    described = openapi_document(small_app(), "http://x")["paths"]["/items/{number}"]["get"]
    assert described["parameters"][0]["schema"] == {"type": "integer", "minimum": 0}
    assert [p["name"] for p in described["parameters"]] == ["number", "fields"]


def test_a_view_without_a_declaration_documents_only_the_generic_errors() -> None:
    described = openapi_document(small_app(), "http://x")["paths"]["/plain"]["get"]
    assert list(described["responses"]) == ["4XX", "5XX"]
    assert described["summary"] == "Nothing declared."


# --- the served document -------------------------------------------------------------------------


def served_document() -> Schema:
    answer = APP.test_client().get(OPENAPI_PATH, headers={"Host": "evil.example"})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.get_json()


def test_the_served_description_is_valid_openapi_3_1() -> None:
    served = served_document()
    schemathesis.openapi.from_dict(served).validate()  # the 3.1 meta-schema; raises on an error
    assert served["openapi"] == "3.1.0"


def test_the_served_description_names_the_base_iri_as_its_server() -> None:
    assert served_document()["servers"] == [{"url": "https://homs.example/kg"}]


def test_the_served_description_is_the_generated_one() -> None:
    assert served_document() == DOCUMENT
