"""What the built graph says: the text's persons, events, times, counts and evidence."""

from __future__ import annotations

import pytest

from homs_kg.graph.build import BuildReport

TEN_PERSONS = {
    "bashar-al-assad": ("بشار الاسد", "Bashar al-Assad"),
    "khalid-ibn-al-walid": ("خالد بن الوليد", "Khalid ibn al-Walid"),
    "shukri-al-quwatli": ("شكري القوتلي", "Shukri al-Quwatli"),
    "nureddin-al-atassi": ("نور الدين الاتاسي", "Nureddin al-Atassi"),
    "riad-al-turk": ("رياض الترك", "Riad al-Turk"),
    "mustafa-al-sibai": ("مصطفى السباعي", "Mustafa al-Sibai"),
    "marie-colvin": ("ماري كولفن", "Marie Colvin"),
    "remi-ochlik": ("ريمي اوشليك", "Rémi Ochlik"),
    "talal-barazi": ("طلال برازي", "Talal Barazi"),
    "yacoub-el-hillo": ("يعقوب الحلو", "Yacoub El Hillo"),
}


def test_the_ten_persons_have_arabic_and_english_labels(select) -> None:
    rows = select("""SELECT ?p ?ar ?en WHERE { ?p a hkg:Person ; rdfs:label ?ar, ?en .
        FILTER(LANG(?ar) = "ar" && LANG(?en) = "en") }""")
    found = {row["p"].rsplit("/", 1)[1]: (row["ar"], row["en"]) for row in rows}
    assert found == TEN_PERSONS


def test_forty_one_events_and_nine_situations(select) -> None:
    rows = select("""SELECT ?top (COUNT(DISTINCT ?x) AS ?n) WHERE {
        VALUES ?top { hkg:Event hkg:Situation } ?x a/rdfs:subClassOf* ?top } GROUP BY ?top""")
    assert {r["top"].rsplit("/", 1)[1]: r["n"] for r in rows} == {"Event": "41", "Situation": "9"}


def test_khalidiya_massacre_date_and_counts(select) -> None:
    rows = select("""SELECT ?date ?kind ?value WHERE { res:khalidiya-massacre-2012 a hkg:Massacre ;
        hkg:date ?date ; hkg:count [ hkg:countKind ?kind ; schema:value ?value ] }""")
    assert {(r["date"], r["kind"].rsplit("/", 1)[1], r["value"]) for r in rows} == {
        ("2012-02-03", "Killed", "340"),
        ("2012-02-03", "Wounded", "1800"),
    }


def test_clock_square_dispersal_keeps_the_range(select) -> None:
    rows = select("""SELECT ?min ?max ?value ?approx WHERE {
        res:clock-square-sit-in-dispersal-2011 hkg:count ?c .
        ?c hkg:countKind hkg:Killed ; schema:minValue ?min ; schema:maxValue ?max ;
           hkg:approximate ?approx . OPTIONAL { ?c schema:value ?value } }""")
    assert rows == [{"min": "200", "max": "300", "approx": "false"}]


def test_the_next_day_is_resolved_against_the_massacre(select) -> None:
    rows = select("""SELECT ?date ?anchor ?relative ?phrase ?end WHERE {
        res:baba-amr-bombardment-2012 hkg:date ?date ; hkg:timeAnchor ?anchor ;
            hkg:relativeTime ?relative ; hkg:datePhrase ?phrase ;
            sem:hasLatestEndTimeStamp ?end }""")
    assert rows == [
        {
            "date": "2012-02-04",
            "anchor": "http://127.0.0.1:8000/resource/khalidiya-massacre-2012",
            "relative": "next-day",
            "phrase": "في اليوم التالي",
            "end": "2012-03-04",
        }
    ]


def test_march_2017_agreement_is_resolved_against_the_publication(select) -> None:
    rows = select("""SELECT ?date ?anchor ?sponsor WHERE {
        res:al-waer-agreement-2017 a hkg:Agreement ; hkg:date ?date ; hkg:timeAnchor ?anchor ;
            hkg:participation [ hkg:role hkg:SponsorRole ; hkg:participant ?sponsor ] }""")
    assert rows == [
        {
            "date": "2017-03",
            "anchor": "http://127.0.0.1:8000/source/homs-2017-05-21",
            "sponsor": "http://127.0.0.1:8000/resource/russia",
        }
    ]


def test_vague_time_keeps_its_bounds_and_marker(select) -> None:
    rows = select("""SELECT ?date ?qualifier ?mode ?latest ?approx WHERE {
        res:neighbourhoods-leave-government-control-2011 hkg:date ?date ;
            hkg:timeQualifier ?qualifier ; hkg:timeMode ?mode ;
            sem:hasLatestBeginTimeStamp ?latest ; hkg:approximateTime ?approx .
        FILTER NOT EXISTS { res:neighbourhoods-leave-government-control-2011
                            sem:hasEarliestBeginTimeStamp ?any } }""")
    assert [
        (
            r["date"],
            r["qualifier"].rsplit("/", 1)[1],
            r["mode"].rsplit("/", 1)[1],
            r["latest"],
            r["approx"],
        )
        for r in rows
    ] == [("2011", "LatePeriod", "NoLaterThan", "2011-12-31", "true")]


def test_every_position_selector_matches_its_quote(select, built: BuildReport) -> None:
    text = built.dataset.sources[0].text
    rows = select("""SELECT ?exact ?start ?end WHERE { ?t oa:hasSelector ?q, ?p .
        ?q a oa:TextQuoteSelector ; oa:exact ?exact .
        ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }""")
    assert len(rows) == 214
    assert all(text[int(r["start"]) : int(r["end"])] == r["exact"] for r in rows)


def test_every_event_points_to_evidence_in_the_source(select) -> None:
    rows = select("""SELECT ?event WHERE { ?event a ?class . ?class rdfs:subClassOf* hkg:Event .
        FILTER NOT EXISTS { ?event hkg:evidence/oa:hasTarget/oa:hasSource ?source } }""")
    assert rows == []


def test_came_from_is_not_a_birthplace(select) -> None:
    rows = select("""SELECT ?property ?quote WHERE {
        ?statement rdf:subject res:shukri-al-quwatli ; rdf:predicate ?property ;
            rdf:object res:homs ; hkg:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?quote }""")
    assert len(rows) == 1
    assert rows[0]["property"].endswith("/ontology/cameFrom")
    assert rows[0]["quote"].startswith("خرج من المدينة")


def test_homs_links_to_wikidata_from_the_reference(select) -> None:
    rows = select("SELECT ?o WHERE { res:homs owl:sameAs ?o }")
    assert rows == [{"o": "http://www.wikidata.org/entity/Q131301"}]


def test_tadmur_is_the_town_and_close_to_palmyra(select) -> None:
    rows = select("""SELECT ?same ?close WHERE { res:tadmur owl:sameAs ?same ;
        skos:closeMatch ?close }""")
    assert rows == [
        {
            "same": "http://www.wikidata.org/entity/Q938457",
            "close": "http://www.wikidata.org/entity/Q5747",
        }
    ]


def test_nicknames_of_homs(select) -> None:
    rows = select("""SELECT ?ar ?en WHERE { res:homs hkg:nickname ?n .
        ?n rdfs:label ?ar, ?en . FILTER(LANG(?ar) = "ar" && LANG(?en) = "en") } ORDER BY ?en""")
    assert rows == [
        {"ar": "عاصمة الثورة", "en": "capital of the revolution"},
        {"ar": "مدينة ابن الوليد", "en": "city of Ibn al-Walid"},
    ]


@pytest.mark.parametrize(
    ("event", "phrase", "value", "approx"),
    [
        ("old-city-civilians-besieged-2014", "حوالي 3 آلاف مدني", "3000", "true"),
        ("old-city-evacuation-2015", "نحو 2000 من مقاتلي المعارضة", "2000", "true"),
        ("old-city-civilian-evacuation-2014", "1400 مدني", "1400", "false"),
    ],
)
def test_approximate_counts(select, event: str, phrase: str, value: str, approx: str) -> None:
    rows = select(f"""SELECT ?value ?approx WHERE {{ res:{event} hkg:count ?c .
        ?c hkg:quantityPhrase "{phrase}"@ar ; schema:value ?value ; hkg:approximate ?approx }}""")
    assert rows == [{"value": value, "approx": approx}]


def test_share_of_the_city_is_a_percent_range(select) -> None:
    rows = select("""SELECT ?min ?max ?unit WHERE { res:opposition-holds-part-of-homs-2012
        hkg:count [ hkg:countKind hkg:ShareOfCity ; schema:minValue ?min ; schema:maxValue ?max ;
                    schema:unitText ?unit ] }""")
    assert rows == [{"min": "15", "max": "20", "unit": "percent"}]


def test_shacl_conforms(built: BuildReport) -> None:
    assert built.shacl.conforms, built.shacl.summary()


def test_source_document_metadata(select) -> None:
    rows = select("""SELECT ?language ?issued WHERE { ?s a hkg:SourceDocument ;
        dcterms:language ?language ; dcterms:issued ?issued }""")
    assert rows == [{"language": "ar", "issued": "2017-05-21"}]


def test_each_source_has_its_own_named_graph(built: BuildReport) -> None:
    assert sorted(built.graph_counts()) == [
        "http://127.0.0.1:8000/graph/homs-2017-05-21",
        "http://127.0.0.1:8000/graph/ontology",
        "http://127.0.0.1:8000/graph/wikidata-links",
    ]
