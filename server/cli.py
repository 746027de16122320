"""The ``homs-kg`` command line: build, validate, query, export, stats."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, serialize

from homs_kg.graph.build import build as build_store
from homs_kg.graph.build import check
from homs_kg.graph.errors import AnnotationErrors, BuildError
from homs_kg.graph.resources import corpus_dir
from homs_kg.graph.store import current_store, new_build_id, open_store
from homs_kg.graph.vocabulary import DEFAULT_BASE_IRI, MintedIris
from homs_kg.server.catalogue.queries import find_query, load_catalogue
from homs_kg.server.config import ServerConfig
from homs_kg.server.engine.federation.bound_join import ServiceFailed, resolve_services
from homs_kg.server.engine.federation.calls import ServicePolicy, ServiceRefused, call_services
from homs_kg.server.engine.federation.wikidata_linking import (
    LinkingFailed,
    find_candidates,
    write_review,
)
from homs_kg.server.engine.syntax import QuerySyntaxError
from homs_kg.server.settings import option
from homs_kg.server.stores.remote import gsp_url_for, load_remote
from homs_kg.server.tables import render_table

QUERY_FORMATS = {
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
}
EXPORT_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
}
UNION_OF_GRAPHS = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def corpus_folders(names: tuple[str, ...]) -> list[Path]:
    """The corpus folders named by --corpus, 'packaged' standing for the packaged corpus."""
    return [corpus_dir() if name == "packaged" else Path(name) for name in names]


def federation_options(command):
    """The outbound SERVICE settings, shared by query and serve."""
    for name in ("user_agent", "service_bind_rows", "service_timeout", "service_map",
                 "service_allow"):  # fmt: skip
        command = option(name)(command)
    return command


def service_policy(
    service_allow: tuple[str, ...], service_map: tuple[str, ...], service_timeout: float,
    user_agent: str, service_bind_rows: int,
) -> ServicePolicy:  # fmt: skip
    """The SERVICE policy of the flags; a malformed --service-map is one clear error."""
    mapping = {}
    for entry in service_map:
        iri, equals, url = entry.partition("=")
        if not equals or not url.startswith(("http://", "https://")):
            fail(f"--service-map takes IRI=URL with an http(s) URL, not {entry!r}")
        mapping[iri] = url
    return ServicePolicy(tuple(service_allow), mapping, service_timeout, user_agent,
                         service_bind_rows)  # fmt: skip


def one_line(message: str) -> str:
    return " ".join(message.split())


def fail(message: str) -> None:
    """One clear line on stderr and exit status 1: never a traceback for bad input."""
    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(1)


def fail_build(error: BuildError, preface: str = "") -> None:
    """A failed check: every annotation error on its own ``file:line: message`` line, sorted."""
    if not isinstance(error, AnnotationErrors):
        fail(preface + str(error))
    for line in error.lines():
        click.echo(f"error: {one_line(line)}", err=True)
    fail(f"{preface}{len(error.errors)} problem(s), listed above")


def echo_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        click.echo(f"warning: {one_line(warning)}", err=True)


@click.group()
@click.version_option(package_name="homs-kg")
def main() -> None:
    """homs-kg: a knowledge graph of an Arabic news profile of Homs, with its evidence."""


@main.command()
@option("data_dir")
@option("base_iri")
@option("corpus")
@option("store")
@option("store_gsp")
def build(
    data_dir: Path, base_iri: str, corpus: tuple[str, ...], store: str, store_gsp: str
) -> None:
    """Build the graph, validate it and swap it into the store (or load a remote --store)."""
    try:
        if store:
            report = check(base_iri, corpus_folders(corpus))
            if not report.shacl.conforms:
                raise BuildError(report.shacl.summary())
            load_remote(store_gsp or gsp_url_for(store), report.dataset.quads,
                        report.dataset.iris, new_build_id())  # fmt: skip
        else:
            report = build_store(data_dir, base_iri, corpus_folders(corpus))
    except BuildError as error:
        fail_build(error, "build failed, the live store is unchanged: ")
    except (RuntimeError, OSError) as error:
        fail(f"loading the remote store failed: {error}")
    echo_warnings(report.dataset.warnings)
    click.echo("\n".join(report.lines()))
    if store:
        click.echo(f"loaded into {store_gsp or gsp_url_for(store)}")


@main.command()
@option("base_iri")
@option("corpus")
def validate(base_iri: str, corpus: tuple[str, ...]) -> None:
    """Check quotes, times, counts and references, then SHACL; no store is written."""
    try:
        report = check(base_iri, corpus_folders(corpus))
    except BuildError as error:
        fail_build(error)
    echo_warnings(report.dataset.warnings)
    click.echo("quotes, labels, times, counts, references: ok")
    click.echo(report.shacl.summary())
    if not report.shacl.conforms:
        sys.exit(1)


def read_query(query: str) -> str:
    if not query.startswith("@"):
        return query
    try:
        return Path(query[1:]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {query[1:]}: {error}")
        raise  # unreachable: fail exits


@main.command()
@click.argument("text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-id", required=True, help="Slug of the new source (its IRI, file names).")
@click.option(
    "--published",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date, YYYY-MM-DD (anchors 'yesterday', 'this year').",
)
@click.option("--title", required=True, help="Title of the text (Arabic or English).")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus folder to write sources/ID.yaml, sources/ID.ar.txt and annotations/ID.yaml to.",
)
@option("base_iri")
@option("corpus")
def draft(
    text: Path, source_id: str, published, title: str, out: Path, base_iri: str,
    corpus: tuple[str, ...],
) -> None:  # fmt: skip
    """Draft the annotations of a new text: entity mentions, times, counts, one event per dated
    or counted sentence, each with its quote and marked proposed (docs/annotations.md)."""
    from homs_kg.graph.draft_writer import DraftRequest, write_draft, written_summary

    request = DraftRequest(text, source_id, published.date(), title, out)
    try:
        result = write_draft(request, base_iri, corpus_folders(corpus))
    except BuildError as error:
        fail_build(error)
    click.echo("\n".join(written_summary(request, result)))


@main.command()
@click.argument("query", required=False)
@click.option("--name", help="Run the catalogue query of this name (see 'homs-kg queries').")
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", *QUERY_FORMATS]),
    help="Output format of the results.",
)
@option("data_dir")
@federation_options
def query(
    query: str | None, name: str | None, output_format: str, data_dir: Path, **federation: object
) -> None:
    """Run a SPARQL query (text, @file.rq, or --name NAME) over the union of the named graphs."""
    text = catalogue_text(name, data_dir) if name else read_query(query) if query else None
    if text is None:
        fail("give a query, @file.rq, or --name NAME")
    policy = service_policy(**federation)  # type: ignore[arg-type]
    try:
        store = open_store(data_dir)
        base = current_store(data_dir).metadata.get("base_iri") or DEFAULT_BASE_IRI
        union = {"use_default_graph_as_union": True}
        resolution = resolve_services(
            text, policy, lambda local: store.query(local, **union),
            lambda requests, deadline: call_services(requests, policy, deadline),
            time.monotonic() + 3600, base,
        )  # fmt: skip
        results = store.query(resolution.text, **union)
    except (ServiceRefused, ServiceFailed, BuildError) as error:
        fail(str(error))
    except (SyntaxError, QuerySyntaxError) as error:
        fail(f"malformed query: {one_line(str(error))}")
    except OSError as error:
        fail(f"cannot open the store in {data_dir}: {error}")
    try:
        click.echo(format_results(results, output_format), nl=False)
    except OSError as error:
        fail(f"query evaluation failed: {error}")


def catalogue_text(name: str, data_dir: Path) -> str:
    """A catalogue query's text under the base IRI the store was built with."""
    try:
        base = current_store(data_dir).metadata.get("base_iri", DEFAULT_BASE_IRI)
    except BuildError as error:
        fail(str(error))
    found = find_query(name, base)
    if found is None:
        names = ", ".join(q.name for q in load_catalogue())
        fail(f"no catalogue query named {name!r}; the catalogue has: {names}")
    return found.text


@main.group()
def link() -> None:
    """Find candidate links to other datasets, for review (nothing is written into the graph)."""


@link.command("wikidata")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Review file to write (tab-separated, one row per candidate).")  # fmt: skip
@option("data_dir")
@federation_options
def link_wikidata(out: Path, data_dir: Path, **federation: object) -> None:
    """Candidate Wikidata items for the persons, places and organisations without a link."""
    policy = service_policy(**federation)  # type: ignore[arg-type]
    try:
        base = current_store(data_dir).metadata.get("base_iri") or DEFAULT_BASE_IRI
        entities, candidates = find_candidates(open_store(data_dir), MintedIris(base).hkg.iri,
                                               policy)  # fmt: skip
        write_review(candidates, out)
    except (ServiceRefused, LinkingFailed, BuildError) as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write {out}: {error}")
    click.echo(f"{len(entities)} entities have no Wikidata link; {len(candidates)} candidates "
               f"of a fitting type written to {out} for review")  # fmt: skip


@main.command()
def queries() -> None:
    """List the catalogue of researchers' queries (name and title)."""
    for found in load_catalogue():
        click.echo(f"{found.name}: {found.title}")


def format_results(results: object, output_format: str) -> str:
    if isinstance(results, QueryBoolean):
        return ("true" if bool(results) else "false") + "\n"
    if isinstance(results, QuerySolutions):
        if output_format == "table":
            return render_table(results)
        return results.serialize(format=QUERY_FORMATS[output_format]).decode()
    return serialize(results, format=RdfFormat.TURTLE).decode()


@main.command()
@click.option(
    "--format",
    "export_format",
    required=True,
    type=click.Choice(list(EXPORT_FORMATS)),
    help="RDF format; N-Quads, TriG and JSON-LD keep the named graphs.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@option("data_dir")
def export(export_format: str, output: Path | None, data_dir: Path) -> None:
    """Export the whole dataset."""
    rdf_format = EXPORT_FORMATS[export_format]
    try:
        info = current_store(data_dir)
        store = open_store(data_dir)
    except BuildError as error:
        fail(str(error))
    prefixes = MintedIris(info.metadata.get("base_iri", "")).prefixes()
    if rdf_format.supports_datasets:
        data = store.dump(format=rdf_format, prefixes=prefixes)
    else:
        data = serialize(store.query(UNION_OF_GRAPHS), format=rdf_format, prefixes=prefixes)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


@main.command()
@option("data_dir")
def stats(data_dir: Path) -> None:
    """Counts of the live store: quads per named graph and instances per class."""
    try:
        info = current_store(data_dir)
        store = open_store(data_dir)
    except BuildError as error:
        fail(str(error))
    click.echo(f"store: {info.path} (build {info.build_id})")
    per_graph = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    click.echo(render_table(per_graph))
    iris = MintedIris(info.metadata.get("base_iri", ""))
    ontology = iris.graph("ontology").value
    per_class = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } "
        f'FILTER(STRSTARTS(STR(?class), "{iris.hkg.iri}") && ?g != <{ontology}>)'
        " } GROUP BY ?class ORDER BY ?class"
    )
    click.echo(render_table(per_class))


@main.command()
@option("host")
@option("port")
@option("data_dir")
@option("base_iri")
@option("timeout")
@option("threads")
@option("query_workers")
@option("max_rows")
@option("max_request_bytes")
@option("worker_memory_mb")
@option("long_queries")
@option("client_concurrency")
@option("result_cache_mb")
@option("service_cache_seconds")
@option("spool_mb")
@option("send_timeout")
@option("header_timeout")
@option("client_connections")
@option("max_connections")
@option("store")
@option("corpus")
@federation_options
def serve(
    host: str,
    port: int,
    data_dir: Path,
    base_iri: str,
    timeout: float,
    threads: int,
    query_workers: int,
    max_rows: int,
    max_request_bytes: int,
    worker_memory_mb: int,
    long_queries: int,
    client_concurrency: int,
    result_cache_mb: int,
    service_cache_seconds: int,
    spool_mb: int,
    send_timeout: float,
    header_timeout: float,
    client_connections: int,
    max_connections: int,
    store: str,
    corpus: tuple[str, ...],
    **federation: object,
) -> None:
    """Serve the SPARQL endpoint (building the store first if there is none, or if --corpus
    names the corpus to serve)."""
    from homs_kg.server.web.http_server import ConnectionLimits
    from homs_kg.server.web.serving import run_server

    config = ServerConfig(
        data_dir=data_dir,
        base_iri=base_iri,
        timeout=timeout,
        query_workers=query_workers,
        max_rows=max_rows,
        max_request_bytes=max_request_bytes,
        service_policy=service_policy(**federation),
        worker_memory_mb=worker_memory_mb,
        long_queries=long_queries,
        client_concurrency=client_concurrency,
        result_cache_mb=result_cache_mb,
        service_cache_seconds=service_cache_seconds,
        spool_mb=spool_mb,
        store_url=store,
    )
    if not store:
        given = click.get_current_context().get_parameter_source("corpus")
        rebuild = given not in (None, click.core.ParameterSource.DEFAULT)
        ensure_local_store(data_dir, base_iri, corpus_folders(corpus), rebuild)
    limits = ConnectionLimits(send_timeout, header_timeout, client_connections, max_connections)
    run_server(config, host, port, threads, limits)


def ensure_local_store(data_dir: Path, base_iri: str, corpus: list[Path], rebuild: bool) -> None:
    """Build the embedded store of the corpus folders when there is none, or when ``rebuild``
    (serve was given --corpus); refuse a store built under another base IRI."""
    try:
        current_store(data_dir)
        missing = False
    except BuildError:
        missing = True
    if missing or rebuild:
        click.echo(f"building the store in {data_dir} first", err=True)
        try:
            build_store(data_dir, base_iri, corpus)
        except BuildError as error:
            fail_build(error, "build failed: ")
    built_base = current_store(data_dir).metadata.get("base_iri")
    if built_base and built_base != MintedIris(base_iri).base:
        fail(
            f"the store in {data_dir} was built with --base-iri {built_base}; serve with that "
            f"base, or rebuild with --base-iri {base_iri}"
        )


if __name__ == "__main__":
    main()
