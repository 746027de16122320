"""The words of the HTML pages: the interface's strings in English and Arabic, and the English
renderings of the graph's dates, counts and quotes, at the precision the text gives and no finer
(docs/data-model.md: "late 2011" stays "late 2011", never 2011-12-31).

Everything here returns plain strings; the templates escape them.
"""

from __future__ import annotations

from dataclasses import dataclass

EN_DASH = "\u2013"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# hkg:timeQualifier: how a vague phrase narrows its period.
QUALIFIERS = {
    "EarlyPeriod": "early {}",
    "MidPeriod": "mid-{}",
    "LatePeriod": "late {}",
    "EndOfPeriod": "the end of {}",
}
# hkg:timeMode: how the event stands to its time (AtTime and AfterAnchor add nothing to the date;
# AfterAnchor is said with its anchor).
MODES = {"NoLaterThan": "by {}", "SinceTime": "since {}"}
# hkg:relativeTime: how a relative phrase was resolved against its anchor.
RELATIVE = {
    "next-day": "the day after",
    "month-later": "a month after",
    "next-month": "the month after",
    "current-year": "in the year of",
    "after": "after",
    "few-days-ago": "a few days before",
    "anchor-year": "in the same year as",
    "same-time": "at the same time as",
    "during": "during",
}

# The interface's own words (headings, notes), English and Arabic, chosen by ?lang=.
WORDS: dict[str, tuple[str, str]] = {
    "type": ("Type", "النوع"),
    "iri": ("IRI", "المعرّف"),
    "also written": ("Also written", "يُكتب أيضًا"),
    "same as": ("same as", "هو نفسه"),
    "close match": ("close match", "مطابقة قريبة"),
    "wikidata": ("Wikidata", "ويكي بيانات"),
    "evidence": ("Evidence", "الشاهد من النص"),
    "evidence record": ("evidence record", "سجل الشاهد"),
    "quoted above": ("the same quote as above", "الاقتباس نفسه أعلاه"),
    "time": ("Time", "الزمن"),
    "as the text gives it": ("as the text gives it", "كما يرد في النص"),
    "resolved": ("Resolved against", "محسوب بالنسبة إلى"),
    "ends": ("Ends", "ينتهي"),
    "approximate": ("approximate", "تقريبي"),
    "counts": ("Counts", "الأعداد"),
    "kind": ("Kind", "النوع"),
    "group": ("Group", "الفئة"),
    "number": ("Number", "العدد"),
    "in the text": ("In the text", "في النص"),
    "participants": ("Participants", "المشاركون"),
    "role": ("Role", "الدور"),
    "statements": ("Statements", "العلاقات"),
    "nicknames": ("Nicknames", "الألقاب"),
    "characterisations": ("What the text calls it", "الأوصاف"),
    "used by": ("used by", "يستخدمه"),
    "timeline": ("Timeline", "الخط الزمني"),
    "timeline note": (
        "Events that involve it, in the order of their time.",
        "الأحداث المتعلقة به مرتبة زمنيًا.",
    ),
    "date": ("Date", "التاريخ"),
    "event": ("Event", "الحدث"),
    "relation": ("Relation", "العلاقة"),
    "incoming": ("Incoming links", "روابط واردة"),
    "incoming note": (
        "Resources that point here, by property.",
        "موارد تشير إلى هذا المورد، بحسب الخاصية.",
    ),
    "data": ("Machine-readable data", "البيانات المقروءة آليًا"),
    "source": ("Source", "المصدر"),
    "title": ("Title", "العنوان"),
    "language": ("Language", "اللغة"),
    "published": ("Published", "تاريخ النشر"),
    "publisher note": ("Publisher note", "ملاحظة عن الناشر"),
    "text": ("Text", "النص"),
    "named graph": ("Named graph", "الرسم البياني المسمى"),
    "quoted by": ("Evidence records quoting it", "سجلات الشواهد المقتبسة منه"),
    "describes": ("Describes", "يصف"),
    "quote": ("Quote", "الاقتباس"),
    "position": ("Position in the text (code points)", "الموضع في النص"),
    "triples": ("Triples", "الثلاثيات"),
    "subjects": ("Subjects", "الموضوعات"),
    "instances by class": ("Instances by class", "العناصر بحسب الصنف"),
    "download": ("Download", "تنزيل"),
    "entities": ("Entities", "الكيانات"),
    "events": ("Events and situations", "الأحداث والأوضاع"),
    "evidence records": ("Evidence records", "سجلات الشواهد"),
    "classes": ("Classes", "الأصناف"),
    "records": ("Records", "السجلات"),
    "vocabulary": ("Vocabulary", "المفردات"),
    "explore": ("Explore", "استكشف"),
    "undated": ("undated", "غير مؤرخ"),
    "no instances": ("No instances.", "لا عناصر."),
    "instances": ("instances", "عنصرًا"),
    "query ui": ("Query the graph with SPARQL", "استعلم عن الرسم بلغة SPARQL"),
    "catalogue": ("Catalogue of example queries", "فهرس الاستعلامات النموذجية"),
    "dumps": ("Download the dumps", "تنزيل نسخ البيانات الكاملة"),
    "void": ("VoID description of the dataset", "وصف مجموعة البيانات (VoID)"),
    "timeline page note": (
        "Every event and situation in the order of its time. Dates are shown as the text gives "
        "them; where the text gives none, the bounds worked out from it.",
        "كل الأحداث والأوضاع مرتبة زمنيًا. تُعرض التواريخ كما يوردها النص، وحيث لا يذكر تاريخًا تُعرض "
        "الحدود المستنتجة منه.",
    ),
}


def chrome(language: str):
    """The interface's word for ``key`` in ``language`` ("en" or "ar")."""
    index = 1 if language == "ar" else 0

    def word(key: str) -> str:
        return WORDS[key][index]

    return word


def local_name(iri: str | None) -> str | None:
    if iri is None:
        return None
    return iri[max(iri.rfind("/"), iri.rfind("#")) + 1 :]


def english_date(lexical: str, datatype: str | None) -> str:
    """``2011-04-18``^^xsd:date → "18 April 2011", gYearMonth → "May 2011", gYear → "2011"."""
    kind = local_name(datatype) or "date"
    parts = lexical[:10].split("-")
    try:
        if kind == "date" and len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if kind == "gYearMonth" and len(parts) >= 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if kind == "gYear":
            return parts[0]
    except (ValueError, IndexError):
        pass
    return lexical


@dataclass(frozen=True)
class TimeFacts:
    """An event's time as the graph states it (local names for the hkg: individuals)."""

    date: str | None = None
    datatype: str | None = None
    phrase: str | None = None  # hkg:datePhrase, Arabic
    qualifier: str | None = None  # hkg:timeQualifier
    mode: str | None = None  # hkg:timeMode
    earliest: str | None = None  # sem:hasEarliestBeginTimeStamp
    latest: str | None = None  # sem:hasLatestBeginTimeStamp
    relative: str | None = None  # hkg:relativeTime
    end: str | None = None  # sem:hasLatestEndTimeStamp
    end_phrase: str | None = None  # hkg:endPhrase, Arabic
    approximate: bool = False

    @property
    def dated(self) -> bool:
        return bool(self.date or self.earliest or self.latest)


def english_time(facts: TimeFacts) -> str | None:
    """The English of an event's time: its date at its precision, qualified ("late 2011") and
    moded ("by late 2011"); without hkg:date, its bounds ("between 2015-09-01 and 2015-12-09")."""
    if facts.date:
        text = english_date(facts.date, facts.datatype)
        if facts.qualifier in QUALIFIERS:
            text = QUALIFIERS[facts.qualifier].format(text)
        return MODES.get(facts.mode or "", "{}").format(text)
    return bounds(facts.earliest, facts.latest)


def bounds(earliest: str | None, latest: str | None) -> str | None:
    if earliest and latest:
        return earliest if earliest == latest else f"between {earliest} and {latest}"
    if latest:
        return f"no later than {latest}"
    if earliest:
        return f"no earlier than {earliest}"
    return None


def relation_to_anchor(facts: TimeFacts) -> str | None:
    """How the time was resolved against its anchor ("the day after", "after"), if it was."""
    if facts.relative:
        return RELATIVE.get(facts.relative, f"relative ({facts.relative}) to")
    if facts.mode == "AfterAnchor":
        return "after"
    return None


def english_end(facts: TimeFacts) -> str | None:
    """The end bound a duration or an end phrase gives (a latest bound, hence "by")."""
    return f"by {english_date(facts.end, None)}" if facts.end else None


def number(lexical: str) -> str:
    """1800 → "1,800"; a non-integer is shown as written."""
    try:
        return f"{int(lexical):,}"
    except ValueError:
        return lexical


def english_count(
    value: str | None,
    minimum: str | None,
    maximum: str | None,
    unit: str | None,
    approximate: bool,
) -> str:
    """A count as the text gives it: "340", "about 3,000", "200-300", "15-20 %" (with an en
    dash between the bounds)."""
    if value is not None:
        text = number(value)
    elif minimum is not None and maximum is not None and minimum != maximum:
        text = f"{number(minimum)}{EN_DASH}{number(maximum)}"
    else:
        text = number(minimum or maximum or "?")
    if approximate:
        text = f"about {text}"
    if unit == "percent":
        text = f"{text} %"
    return text


def common_suffix(left: str, right: str) -> int:
    size = 0
    while size < min(len(left), len(right)) and left[-1 - size] == right[-1 - size]:
        size += 1
    return size


def common_prefix(left: str, right: str) -> int:
    size = 0
    while size < min(len(left), len(right)) and left[size] == right[size]:
        size += 1
    return size


def split_quote(
    sentence: str, exact: str, prefix: str = "", suffix: str = ""
) -> tuple[str, str, str] | None:
    """The sentence cut around the quote: (before, exact, after). Of several occurrences, the one
    whose surroundings best match the selector's prefix and suffix (the first on a tie); None
    when the sentence does not hold the quote."""
    if not exact:
        return None
    found, start = [], sentence.find(exact)
    while start >= 0:
        found.append(start)
        start = sentence.find(exact, start + 1)
    if not found:
        return None

    def fit(at: int) -> tuple[int, int]:
        after = at + len(exact)
        return common_suffix(sentence[:at], prefix) + common_prefix(sentence[after:], suffix), -at

    at = max(found, key=fit)
    return sentence[:at], exact, sentence[at + len(exact) :]
