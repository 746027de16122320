"""Each query of the researchers' catalogue runs against the built graph and returns what the text
says: a change to the data or the ontology that breaks a query fails here."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml
from pyoxigraph import Store

from homs_kg.graph.resources import corpus_dir, queries_dir

RES = "http://127.0.0.1:8000/resource/"
OLD_CITY_AGREEMENT = (
    "UN-sponsored agreement for the remaining opposition fighters to withdraw from the Old City"
)
OCTOBER_CAMPAIGN = (
    "Government forces begin a violent campaign against the neighbourhoods outside their control"
)
OLD_CITY_EXIT = (
    "About 2,000 opposition fighters leave the Old City with their families for the countryside"
)
JOINS_THE_PROTESTS = (
    "Homs, one of the first Syrian cities to do so, joins the demonstrations and protests against "
    "the regime of President Bashar al-Assad"
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


def test_event_timeline_lists_every_event_and_situation_in_time_order(run) -> None:
    # From the earliest time the text allows ("early 2011" before 18 April 2011, "late 2015"
    # before 9 December 2015); "by ..." at its bound; an event placed after another right after
    # it; the events the text gives no time last, with empty cells (Homs joining the protests,
    # the Clock Square sit-in, the Free Army's emergence, joined to 18 April 2011 only by "and",
    # the Nusra Front's rejection and attacks, the shelling of al-Waer, the disputes).
    rows = run("event-timeline")
    columns = ("label", "date", "phrase", "qualifier", "mode", "earliest", "latest", "approximate")
    found = [(r["event"].removeprefix(RES), *(r.get(c, "") for c in columns)) for r in rows]
    early, mid, late, end = (
        "early in the period",
        "middle of the period",
        "late in the period",
        "end of the period",
    )
    at, by, since, after = "at the time", "no later than", "since", "after the anchor"
    assert found == [
        (
            "events-in-syria",
            "the events in Syria",
            "2011",
            "اوائل 2011",
            early,
            at,
            "2011-01-01",
            "2011-04-30",
            "true",
        ),
        (
            "clock-square-sit-in-dispersal-2011",
            "Dispersal of the Clock Square sit-in",
            "2011-04-18",
            "في 18 ابريل/نيسان 2011",
            "",
            at,
            "2011-04-18",
            "2011-04-18",
            "false",
        ),
        (
            "tank-deployment-2011",
            "Government forces deploy tanks in the city's neighbourhoods",
            "2011-05",
            "في مايو/أيار 2011",
            "",
            at,
            "2011-05-01",
            "2011-05-31",
            "false",
        ),
        (
            "october-2011-military-campaign",
            OCTOBER_CAMPAIGN,
            "2011-10-29",
            "في 29 اكتوبر/تشرين الاول 2011",
            "",
            at,
            "2011-10-29",
            "2011-10-29",
            "false",
        ),
        (
            "neighbourhoods-leave-government-control-2011",
            "Several neighbourhoods leave the regime's control",
            "2011",
            "بحلول اواخر 2011",
            late,
            by,
            "",
            "2011-12-31",
            "true",
        ),
        (
            "khalidiya-massacre-2012",
            "Khalidiya massacre",
            "2012-02-03",
            "في 3 فبراير/شباط 2012",
            "",
            at,
            "2012-02-03",
            "2012-02-03",
            "false",
        ),
        (
            "baba-amr-bombardment-2012",
            "Month-long bombardment of Baba Amr",
            "2012-02-04",
            "في اليوم التالي",
            "",
            at,
            "2012-02-04",
            "2012-02-04",
            "false",
        ),
        (
            "baba-amr-destruction-2012",
            "Most of Baba Amr is destroyed",
            "",
            "",
            "",
            at,
            "2012-02-04",
            "2012-03-04",
            "true",
        ),
        (
            "baba-amr-opposition-withdrawal-2012",
            "The opposition is forced to withdraw from Baba Amr",
            "",
            "",
            "",
            at,
            "2012-02-04",
            "2012-03-04",
            "true",
        ),
        (
            "killing-of-marie-colvin-and-remi-ochlik-2012",
            "Killing of Marie Colvin and Rémi Ochlik",
            "2012-02-22",
            "في 22 فبراير/شباط 2012",
            "",
            at,
            "2012-02-22",
            "2012-02-22",
            "false",
        ),
        (
            "old-city-bombardment-2012-2014",
            "Air and artillery bombardment of the Old City",
            "2012",
            "منذ اواسط 2012",
            mid,
            since,
            "2012-05-01",
            "2012-08-31",
            "true",
        ),
        (
            "opposition-holds-part-of-homs-2012",
            "The opposition holds 15 to 20 per cent of the city",
            "2012-05",
            "بحلول مايو/ايار 2012",
            "",
            by,
            "",
            "2012-05-31",
            "true",
        ),
        (
            "siege-of-opposition-neighbourhoods-2012",
            "The government besieges the neighbourhoods outside its control",
            "2012-06",
            "وبعد شهر",
            "",
            at,
            "2012-06-01",
            "2012-06-30",
            "false",
        ),
        (
            "deir-baalba-recapture-2012",
            "Government forces retake Deir Baalba",
            "2012-12",
            "وفي كانون الاول/ديسمبر 2012",
            "",
            at,
            "2012-12-01",
            "2012-12-31",
            "false",
        ),
        (
            "al-waer-siege-2013",
            "Siege of al-Waer",
            "2013",
            "منذ عام 2013",
            "",
            since,
            "2013-01-01",
            "2013-12-31",
            "false",
        ),
        (
            "security-forces-offensive-2013",
            "A broad security-forces offensive fails",
            "2013-03",
            "مارس/آذار 2013",
            "",
            at,
            "2013-03-01",
            "2013-03-31",
            "false",
        ),
        (
            "opposition-reinforcements-from-qusayr-2013",
            "Reinforcements for the opposition forces arrive from the al-Qusayr area",
            "2013-03",
            "",
            "",
            at,
            "2013-03-01",
            "2013-03-31",
            "false",
        ),
        (
            "qusayr-outside-government-control-2013",
            "The al-Qusayr area is outside government control",
            "2013-03",
            "",
            "",
            at,
            "2013-03-01",
            "2013-03-31",
            "false",
        ),
        (
            "hezbollah-sends-fighters-2013",
            "Hezbollah sends fighters to fight alongside government forces",
            "2013",
            "في اواسط 2013",
            mid,
            at,
            "2013-05-01",
            "2013-08-31",
            "true",
        ),
        (
            "qusayr-recapture-2013",
            "Government forces retake al-Qusayr with Hezbollah's help",
            "2013-06",
            "وبحلول يونيو/حزيران",
            "",
            by,
            "",
            "2013-06-30",
            "true",
        ),
        (
            "khalidiya-campaign-2013",
            "A new government campaign to retake Khalidiya",
            "",
            "وبعد ذلك",
            "",
            after,
            "",
            "2013-07-31",
            "true",
        ),
        (
            "khalidiya-recapture-2013",
            "Government forces retake Khalidiya",
            "2013-07",
            "بحلول نهاية يوليو/تموز 2013",
            end,
            by,
            "",
            "2013-07-31",
            "true",
        ),
        (
            "old-city-shortage-2014",
            "A total lack of basic supplies such as medicine and food in the Old City",
            "2014-01",
            "",
            end,
            at,
            "2014-01-21",
            "2014-01-31",
            "true",
        ),
        (
            "old-city-civilians-besieged-2014",
            "About 3,000 civilians under siege in the Old City",
            "2014-01",
            "بنهاية يناير/كانون الثاني 2014",
            end,
            at,
            "2014-01-21",
            "2014-01-31",
            "true",
        ),
        (
            "old-city-under-opposition-control-2014",
            "The Old City is under opposition control",
            "2014-01",
            "",
            end,
            at,
            "2014-01-21",
            "2014-01-31",
            "true",
        ),
        (
            "old-city-ceasefire-2014",
            "A temporary ceasefire to let civilians leave the Old City",
            "2014-02",
            "في فبراير/شباط 2014",
            "",
            at,
            "2014-02-01",
            "2014-02-28",
            "false",
        ),
        (
            "old-city-civilian-evacuation-2014",
            "The Red Crescent evacuates 1,400 civilians from the Old City",
            "2014-02",
            "",
            "",
            at,
            "2014-02-01",
            "2014-02-28",
            "false",
        ),
        (
            "fighting-nearing-end-2014",
            "The fighting in the city seemed to be nearing its end",
            "2014-03",
            "",
            "",
            at,
            "2014-03-01",
            "2014-03-31",
            "false",
        ),
        (
            "old-city-withdrawal-agreement-2014",
            OLD_CITY_AGREEMENT,
            "2014-03",
            "في الشهر التالي",
            "",
            at,
            "2014-03-01",
            "2014-03-31",
            "false",
        ),
        (
            "old-city-evacuation-2015",
            OLD_CITY_EXIT,
            "2015-05",
            "في مايو/آيار 2015",
            "",
            at,
            "2015-05-01",
            "2015-05-31",
            "false",
        ),
        (
            "old-city-departures-to-al-waer-2015",
            "Others go from the Old City to al-Waer",
            "2015-05",
            "",
            "",
            at,
            "2015-05-01",
            "2015-05-31",
            "false",
        ),
        (
            "al-waer-last-opposition-pocket-2015",
            "al-Waer is the opposition's last pocket",
            "2015-05",
            "",
            "",
            at,
            "2015-05-01",
            "2015-05-31",
            "false",
        ),
        (
            "al-waer-exit-attempts-2015-2017",
            "Failed attempts at an agreement for the fighters to leave al-Waer",
            "2015",
            "منذ اواخر 2015",
            late,
            since,
            "2015-09-01",
            "2015-12-31",
            "true",
        ),
        (
            "al-waer-negotiations-2015",
            "Negotiations on evacuating al-Waer",
            "2015",
            "اواخر عام 2015",
            late,
            at,
            "2015-09-01",
            "2015-12-31",
            "true",
        ),
        (
            "al-waer-agreement-2015",
            "The 2015 agreement on evacuating al-Waer",
            "",
            "",
            "",
            after,
            "2015-09-01",
            "2015-12-09",
            "true",
        ),
        (
            "al-waer-first-evacuation-2015",
            "The first group of fighters leaves al-Waer",
            "2015-12-09",
            "في التاسع من كانون الاول/ ديسمبر 2015",
            "",
            at,
            "2015-12-09",
            "2015-12-09",
            "false",
        ),
        (
            "al-waer-agreement-2017",
            "Russian-sponsored agreement to evacuate al-Waer",
            "2017-03",
            "في شهر مارس/آاذار من العام الحالي",
            "",
            at,
            "2017-03-01",
            "2017-03-31",
            "false",
        ),
        (
            "al-waer-evacuation-2017",
            "Evacuation of all fighters from al-Waer",
            "",
            "",
            "",
            after,
            "2017-03-01",
            "2017-05-21",
            "true",
        ),
        (
            "al-waer-reconciliation-2017",
            "Hundreds of the gunmen agree to settle their status",
            "",
            "",
            "",
            after,
            "2017-03-01",
            "2017-05-21",
            "true",
        ),
        (
            "al-waer-final-evacuation-2017",
            "Last opposition fighters and their families leave al-Waer",
            "2017-05-21",
            "يوم 21 مايو/آيار 2017",
            "",
            at,
            "2017-05-21",
            "2017-05-21",
            "false",
        ),
        (
            "government-control-of-homs-2017",
            "The government takes control of every neighbourhood of Homs",
            "2017-05-21",
            "",
            "",
            at,
            "2017-05-21",
            "2017-05-21",
            "false",
        ),
        (
            "homs-under-government-control-2017",
            "The whole city is under government control",
            "2017-05-21",
            "",
            "",
            at,
            "2017-05-21",
            "2017-05-21",
            "false",
        ),
        (
            "homs-declared-free-of-weapons-2017",
            "The government declares Homs 'free of weapons and gunmen'",
            "2017-05-21",
            "بعد مغادرة الحافلات",
            "",
            after,
            "2017-05-21",
            "2017-05-21",
            "false",
        ),
        (
            "opposition-disputes-over-the-old-city-agreement",
            "Disputes emerge in the ranks of the opposition fighters",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ),
        ("homs-joins-the-protests-2011", JOINS_THE_PROTESTS, "", "", "", "", "", "", ""),
        (
            "nusra-suicide-attacks-2014",
            "Nusra Front suicide attacks to break the siege of the Old City",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ),
        ("clock-square-sit-in-2011", "The Clock Square sit-in", "", "", "", "", "", "", ""),
        (
            "nusra-front-rejects-the-old-city-agreement",
            "The Nusra Front rejects the agreement",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ),
        ("al-waer-shelling", "The shelling of al-Waer", "", "", "", "", "", "", ""),
        (
            "free-syrian-army-emergence-2011",
            "The so-called Free Army emerges in Homs",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ),
    ]


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
    # al-Waer is named in no loss of control, but the text calls it the opposition's last
    # pocket in May 2015; the first group that left it in December 2015 did not end opposition
    # control there (others left after), so it is no "regained" row.
    rows = run("neighbourhoods-control")
    columns = ("neighbourhood", "lostIn", "lost", "regainedBy", "regained")
    loss = "Several neighbourhoods leave the regime's control"
    pocket = "al-Waer is the opposition's last pocket"
    assert [tuple(r.get(c, "") for c in columns) for r in rows] == [
        (
            "Baba Amr",
            loss,
            "2011",
            "The opposition is forced to withdraw from Baba Amr",
            "by 2012-03-04",
        ),
        ("Deir Baalba", loss, "2011", "Government forces retake Deir Baalba", "2012-12"),
        ("Khalidiya", loss, "2011", "Government forces retake Khalidiya", "2013-07"),
        ("Old City of Homs", loss, "2011", OLD_CITY_EXIT, "2015-05"),
        (
            "al-Waer",
            pocket,
            "by 2015-05",
            "Last opposition fighters and their families leave al-Waer",
            "2017-05-21",
        ),
        (
            "al-Waer",
            pocket,
            "by 2015-05",
            "Evacuation of all fighters from al-Waer",
            "by 2017-05-21",
        ),
    ]


def test_persons_associated_with_homs(run) -> None:
    rows = run("persons-associated-with-homs")
    came_from = (
        "خرج من المدينة عدد من كبار الشخصيات السياسية خلال القرن العشرين من بينهم رؤوساء جمهورية"
        " مثل شكري القوتلي ونور الدين الاتاسي"
    )
    assert [(r["person"], r["relation"], r["quote"]) for r in rows] == [
        (
            "Khalid ibn al-Walid",
            "shrine in",
            "وتضم المدينة ضريح القائد العسكري والصحابي خالد بن الوليد",
        ),
        (
            "Mustafa al-Sibai",
            "belongs to",
            (
                "وينتمي اليها أيضا احد الزعماء التاريخيين "
                "لجماعة الإخوان المسلمين في سورية مصطفى السباعي"
            ),
        ),
        ("Nureddin al-Atassi", "came from", came_from),
        (
            "Riad al-Turk",
            "hails from",
            "كما ينحدر منها السجين السياسي الأشهر في سورية والزعيم اليساري، رياض الترك",
        ),
        ("Shukri al-Quwatli", "came from", came_from),
    ]


def test_organisations_roles(run) -> None:
    # Every kind of agent: Russia (a country, sponsor), the notables of al-Waer (a social group,
    # mediators) and the persons of the text, beside the organisations; in time order per agent.
    # The opposition withdrew from Baba Amr (actor), the army its opponent; its fighters, not
    # "the opposition", leave, negotiate the Old City's exit and settle their status.
    rows = run("organisations-roles")
    columns = ("agent", "role", "event", "date")
    negotiations = "Negotiations on evacuating al-Waer"
    withdrawal = "The opposition is forced to withdraw from Baba Amr"
    ceasefire = "A temporary ceasefire to let civilians leave the Old City"
    last_group = "Last opposition fighters and their families leave al-Waer"
    killing = "Killing of Marie Colvin and Rémi Ochlik"
    hezbollah_sends = "Hezbollah sends fighters to fight alongside government forces"
    qusayr = "Government forces retake al-Qusayr with Hezbollah's help"
    offensive = "A broad security-forces offensive fails"
    assert [tuple(r.get(c, "") for c in columns) for r in rows] == [
        ("Free Syrian Army", "actor", "The so-called Free Army emerges in Homs", ""),
        ("Hezbollah", "actor", hezbollah_sends, "2013"),
        ("Hezbollah", "supporter", qusayr, "2013-06"),
        ("Marie Colvin", "victim", killing, "2012-02-22"),
        ("Russia", "sponsor", "Russian-sponsored agreement to evacuate al-Waer", "2017-03"),
        ("Rémi Ochlik", "victim", killing, "2012-02-22"),
        (
            "Syrian Arab Red Crescent",
            "evacuator",
            "The Red Crescent evacuates 1,400 civilians from the Old City",
            "2014-02",
        ),
        ("Syrian government", "party", "Several neighbourhoods leave the regime's control", "2011"),
        (
            "Syrian government",
            "actor",
            "The government besieges the neighbourhoods outside its control",
            "2012-06",
        ),
        ("Syrian government", "party", negotiations, "2015"),
        (
            "Syrian government",
            "actor",
            "The government takes control of every neighbourhood of Homs",
            "2017-05-21",
        ),
        ("Syrian government", "actor", "The whole city is under government control", "2017-05-21"),
        (
            "Syrian government",
            "actor",
            "The government declares Homs 'free of weapons and gunmen'",
            "2017-05-21",
        ),
        ("Syrian government", "opponent", JOINS_THE_PROTESTS, ""),
        ("Syrian opposition", "actor", withdrawal, ""),
        (
            "Syrian opposition",
            "actor",
            "The opposition holds 15 to 20 per cent of the city",
            "2012-05",
        ),
        ("Syrian opposition", "actor", "The Old City is under opposition control", "2014-01"),
        ("Syrian opposition", "actor", "al-Waer is the opposition's last pocket", "2015-05"),
        ("Syrian opposition", "party", negotiations, "2015"),
        ("Talal Barazi", "party", ceasefire, "2014-02"),
        ("United Nations", "sponsor", OLD_CITY_AGREEMENT, "2014-03"),
        ("Yacoub El Hillo", "party", ceasefire, "2014-02"),
        (
            "al-Nusra Front",
            "perpetrator",
            "Nusra Front suicide attacks to break the siege of the Old City",
            "",
        ),
        ("al-Nusra Front", "actor", "The Nusra Front rejects the agreement", ""),
        ("government army", "perpetrator", "Month-long bombardment of Baba Amr", "2012-02-04"),
        ("government army", "opponent", withdrawal, ""),
        (
            "government forces",
            "actor",
            "Government forces deploy tanks in the city's neighbourhoods",
            "2011-05",
        ),
        ("government forces", "perpetrator", OCTOBER_CAMPAIGN, "2011-10-29"),
        ("government forces", "perpetrator", killing, "2012-02-22"),
        ("government forces", "actor", "Government forces retake Deir Baalba", "2012-12"),
        ("government forces", "beneficiary", hezbollah_sends, "2013"),
        ("government forces", "actor", qusayr, "2013-06"),
        ("government forces", "actor", "A new government campaign to retake Khalidiya", ""),
        ("government forces", "actor", "Government forces retake Khalidiya", "2013-07"),
        ("notables of al-Waer", "mediator", negotiations, "2015"),
        ("opposition fighters", "party", offensive, "2013-03"),
        (
            "opposition fighters",
            "beneficiary",
            "Reinforcements for the opposition forces arrive from the al-Qusayr area",
            "2013-03",
        ),
        ("opposition fighters", "party", OLD_CITY_AGREEMENT, "2014-03"),
        ("opposition fighters", "evacuee", OLD_CITY_EXIT, "2015-05"),
        (
            "opposition fighters",
            "evacuee",
            "The first group of fighters leaves al-Waer",
            "2015-12-09",
        ),
        ("opposition fighters", "evacuee", "Evacuation of all fighters from al-Waer", ""),
        ("opposition fighters", "actor", "Hundreds of the gunmen agree to settle their status", ""),
        ("opposition fighters", "evacuee", last_group, "2017-05-21"),
        (
            "opposition fighters",
            "party",
            "Disputes emerge in the ranks of the opposition fighters",
            "",
        ),
        ("opposition fighters' families", "evacuee", OLD_CITY_EXIT, "2015-05"),
        ("opposition fighters' families", "evacuee", last_group, "2017-05-21"),
        ("security forces", "actor", offensive, "2013-03"),
    ]


def test_event_evidence(run) -> None:
    rows = run("event-evidence")
    assert [(r["about"].removeprefix(RES), r["exact"], r["start"], r["end"]) for r in rows][1:] == [
        ("khalidiya-massacre-2012#killed", "340 شخصا", "1936", "1944"),
        ("khalidiya-massacre-2012#wounded", "1800 جريح", "1954", "1963"),
    ]
    assert rows[0]["sentence"].startswith("في 3 فبراير/شباط 2012")


def quotes_of_every_event() -> list[tuple[str, str, str, str, str]]:
    """What the annotations quote for each event and situation, located in the article: the event's
    own quote, its counts' phrases, the quote of a participation, of a link
    (part of, result of, about, caused by) or of a means of transport that the annotation quotes
    apart, and the quotes of its wording, purposes and terms (the others rest on the event's
    quote)."""
    source = corpus_dir() / "sources" / "homs-2017-05-21.ar.txt"
    text = unicodedata.normalize("NFC", source.read_text(encoding="utf-8"))
    annotations = corpus_dir() / "annotations" / "homs-2017-05-21.yaml"
    events = yaml.safe_load(annotations.read_text(encoding="utf-8"))["events"]
    found = []
    for event in events:
        quotes = [event["quote"], *(count["phrase"] for count in event.get("counts", []))]
        quotes += [quoted[2] for quoted in event.get("participants", []) if len(quoted) == 3]
        for link in ("part_of", "result_of", "about", "caused_by"):
            linked = event.get(link, [])
            for item in linked if isinstance(linked, list) else [linked]:
                if isinstance(item, dict):
                    quotes.append(item["quote"])
        if "transport" in event:
            quotes.append(event["transport"]["quote"])
        for part in ("characterisations", "purposes", "terms"):
            quotes += [item["quote"] for item in event.get(part, [])]
        for quote in quotes:
            start = text.index(unicodedata.normalize("NFC", quote))
            found.append((event["id"], event["label"]["en"], quote, start, start + len(quote)))
    in_order = sorted(found, key=lambda row: (row[0], row[3], row[4]))
    return [(e, label, quote, str(s), str(t)) for e, label, quote, s, t in in_order]


def test_event_evidence_all(run) -> None:
    # Each event and situation with each quote that evidences it or one of its parts, once per
    # evidence record, and no other: 50 events and situations, 9 counts, 4 participations quoted
    # apart, 11 links quoted apart (2 part of, 2 result of, 2 about, 5 caused by, one of them the
    # cause of the March 2013 offensive's failure), 1 means of transport, 4 characterisations,
    # 6 purposes and 7 terms. Two causes are quoted with their effect's own words (the caption;
    # the agreement that led to disputes): a record for the event and one for the cause.
    rows = run("event-evidence-all")
    columns = ("label", "exact", "start", "end")
    found = [(r["event"].removeprefix(RES), *(r[c] for c in columns)) for r in rows]
    expected = quotes_of_every_event()
    assert len(expected) == 92
    assert found == expected


def test_month_or_year_precision(run) -> None:
    # Every event and situation not dated to the day: a month or a year, only bounds worked out
    # from other events, or no time at all; by latest bound, the undated last.
    rows = run("month-or-year-precision")
    columns = ("event", "precision", "date", "phrase", "earliest", "latest")
    bounds = "bounds only"
    assert [tuple(r.get(c, "") for c in columns) for r in rows] == [
        ("the events in Syria", "year", "2011", "اوائل 2011", "2011-01-01", "2011-04-30"),
        (
            "Government forces deploy tanks in the city's neighbourhoods",
            "month",
            "2011-05",
            "في مايو/أيار 2011",
            "2011-05-01",
            "2011-05-31",
        ),
        (
            "Several neighbourhoods leave the regime's control",
            "year",
            "2011",
            "بحلول اواخر 2011",
            "",
            "2011-12-31",
        ),
        ("Most of Baba Amr is destroyed", bounds, "", "", "2012-02-04", "2012-03-04"),
        (
            "The opposition is forced to withdraw from Baba Amr",
            bounds,
            "",
            "",
            "2012-02-04",
            "2012-03-04",
        ),
        (
            "The opposition holds 15 to 20 per cent of the city",
            "month",
            "2012-05",
            "بحلول مايو/ايار 2012",
            "",
            "2012-05-31",
        ),
        (
            "The government besieges the neighbourhoods outside its control",
            "month",
            "2012-06",
            "وبعد شهر",
            "2012-06-01",
            "2012-06-30",
        ),
        (
            "Air and artillery bombardment of the Old City",
            "year",
            "2012",
            "منذ اواسط 2012",
            "2012-05-01",
            "2012-08-31",
        ),
        (
            "Government forces retake Deir Baalba",
            "month",
            "2012-12",
            "وفي كانون الاول/ديسمبر 2012",
            "2012-12-01",
            "2012-12-31",
        ),
        (
            "A broad security-forces offensive fails",
            "month",
            "2013-03",
            "مارس/آذار 2013",
            "2013-03-01",
            "2013-03-31",
        ),
        (
            "Reinforcements for the opposition forces arrive from the al-Qusayr area",
            "month",
            "2013-03",
            "",
            "2013-03-01",
            "2013-03-31",
        ),
        (
            "The al-Qusayr area is outside government control",
            "month",
            "2013-03",
            "",
            "2013-03-01",
            "2013-03-31",
        ),
        (
            "Government forces retake al-Qusayr with Hezbollah's help",
            "month",
            "2013-06",
            "وبحلول يونيو/حزيران",
            "",
            "2013-06-30",
        ),
        ("A new government campaign to retake Khalidiya", bounds, "", "وبعد ذلك", "", "2013-07-31"),
        (
            "Government forces retake Khalidiya",
            "month",
            "2013-07",
            "بحلول نهاية يوليو/تموز 2013",
            "",
            "2013-07-31",
        ),
        (
            "Hezbollah sends fighters to fight alongside government forces",
            "year",
            "2013",
            "في اواسط 2013",
            "2013-05-01",
            "2013-08-31",
        ),
        ("Siege of al-Waer", "year", "2013", "منذ عام 2013", "2013-01-01", "2013-12-31"),
        (
            "A total lack of basic supplies such as medicine and food in the Old City",
            "month",
            "2014-01",
            "",
            "2014-01-21",
            "2014-01-31",
        ),
        (
            "About 3,000 civilians under siege in the Old City",
            "month",
            "2014-01",
            "بنهاية يناير/كانون الثاني 2014",
            "2014-01-21",
            "2014-01-31",
        ),
        (
            "The Old City is under opposition control",
            "month",
            "2014-01",
            "",
            "2014-01-21",
            "2014-01-31",
        ),
        (
            "A temporary ceasefire to let civilians leave the Old City",
            "month",
            "2014-02",
            "في فبراير/شباط 2014",
            "2014-02-01",
            "2014-02-28",
        ),
        (
            "The Red Crescent evacuates 1,400 civilians from the Old City",
            "month",
            "2014-02",
            "",
            "2014-02-01",
            "2014-02-28",
        ),
        (
            "The fighting in the city seemed to be nearing its end",
            "month",
            "2014-03",
            "",
            "2014-03-01",
            "2014-03-31",
        ),
        (OLD_CITY_AGREEMENT, "month", "2014-03", "في الشهر التالي", "2014-03-01", "2014-03-31"),
        (OLD_CITY_EXIT, "month", "2015-05", "في مايو/آيار 2015", "2015-05-01", "2015-05-31"),
        (
            "Others go from the Old City to al-Waer",
            "month",
            "2015-05",
            "",
            "2015-05-01",
            "2015-05-31",
        ),
        (
            "al-Waer is the opposition's last pocket",
            "month",
            "2015-05",
            "",
            "2015-05-01",
            "2015-05-31",
        ),
        ("The 2015 agreement on evacuating al-Waer", bounds, "", "", "2015-09-01", "2015-12-09"),
        (
            "Failed attempts at an agreement for the fighters to leave al-Waer",
            "year",
            "2015",
            "منذ اواخر 2015",
            "2015-09-01",
            "2015-12-31",
        ),
        (
            "Negotiations on evacuating al-Waer",
            "year",
            "2015",
            "اواخر عام 2015",
            "2015-09-01",
            "2015-12-31",
        ),
        (
            "Russian-sponsored agreement to evacuate al-Waer",
            "month",
            "2017-03",
            "في شهر مارس/آاذار من العام الحالي",
            "2017-03-01",
            "2017-03-31",
        ),
        ("Evacuation of all fighters from al-Waer", bounds, "", "", "2017-03-01", "2017-05-21"),
        (
            "Hundreds of the gunmen agree to settle their status",
            bounds,
            "",
            "",
            "2017-03-01",
            "2017-05-21",
        ),
        ("Disputes emerge in the ranks of the opposition fighters", "undated", "", "", "", ""),
        (JOINS_THE_PROTESTS, "undated", "", "", "", ""),
        (
            "Nusra Front suicide attacks to break the siege of the Old City",
            "undated",
            "",
            "",
            "",
            "",
        ),
        ("The Clock Square sit-in", "undated", "", "", "", ""),
        ("The Nusra Front rejects the agreement", "undated", "", "", "", ""),
        ("The shelling of al-Waer", "undated", "", "", "", ""),
        ("The so-called Free Army emerges in Homs", "undated", "", "", "", ""),
    ]


def test_al_waer_story(run) -> None:
    # The negotiations of "late 2015" (from 1 September) come before the first group left on
    # 9 December 2015, and the 2015 agreement, placed only after them, right after them. The
    # ~2,000 fighters of May 2015 went to the countryside; "others" (uncounted) went to al-Waer.
    # The shelling the agreements sought to stop is undated, last.
    rows = run("al-waer-story")
    columns = ("event", "type", "date", "earliest", "latest", "resultOf")
    agreement_2017 = "Russian-sponsored agreement to evacuate al-Waer"
    assert [tuple(r.get(c, "") for c in columns) for r in rows] == [
        ("Siege of al-Waer", "siege", "2013", "2013-01-01", "2013-12-31", ""),
        (
            "Others go from the Old City to al-Waer",
            "evacuation",
            "2015-05",
            "2015-05-01",
            "2015-05-31",
            "",
        ),
        (
            "al-Waer is the opposition's last pocket",
            "territorial control",
            "2015-05",
            "2015-05-01",
            "2015-05-31",
            "",
        ),
        (
            "Failed attempts at an agreement for the fighters to leave al-Waer",
            "negotiation",
            "2015",
            "2015-09-01",
            "2015-12-31",
            "",
        ),
        (
            "Negotiations on evacuating al-Waer",
            "negotiation",
            "2015",
            "2015-09-01",
            "2015-12-31",
            "",
        ),
        (
            "The 2015 agreement on evacuating al-Waer",
            "agreement",
            "",
            "2015-09-01",
            "2015-12-09",
            "Negotiations on evacuating al-Waer",
        ),
        (
            "The first group of fighters leaves al-Waer",
            "evacuation",
            "2015-12-09",
            "2015-12-09",
            "2015-12-09",
            "",
        ),
        (agreement_2017, "agreement", "2017-03", "2017-03-01", "2017-03-31", ""),
        (
            "Evacuation of all fighters from al-Waer",
            "evacuation",
            "",
            "2017-03-01",
            "2017-05-21",
            agreement_2017,
        ),
        (
            "Hundreds of the gunmen agree to settle their status",
            "status settlement",
            "",
            "2017-03-01",
            "2017-05-21",
            agreement_2017,
        ),
        (
            "Last opposition fighters and their families leave al-Waer",
            "evacuation",
            "2017-05-21",
            "2017-05-21",
            "2017-05-21",
            "",
        ),
        ("The shelling of al-Waer", "bombardment", "", "", "", ""),
    ]


def test_foreign_actors(run) -> None:
    # The UN takes part in the February 2014 ceasefire through its resident representative;
    # Hezbollah sends its fighters (actor) and helps retake al-Qusayr (supporter).
    rows = run("foreign-actors")
    columns = ("actor", "country", "role", "event", "through")
    killing = "Killing of Marie Colvin and Rémi Ochlik"
    assert [tuple(r.get(c, "") for c in columns) for r in rows] == [
        (
            "Hezbollah",
            "Lebanon",
            "supporter",
            "Government forces retake al-Qusayr with Hezbollah's help",
            "",
        ),
        (
            "Hezbollah",
            "Lebanon",
            "actor",
            "Hezbollah sends fighters to fight alongside government forces",
            "",
        ),
        ("Marie Colvin", "United States", "victim", killing, ""),
        ("Russia", "Russia", "sponsor", "Russian-sponsored agreement to evacuate al-Waer", ""),
        ("Rémi Ochlik", "France", "victim", killing, ""),
        (
            "United Nations",
            "",
            "party",
            "A temporary ceasefire to let civilians leave the Old City",
            "Yacoub El Hillo",
        ),
        ("United Nations", "", "sponsor", OLD_CITY_AGREEMENT, ""),
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


def test_perpetrators_are_the_agents_the_text_names(run) -> None:
    # The security forces launched the March 2013 offensive and the government's forces the 2013
    # Khalidiya campaign (the annotation calls them actors); the Clock Square dispersal, the
    # Khalidiya massacre, the bombardment of the Old City and the shelling of al-Waer have no
    # agent in the text. The deaths as the text counts them: between 200 and 300 at Clock Square
    # is the range "200\N{EN DASH}300", not its maximum; the undated events last.
    rows = run("perpetrators")
    columns = ("event", "type", "agent", "role", "killed")
    campaign, forces = "military campaign", "government forces"
    assert [tuple(r.get(c, "") for c in columns) for r in rows] == [
        ("Dispersal of the Clock Square sit-in", "sit-in dispersal", "", "", "200\N{EN DASH}300"),
        (OCTOBER_CAMPAIGN, campaign, forces, "perpetrator", ""),
        ("Khalidiya massacre", "massacre", "", "", "340"),
        (
            "Month-long bombardment of Baba Amr",
            "bombardment",
            "government army",
            "perpetrator",
            "700",
        ),
        ("Killing of Marie Colvin and Rémi Ochlik", "killing", forces, "perpetrator", ""),
        ("Air and artillery bombardment of the Old City", "bombardment", "", "", ""),
        ("A broad security-forces offensive fails", campaign, "security forces", "actor", ""),
        ("A new government campaign to retake Khalidiya", campaign, forces, "actor", ""),
        (
            "Nusra Front suicide attacks to break the siege of the Old City",
            "attack",
            "al-Nusra Front",
            "perpetrator",
            "",
        ),
        ("The shelling of al-Waer", "bombardment", "", "", ""),
    ]


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
        (
            "A broad security-forces offensive fails: outcome failure",
            "caused by",
            "Reinforcements for the opposition forces arrive from the al-Qusayr area",
            "بعد",
        ),
        (
            "Disputes emerge in the ranks of the opposition fighters",
            "caused by",
            OLD_CITY_AGREEMENT,
            "ادى الاتفاق الى",
        ),
        (
            "Evacuation of all fighters from al-Waer",
            "result of",
            "Russian-sponsored agreement to evacuate al-Waer",
            None,
        ),
        (
            "Government forces retake Khalidiya",
            "result of",
            "A new government campaign to retake Khalidiya",
            None,
        ),
        (
            "Homs called 'city of Ibn al-Walid'",
            "caused by",
            "Shrine of Khalid ibn al-Walid: located in Homs",
            "ولهذا السبب",
        ),
        (
            "Hundreds of the gunmen agree to settle their status",
            "result of",
            "Russian-sponsored agreement to evacuate al-Waer",
            None,
        ),
        (
            "Killing of Marie Colvin and Rémi Ochlik",
            "caused by",
            "Month-long bombardment of Baba Amr",
            "جراء",
        ),
        (
            "Most of Baba Amr is destroyed",
            "caused by",
            "Month-long bombardment of Baba Amr",
            "ادى الى",
        ),
        (
            "The 2015 agreement on evacuating al-Waer",
            "result of",
            "Negotiations on evacuating al-Waer",
            None,
        ),
        (
            "The Red Crescent evacuates 1,400 civilians from the Old City",
            "result of",
            "A temporary ceasefire to let civilians leave the Old City",
            None,
        ),
        (
            "The government takes control of every neighbourhood of Homs",
            "result of",
            "Russian-sponsored agreement to evacuate al-Waer",
            None,
        ),
        (
            "The opposition is forced to withdraw from Baba Amr",
            "result of",
            "Month-long bombardment of Baba Amr",
            "واجبر",
        ),
        (
            "The whole city is under government control",
            "caused by",
            "Last opposition fighters and their families leave al-Waer",
            "بخروج",
        ),
    ]
    connected = [r for r in rows if "connective" in r]
    assert all(r["connective"] in r["quote"] for r in connected)


def test_conditions_under_siege(run) -> None:
    rows = run("conditions-under-siege")
    old_city = "About 3,000 civilians under siege in the Old City"
    assert [
        (
            r["siege"],
            r["place"],
            r.get("besieged"),
            r["condition"],
            r["kind"],
            r.get("extent"),
            r.get("date"),
            r["quote"],
        )
        for r in rows
    ] == [
        (
            old_city,
            "Old City of Homs",
            "حوالي 3 آلاف مدني",
            "Air and artillery bombardment of the Old City",
            "bombardment",
            None,
            "2012",
            "مع استمرار القصف الجوي والمدفعي منذ اواسط 2012",
        ),
        (
            old_city,
            "Old City of Homs",
            "حوالي 3 آلاف مدني",
            "A total lack of basic supplies such as medicine and food in the Old City",
            "shortage",
            "total",
            "2014-01",
            "وانعدام تام للامدادات الاساسية مثل الدواء والغذاء",
        ),
        (
            old_city,
            "Old City of Homs",
            "حوالي 3 آلاف مدني",
            "a stifling siege",
            "the text's words for the siege",
            None,
            None,
            "وسط حصار خانق",
        ),
        (
            "Siege of al-Waer",
            "al-Waer",
            None,
            "The shelling of al-Waer",
            "bombardment",
            None,
            None,
            "مقابل رفع الحصار عنه ووقف القصف",
        ),
    ]


def test_terms_of_agreements(run) -> None:
    rows = run("terms-of-agreements")
    attempts = "Failed attempts at an agreement for the fighters to leave al-Waer"
    leave = "the fighters leave the neighbourhood"
    assert [
        (
            r["agreement"],
            r.get("date"),
            r.get("outcome"),
            r["term"],
            r.get("inExchangeFor"),
            r.get("about"),
        )
        for r in rows
    ] == [
        (
            "A temporary ceasefire to let civilians leave the Old City",
            "2014-02",
            None,
            "a temporary ceasefire",
            None,
            None,
        ),
        (
            OLD_CITY_AGREEMENT,
            "2014-03",
            None,
            "the opposition fighters who remain in the Old City withdraw from it",
            None,
            None,
        ),
        (attempts, "2015", "failure", leave, "the shelling stops", None),
        (attempts, "2015", "failure", leave, "the siege of the neighbourhood is lifted", None),
        (attempts, "2015", "failure", "the shelling stops", None, "The shelling of al-Waer"),
        (
            attempts,
            "2015",
            "failure",
            "the siege of the neighbourhood is lifted",
            None,
            "Siege of al-Waer",
        ),
        (
            "Russian-sponsored agreement to evacuate al-Waer",
            "2017-03",
            None,
            "the government's control over the city is restored, for the first time since the "
            "beginning of the events in Syria",
            None,
            "The government takes control of every neighbourhood of Homs",
        ),
        (
            "Russian-sponsored agreement to evacuate al-Waer",
            "2017-03",
            None,
            "the neighbourhood is emptied of all gunmen, who are moved to areas under opposition "
            "control",
            None,
            "Evacuation of all fighters from al-Waer",
        ),
    ]
    assert all(r["termAr"] and r["quote"] for r in rows)


def test_attributed_wording(run) -> None:
    rows = run("attributed-wording")
    assert [(r["named"], r["arabic"], r["usedBy"], r.get("formerly")) for r in rows] == [
        (
            "Hundreds of the gunmen agree to settle their status",
            "المصالحات",
            "Syrian government",
            None,
        ),
        (
            "The government declares Homs 'free of weapons and gunmen'",
            "خالية من السلاح والمسلحين",
            "Syrian government",
            None,
        ),
        ("Homs", "عاصمة الثورة", "Syrian opposition", "true"),
    ]
