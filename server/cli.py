"""The ``homs-kg`` command line. ``homs-kg --help`` lists its commands, and so does the table
in README.md's "Command line" section (tests/test_commands_documented.py keeps it complete)."""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import click
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store, serialize

from homs_kg.graph.build import BuildReport, check
from homs_kg.graph.build import build as build_store
from homs_kg.graph.errors import AnnotationErrors, BuildError
from homs_kg.graph.resources import corpus_folders
from homs_kg.graph.store import StoreInfo, current_store, new_build_id
from homs_kg.graph.vocabulary import DEFAULT_BASE_IRI, MintedIris
from homs_kg.server.catalogue.queries import find_query, load_catalogue
from homs_kg.server.engine.federation.bound_join import ServiceFailed, resolve_services
from homs_kg.server.engine.federation.calls import ServiceRefused, call_services
from homs_kg.server.engine.federation.wikidata_linking import (
    LinkingFailed,
    find_candidates,
    write_review,
)
from homs_kg.server.engine.results import QueryResults, graph, in_memory, solutions
from homs_kg.server.engine.syntax import QueryReader, QuerySyntaxError, Token, tokenize
from homs_kg.server.settings import (
    FEDERATION,
    FLAGS,
    ServerConfig,
    option,
    options,
    secrets_from_environment,
)
from homs_kg.server.stores.authentication import ChallengeAuth, store_auth
from homs_kg.server.stores.remote import gsp_url_for
from homs_kg.server.stores.remote_load import LoadFailed, RemoteLoader
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
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
# the words a SPARQL 1.1 Update operation starts with
UPDATE_OPERATIONS = {
    "INSERT",
    "DELETE",
    "WITH",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
}
BUILD_ONLY = ("store_gsp",)  # the settings only build reads
SERVE_SETTINGS = tuple(name for name in FLAGS if name not in BUILD_ONLY)
BUILD_FAILED = "build failed, the live store is unchanged"
REBUILD = "run 'homs-kg build' to build a new one"


def one_line(message: str) -> str:
    return " ".join(message.split())


def fail(message: str) -> NoReturn:
    """One clear line on stderr and exit status 1: never a traceback for bad input."""
    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(1)


def configuration(settings: dict[str, Any]) -> ServerConfig:
    """A command's settings as one configuration, with the secrets from the environment; a
    malformed value is one clear line."""
    try:
        return ServerConfig(**{**settings, **secrets_from_environment()})
    except ValueError as error:
        fail(str(error))


def live_store(data_dir: Path) -> tuple[StoreInfo, Store]:
    """The live store, opened read-only; one clear line when there is none or it is damaged."""
    try:
        info = current_store(data_dir)
        return info, Store.read_only(str(info.path))
    except BuildError as error:
        fail(str(error))
    except (OSError, RuntimeError, ValueError) as error:  # RocksDB's words, or the metadata's
        fail(f"the store in {data_dir} cannot be read: {error}; {REBUILD}")


def fail_build(error: BuildError, preface: str = "") -> NoReturn:
    """A failed check: every annotation error on its own ``file:line: message`` line, sorted."""
    if not isinstance(error, AnnotationErrors):
        fail(preface + str(error))
    for line in error.lines():
        click.echo(f"error: {one_line(line)}", err=True)
    fail(f"{preface}{len(error.errors)} problem(s), listed above")


def echo_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        click.echo(f"warning: {one_line(warning)}", err=True)


def reading_failed(data_dir: Path, error: Exception) -> NoReturn:
    """A store that opened but whose files are damaged where a query reads them."""
    fail(f"reading the store in {data_dir} failed: {error}; {REBUILD}")


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
    folders = corpus_folders(corpus)
    if not store:
        report = build_local(data_dir, base_iri, folders)
        echo_warnings(report.dataset.warnings)
        click.echo("\n".join(report.lines()))
        return
    target = store_gsp or gsp_url_for(store)
    secrets = secrets_from_environment()
    auth = store_auth(secrets["store_user"], secrets["store_password"])
    started = time.monotonic()
    report, build_id, triples = build_remote(store, target, base_iri, folders, auth)
    echo_warnings(report.dataset.warnings)
    click.echo("\n".join(report.lines()))
    click.echo(
        f"loaded into {target}: build {build_id}, {triples} triples, "
        f"{time.monotonic() - started:.1f} s (checks included), now live"
    )


def build_local(data_dir: Path, base_iri: str, folders: list[Path]) -> BuildReport:
    """Build into the data directory's store; one clear line naming what failed."""
    try:
        return build_store(data_dir, base_iri, folders)
    except BuildError as error:
        fail_build(error, f"{BUILD_FAILED}: ")
    except UnicodeDecodeError as error:
        fail(corpus_failure(error))
    except (OSError, RuntimeError) as error:
        fail(f"{BUILD_FAILED}: cannot write the store in {data_dir}: {error}")


def build_remote(
    query_url: str, gsp_url: str, base_iri: str, folders: list[Path], auth: ChallengeAuth | None
) -> tuple[BuildReport, str, int]:
    """Check the corpus, then load it into the remote store through the Graph Store Protocol
    beside the live build, and switch to it (server/stores/remote_load.py); the report, the
    build id and the number of triples loaded."""
    try:
        report = check(base_iri, folders)
    except BuildError as error:
        fail_build(error, f"{BUILD_FAILED}: ")
    except UnicodeDecodeError as error:
        fail(corpus_failure(error))
    if not report.shacl.conforms:
        fail(f"{BUILD_FAILED}: {report.shacl.summary()}")
    build_id = new_build_id()
    generated = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    loader = RemoteLoader(query_url, gsp_url, report.dataset.iris, auth)
    try:
        triples = loader.load(report.dataset.quads, build_id, generated)
    except LoadFailed as error:
        fail(f"loading the remote store failed: {error}")
    finally:
        loader.close()
    return report, build_id, triples


def corpus_failure(error: BuildError | UnicodeDecodeError) -> str:
    """Why the corpus could not be built (the reader leaves a file that is not UTF-8 unnamed)."""
    if isinstance(error, UnicodeDecodeError):
        return f"{BUILD_FAILED}: a corpus file is not UTF-8 text ({error})"
    return f"{BUILD_FAILED}: {error}"


@main.command()
@option("base_iri")
@option("corpus")
def validate(base_iri: str, corpus: tuple[str, ...]) -> None:
    """Check quotes, times, counts and references, then SHACL; no store is written."""
    try:
        report = check(base_iri, corpus_folders(corpus))
    except BuildError as error:
        fail_build(error)
    except UnicodeDecodeError as error:
        fail(corpus_failure(error))
    echo_warnings(report.dataset.warnings)
    click.echo("quotes, labels, times, counts, references: ok")
    click.echo(report.shacl.summary())
    if not report.shacl.conforms:
        sys.exit(1)


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
    text: Path,
    source_id: str,
    published: datetime.datetime,
    title: str,
    out: Path,
    base_iri: str,
    corpus: tuple[str, ...],
) -> None:
    """Draft the annotations of a new text: entity mentions, times, counts, one event per dated
    or counted sentence, each with its quote and marked proposed (docs/annotations.md)."""
    from homs_kg.graph.draft_writer import DraftRequest, write_draft, written_summary

    request = DraftRequest(text, source_id, published.date(), title, out)
    try:
        result = write_draft(request, base_iri, corpus_folders(corpus))
    except BuildError as error:
        fail_build(error)
    click.echo("\n".join(written_summary(request, result)))


def read_query(query: str) -> str:
    if not query.startswith("@"):
        return query
    try:
        return Path(query[1:]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {query[1:]}: {error}")


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
@options("data_dir", *FEDERATION)
def query(query: str | None, name: str | None, output_format: str, **settings: Any) -> None:
    """Run a SPARQL query (text, @file.rq, or --name NAME) over the union of the named graphs."""
    if query and name:
        fail("give a query or --name NAME, not both")
    config = configuration(settings)
    text = catalogue_text(name, config.data_dir) if name else read_query(query) if query else None
    if text is None:
        fail("give a query, @file.rq, or --name NAME")
    refuse_non_queries(text)
    results = run_query(text, config)
    try:
        click.echo(format_results(results, output_format), nl=False)
    except (OSError, RuntimeError) as error:
        fail(f"query evaluation failed: {error}")


def refuse_non_queries(text: str) -> None:
    """An update, or a text that starts with no query form, refused in words: the engine's parser
    would name only the last form it tried ("expected CONSTRUCT")."""
    start = query_start(text)
    if start is None:
        return  # the engine's parser says what is wrong
    if start.text.upper() in UPDATE_OPERATIONS:
        fail("updates are not supported (this is a read-only store)")
    # The engine matches keywords without a word boundary, so SELECT* and ASKWHERE may be queries.
    if not start.text.upper().startswith(QUERY_FORMS):
        fail(f"malformed query: expected SELECT, CONSTRUCT, DESCRIBE or ASK, not {start.text!r}")


def query_start(text: str) -> Token | None:
    """The token after the prologue; None when there is none or the text cannot be read so far."""
    try:
        reader = QueryReader(text, tokenize(text))
        reader.read_prologue()
    except QuerySyntaxError:
        return None
    return reader.peek()


def run_query(text: str, config: ServerConfig) -> QueryResults:
    """The query's results over the union of the named graphs, its SERVICE clauses resolved."""
    info, store = live_store(config.data_dir)
    base = info.metadata.get("base_iri") or DEFAULT_BASE_IRI
    policy = config.service_policy

    def select_local(local: str) -> QuerySolutions:
        return solutions(store.query(local, use_default_graph_as_union=True))

    try:
        resolution = resolve_services(
            text,
            policy,
            select_local,
            lambda requests, deadline: call_services(requests, policy, deadline),
            time.monotonic() + 3600,
            base,
        )
        return store.query(resolution.text, use_default_graph_as_union=True)
    except (ServiceRefused, ServiceFailed) as error:
        fail(str(error))
    except (SyntaxError, QuerySyntaxError) as error:
        fail(f"malformed query: {one_line(str(error))}")
    except (OSError, RuntimeError) as error:
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
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Review file to write (tab-separated, one row per candidate).",
)
@options("data_dir", *FEDERATION)
def link_wikidata(out: Path, **settings: Any) -> None:
    """Candidate Wikidata items for the persons, places and organisations without a link."""
    config = configuration(settings)
    info, store = live_store(config.data_dir)
    base = info.metadata.get("base_iri") or DEFAULT_BASE_IRI
    try:
        entities, candidates = find_candidates(
            store, MintedIris(base).hkg.iri, config.service_policy
        )
        write_review(candidates, out)
    except (ServiceRefused, LinkingFailed) as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write {out}: {error}")
    click.echo(
        f"{len(entities)} entities have no Wikidata link; {len(candidates)} candidates "
        f"of a fitting type written to {out} for review"
    )


@main.command()
def queries() -> None:
    """List the catalogue of researchers' queries (name and title)."""
    for found in load_catalogue():
        click.echo(f"{found.name}: {found.title}")


def format_results(results: QueryResults, output_format: str) -> str:
    if isinstance(results, QueryBoolean):
        return ("true" if bool(results) else "false") + "\n"
    if isinstance(results, QuerySolutions):
        if output_format == "table":
            return render_table(results)
        return in_memory(results.serialize(format=QUERY_FORMATS[output_format])).decode()
    return in_memory(serialize(results, format=RdfFormat.TURTLE)).decode()


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
    if output is not None and not output.parent.is_dir():
        fail(f"cannot write {output}: the folder {output.parent} does not exist")
    info, store = live_store(data_dir)
    prefixes = MintedIris(info.metadata.get("base_iri", "")).prefixes()
    try:
        data = dataset_bytes(store, EXPORT_FORMATS[export_format], prefixes)
    except (OSError, RuntimeError) as error:
        reading_failed(data_dir, error)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


def dataset_bytes(store: Store, rdf_format: RdfFormat, prefixes: dict[str, str]) -> bytes:
    """The whole dataset; the union of its graphs in a format without named graphs."""
    if rdf_format.supports_datasets:
        return in_memory(store.dump(format=rdf_format, prefixes=prefixes))
    union = graph(store.query(UNION_OF_GRAPHS))
    return in_memory(serialize(union, format=rdf_format, prefixes=prefixes))


@main.command()
@option("data_dir")
def stats(data_dir: Path) -> None:
    """Counts of the live store: quads per named graph and instances per class."""
    info, store = live_store(data_dir)
    try:
        tables = count_tables(store, MintedIris(info.metadata.get("base_iri", "")))
    except (OSError, RuntimeError) as error:
        reading_failed(data_dir, error)
    click.echo(f"store: {info.path} (build {info.build_id})")
    click.echo("\n".join(tables))


def count_tables(store: Store, iris: MintedIris) -> list[str]:
    """Quads per named graph, and instances per class of the ontology outside its own graph."""
    per_graph = solutions(
        store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
    )
    ontology = iris.graph("ontology").value
    per_class = solutions(
        store.query(
            "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } "
            f'FILTER(STRSTARTS(STR(?class), "{iris.hkg.iri}") && ?g != <{ontology}>)'
            " } GROUP BY ?class ORDER BY ?class"
        )
    )
    return [render_table(per_graph), render_table(per_class)]


@main.command()
@options(*SERVE_SETTINGS)
def serve(**settings: Any) -> None:
    """Serve the SPARQL endpoint (building the store first if there is none, or if --corpus
    names the corpus to serve)."""
    from homs_kg.server.web.serving import CannotListen, run_server

    config = configuration(settings)
    if not config.store:
        given = click.get_current_context().get_parameter_source("corpus")
        rebuild = given not in (None, click.core.ParameterSource.DEFAULT)
        ensure_local_store(config.data_dir, config.base_iri, corpus_folders(config.corpus), rebuild)
    try:
        run_server(config)
    except CannotListen as error:
        fail(str(error))


def ensure_local_store(data_dir: Path, base_iri: str, corpus: list[Path], rebuild: bool) -> None:
    """Build the embedded store of the corpus folders when there is none, or when ``rebuild``
    (serve was given --corpus); refuse one that cannot be read (before the query workers fail on
    it) or that was built under another base IRI."""
    try:
        current_store(data_dir)
        missing = False
    except BuildError:
        missing = True
    if missing or rebuild:
        click.echo(f"building the store in {data_dir} first", err=True)
        echo_warnings(build_local(data_dir, base_iri, corpus).dataset.warnings)
    info, _ = live_store(data_dir)
    built_base = info.metadata.get("base_iri")
    if built_base and built_base != MintedIris(base_iri).base:
        fail(
            f"the store in {data_dir} was built with --base-iri {built_base}; serve with that "
            f"base, or rebuild with --base-iri {base_iri}"
        )


if __name__ == "__main__":
    main()
