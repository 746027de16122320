"""Every setting, declared once: its flag, its environment variable, its default and its help.

The CLI builds its options from these declarations, and a test checks that the README's settings
table lists exactly them (as Datasette does for its settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from homs_kg.graph.vocabulary import DEFAULT_BASE_IRI


@dataclass(frozen=True)
class Setting:
    flag: str
    envvar: str
    default: object
    help: str
    multiple: bool = False


SETTINGS: dict[str, Setting] = {
    "data_dir": Setting(
        "--data-dir",
        "HOMS_KG_DATA_DIR",
        "data",
        "Folder of the built store (created by build; the live store is data/current).",
    ),
    "base_iri": Setting(
        "--base-iri",
        "HOMS_KG_BASE_IRI",
        DEFAULT_BASE_IRI,
        "Public base IRI under which every IRI of the graph is minted.",
    ),
    "corpus": Setting(
        "--corpus",
        "HOMS_KG_CORPUS",
        ("packaged",),
        "Corpus folder (sources/ and annotations/) to build; repeatable; 'packaged' is the "
        "packaged one.",
        multiple=True,
    ),
    "host": Setting("--host", "HOMS_KG_HOST", "127.0.0.1", "Interface the server listens on."),
    "port": Setting("--port", "HOMS_KG_PORT", 8000, "TCP port the server listens on."),
    "timeout": Setting(
        "--timeout",
        "HOMS_KG_TIMEOUT",
        30.0,
        "Per-query time limit in seconds; a query still running then is ended and refused.",
    ),
    "threads": Setting(
        "--threads", "HOMS_KG_THREADS", 8, "HTTP worker threads of the WSGI server."
    ),
    "query_workers": Setting(
        "--query-workers",
        "HOMS_KG_QUERY_WORKERS",
        2,
        "Query evaluation processes (each can be ended at the time limit).",
    ),
    "max_rows": Setting(
        "--max-rows",
        "HOMS_KG_MAX_ROWS",
        10000,
        "Most result rows (or triples) returned; a cut is announced by X-Result-Truncated.",
    ),
    "max_request_bytes": Setting(
        "--max-request-bytes",
        "HOMS_KG_MAX_REQUEST_BYTES",
        1048576,
        "Largest accepted request (query string or body) in bytes; larger ones get 413.",
    ),
    "service_allow": Setting(
        "--service-allow",
        "HOMS_KG_SERVICE_ALLOW",
        ("https://query.wikidata.org/sparql",),
        "SPARQL endpoint IRI a SERVICE clause may call; repeatable; any other is refused (400).",
        multiple=True,
    ),
    "service_map": Setting(
        "--service-map",
        "HOMS_KG_SERVICE_MAP",
        (),
        "IRI=URL: send SERVICE <IRI> to URL instead (a local mirror or test double); repeatable.",
        multiple=True,
    ),
    "service_timeout": Setting(
        "--service-timeout",
        "HOMS_KG_SERVICE_TIMEOUT",
        10.0,
        "Time limit in seconds of each outbound SERVICE call.",
    ),
    "service_bind_rows": Setting(
        "--service-bind-rows",
        "HOMS_KG_SERVICE_BIND_ROWS",
        100,
        "Bindings sent per SERVICE call of a bound join (the local values a SERVICE pattern "
        "shares, in a VALUES block); more bindings make more calls.",
    ),
    "service_cache_seconds": Setting(
        "--service-cache-seconds",
        "HOMS_KG_SERVICE_CACHE_SECONDS",
        300,
        "Seconds an answer that called a SERVICE is reused (as the Wikidata Query Service's "
        "HTTP cache does); an answer whose SERVICE call failed is never reused.",
    ),
    "user_agent": Setting(
        "--user-agent",
        "HOMS_KG_USER_AGENT",
        "homs-kg/0.1.0 (homs-kg SPARQL federation; set --user-agent to add a contact address)",
        "User-Agent of outbound SERVICE calls (Wikidata's policy asks for a contact address).",
    ),
    "store": Setting(
        "--store",
        "HOMS_KG_STORE",
        "",
        "SPARQL endpoint URL of a remote store to use instead of the embedded one (e.g. an "
        "oxigraph server's /query); empty: the embedded store of --data-dir.",
    ),
    "store_gsp": Setting(
        "--store-gsp",
        "HOMS_KG_STORE_GSP",
        "",
        "Graph Store Protocol URL of the remote store, for build (default: --store with /query "
        "replaced by /store, Oxigraph's layout).",
    ),
    "spool_mb": Setting(
        "--spool-mb",
        "HOMS_KG_SPOOL_MB",
        1024,
        "Disk (MB) for large results waiting to be sent, all queries together; past it the "
        "query writing more is ended (503).",
    ),
    "worker_memory_mb": Setting(
        "--worker-memory-mb",
        "HOMS_KG_WORKER_MEMORY_MB",
        1024,
        "Resident memory (MB) a query's evaluation process may reach; past it the query is ended.",
    ),
    "long_queries": Setting(
        "--long-queries",
        "HOMS_KG_LONG_QUERIES",
        4,
        "Queries allowed to run past 0.5 s at once (each gets its own process); more get 503.",
    ),
    "result_cache_mb": Setting(
        "--result-cache-mb",
        "HOMS_KG_RESULT_CACHE_MB",
        64,
        "Memory (MB) for answers reused when a request is repeated within one build; 0: off.",
    ),
    "client_concurrency": Setting(
        "--client-concurrency",
        "HOMS_KG_CLIENT_CONCURRENCY",
        4,
        "Queries one client address may have running at once; more get 429 with Retry-After.",
    ),
    "send_timeout": Setting(
        "--send-timeout",
        "HOMS_KG_SEND_TIMEOUT",
        30.0,
        "Seconds an answer may wait for its client to take any byte; then the connection is "
        "reset and its thread freed (30, as --timeout: a reader that stops reading holds a thread "
        "no longer than a slow query does).",
    ),
    "header_timeout": Setting(
        "--header-timeout",
        "HOMS_KG_HEADER_TIMEOUT",
        10.0,
        "Seconds a request's headers may take to arrive complete (from the connection's opening; "
        "for a later request, from its first byte); then 408 and close (10: clients send them "
        "at once).",
    ),
    "client_connections": Setting(
        "--client-connections",
        "HOMS_KG_CLIENT_CONNECTIONS",
        50,
        "Connections one client address may hold open; more are closed at once (50: several "
        "browsers behind one address; 0: no cap, for use behind a reverse proxy).",
    ),
    "max_connections": Setting(
        "--max-connections",
        "HOMS_KG_MAX_CONNECTIONS",
        1000,
        "Connections held open at once by all clients; more wait in the listen backlog (the "
        "open-files limit is raised to fit where the system allows).",
    ),
}


def option(name: str, **overrides: object):
    """The click option of a declared setting."""
    setting = SETTINGS[name]
    kwargs: dict = {
        "envvar": setting.envvar,
        "default": setting.default,
        "show_default": True,
        "show_envvar": True,
        "help": setting.help,
        "multiple": setting.multiple,
    }
    if name == "data_dir":
        kwargs["type"] = click.Path(file_okay=False, path_type=Path)
    elif isinstance(setting.default, (int, float)):
        kwargs["type"] = type(setting.default)
    return click.option(setting.flag, name, **{**kwargs, **overrides})
