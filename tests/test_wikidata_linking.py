"""`homs-kg link wikidata`: candidate items for the unlinked entities, for review, against a
Wikidata-shaped stand-in with decoys (tests/fixtures/wikidata/linking-decoys.ttl)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from homs_kg.graph.build import BuildReport
from homs_kg.server.engine.federation.calls import WIKIDATA
from homs_kg.server.engine.federation.wikidata_linking import spellings

from .conftest import FIXTURES, OxigraphServer


@pytest.fixture(scope="module")
def decoys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = OxigraphServer(
        tmp_path_factory.mktemp("linking-decoys"), FIXTURES / "wikidata" / "linking-decoys.ttl"
    )
    yield server.query_url
    server.stop()


@pytest.fixture
def review(cli, built: BuildReport, data_dir: Path, decoys: str, tmp_path: Path) -> list[dict]:
    out = tmp_path / "review.tsv"
    result = cli(
        "link",
        "wikidata",
        "--out",
        str(out),
        "--data-dir",
        str(data_dir),
        "--service-map",
        f"{WIKIDATA}={decoys}",
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows, delimiter="\t"))


def candidates(review: list[dict]) -> set[tuple[str, str]]:
    return {(row["entity"], row["item"]) for row in review}


def test_a_candidate_is_found_by_the_texts_own_label(review: list[dict]) -> None:
    assert ("shukri-al-quwatli", "Q1000000101") in candidates(review)


def test_an_item_of_the_wrong_type_is_left_out(review: list[dict]) -> None:
    assert ("shukri-al-quwatli", "Q1000000102") not in candidates(review)
    assert ("baba-amr", "Q1000000106") not in candidates(review)


def test_a_label_differing_only_in_hamza_is_found(review: list[dict]) -> None:
    (row,) = [r for r in review if r["item"] == "Q1000000103"]
    assert row["entity"] == "nureddin-al-atassi"
    assert row["their_label"] == "نور الدين الأتاسي"
    assert row["evidence"].startswith(
        "Wikidata label 'نور الدين الأتاسي'@ar equals the entity's label 'نور الدين الاتاسي' "
        "after Arabic normalisation"
    )
    assert row["type_evidence"] == "instance of Q5 (a class aligned to Person)"


def test_an_alias_in_another_spelling_is_found(review: list[dict]) -> None:
    (row,) = [r for r in review if r["item"] == "Q1000000104"]
    assert (row["entity"], row["matched_as"]) == ("mustafa-al-sibai", "alias")


def test_a_place_fits_by_its_coordinates(review: list[dict]) -> None:
    (row,) = [r for r in review if r["item"] == "Q1000000105"]
    assert (row["entity"], row["type_evidence"]) == ("baba-amr", "has coordinates (P625)")


def test_a_person_candidate_carries_its_birth(review: list[dict]) -> None:
    (row,) = [r for r in review if r["item"] == "Q1000000101"]
    assert (row["born"], row["birthplace"]) == ("1891-01-01T00:00:00Z", "Q3766")
    assert row["description"] == "synthetic test item: a Syrian president"
    assert row["evidence"] == (
        "Wikidata label 'Shukri al-Quwatli'@en equals the entity's label; "
        "Wikidata label 'شكري القوتلي'@ar equals the entity's label; "
        "instance of Q5 (a class aligned to Person)"
    )
    assert row["decision"] == ""


def test_linked_entities_are_not_asked_for(review: list[dict]) -> None:
    assert not [r for r in review if r["entity"] == "homs"]
    assert candidates(review) == {
        ("shukri-al-quwatli", "Q1000000101"),
        ("nureddin-al-atassi", "Q1000000103"),
        ("mustafa-al-sibai", "Q1000000104"),
        ("baba-amr", "Q1000000105"),
        ("nusra-front", "Q1000000107"),
    }


def test_nothing_is_written_into_the_graph(
    cli, built: BuildReport, data_dir: Path, decoys: str, tmp_path: Path
) -> None:
    before = cli("stats", "--data-dir", str(data_dir)).output
    cli(
        "link",
        "wikidata",
        "--out",
        str(tmp_path / "r.tsv"),
        "--data-dir",
        str(data_dir),
        "--service-map",
        f"{WIKIDATA}={decoys}",
    )
    assert cli("stats", "--data-dir", str(data_dir)).output == before


def test_the_endpoint_must_be_allowed(
    cli, built: BuildReport, data_dir: Path, tmp_path: Path
) -> None:
    result = cli(
        "link",
        "wikidata",
        "--out",
        str(tmp_path / "r.tsv"),
        "--data-dir",
        str(data_dir),
        "--service-allow",
        "https://example.org/sparql",
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"error: SERVICE <{WIKIDATA}> is not allowed")


def test_spellings_vary_hamza_alef_and_final_letters() -> None:
    assert spellings("نور الدين الاتاسي")[:4] == [
        "نور الدين الاتاسي",
        "نور الدين الاتاسى",
        "نور الدين الأتاسي",
        "نور الدين الأتاسى",
    ]
