"""Each query of the researchers' catalogue runs against the built graph and returns what the text
says: a change to the data or the ontology that breaks a query fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from homs_kg.graph.resources import queries_dir

RES = "http://127.0.0.1:8000/resource/"
OLD_CITY_AGREEMENT = (
    "UN-sponsored agreement for the remaining opposition fighters to withdraw from the Old City"
)


@pytest.fixture(scope="module")
def run(store: Store):
    def execute(name: str) -> list[dict[str, str]]:
        text = (queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
        results = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in results.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in results]

    return execute


def column(rows: list[dict[str, str]], name: str) -> list[str]:
    return [row.get(name, "") for row in rows]


@pytest.mark.parametrize("path", sorted(queries_dir().glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_has_the_header(path: Path) -> None:
    header = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    ]
    keys = {line[1:].split(":", 1)[0].strip() for line in header if ":" in line}
    assert {"title", "title@ar", "question", "shows"} <= keys


def test_the_catalogue_has_at_least_fifteen_queries() -> None:
    assert len(list(queries_dir().glob("*.rq"))) >= 15


def test_event_timeline(run) -> None:
    rows = run("event-timeline")
    assert len(rows) == 43  # every dated event and situation (seven events are undated)
    events = column(rows, "event")
    assert (
        events.index(RES + "clock-square-sit-in-dispersal-2011")
        < events.index(RES + "khalidiya-massacre-2012")
        < events.index(RES + "al-waer-final-evacuation-2017")
    )
    late_2011 = next(
        r for r in rows if r["event"].endswith("neighbourhoods-leave-government-control-2011")
    )
    assert (late_2011["date"], late_2011["latest"], "earliest" in late_2011) == (
        "2011",
        "2011-12-31",
        False,
    )


def test_casualties_per_event(run) -> None:
    rows = run("casualties-per-event")
    found = {(r["label"], r["kind"]): (r["low"], r.get("best"), r["high"]) for r in rows}
    assert found == {
        ("Dispersal of the Clock Square sit-in", "killed"): ("200", None, "300"),
        ("Khalidiya massacre", "killed"): ("340", "340", "340"),
        ("Khalidiya massacre", "wounded"): ("1800", "1800", "1800"),
        ("Month-long bombardment of Baba Amr", "killed"): ("700", "700", "700"),
    }


def test_neighbourhoods_control(run) -> None:
    rows = run("neighbourhoods-control")
    assert [(r["neighbourhood"], r["lost"], r["regained"]) for r in rows] == [
        ("Baba Amr", "2011", "by 2012-03-04"),
        ("Deir Baalba", "2011", "2012-12"),
        ("Khalidiya", "2011", "2013-07"),
        ("Old City of Homs", "2011", "2015-05"),
    ]


def test_persons_associated_with_homs(run) -> None:
    rows = run("persons-associated-with-homs")
    assert [(r["person"], r["relation"]) for r in rows] == [
        ("Mustafa al-Sibai", "belongs to"),
        ("Nureddin al-Atassi", "came from"),
        ("Riad al-Turk", "hails from"),
        ("Shukri al-Quwatli", "came from"),
    ]


def test_organisations_roles(run) -> None:
    rows = run("organisations-roles")
    assert len(rows) == len({tuple(sorted(r.items())) for r in rows})
    assert {
        "organisation": "Syrian Arab Red Crescent",
        "role": "evacuator",
        "date": "2014-02",
        "event": "The Red Crescent evacuates 1,400 civilians from the Old City",
    } in rows


def test_event_evidence(run) -> None:
    rows = run("event-evidence")
    assert [(r["about"].removeprefix(RES), r["exact"], r["start"], r["end"]) for r in rows][1:] == [
        ("khalidiya-massacre-2012#killed", "340 شخصا", "1936", "1944"),
        ("khalidiya-massacre-2012#wounded", "1800 جريح", "1954", "1963"),
    ]
    assert rows[0]["sentence"].startswith("في 3 فبراير/شباط 2012")


def test_month_or_year_precision(run) -> None:
    rows = run("month-or-year-precision")
    assert len(rows) == 27
    assert {r["precision"] for r in rows} == {"month", "year"}
    assert {
        "event": "Government forces retake Deir Baalba",
        "precision": "month",
        "date": "2012-12",
        "phrase": "وفي كانون الاول/ديسمبر 2012",
        "earliest": "2012-12-01",
        "latest": "2012-12-31",
    } in rows


def test_al_waer_story(run) -> None:
    rows = run("al-waer-story")
    events = column(rows, "event")
    assert len(rows) == 12
    dated = [r["event"] for r in rows if "date" in r or "earliest" in r]
    assert dated[0] == "Siege of al-Waer"
    assert "The shelling of al-Waer" in events  # undated: named only as what a term would stop
    assert events[-1] == "Last opposition fighters and their families leave al-Waer"


def test_foreign_actors(run) -> None:
    rows = run("foreign-actors")
    assert sorted({(r["actor"], r.get("country", ""), r["role"]) for r in rows}) == [
        ("Hezbollah", "Lebanon", "actor"),  # sends its fighters (2013)
        ("Hezbollah", "Lebanon", "supporter"),  # helps retake al-Qusayr
        ("Marie Colvin", "United States", "victim"),
        ("Russia", "Russia", "sponsor"),
        ("Rémi Ochlik", "France", "victim"),
        ("United Nations", "", "sponsor"),
    ]


def test_counts_with_uncertainty(run) -> None:
    rows = run("counts-with-uncertainty")
    assert len(rows) == 9
    hundreds = next(r for r in rows if r["phrase"] == "المئات")
    assert (hundreds["low"], hundreds["high"], hundreds["approximate"], "value" in hundreds) == (
        "200",
        "999",
        "true",
        False,
    )


def test_relative_dates(run) -> None:
    rows = run("relative-dates")
    found = {r["event"]: (r["relation"], r["anchor"], r.get("date")) for r in rows}
    assert found["Month-long bombardment of Baba Amr"] == (
        "next-day",
        "Khalidiya massacre",
        "2012-02-04",
    )
    assert found["Russian-sponsored agreement to evacuate al-Waer"][0::2] == (
        "current-year",
        "2017-03",
    )


def test_nicknames(run) -> None:
    rows = run("nicknames")
    assert [(r["arabic"], r["english"], r.get("usedBy")) for r in rows] == [
        ("عاصمة الثورة", "capital of the revolution", "Syrian opposition"),
        ("مدينة ابن الوليد", "city of Ibn al-Walid", None),
    ]


def test_population_groups(run) -> None:
    rows = run("population-groups")
    assert [(r["place"], r["group"], r["weight"]) for r in rows] == [
        ("Homs", "Alawites", "minority"),
        ("Homs", "Christian denominations", "notable share"),
        ("Homs", "Sunnis", "majority"),
        ("Homs countryside", "Syrian tribes", "large number"),
    ]


def test_perpetrators_are_only_those_the_text_names(run) -> None:
    rows = {r["event"]: r.get("perpetrator") for r in run("perpetrators")}
    assert rows["Khalidiya massacre"] is None
    assert rows["Dispersal of the Clock Square sit-in"] is None
    assert rows["Killing of Marie Colvin and Rémi Ochlik"] == "government forces"
    assert rows["Month-long bombardment of Baba Amr"] == "government army"


def test_wikidata_links(run) -> None:
    rows = run("wikidata-links")
    linked = {(r["entity"], r["link"], r["item"].rsplit("/", 1)[1]) for r in rows if "item" in r}
    assert ("Homs", "same as", "Q131301") in linked
    assert ("Tadmur", "close match", "Q5747") in linked
    assert ("France", "same as", "Q142") in linked
    assert ("United States", "same as", "Q30") in linked
    assert len(linked) == 18
    assert {"entity": "Clock Square"} in rows


def test_characterisations(run) -> None:
    rows = run("characterisations")
    assert {
        "person": "Riad al-Turk",
        "arabic": "الزعيم اليساري",
        "english": "leftist leader",
        "quote": "والزعيم اليساري، رياض الترك",
    } in rows
    assert len({r["person"] for r in rows}) == 10


def test_what_led_to_what(run) -> None:
    rows = run("what-led-to-what")
    assert [(r["effect"], r["link"], r["cause"], r.get("connective")) for r in rows] == [
        ("A broad security-forces offensive fails: outcome failure", "caused by",
         "Reinforcements for the opposition forces arrive from the al-Qusayr area", "بعد"),
        ("Disputes emerge in the ranks of the opposition fighters", "caused by",
         OLD_CITY_AGREEMENT, "ادى الاتفاق الى"),
        ("Evacuation of all fighters from al-Waer", "result of",
         "Russian-sponsored agreement to evacuate al-Waer", None),
        ("Government forces retake Khalidiya", "result of",
         "A new government campaign to retake Khalidiya", None),
        ("Homs called 'city of Ibn al-Walid'", "caused by",
         "Shrine of Khalid ibn al-Walid: located in Homs", "ولهذا السبب"),
        ("Hundreds of the gunmen agree to settle their status", "result of",
         "Russian-sponsored agreement to evacuate al-Waer", None),
        ("Killing of Marie Colvin and Rémi Ochlik", "caused by",
         "Month-long bombardment of Baba Amr", "جراء"),
        ("Most of Baba Amr is destroyed", "caused by", "Month-long bombardment of Baba Amr",
         "ادى الى"),
        ("The 2015 agreement on evacuating al-Waer", "result of",
         "Negotiations on evacuating al-Waer", None),
        ("The Red Crescent evacuates 1,400 civilians from the Old City", "result of",
         "A temporary ceasefire to let civilians leave the Old City", None),
        ("The government takes control of every neighbourhood of Homs", "result of",
         "Russian-sponsored agreement to evacuate al-Waer", None),
        ("The opposition is forced to withdraw from Baba Amr", "result of",
         "Month-long bombardment of Baba Amr", "واجبر"),
        ("The whole city is under government control", "caused by",
         "Last opposition fighters and their families leave al-Waer", "بخروج"),
    ]  # fmt: skip
    connected = [r for r in rows if "connective" in r]
    assert all(r["connective"] in r["quote"] for r in connected)


def test_conditions_under_siege(run) -> None:
    rows = run("conditions-under-siege")
    old_city = "About 3,000 civilians under siege in the Old City"
    assert [
        (r["siege"], r["place"], r.get("besieged"), r["condition"], r["kind"], r.get("extent"),
         r.get("date"), r["quote"])
        for r in rows
    ] == [
        (old_city, "Old City of Homs", "حوالي 3 آلاف مدني",
         "Air and artillery bombardment of the Old City", "bombardment", None, "2012",
         "مع استمرار القصف الجوي والمدفعي منذ اواسط 2012"),
        (old_city, "Old City of Homs", "حوالي 3 آلاف مدني",
         "A total lack of basic supplies such as medicine and food in the Old City", "shortage",
         "total", "2014-01", "وانعدام تام للامدادات الاساسية مثل الدواء والغذاء"),
        (old_city, "Old City of Homs", "حوالي 3 آلاف مدني", "a stifling siege",
         "the text's words for the siege", None, None, "وسط حصار خانق"),
        ("Siege of al-Waer", "al-Waer", None, "The shelling of al-Waer", "bombardment", None,
         None, "مقابل رفع الحصار عنه ووقف القصف"),
    ]  # fmt: skip


def test_terms_of_agreements(run) -> None:
    rows = run("terms-of-agreements")
    attempts = "Failed attempts at an agreement for the fighters to leave al-Waer"
    leave = "the fighters leave the neighbourhood"
    assert [
        (r["agreement"], r.get("date"), r.get("outcome"), r["term"], r.get("inExchangeFor"),
         r.get("about"))
        for r in rows
    ] == [
        ("A temporary ceasefire to let civilians leave the Old City", "2014-02", None,
         "a temporary ceasefire", None, None),
        (OLD_CITY_AGREEMENT, "2014-03", None,
         "the opposition fighters who remain in the Old City withdraw from it", None, None),
        (attempts, "2015", "failure", leave, "the shelling stops", None),
        (attempts, "2015", "failure", leave, "the siege of the neighbourhood is lifted", None),
        (attempts, "2015", "failure", "the shelling stops", None, "The shelling of al-Waer"),
        (attempts, "2015", "failure", "the siege of the neighbourhood is lifted", None,
         "Siege of al-Waer"),
        ("Russian-sponsored agreement to evacuate al-Waer", "2017-03", None,
         "the government's control over the city is restored, for the first time since the "
         "beginning of the events in Syria", None,
         "The government takes control of every neighbourhood of Homs"),
        ("Russian-sponsored agreement to evacuate al-Waer", "2017-03", None,
         "the neighbourhood is emptied of all gunmen, who are moved to areas under opposition "
         "control", None, "Evacuation of all fighters from al-Waer"),
    ]  # fmt: skip
    assert all(r["termAr"] and r["quote"] for r in rows)


def test_attributed_wording(run) -> None:
    rows = run("attributed-wording")
    assert [(r["named"], r["arabic"], r["usedBy"], r.get("formerly")) for r in rows] == [
        ("Hundreds of the gunmen agree to settle their status", "المصالحات", "Syrian government",
         None),
        ("The government declares Homs 'free of weapons and gunmen'", "خالية من السلاح والمسلحين",
         "Syrian government", None),
        ("Homs", "عاصمة الثورة", "Syrian opposition", "true"),
    ]  # fmt: skip
