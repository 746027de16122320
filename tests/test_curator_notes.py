"""The notes of graph/reference/wikidata-ids.tsv: a ``note`` is public (shown with the link on
the entity's page, in the link's skos:editorialNote); a ``curator_note`` warns whoever curates
the links and never reaches the graph, its pages or its documents."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from homs_kg.graph.resources import wikidata_reference
from homs_kg.graph.wikidata import load_wikidata_reference

from .conftest import LiveServer

# What a curator is warned of: another item not to link, a link not checked.
WARNING = re.compile(r"\bNOT\b|\bnot verified\b|\bdifferent item\b")


def test_the_reference_keeps_curator_warnings_out_of_the_public_notes() -> None:
    links = load_wikidata_reference(wikidata_reference())
    homs = links["Q131301"]
    assert (homs.note, homs.curator_note) == ("", "Q80988 is NOT Homs")
    assert "the ancient site is Palmyra" in links["Q938457"].note  # Tadmur's: for readers
    for link in links.values():
        assert not WARNING.search(link.note), (link.qid, link.note)


def test_a_reference_without_the_curator_column_still_loads(tmp_path: Path) -> None:
    """The shared reference has no curator_note column: its notes all stay public."""
    shared = tmp_path / "wikidata-ids.tsv"
    shared.write_text(
        "entity\tlabel_ar_in_text\tqid\tlink\tevidence\tnote\n"
        "Homs (city)\tحمص\tQ131301\tsameAs\tsome evidence\ta note\n",
        encoding="utf-8",
    )
    (link,) = load_wikidata_reference(shared).values()
    assert (link.note, link.curator_note, link.evidence) == ("a note", "", "some evidence")


def test_no_curator_note_reaches_the_graph(select) -> None:
    curator_notes = [
        link.curator_note
        for link in load_wikidata_reference(wikidata_reference()).values()
        if link.curator_note
    ]
    assert curator_notes
    notes = [row["n"] for row in select("SELECT ?n WHERE { ?s skos:editorialNote ?n }")]
    assert notes and not [n for n in notes for c in curator_notes if c in n]


def test_an_entity_page_shows_its_public_note_and_no_curator_note(live_server: LiveServer) -> None:
    homs = requests.get(live_server.url + "/page/resource/homs", timeout=30).text
    assert "Q80988" not in homs and "NOT Homs" not in homs
    assert "nomisma.org" in homs  # the link's evidence is still shown
    tadmur = requests.get(live_server.url + "/page/resource/tadmur", timeout=30).text
    assert "the ancient site is Palmyra Q5747 (closeMatch)" in tadmur
    document = requests.get(live_server.url + "/data/resource/homs.ttl", timeout=30).text
    assert "Q80988" not in document
