"""Every setting, declared once: a field of ServerConfig with its default and its help.

A setting's flag and environment variable come from its name (``max_rows``: ``--max-rows``,
``HOMS_KG_MAX_ROWS``). The command line builds its options from these declarations and passes
their values back as one ServerConfig, the object the server reads; a test checks that the
README's settings table lists exactly them (as Datasette does for its settings). A secret (the
remote store's credentials) is read from its environment variable only: it has no flag, since a
command line is visible to every user of the machine, and it is left out of the configuration's
repr, so that no log line or traceback shows it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import click

from homs_kg.graph.vocabulary import DEFAULT_BASE_IRI
from homs_kg.server.engine.federation.calls import ServicePolicy

T = TypeVar("T")
Command = TypeVar("Command", bound=Callable[..., Any])

ENVIRONMENT_PREFIX = "HOMS_KG_"
# The settings of the outbound SERVICE calls, which query, link and serve take.
FEDERATION = ("service_allow", "service_map", "service_timeout", "service_bind_rows", "user_agent")


class OneLineBadParameter(click.BadParameter):
    """A refused option value, told in one line as the command line's other errors are."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=file is None)


class PortNumber(click.IntRange):
    """A TCP port, 1 to 65535: waitress would take 99999 as 99999 modulo 65536."""

    def __init__(self) -> None:
        super().__init__(1, 65535)

    def fail(
        self, message: str, param: click.Parameter | None = None, ctx: click.Context | None = None
    ) -> NoReturn:
        raise OneLineBadParameter(message, ctx, param)


def setting(default: T, help: str, value_type: click.ParamType | None = None) -> T:
    """A field of ServerConfig that is also a command-line option and an environment variable."""
    return field(default=default, metadata={"help": help, "type": value_type})


def secret(help: str) -> str:
    """A field of ServerConfig read from its environment variable alone, never shown."""
    return field(default="", repr=False, metadata={"help": help, "type": None, "secret": True})


@dataclass(frozen=True)
class ServerConfig:
    """The value of every setting: its declared default unless a flag, a variable or a test
    gives another."""

    data_dir: Path = setting(  # noqa: RUF009 (a Path is immutable)
        Path("data"),
        "Folder of the built store (created by build; the live store is data/current).",
    )
    base_iri: str = setting(
        DEFAULT_BASE_IRI, "Public base IRI under which every IRI of the graph is minted."
    )
    corpus: tuple[str, ...] = setting(
        ("packaged",),
        "Corpus folder (sources/ and annotations/) to build; repeatable; 'packaged' is the "
        "packaged one.",
    )
    host: str = setting("127.0.0.1", "Interface the server listens on.")
    port: int = setting(8000, "TCP port the server listens on.", PortNumber())
    timeout: float = setting(
        30.0, "Per-query time limit in seconds; a query still running then is ended and refused."
    )
    threads: int = setting(8, "HTTP worker threads of the WSGI server.")
    http_processes: int = setting(
        1,
        "HTTP server processes sharing the port, each with its threads and its share of the "
        "query workers, result cache and spool; the per-client limits and --long-queries hold "
        "across them (one process's requests run under one interpreter lock; figures in "
        "docs/benchmark.md).",
        click.IntRange(1, 64),
    )
    query_workers: int = setting(
        2, "Query evaluation processes (each can be ended at the time limit)."
    )
    max_rows: int = setting(
        10000, "Most result rows (or triples) returned; a cut is announced by X-Result-Truncated."
    )
    max_request_bytes: int = setting(
        1048576, "Largest accepted request (query string or body) in bytes; larger ones get 413."
    )
    service_allow: tuple[str, ...] = setting(
        ("https://query.wikidata.org/sparql",),
        "SPARQL endpoint IRI a SERVICE clause may call; repeatable; any other is refused (400).",
    )
    service_map: tuple[str, ...] = setting(
        (),
        "IRI=URL: send SERVICE <IRI> to URL instead (a local mirror or test double); repeatable.",
    )
    service_timeout: float = setting(10.0, "Time limit in seconds of each outbound SERVICE call.")
    service_bind_rows: int = setting(
        100,
        "Bindings sent per SERVICE call of a bound join (the local values a SERVICE pattern "
        "shares, in a VALUES block); more bindings make more calls.",
    )
    service_cache_seconds: int = setting(
        300,
        "Seconds an answer that called a SERVICE is reused (as the Wikidata Query Service's "
        "HTTP cache does); an answer whose SERVICE call failed is never reused.",
    )
    user_agent: str = setting(
        "homs-kg/0.1.0 (homs-kg SPARQL federation; set --user-agent to add a contact address)",
        "User-Agent of outbound SERVICE calls (Wikidata's policy asks for a contact address).",
    )
    store: str = setting(
        "",
        "SPARQL endpoint URL of a remote store to use instead of the embedded one (e.g. an "
        "oxigraph server's /query); empty: the embedded store of --data-dir.",
    )
    store_gsp: str = setting(
        "",
        "Graph Store Protocol URL of the remote store, for build (default: --store with /query "
        "replaced by /store, Oxigraph's layout).",
    )
    store_user: str = secret(
        "User name for the remote store, read from the environment only (with the password: "
        "HTTP basic or digest authentication, as the store's challenge asks)."
    )
    store_password: str = secret(
        "Password for the remote store, read from the environment only; never logged."
    )
    spool_mb: int = setting(
        1024,
        "Disk (MB) for large results waiting to be sent, all queries together; past it the "
        "query writing more is ended (503).",
    )
    worker_memory_mb: int = setting(
        1024,
        "Resident memory (MB) a query's evaluation process may reach; past it the query is ended.",
    )
    long_queries: int = setting(
        4, "Queries allowed to run past 0.5 s at once (each gets its own process); more get 503."
    )
    result_cache_mb: int = setting(
        64, "Memory (MB) for answers reused when a request is repeated within one build; 0: off."
    )
    client_concurrency: int = setting(
        4, "Queries one client address may have running at once; more get 429 with Retry-After."
    )
    send_timeout: float = setting(
        30.0,
        "Seconds an answer may wait for its client to take any byte; then the connection is "
        "reset and its thread freed (30, as --timeout: a reader that stops reading holds a thread "
        "no longer than a slow query does).",
    )
    header_timeout: float = setting(
        10.0,
        "Seconds a request's headers may take to arrive complete (from the connection's opening; "
        "for a later request, from its first byte); then 408 and close (10: clients send them "
        "at once).",
    )
    client_connections: int = setting(
        50,
        "Connections one client address may hold open; more are closed at once (50: several "
        "browsers behind one address; 0: no cap, for use behind a reverse proxy).",
    )
    max_connections: int = setting(
        1000,
        "Connections held open at once by all clients; more wait in the listen backlog (the "
        "open-files limit is raised to fit where the system allows).",
    )

    # Not a setting: the max-age of cacheable answers, in seconds.
    cache_seconds: int = 60

    def __post_init__(self) -> None:
        service_mapping(self.service_map)  # a malformed --service-map is refused at once

    @property
    def service_policy(self) -> ServicePolicy:
        """Where SERVICE clauses may go, and how they are sent."""
        return ServicePolicy(
            self.service_allow,
            service_mapping(self.service_map),
            self.service_timeout,
            self.user_agent,
            self.service_bind_rows,
        )


def service_mapping(entries: tuple[str, ...]) -> dict[str, str]:
    """The IRI=URL entries of --service-map as a mapping; ValueError for a malformed one."""
    mapping = {}
    for entry in entries:
        iri, equals, url = entry.partition("=")
        if not equals or not url.startswith(("http://", "https://")):
            raise ValueError(f"--service-map takes IRI=URL with an http(s) URL, not {entry!r}")
        mapping[iri] = url
    return mapping


@dataclass(frozen=True)
class Setting:
    flag: str  # empty for a secret, which has none
    envvar: str
    default: object
    help: str
    multiple: bool = False
    type: click.ParamType | None = None


def declared(config_field: Field) -> Setting:
    """The setting a field of ServerConfig declares."""
    name, default = config_field.name, config_field.default
    flag = "" if config_field.metadata.get("secret") else "--" + name.replace("_", "-")
    return Setting(
        flag,
        ENVIRONMENT_PREFIX + name.upper(),
        default,
        config_field.metadata["help"],
        isinstance(default, tuple),
        config_field.metadata["type"],
    )


SETTINGS: dict[str, Setting] = {
    config_field.name: declared(config_field)
    for config_field in fields(ServerConfig)
    if "help" in config_field.metadata
}
SECRETS = tuple(name for name, setting in SETTINGS.items() if not setting.flag)
FLAGS = tuple(name for name in SETTINGS if name not in SECRETS)


def secrets_from_environment() -> dict[str, str]:
    """The secrets' values, from their environment variables (absent: the default, empty)."""
    return {name: os.environ.get(SETTINGS[name].envvar, "") for name in SECRETS}


def option(name: str, **overrides: Any) -> Callable[[Command], Command]:
    """The click option of a declared setting (a secret has none)."""
    setting = SETTINGS[name]
    if not setting.flag:
        raise ValueError(f"{name} is read from {setting.envvar} only, never from a flag")
    kwargs: dict[str, Any] = {
        "envvar": setting.envvar,
        "default": setting.default,
        "show_default": True,
        "show_envvar": True,
        "help": setting.help,
        "multiple": setting.multiple,
        "type": setting.type or value_type(setting.default),
    }
    return click.option(setting.flag, name, **{**kwargs, **overrides})


def options(*names: str) -> Callable[[Command], Command]:
    """The click options of the named settings, listed in --help in the order given."""

    def decorate(command: Command) -> Command:
        for name in reversed(names):
            command = option(name)(command)
        return command

    return decorate


def value_type(default: object) -> click.ParamType | type | None:
    """The click type of a setting's values, from its default (strings need none)."""
    if isinstance(default, Path):
        return click.Path(file_okay=False, path_type=Path)
    if isinstance(default, (int, float)):
        return type(default)
    return None
