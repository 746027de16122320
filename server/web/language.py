"""The interface language of a request and the interface's words, in English and Arabic.

The interface language is in the URL (``?lang=ar``; anything else is English), never guessed
from Accept-Language: a page is then one representation per URL, cacheable as it is, and a link
keeps its language by carrying the parameter (``localised``).

Templates reach all of it through the context ``install`` registers on the app: ``ui_lang`` and
``ui_dir`` (the interface's language and direction), ``ui_order`` (both languages, the
interface's first: the order of bilingual columns), ``t(key)`` (a word of the table below, in the
interface language or in ``lang=``), ``switch_to(lang)`` (this page in another language), and
the filters ``localised`` (a URL of this site, in the interface language) and ``pick`` (the
interface language's side of a two-language value such as a label).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, has_request_context, request
from jinja2 import pass_context

ENGLISH, ARABIC = "en", "ar"
LANGUAGES = (ENGLISH, ARABIC)  # the order of each pair in WORDS
PARAMETER = "lang"
ENDONYMS = {ENGLISH: "English", ARABIC: "العربية"}

# The interface's words: key -> (English, Arabic). Values may hold str.format fields ({n}).
WORDS: dict[str, tuple[str, str]] = {
    # the frame of every page (base.html)
    "site": ("homs-kg", "الرئيسية"),
    "nav timeline": ("Timeline", "الخط الزمني"),
    "nav query": ("Query", "استعلام"),
    "search labels": ("Search labels", "ابحث في التسميات"),
    "search": ("search", "بحث"),
    "language ar": ("Arabic", "العربية"),
    "language en": ("English", "الإنكليزية"),
    # home page
    "home title": ("a knowledge graph of a news article on Homs", "رسم معرفي لمقال إخباري عن حمص"),
    "home intro": (
        "homs-kg is an open knowledge graph of one Arabic news article: a profile of the Syrian "
        "city of Homs published on 21 May 2017, the day the last opposition fighters left its "
        "al-Waer neighbourhood. It names the people, places, organisations and events the "
        "article speaks of, with their dates and counts as the article gives them: what the text "
        "says vaguely stays vague, and ranges stay ranges.",
        "homs-kg رسم معرفي مفتوح لمقال إخباري عربي واحد: لمحة عن مدينة حمص السورية نُشرت في 21 "
        "مايو/أيار 2017، يوم خروج آخر دفعة من مقاتلي المعارضة من حي الوعر. يضم الأشخاص والأماكن "
        "والمنظمات والأحداث التي يذكرها المقال، بتواريخها وأعدادها كما يوردها النص: ما جاء "
        "تقريبيًا يبقى تقريبيًا، وما جاء مدى يبقى مدى.",
    ),
    "home evidence": (
        "Every statement points to its evidence, the exact Arabic words it rests on, located in "
        "the text with W3C Web Annotation selectors. Each thing has a page here and an RDF "
        "description for machines; the whole graph can be queried with SPARQL or downloaded.",
        "كل عبارة فيه تشير إلى شاهدها: الكلمات العربية التي تستند إليها بعينها، محددة في النص "
        "بمحددات W3C Web Annotation. لكل عنصر صفحة هنا ووصف RDF للآلات، ويمكن الاستعلام عن "
        "الرسم كله بلغة SPARQL أو تنزيله.",
    ),
    # a resource's page
    "type": ("Type", "النوع"),
    "iri": ("IRI", "المعرّف"),
    "same as": ("same as", "هو نفسه"),
    "close match": ("close match", "مطابقة قريبة"),
    "wikidata": ("Wikidata", "ويكي بيانات"),
    "evidence": ("Evidence", "الشاهد من النص"),
    "evidence record": ("evidence record", "سجل الشاهد"),
    "quoted above": ("the same quote as above", "الاقتباس نفسه أعلاه"),
    "time": ("Time", "الزمن"),
    "as the text gives it": ("as the text gives it", "كما يرد في النص"),
    "ends": ("ends", "ينتهي"),
    "approximate": ("approximate", "تقريبي"),
    "counts": ("Counts", "الأعداد"),
    "kind": ("Kind", "النوع"),
    "group": ("Group", "الفئة"),
    "number": ("Number", "العدد"),
    "in the text": ("In the text", "في النص"),
    "participants": ("Participants", "المشاركون"),
    "statements": ("Statements", "العلاقات"),
    "nicknames": ("Nicknames", "الألقاب"),
    "characterisations": ("What the text calls it", "الأوصاف"),
    "used by": ("used by", "يستخدمه"),
    "timeline": ("Timeline", "الخط الزمني"),
    "timeline note": (
        "Events that involve it or happen in its parts, in the order of their time.",
        "الأحداث المتعلقة به أو الواقعة في أجزائه، مرتبة زمنيًا.",
    ),
    "in part": ("in", "في"),  # followed by the parts (places) where an event happened
    "list comma": (", ", "، "),
    "date": ("Date", "التاريخ"),
    "event": ("Event", "الحدث"),
    "incoming": ("Incoming links", "روابط واردة"),
    "incoming note": (
        "Resources that point here, by property.",
        "موارد تشير إلى هذا المورد، بحسب الخاصية.",
    ),
    "data": ("Machine-readable data", "البيانات المقروءة آليًا"),
    "source": ("Source", "المصدر"),
    "language": ("Language", "اللغة"),
    "published": ("Published", "تاريخ النشر"),
    "publisher note": ("Publisher note", "ملاحظة عن الناشر"),
    "text": ("Text", "النص"),
    "named graph": ("Named graph", "الرسم البياني المسمى"),
    "quoted by": ("Evidence records quoting it", "سجلات الشواهد المقتبسة منه"),
    "describes": ("Describes", "يصف"),
    "position": ("Position in the text (code points)", "الموضع في النص"),
    "triples": ("Triples", "الثلاثيات"),
    "subjects": ("Subjects", "الموضوعات"),
    "instances by class": ("Instances by class", "العناصر بحسب الصنف"),
    "entities": ("Entities", "الكيانات"),
    "events": ("Events and situations", "الأحداث والأوضاع"),
    "evidence records": ("Evidence records", "سجلات الشواهد"),
    "classes": ("Classes", "الأصناف"),
    "records": ("Records", "السجلات"),
    # a source's review page
    "sources": ("Sources and their review", "المصادر ومراجعتها"),
    "review of": ("Review of", "مراجعة"),
    "review note": (
        "The text with the spans its annotations rest on, by kind; a sentence no statement rests "
        "on is marked. Coverage: the share of sentences with at least one statement.",
        "النص مع المقاطع التي تستند إليها التوصيفات بحسب نوعها؛ وتُعلَّم الجملة التي لا تستند "
        "إليها أي عبارة. التغطية: نسبة الجمل التي تستند إليها عبارة واحدة على الأقل.",
    ),
    "coverage": ("Coverage", "التغطية"),
    "coverage figure": (
        "{share} % of the sentences ({without} of {total} without a statement)",
        "{share} % من الجمل ({without} من {total} بلا عبارة)",
    ),
    "no statement": ("no statement", "بلا عبارة"),
    "kind entity": ("entity", "كيان"),
    "kind relation": ("relation", "علاقة"),
    "kind event": ("event", "حدث"),
    "kind date": ("date", "تاريخ"),
    "kind count": ("count", "عدد"),
    "vocabulary": ("Vocabulary", "المفردات"),
    "explore": ("Explore", "استكشف"),
    "undated": ("undated", "غير مؤرخ"),
    "no instances": ("No instances.", "لا عناصر."),
    "instances": ("instances", "عنصرًا"),
    "query ui": ("Query the graph with SPARQL", "استعلم عن الرسم بلغة SPARQL"),
    "catalogue": ("Catalogue of example queries", "فهرس الاستعلامات النموذجية"),
    # the catalogue's pages (queries.html, query_results.html)
    "catalogue title": ("Query catalogue", "فهرس الاستعلامات"),
    "catalogue intro": (
        "Questions researchers ask of this graph, each a SPARQL query. Every result rests on "
        "quotes from the source text. The questions and their notes are in English.",
        "أسئلة يطرحها الباحثون على هذا الرسم، لكل منها استعلام SPARQL. تستند كل نتيجة إلى "
        "اقتباسات من النص المصدر. الأسئلة وشروحها بالإنكليزية.",
    ),
    "results": ("Results", "النتائج"),
    "open in query ui": ("Open in the query UI", "افتحه في واجهة الاستعلام"),
    "row count": ("{n} rows", "عدد الصفوف: {n}"),
    "one row": ("1 row", "صف واحد"),
    "dumps": ("Download the dumps", "تنزيل نسخ البيانات الكاملة"),
    "void": ("VoID description of the dataset", "وصف مجموعة البيانات (VoID)"),
    "timeline page note": (
        "Every event and situation in the order of its time. Dates are shown as the text gives "
        "them; where the text gives none, the bounds worked out from it.",
        "كل الأحداث والأوضاع مرتبة زمنيًا. تُعرض التواريخ كما يوردها النص، وحيث لا يذكر تاريخًا "
        "تُعرض الحدود المستنتجة منه.",
    ),
    # search
    "search title": ("Search", "بحث"),
    "search heading": ("Search the labels", "البحث في التسميات"),
    "text to search for": ("text to search for", "نص البحث"),
    "any type": ("any type", "كل الأنواع"),
    "search button": ("Search", "ابحث"),
    "search hint": (
        "Type a name in Arabic or English; hamza forms, diacritics and tatweel do not matter, "
        "and spellings close to a name find it too, after the exact matches.",
        "اكتب اسمًا بالعربية أو بالإنكليزية؛ لا تهم الهمزات والتشكيل والتطويل، والكتابات القريبة "
        "من الاسم تجده أيضًا بعد المطابقات التامة.",
    ),
    "one result for": ("1 result for", "نتيجة واحدة للبحث عن"),
    "results for": ("{n} results for", "عدد النتائج {n} للبحث عن"),
    "matches": ("matches", "يطابق"),
    "similar spelling": ("similar spelling", "كتابة مشابهة"),
    "match score": ("match score", "درجة التطابق"),
    "nothing matches": ("Nothing matches.", "لا نتائج."),
    # errors
    "error": ("Error {status}", "خطأ {status}"),
    "details in english": ("Details", "التفاصيل (بالإنكليزية)"),
    "error home": ("Go to the home page", "إلى الصفحة الرئيسية"),
    "error search": ("or search the labels", "أو ابحث في التسميات"),
    "status 400": ("Bad Request", "طلب غير صالح"),
    "status 403": ("Forbidden", "غير مسموح"),
    "status 404": ("Not Found", "غير موجود"),
    "status 405": ("Method Not Allowed", "طريقة الطلب غير مسموح بها"),
    "status 406": ("Not Acceptable", "لا تتوفر صيغة مقبولة"),
    "status 413": ("Content Too Large", "الطلب أكبر من المسموح"),
    "status 415": ("Unsupported Media Type", "نوع المحتوى غير مدعوم"),
    "status 429": ("Too Many Requests", "طلبات كثيرة في وقت واحد"),
    "status 500": ("Internal Server Error", "خطأ داخلي"),
    "status 502": ("Bad Gateway", "خطأ من خدمة خارجية"),
    "status 503": ("Service Unavailable", "الخدمة مشغولة"),
    "status 404 note": (
        "There is nothing at this address.",
        "لا يوجد شيء على هذا العنوان.",
    ),
    # the dumps
    "dumps title": ("Dumps of the dataset", "نسخ البيانات الكاملة"),
    "dumps note": (
        "The whole dataset as the live build wrote it, each file compressed with gzip.",
        "مجموعة البيانات كاملة كما كتبها البناء الحالي، كل ملف مضغوط بصيغة gzip.",
    ),
    "file": ("File", "الملف"),
    "format": ("Format", "الصيغة"),
    "size": ("Size", "الحجم"),
    "bytes": ("{n} bytes", "{n} بايت"),
    "no dumps": ("This build wrote no dumps.", "لم يكتب هذا البناء أي نسخة."),
    # the ontology's reference and its terms' pages
    "ontology": ("homs-kg ontology", "أنطولوجيا homs-kg"),
    "label": ("label", "التسمية"),
    "instance of": ("instance of", "من نوع"),
    "in scheme": ("in scheme", "ضمن مخطط"),
    "subclass of": ("subclass of", "صنف فرعي من"),
    "subproperty of": ("subproperty of", "خاصية فرعية من"),
    "subclasses": ("subclasses", "الأصناف الفرعية"),
    "subproperties": ("subproperties", "الخصائص الفرعية"),
    "domain": ("domain", "المجال"),
    "range": ("range", "المدى"),
    "or": ("or", "أو"),
    "concepts": ("concepts", "المفاهيم"),
    "shapes": ("shapes", "الأشكال"),
    "target classes": ("target classes", "الأصناف المستهدفة"),
    "path": ("path", "المسار"),
    "domain of": ("domain of", "مجال للخصائص"),
    "range of": ("range of", "مدى للخصائص"),
    "checked by": ("checked by", "تتحقق منه الأشكال"),
    "alignments": ("alignments", "المواءمة مع مفردات أخرى"),
    "equivalent class": ("equivalent class", "صنف مكافئ"),
    "equivalent property": ("equivalent property", "خاصية مكافئة"),
    "exact match": ("exact match", "مطابقة تامة"),
    "broad match": ("broad match", "مطابقة أعم"),
    "narrow match": ("narrow match", "مطابقة أخص"),
    "related match": ("related match", "مطابقة ذات صلة"),
    "kind class": ("class", "صنف"),
    "kind object property": ("object property", "خاصية كائنية"),
    "kind datatype property": ("datatype property", "خاصية بيانات"),
    "kind concept scheme": ("concept scheme", "مخطط مفاهيم"),
    "kind concept": ("concept", "مفهوم"),
    "kind node shape": ("node shape", "شكل عقدة"),
    "kind property shape": ("property shape", "شكل خاصية"),
    "kind ontology": ("ontology", "أنطولوجيا"),
    "section-classes": ("Classes", "الأصناف"),
    "section-object-properties": ("Object properties", "الخصائص الكائنية"),
    "section-datatype-properties": ("Datatype properties", "خصائص البيانات"),
    "section-concepts": ("Concept schemes", "مخططات المفاهيم"),
    "section-shapes": ("SHACL shapes", "أشكال SHACL"),
    "contents": ("Contents", "المحتويات"),
    "class hierarchy": ("Class hierarchy", "تسلسل الأصناف"),
    "class hierarchy note": (
        "The classes by rdfs:subClassOf within the ontology.",
        "الأصناف بحسب rdfs:subClassOf داخل الأنطولوجيا.",
    ),
    "version": ("version", "الإصدار"),
    "licence": ("licence", "الترخيص"),
    "page of": ("page of {name}", "صفحة {name}"),
    "term in turtle": ("This term in Turtle", "هذا المصطلح بصيغة Turtle"),
    "examples": ("Examples from the data", "أمثلة من البيانات"),
    "class examples": (
        "{n} instances, counting those of its subclasses",
        "عدد العناصر، بما فيها عناصر أصنافه الفرعية: {n}",
    ),
    "class example": (
        "1 instance, counting those of its subclasses",
        "عنصر واحد، بما فيه عناصر أصنافه الفرعية",
    ),
    "property examples": (
        "{n} triples use it or one of its subproperties",
        "عدد الثلاثيات التي تستخدمها أو إحدى خصائصها الفرعية: {n}",
    ),
    "property example": (
        "1 triple uses it or one of its subproperties",
        "ثلاثية واحدة تستخدمها أو إحدى خصائصها الفرعية",
    ),
    "concept examples": ("{n} uses in the data", "عدد مرات استخدامه في البيانات: {n}"),
    "concept example": ("1 use in the data", "استُخدم مرة واحدة في البيانات"),
    "the first": ("; the first {n}", "؛ تُعرض منها أول {n}"),
    "subject": ("subject", "الموضوع"),
    "property": ("property", "الخاصية"),
    "object": ("object", "القيمة"),
    "through": ("through", "عبر"),
}


def ui_language() -> str:
    """The interface language of the request: ``?lang=ar`` is Arabic, anything else English."""
    if has_request_context() and request.args.get(PARAMETER) == ARABIC:
        return ARABIC
    return ENGLISH


def word(key: str, language: str, **values: object) -> str:
    """The interface's word for ``key`` in ``language``, its ``{fields}`` filled from ``values``."""
    text = WORDS[key][LANGUAGES.index(language) if language in LANGUAGES else 0]
    return text.format(**values) if values else text


def words(language: str) -> Callable[..., str]:
    """``t(key, lang=None, **values)`` of the templates: ``word`` in ``language`` by default."""

    def t(key: str, lang: str | None = None, **values: object) -> str:
        return word(key, lang or language, **values)

    return t


def direction(language: str) -> str:
    return "rtl" if language == ARABIC else "ltr"


def column_order(language: str) -> list[str]:
    """Both languages, ``language`` first: the order of bilingual columns."""
    return [language, *(other for other in LANGUAGES if other != language)]


def with_language(url: str, language: str) -> str:
    """``url`` (of this site) in ``language``: ``lang=ar`` added or replaced; English, the
    default, adds nothing and drops a ``lang`` the URL had."""
    language = language if language in LANGUAGES else ENGLISH
    parts = urlsplit(url)
    if language == ENGLISH and f"{PARAMETER}=" not in parts.query:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAMETER]
    if language != ENGLISH:
        query.append((PARAMETER, language))
    return urlunsplit(parts._replace(query=urlencode(query)))


def localised(url: str) -> str:
    """``url`` in the interface language of the request."""
    return with_language(url, ui_language())


def pick(value: object, language: str | None = None) -> str | None:
    """The ``language`` side (by default the interface's) of a two-language value (an object
    with ``en`` and ``ar`` attributes, or a mapping by language), else its other side."""
    chosen = language or ui_language()
    sides = [
        getattr(value, lang, None) if not isinstance(value, Mapping) else value.get(lang)
        for lang in column_order(chosen)
    ]
    return next((side for side in sides if side), None)


def language_name(code: str | None) -> str:
    """A language tag as the interface names it ("ar": "Arabic", "العربية"); others as given."""
    if code in LANGUAGES:
        return word(f"language {code}", ui_language())
    return code or "—"


def switch_to(language: str) -> str:
    """This page in ``language``: a reference relative to the page (its query alone), keeping
    its other parameters, naming the language even for English (the switch is a choice)."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != PARAMETER]
    return "?" + urlencode([*query, (PARAMETER, language)])


def template_context() -> dict[str, object]:
    language = ui_language()
    return {
        "ui_lang": language,
        "ui_dir": direction(language),
        "ui_order": column_order(language),
        "t": words(language),
        "switch_to": switch_to,
        "endonyms": ENDONYMS,
    }


def request_bound(function: Callable[..., object]) -> Callable[..., object]:
    """``function`` as a template filter Jinja never runs at compile time.

    Jinja's optimiser evaluates a filter on a literal (``'/queries'|localised``) once, when the
    template is compiled, unless the filter takes the template context; these filters read the
    request, so the first request's language would otherwise be written into the template."""

    @pass_context
    def filter_(_context: object, *args: object, **kwargs: object) -> object:
        return function(*args, **kwargs)

    return filter_


def install(app: Flask) -> None:
    """Give every template of ``app`` the interface language and its words."""
    app.context_processor(template_context)
    for function in (localised, pick, language_name):
        app.add_template_filter(request_bound(function), function.__name__)
    app.add_template_global(direction, "text_dir")
