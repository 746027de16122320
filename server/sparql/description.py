"""Self-description routes: VoID at /.well-known/void (the location of VoID's section "Discovery
via /.well-known/void", RFC 8615 well-known URIs), and /dumps/: the compressed dumps every build
writes (graph/dumps.py), VoID's void:dataDump. (The Service Description is /sparql's own answer
without a query: server/sparql/protocol.py.)"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, send_file
from werkzeug.exceptions import NotFound

from homs_kg.graph.dumps import DUMPS
from homs_kg.server.engine.formats import negotiate_media
from homs_kg.server.sparql.self_description import (
    OFFERED,
    VOID_PATH,
    cacheable,
    rdf_answer,
    void_triples,
)
from homs_kg.server.web.api_docs import HTML, JSON, LANG, api_response, documented, media_types
from homs_kg.server.web.context import current_config, current_store, public_url
from homs_kg.server.web.language import ui_language

description = Blueprint("description", __name__)


@description.get("/" + VOID_PATH)
@documented(
    answers={200: api_response("The VoID description.", *media_types(OFFERED))},
    errors={406: "Neither Turtle nor JSON-LD acceptable."},
    conditional=True,
)
def void() -> Response:
    """The VoID description of the dataset, in Turtle or JSON-LD by Accept."""
    store = current_store()
    dumps, built_at = [name for name in DUMPS if store.dump_path(name)], store.built_at
    return rdf_answer("void", lambda stats, minted: void_triples(stats, minted, dumps, built_at))


DUMP_LIST = {
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
}


@description.get("/dumps/")
@documented(
    parameters=[LANG],
    answers={
        200: api_response(
            "The dumps: JSON for programs, an HTML list for browsers (by Accept).",
            JSON,
            HTML,
            schemas={JSON: DUMP_LIST},
            headers={"Link": 'Each dump, rel="item".'},
        )
    },
    conditional=True,
)
def dump_list() -> Response:
    """The live build's dumps as JSON (``format``: the media type inside the gzip stream), or
    as an HTML list for a browser, each also in a Link header (RFC 8288, rel=item)."""
    store, root = current_store(), public_url()
    build_id = store.build_id
    listed = [
        {
            "name": name,
            "url": f"{root}dumps/{name}",
            "format": DUMPS[name].media_type,
            "bytes": path.stat().st_size,
        }
        for name in DUMPS
        if (path := store.dump_path(name)) is not None
    ]
    links = [f'<{d["url"]}>; rel="item"; type="application/gzip"' for d in listed]
    links.append(f'<{root}{VOID_PATH}>; rel="describedby"; type="text/turtle"')
    # JSON first: the answer to */*, to no Accept and (as before) to anything else; a browser
    # prefers text/html.
    if negotiate_media(request.headers.get("Accept"), [JSON, HTML]) == HTML:
        response = Response(render_template("dumps.html", dumps=listed), mimetype=HTML)
        response.headers["Content-Language"] = ui_language()
        etag = f"{build_id}-html-{ui_language()}"
    else:
        response, etag = jsonify(dumps=listed), build_id
    response.headers["Link"] = ", ".join(links)
    return cacheable(response, etag)


@description.get("/dumps/<name>")
@documented(
    answers={
        200: api_response(
            "The dump.",
            "application/gzip",
            schema={"type": "string", "contentMediaType": "application/octet-stream"},
        )
    },
    errors={404: "No dump of that name."},
    conditional=True,
    path={
        "name": {
            "description": "The dump's name, as listed at /dumps/.",
            "example": "homs-kg.nq.gz",
        }
    },
)
def dump(name: str) -> Response:
    """One dump. The build id is read before the path: should a build go live in between, the
    ETag names the older build, so a client revalidates rather than keeps stale bytes."""
    store = current_store()
    build_id = store.build_id
    path = store.dump_path(name)  # None for anything but the names in DUMPS: no traversal
    if path is None:
        raise NotFound(f"there is no dump called {name!r}; the dumps are listed at /dumps/")
    return send_file(
        path,
        mimetype="application/gzip",
        as_attachment=True,
        download_name=name,
        conditional=True,
        etag=build_id,
        last_modified=store.built_at,
        max_age=current_config().cache_seconds,
    )
