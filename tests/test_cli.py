"""The homs-kg command line: every command, its outputs, and one clear line for bad input."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from homs_kg.graph.build import BuildReport
from homs_kg.graph.store import current_store
from homs_kg.server.cli import ensure_local_store

from .conftest import BASE, FIXTURES

PERSONS_QUERY = (
    f"PREFIX hkg: <{BASE}ontology/> SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a hkg:Person }}"
)


def test_build_prints_counts_and_time(cli, tmp_path: Path, article_corpus: Path) -> None:
    result = cli("build", "--data-dir", str(tmp_path / "data"), "--corpus", str(article_corpus))
    assert result.exit_code == 0, result.output
    assert "hkg:Person: 10" in result.output
    assert "hkg:Evidence: 213" in result.output
    assert "SHACL: conforms" in result.output
    assert "time: " in result.output


def test_validate_reports_success(cli) -> None:
    result = cli("validate")  # the packaged corpus, whatever sources it holds
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "quotes, labels, times, counts, references: ok",
        "SHACL: conforms",
    ]


def test_validate_names_the_broken_annotation(cli, corpus_copy: Path) -> None:
    path = corpus_copy / "annotations" / "homs-2017-05-21.yaml"
    path.write_text(path.read_text().replace("'1800 جريح'", "'1900 جريح'"))
    result = cli("validate", "--corpus", str(corpus_copy))
    assert "source id" not in result.output
    assert result.exit_code == 1
    assert "events[khalidiya-massacre-2012].counts[Wounded]" in result.output
    assert "Traceback" not in result.output


def test_query_as_a_table(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", PERSONS_QUERY, "--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n ", "--", "10", "(1 row)"]


def test_query_as_json(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", PERSONS_QUERY, "--format", "json", "--data-dir", str(data_dir))
    body = json.loads(result.output)
    assert body["results"]["bindings"][0]["n"]["value"] == "10"


def test_query_as_csv(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", PERSONS_QUERY, "--format", "csv", "--data-dir", str(data_dir))
    assert result.output.splitlines() == ["n", "10"]


def test_query_from_a_file(cli, built: BuildReport, data_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "persons.rq"
    query.write_text(PERSONS_QUERY)
    result = cli("query", f"@{query}", "--format", "csv", "--data-dir", str(data_dir))
    assert result.output.splitlines() == ["n", "10"]


def test_ask_query(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", "ASK { ?s ?p ?o }", "--data-dir", str(data_dir))
    assert result.output == "true\n"


def test_malformed_query_is_one_line(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", "SELECT ?s WHERE { ?s ?p", "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert result.output.startswith("error: malformed query:")
    assert len(result.output.strip().splitlines()) == 1


def test_missing_store_is_one_line(cli, tmp_path: Path) -> None:
    result = cli("query", "ASK {}", "--data-dir", str(tmp_path / "nothing"))
    assert result.exit_code == 1
    assert (
        result.output == f"error: no store in {tmp_path / 'nothing'}: run 'homs-kg build' first\n"
    )


def test_missing_query_file_is_one_line(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", "@/nonexistent.rq", "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot read /nonexistent.rq")


def test_unknown_format_is_refused(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", "ASK {}", "--format", "yaml", "--data-dir", str(data_dir))
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


@pytest.mark.parametrize(("name", "rdflib_format"), [("nquads", "nquads"), ("trig", "trig")])
def test_quad_exports_keep_the_named_graphs(
    cli, built: BuildReport, data_dir: Path, tmp_path: Path, name: str, rdflib_format: str
) -> None:
    output = tmp_path / f"dump.{name}"
    result = cli("export", "--format", name, "-o", str(output), "--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    dataset = rdflib.Dataset()
    dataset.parse(output, format=rdflib_format)
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert f"{BASE}graph/homs-2017-05-21" in graphs
    assert sum(len(g) for g in dataset.graphs()) == built.triples


@pytest.mark.parametrize(("name", "rdflib_format"), [("turtle", "turtle"), ("ntriples", "nt")])
def test_triple_exports_hold_the_union(
    cli, built: BuildReport, data_dir: Path, name: str, rdflib_format: str
) -> None:
    result = cli("export", "--format", name, "--data-dir", str(data_dir))
    graph = rdflib.Graph().parse(data=result.output, format=rdflib_format)
    label = (
        rdflib.URIRef(f"{BASE}resource/homs"),
        rdflib.RDFS.label,
        rdflib.Literal("حمص", lang="ar"),
    )
    assert label in graph


def test_jsonld_export_parses(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("export", "--format", "jsonld", "--data-dir", str(data_dir))
    dataset = rdflib.Dataset().parse(data=result.output, format="json-ld")
    assert sum(len(g) for g in dataset.graphs()) == built.triples


def test_stats_counts_classes(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("stats", "--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    cells = [[c.strip() for c in line.split("|")] for line in result.output.splitlines()]
    assert [f"{BASE}ontology/Person", "10"] in cells
    assert [
        f"{BASE}graph/homs-2017-05-21",
        str(built.graph_counts()[f"{BASE}graph/homs-2017-05-21"]),
    ] in cells


def test_serve_refuses_a_store_built_with_another_base(
    cli, built: BuildReport, data_dir: Path
) -> None:
    result = cli("serve", "--data-dir", str(data_dir), "--base-iri", "https://example.org/")
    assert result.exit_code == 1
    assert "was built with --base-iri http://127.0.0.1:8000/" in result.output


def test_query_text_with_a_name_is_refused(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", PERSONS_QUERY, "--name", "event-timeline", "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert result.stderr == "error: give a query or --name NAME, not both\n"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ex:p ?o }",
        "load <http://example.org/data.ttl>",
    ],
)
def test_an_update_is_refused_as_unsupported(
    cli, built: BuildReport, data_dir: Path, update: str
) -> None:
    result = cli("query", update, "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert result.stderr == "error: updates are not supported (this is a read-only store)\n"


def test_a_misspelt_query_form_names_the_forms(cli, built: BuildReport, data_dir: Path) -> None:
    result = cli("query", "SELEKT ?s WHERE { ?s ?p ?o }", "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: malformed query: expected SELECT, CONSTRUCT, DESCRIBE or ASK, not 'SELEKT'\n"
    )


def test_export_into_a_missing_folder_is_one_line(
    cli, built: BuildReport, data_dir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "missing" / "dump.nq"
    result = cli("export", "--format", "nquads", "-o", str(output), "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot write {output}: the folder {tmp_path / 'missing'} does not exist\n"
    )


def test_build_that_cannot_write_its_store_says_so(cli, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    data = tmp_path / "a-file" / "data"
    result = cli("build", "--data-dir", str(data))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: build failed, the live store is unchanged: cannot write the store in "
        f"{data}: [Errno 20] Not a directory: '{data}'\n"
    )


def test_build_of_a_corpus_file_that_is_not_utf8_names_it(
    cli, corpus_copy: Path, tmp_path: Path
) -> None:
    path = corpus_copy / "annotations" / "homs-2017-05-21.yaml"
    path.write_bytes(b"\xff\xfe source: x\n")
    result = cli("build", "--corpus", str(corpus_copy), "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}: cannot read: 'utf-8' codec can't decode byte 0xff in position 0: "
        "invalid start byte\n"
        "error: build failed, the live store is unchanged: 1 problem(s), listed above\n"
    )


@pytest.mark.parametrize("port", ["-5", "0", "99999"])
def test_serve_refuses_a_port_outside_1_to_65535(cli, port: str) -> None:
    result = cli("serve", "--port", port)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: Invalid value for '--port' (env var: 'HOMS_KG_PORT'): {port} is not in the "
        "range 1<=x<=65535.\n"
    )


def test_serve_on_a_port_in_use_names_the_address(built: BuildReport, data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = [
            sys.executable,
            "-m",
            "homs_kg.server.cli",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ]
        result = subprocess.run(serve, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: 127.0.0.1:{port} is already in use: stop the server listening there, or choose "
        "another --port\n"
    )


@pytest.fixture
def link_to_a_folder(tmp_path: Path) -> Path:
    """A data directory whose data/current points to a folder that is not a store."""
    data = tmp_path / "data"
    (data / "not-a-store").mkdir(parents=True)
    (data / "current").symlink_to("not-a-store")
    return data


@pytest.fixture
def store_of_garbage(built: BuildReport, data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the built data directory whose live store's files all hold garbage."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, symlinks=True)
    for path in (copy / "current").iterdir():
        path.write_bytes(b"garbage\n")
    return copy


@pytest.fixture
def store_with_damaged_blocks(built: BuildReport, data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the built data directory whose store opens, but whose large table files have
    their first halves inverted: reading them fails the blocks' checksums."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, symlinks=True)
    tables = [path for path in (copy / "current").glob("*.sst") if path.stat().st_size > 65536]
    assert tables
    for path in tables:
        data = path.read_bytes()
        half = len(data) // 2
        path.write_bytes(bytes(byte ^ 0xFF for byte in data[:half]) + data[half:])
    return copy


DAMAGED_STORE_COMMANDS = [
    ("query", "ASK { ?s ?p ?o }"),
    ("export", "--format", "nquads"),
    ("stats",),
    ("serve",),
]


@pytest.mark.parametrize("command", DAMAGED_STORE_COMMANDS, ids=lambda command: command[0])
def test_a_link_to_a_folder_that_is_not_a_store_is_one_line(
    cli, link_to_a_folder: Path, command: tuple[str, ...]
) -> None:
    result = cli(*command, "--data-dir", str(link_to_a_folder))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the store in {link_to_a_folder} cannot be read: IO error: No such file or "
        "directory: While opening a file for sequentially reading: "
        f"{link_to_a_folder}/not-a-store/CURRENT: No such file or directory; run 'homs-kg build' "
        "to build a new one\n"
    )


@pytest.mark.parametrize("command", DAMAGED_STORE_COMMANDS, ids=lambda command: command[0])
def test_a_store_of_garbage_files_is_one_line(
    cli, store_of_garbage: Path, command: tuple[str, ...]
) -> None:
    result = cli(*command, "--data-dir", str(store_of_garbage))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the store in {store_of_garbage} cannot be read: Corruption: CURRENT file "
        "corrupted; run 'homs-kg build' to build a new one\n"
    )


def test_export_of_a_store_with_damaged_blocks_is_one_line(
    cli, store_with_damaged_blocks: Path
) -> None:
    result = cli("export", "--format", "nquads", "--data-dir", str(store_with_damaged_blocks))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: reading the store in {store_with_damaged_blocks} failed: Corruption: block "
        "checksum mismatch"
    )
    assert result.stderr.endswith("; run 'homs-kg build' to build a new one\n")
    assert result.stderr.count("\n") == 1


def test_serve_builds_the_store_of_the_corpus_it_is_given(
    tmp_path: Path, article_corpus: Path
) -> None:
    data_dir = tmp_path / "data"
    corpus = [article_corpus, FIXTURES / "second-source"]
    ensure_local_store(data_dir, BASE, corpus, rebuild=True)
    assert current_store(data_dir).metadata["sources"] == [
        "homs-2017-05-21",
        "test-note-2017-06-01",
    ]


def test_serve_keeps_an_existing_store_when_no_corpus_is_named(
    built: BuildReport, data_dir: Path
) -> None:
    ensure_local_store(data_dir, BASE, [FIXTURES / "second-source"], rebuild=False)
    assert current_store(data_dir).build_id == built.store.build_id


def test_serve_has_the_corpus_setting(cli) -> None:
    result = cli("serve", "--help")
    assert "--corpus" in result.output and "HOMS_KG_CORPUS" in result.output


def test_validate_lists_every_error_with_its_file_and_line(cli, corpus_copy: Path) -> None:
    path = corpus_copy / "annotations" / "homs-2017-05-21.yaml"
    text = path.read_text(encoding="utf-8").replace("\nevents:\n", "\nevent:\n")
    path.write_text(text.replace("    wikidata: [Q131301]", "    wikidta: [Q131301]"))
    result = cli("validate", "--corpus", str(corpus_copy))
    assert result.exit_code == 1
    assert [line.split(": ", 2)[1] for line in result.output.splitlines()] == [
        f"{path}:100",
        f"{path}:432",
        "2 problem(s), listed above",
    ]
    assert "unknown key 'event'; did you mean 'events'?" in result.output
