"""homs-kg draft on an Arabic news text it has never seen: the folder validates and builds
unchanged, links the entities the text mentions (variants included) and nothing else, and carries
the text's dates and counts, each proposal marked for review."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from homs_kg.graph.build import BuildReport, check
from homs_kg.graph.recall import draft_recall
from homs_kg.server.cli import main

from .conftest import BASE, FIXTURES

TEXT = FIXTURES / "unseen-text" / "return-to-al-waer.ar.txt"
SOURCE = "test-return-2017-06-10"
DRAFT = ["--source-id", SOURCE, "--published", "2017-06-10", "--title", "عودة عائلات نازحة"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, article_corpus: Path) -> Path:
    out = tmp_path_factory.mktemp("draft") / "corpus"
    corpus = ["--corpus", str(article_corpus)]
    result = CliRunner().invoke(main, ["draft", str(TEXT), *DRAFT, "--out", str(out), *corpus])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def annotations(folder: Path) -> dict:
    return yaml.safe_load((folder / "annotations" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(folder: Path, article_corpus: Path) -> BuildReport:
    return check(BASE, [article_corpus, folder])


def test_draft_writes_the_metadata_the_text_and_the_annotations(folder: Path) -> None:
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.*")) == [
        f"annotations/{SOURCE}.yaml",
        f"sources/{SOURCE}.ar.txt",
        f"sources/{SOURCE}.yaml",
    ]
    assert (folder / "sources" / f"{SOURCE}.ar.txt").read_bytes() == TEXT.read_bytes()


def test_the_draft_validates_unchanged(folder: Path, cli) -> None:
    result = cli("validate", "--corpus", "packaged", "--corpus", str(folder))  # as a user would
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"warning: {folder}/annotations/{SOURCE}.yaml: 10 entries still marked 'proposed: true' "
        "(a draft's, to review)",
        "quotes, labels, times, counts, references: ok",
        "SHACL: conforms",
    ]


def test_the_draft_builds_into_its_own_graph(built: BuildReport) -> None:
    assert built.shacl.conforms, built.shacl.summary()
    assert f"{BASE}graph/{SOURCE}" in built.graph_counts()


def test_the_entities_the_text_mentions_are_linked_and_no_other(annotations: dict) -> None:
    assert [(e["id"], e["mention"]) for e in annotations["entities"]] == [
        ("al-waer", "حيّ الوعر"),  # shadda
        ("homs", "مدينة حمص"),
        ("opposition-fighters", "مقاتلي المعارضة"),
        ("syrian-arab-red-crescent", "للهلال الأحمر السوري"),  # the clitic لل, a hamza
        ("united-nations", "الأمم المتحدة"),  # a hamza the graph's label does not have
        ("talal-barazi", "طلال البرازي"),  # the article the graph's label does not have
    ]


def test_a_linked_entity_keeps_its_graph_type_and_english_label(annotations: dict) -> None:
    homs = annotations["entities"][1]
    assert (homs["type"], homs["label"], homs["alt"]) == (
        "City",
        {"ar": "حمص", "en": "Homs"},
        ["مدينة حمص"],
    )


def test_names_the_graph_does_not_know_stay_unlinked_candidates(annotations: dict) -> None:
    assert [c["quote"] for c in annotations["candidates"]] == [
        "برنامج الأغذية العالمي",
        "حي الإنشاءات المجاور",
        "لجنة المصالحة",
    ]


def test_dates_are_resolved_against_publication_and_the_previous_sentence(
    annotations: dict,
) -> None:
    assert [e.get("when") for e in annotations["events"]] == [
        {"phrase": "أمس", "expect": "2017-06-09"},
        {"phrase": "في اليوم التالي", "anchor": "al-waer-2017-06-09", "expect": "2017-06-10"},
        None,
        {"phrase": "في الثامن من حزيران/يونيو 2017", "expect": "2017-06-08"},
    ]


def test_counts_keep_the_unit_the_text_gives(annotations: dict) -> None:
    counts = [c for e in annotations["events"] for c in e.get("counts", [])]
    assert [(c["phrase"], c.get("unit"), c["expect"]) for c in counts] == [
        ("نحو 40 عائلة", "families", "~40 families"),
        ("12 شاحنة", "trucks", "12 trucks"),
        ("نحو 3 آلاف شخص", None, "~3000"),
    ]


def test_each_event_has_its_sentence_places_and_participants(annotations: dict) -> None:
    first = annotations["events"][0]
    assert first["quote"].startswith("عادت نحو 40 عائلة نازحة أمس")
    assert (first["type"], first["places"], first["participants"]) == (
        "Event",
        ["al-waer", "homs"],
        [["opposition-fighters", "involved"]],
    )


def test_every_proposal_is_marked_proposed(annotations: dict) -> None:
    entries = annotations["entities"] + annotations["events"]
    assert entries and all(entry["proposed"] is True for entry in entries)


def test_the_built_count_of_families_is_not_of_persons(built: BuildReport) -> None:
    units = {
        q.object.value
        for q in built.dataset.quads
        if q.subject.value.startswith(f"{BASE}resource/al-waer-2017-06-09#")
        and q.predicate.value == "http://schema.org/unitText"
    }
    assert units == {"families"}


def test_the_draft_refuses_a_source_id_the_corpus_has(cli, tmp_path: Path) -> None:
    result = cli(
        "draft",
        str(TEXT),
        "--source-id",
        "homs-2017-05-21",
        "--published",
        "2017-06-10",
        "--title",
        "x",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 1
    assert result.output == "error: the corpus already has a source 'homs-2017-05-21'\n"


def test_the_draft_refuses_a_source_id_that_is_not_a_slug(cli, tmp_path: Path) -> None:
    result = cli(
        "draft",
        str(TEXT),
        "--source-id",
        "Return to al-Waer",
        "--published",
        "2017-06-10",
        "--title",
        "x",
        "--out",
        str(tmp_path / "out"),
    )
    assert (result.exit_code, result.output) == (
        1,
        "error: --source-id must be a lowercase ASCII slug (a-z, 0-9, single hyphens), "
        "not 'Return to al-Waer'\n",
    )


def test_the_draft_does_not_overwrite_a_reviewer_s_files(cli, folder: Path) -> None:
    result = cli("draft", str(TEXT), *DRAFT, "--out", str(folder))
    assert result.exit_code == 1
    assert "already exist: choose another --out or id" in result.output


def test_recall_on_the_packaged_article(  # the figures docs/annotations.md reports
) -> None:
    assert [(r.kind, r.found, r.total) for r in draft_recall()] == [
        ("entity mentions", 52, 57),
        ("date phrases", 29, 30),
        ("counts", 9, 9),
    ]


def test_a_name_only_in_a_passage_written_twice_is_left_to_the_reviewer(
    cli, tmp_path: Path, article_corpus: Path
) -> None:
    text = tmp_path / "twice.ar.txt"
    text.write_text("قتل 5 أشخاص في حمص.\nقتل 5 أشخاص في حمص.\n", encoding="utf-8")
    out = tmp_path / "out"
    cli(
        "draft",
        str(text),
        "--source-id",
        "test-twice",
        "--published",
        "2017-06-10",
        "--title",
        "x",
        "--out",
        str(out),
        "--corpus",
        str(article_corpus),
    )
    drafted = yaml.safe_load((out / "annotations" / "test-twice.yaml").read_text("utf-8"))
    assert "entities" not in drafted
    assert {c["note"] for c in drafted["candidates"]} == {
        "named only in passages written twice: link it by hand",
        "a sentence written twice",
    }
    assert cli("validate", "--corpus", str(article_corpus), "--corpus", str(out)).exit_code == 0
