"""What the built graph says: the text's persons, events, times, counts and evidence."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from homs_kg.graph.build import BuildReport

from .conftest import PREFIXES


@pytest.fixture(scope="module")
def ask(store: Store):
    """Run an ASK over the union of the graphs."""
    return lambda query: bool(store.query(PREFIXES + query, use_default_graph_as_union=True))


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
    assert len(rows) == 216
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


# --- the twelve corrected statements (issue 17), each pinned ---------------------------------


def roles(select, event: str) -> set[tuple[str, str]]:
    rows = select(f"""SELECT ?agent ?role WHERE {{ res:{event} hkg:participation
        [ hkg:participant ?agent ; hkg:role ?role ] }}""")
    return {(r["agent"].rsplit("/", 1)[1], r["role"].rsplit("/", 1)[1]) for r in rows}


def label(select, resource: str, language: str) -> str:
    rows = select(f"""SELECT ?l WHERE {{ res:{resource} rdfs:label ?l .
        FILTER(LANG(?l) = "{language}") }}""")
    return rows[0]["l"]


def test_1_the_opposition_withdraws_from_baba_amr_and_the_army_is_its_opponent(select) -> None:
    # "واجبر المعارضة على الانسحاب منه": the opposition withdrew, forced by the bombardment
    assert roles(select, "baba-amr-opposition-withdrawal-2012") == {
        ("syrian-opposition", "ActorRole"),
        ("syrian-army", "OpponentRole"),
    }


def test_2_the_old_city_exit_is_two_departures(select) -> None:
    # "خرج نحو 2000 من مقاتلي المعارضة ... مع اسرهم الى ريف المحافظة فيما توجه اخرون الى حي الوعر"
    rows = select("""SELECT ?event ?to (COUNT(?count) AS ?counts) WHERE {
        VALUES ?event { res:old-city-evacuation-2015 res:old-city-departures-to-al-waer-2015 }
        ?event hkg:origin res:old-city ; hkg:destination ?to . OPTIONAL { ?event hkg:count ?count }
        } GROUP BY ?event ?to ORDER BY ?to""")
    assert [
        (r["event"].rsplit("/", 1)[1], r["to"].rsplit("/", 1)[1], r["counts"]) for r in rows
    ] == [
        ("old-city-departures-to-al-waer-2015", "al-waer", "0"),  # "others": uncounted
        ("old-city-evacuation-2015", "homs-countryside", "1"),
    ]
    assert roles(select, "old-city-evacuation-2015") == {
        ("opposition-fighters", "EvacueeRole"),
        ("opposition-fighters-families", "EvacueeRole"),
    }
    assert roles(select, "old-city-departures-to-al-waer-2015") == set()


@pytest.mark.parametrize(
    "event",
    [
        "free-syrian-army-emergence-2011",  # 3: joined to the dated item with "and" only
        "nusra-suicide-attacks-2014",  # 11: "التي شنت" gives no time
    ],
)
def test_3_and_11_what_the_text_leaves_undated_stays_undated(select, event: str) -> None:
    rows = select(f"""SELECT ?p WHERE {{ res:{event} ?p ?o .
        FILTER(?p IN (hkg:date, sem:hasEarliestBeginTimeStamp, sem:hasLatestBeginTimeStamp,
                      hkg:approximateTime, hkg:timeAnchor)) }}""")
    assert rows == []


def test_4_homs_joins_the_protests_against_the_regime_one_of_the_first(select) -> None:
    assert "against the regime of President Bashar al-Assad" in label(
        select, "homs-joins-the-protests-2011", "en"
    )
    assert roles(select, "homs-joins-the-protests-2011") == {("syrian-government", "OpponentRole")}
    rows = select("""SELECT ?en WHERE { res:homs hkg:characterisedAs ?c . ?c rdfs:label ?en .
        FILTER(LANG(?en) = "en" && CONTAINS(?en, "first")) }""")
    assert rows == [
        {"en": "one of the first Syrian cities to join the demonstrations and protests"}
    ]


def test_5_the_neighbourhoods_leave_the_regime_s_control(select) -> None:
    en = label(select, "neighbourhoods-leave-government-control-2011", "en")
    assert en == "Several neighbourhoods leave the regime's control"


def test_6_hundreds_agree_to_settle_their_status_in_the_government_s_words(select) -> None:
    assert label(select, "al-waer-reconciliation-2017", "en") == (
        "Hundreds of the gunmen agree to settle their status"
    )
    rows = select("""SELECT ?ar ?by WHERE { res:al-waer-reconciliation-2017 hkg:characterisedAs ?c .
        ?c rdfs:label ?ar ; hkg:usedBy ?by . FILTER(LANG(?ar) = "ar") }""")
    assert rows == [{"ar": "المصالحات", "by": "http://127.0.0.1:8000/resource/syrian-government"}]


def test_7_the_opposition_and_its_fighters_are_two_resources(select, ask) -> None:
    rows = select("""SELECT ?type WHERE { res:syrian-opposition a ?type } ORDER BY ?type""")
    assert [r["type"].rsplit("/", 1)[1] for r in rows] == ["ArmedGroup", "PoliticalOrganisation"]
    assert ask("ASK { res:syrian-opposition hkg:includesGroup res:opposition-fighters }")
    assert roles(select, "al-waer-evacuation-2017") == {("opposition-fighters", "EvacueeRole")}


def test_8_reinforcements_come_from_the_al_qusayr_area(select) -> None:
    rows = select("""SELECT ?ar WHERE { res:opposition-reinforcements-from-qusayr-2013
        hkg:origin/rdfs:label ?ar . FILTER(LANG(?ar) = "ar") }""")
    assert rows == [{"ar": "منطقة القصير"}]


def test_9_hezbollah_sends_its_fighters_for_government_forces(select) -> None:
    assert roles(select, "hezbollah-sends-fighters-2013") == {
        ("hezbollah", "ActorRole"),
        ("government-forces", "BeneficiaryRole"),
    }


def test_10_the_nusra_front_s_rejection_is_an_event_of_its_own(select) -> None:
    assert ("nusra-front", "OpponentRole") not in roles(
        select, "old-city-withdrawal-agreement-2014"
    )
    rows = select("""SELECT ?agreement ?actor WHERE { ?r a hkg:Rejection ; hkg:about ?agreement ;
        hkg:participation [ hkg:participant ?actor ; hkg:role hkg:ActorRole ] }""")
    assert [(r["agreement"].rsplit("/", 1)[1], r["actor"].rsplit("/", 1)[1]) for r in rows] == [
        ("old-city-withdrawal-agreement-2014", "nusra-front")
    ]


def test_12_the_last_group_s_families_are_in_both_labels_and_the_participants(select) -> None:
    assert "واسرهم" in label(select, "al-waer-final-evacuation-2017", "ar")
    assert roles(select, "al-waer-final-evacuation-2017") == {
        ("opposition-fighters", "EvacueeRole"),
        ("opposition-fighters-families", "EvacueeRole"),
    }


def test_an_approximate_count_keeps_no_exact_bounds(select) -> None:
    rows = select("""SELECT ?phrase WHERE { ?c hkg:approximate true ; schema:value ?v ;
        hkg:quantityPhrase ?phrase . FILTER EXISTS { ?c schema:minValue|schema:maxValue ?b } }""")
    assert rows == []
    rows = select("""SELECT ?phrase WHERE { ?c a hkg:Count ; hkg:quantityPhrase ?phrase ;
        schema:minValue ?low ; schema:maxValue ?high . FILTER(?low <= 3000 && 3000 <= ?high) }""")
    assert rows == []  # "حوالي 3 آلاف مدني" is not read as exactly 3,000


# --- the new kinds of claim ----------------------------------------------------------------


def test_causes_keep_the_text_s_connective(select) -> None:
    rows = select("""SELECT ?effect ?cause ?connective WHERE { ?s a rdf:Statement ;
        rdf:subject ?effect ; rdf:predicate hkg:causedBy ; rdf:object ?cause ;
        hkg:connective ?connective ; hkg:evidence ?evidence } ORDER BY ?effect""")
    found = {
        (r["effect"].rsplit("/", 1)[1], r["cause"].rsplit("/", 1)[1], r["connective"]) for r in rows
    }
    assert found == {
        ("baba-amr-destruction-2012", "baba-amr-bombardment-2012", "ادى الى"),
        ("homs#city-of-ibn-al-walid", "khalid-ibn-al-walid-shrine#located-in-homs", "ولهذا السبب"),
        ("homs-under-government-control-2017", "al-waer-final-evacuation-2017", "بخروج"),
        ("killing-of-marie-colvin-and-remi-ochlik-2012", "baba-amr-bombardment-2012", "جراء"),
        (
            "opposition-disputes-over-the-old-city-agreement",
            "old-city-withdrawal-agreement-2014",
            "ادى الاتفاق الى",
        ),
        (
            "security-forces-offensive-2013#outcome-failure",
            "opposition-reinforcements-from-qusayr-2013",
            "بعد",
        ),
    }


def test_the_offensive_s_failure_not_the_offensive_came_after_the_reinforcements(
    select, ask
) -> None:
    rows = select("""SELECT ?outcome WHERE { ?s rdf:subject res:security-forces-offensive-2013 ;
        rdf:predicate hkg:outcome ; rdf:object ?outcome .
        ?s hkg:causedBy res:opposition-reinforcements-from-qusayr-2013 }""")
    assert rows == [{"outcome": "http://127.0.0.1:8000/ontology/Failure"}]
    assert not ask("ASK { res:security-forces-offensive-2013 hkg:causedBy ?any }")


def test_conditions_with_their_extent(select) -> None:
    rows = select("""SELECT ?c ?class ?place ?extent WHERE { ?c a ?class ; hkg:place ?place ;
        hkg:extent ?extent . ?class rdfs:subClassOf* hkg:Situation }""")
    found = {tuple(r[k].rsplit("/", 1)[1] for k in ("c", "class", "place", "extent")) for r in rows}
    assert found == {
        ("baba-amr-destruction-2012", "Damage", "baba-amr", "Most"),
        ("old-city-shortage-2014", "Shortage", "old-city", "Total"),
        ("homs-under-government-control-2017", "TerritorialControl", "homs", "Total"),
    }


def test_terms_of_the_al_waer_exit_sought_in_exchange(select) -> None:
    rows = select("""SELECT ?give ?get ?about WHERE {
        res:al-waer-exit-attempts-2015-2017 hkg:term ?t . ?t hkg:inExchangeFor ?e .
        ?t rdfs:label ?give . ?e rdfs:label ?get . ?e hkg:about ?about .
        FILTER(LANG(?give) = "en" && LANG(?get) = "en") } ORDER BY ?get""")
    assert [(r["give"], r["get"], r["about"].rsplit("/", 1)[1]) for r in rows] == [
        ("the fighters leave the neighbourhood", "the shelling stops", "al-waer-shelling"),
        (
            "the fighters leave the neighbourhood",
            "the siege of the neighbourhood is lifted",
            "al-waer-siege-2013",
        ),
    ]


def test_purposes_in_the_text_s_words(select) -> None:
    rows = select("""SELECT ?event ?ar WHERE { ?event hkg:purpose ?p . ?p rdfs:label ?ar .
        FILTER(LANG(?ar) = "ar") }""")
    assert {(r["event"].rsplit("/", 1)[1], r["ar"]) for r in rows} == {
        ("tank-deployment-2011", "للسيطرة على الاوضاع المضطربة"),
        ("hezbollah-sends-fighters-2013", "للقتال الى جانب القوات الحكومية"),
        ("khalidiya-campaign-2013", "بهدف استعادة حي الخالدية"),
        ("old-city-ceasefire-2014", "للسماح بخروج المدنيين من الحي القديم"),
        ("nusra-suicide-attacks-2014", "بغية فك الحصار عن المدينة القديمة"),
        ("al-waer-exit-attempts-2015-2017", "لانجاز اتفاق خروج المقاتلين من الحي"),
    }


def test_how_and_where_people_went(select) -> None:
    rows = select("""SELECT ?means ?quote WHERE { ?s rdf:subject res:al-waer-final-evacuation-2017 ;
        rdf:predicate hkg:transportMeans ; rdf:object ?means ;
        hkg:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?quote }""")
    assert rows == [
        {"means": "http://127.0.0.1:8000/ontology/Buses", "quote": "بعد مغادرة الحافلات"}
    ]
    rows = select("""SELECT ?en WHERE { res:al-waer-evacuation-2017 hkg:destination ?d .
        ?d rdfs:label ?en . FILTER(LANG(?en) = "en") }""")
    assert rows == [{"en": "areas under opposition control (unnamed)"}]


def test_attributed_wording_says_who_and_when(select) -> None:
    rows = select("""SELECT ?ar ?by ?formerly WHERE { ?n hkg:usedBy ?by ; rdfs:label ?ar .
        FILTER(LANG(?ar) = "ar") OPTIONAL { ?n hkg:formerlyUsed ?formerly } } ORDER BY ?ar""")
    assert [(r["ar"], r["by"].rsplit("/", 1)[1], r.get("formerly")) for r in rows] == [
        ("المصالحات", "syrian-government", None),
        ("خالية من السلاح والمسلحين", "syrian-government", None),
        ("عاصمة الثورة", "syrian-opposition", "true"),
    ]


def test_the_assessment_keeps_its_hedge(select, ask) -> None:
    assert label(select, "fighting-nearing-end-2014", "en") == (
        "The fighting in the city seemed to be nearing its end"
    )
    assert ask("ASK { res:fighting-nearing-end-2014 a hkg:Assessment ; hkg:date ?d }")


def test_editorial_corrections_are_apart_from_the_text_s_claims(select, ask) -> None:
    rows = select("""SELECT ?about ?exact (COUNT(?source) AS ?sources) WHERE {
        ?c a hkg:EditorialCorrection ; oa:motivatedBy oa:assessing ; oa:hasBody/rdf:value ?note ;
           oa:hasTarget/oa:hasSelector/oa:exact ?exact ; hkg:correctionSource ?source .
        ?about hkg:correction ?c . FILTER NOT EXISTS { ?c a hkg:Evidence } }
        GROUP BY ?about ?exact ORDER BY ?about""")
    assert [(r["about"].rsplit("/", 1)[1], r["exact"], r["sources"]) for r in rows] == [
        ("old-city-evacuation-2015", "في مايو/آيار 2015 خرج نحو 2000", "3"),
        ("old-city-withdrawal-agreement-2014", "في الشهر التالي بدت المعارك", "2"),
        ("shukri-al-quwatli", "خرج من المدينة عدد من كبار الشخصيات السياسية", "3"),
    ]
    # the text's claims stay as the text's
    assert ask("ASK { res:old-city-evacuation-2015 hkg:date ?d FILTER(STR(?d) = '2015-05') }")
    assert ask("ASK { res:shukri-al-quwatli hkg:cameFrom res:homs }")
