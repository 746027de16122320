"""The data of a source's review page: sentences, annotated spans by kind, the sentences no
statement rests on, and coverage; for the packaged article and for a draft built with --corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from homs_kg.graph.dataset import build_dataset
from homs_kg.graph.review import SourceReview, source_review

from .conftest import BASE, DRAFTED


@pytest.fixture(scope="module")
def article(article_corpus: Path) -> SourceReview:
    return source_review(build_dataset(BASE, [article_corpus]), "homs-2017-05-21")


@pytest.fixture(scope="module")
def drafted(article_corpus: Path, drafted_corpus: Path) -> SourceReview:
    return source_review(build_dataset(BASE, [article_corpus, drafted_corpus]), DRAFTED)


def test_the_article_s_statements_per_kind(article: SourceReview) -> None:
    assert article.statements_per_kind() == {
        "entity": 77,
        "relation": 56,
        "event": 67,
        "date": 30,
        "count": 9,
    }


def test_the_article_s_coverage_and_its_sentences_without_a_statement(
    article: SourceReview,
) -> None:
    # every prose sentence has a statement; left: a photo's title and credit, and a heading
    assert (len(article.sentences), round(article.coverage, 3)) == (27, 0.889)
    assert [s.text for s in article.unannotated()] == ["نقل مسلحي المعارضة", "EPA", "محطات رئيسية"]


def test_a_span_holds_the_text_s_words_at_their_offsets(article: SourceReview) -> None:
    dates = article.spans_by_kind()["date"]
    massacre = next(s for s in dates if s.about == "khalidiya-massacre-2012")
    assert massacre.exact == "في 3 فبراير/شباط 2012"
    assert article.text[massacre.start : massacre.end] == massacre.exact


def test_a_sentence_holds_the_spans_inside_it(article: SourceReview) -> None:
    first = article.sentences[0]
    assert {(s.kind, s.about) for s in first.spans} >= {
        ("event", "al-waer-final-evacuation-2017"),
        ("date", "al-waer-final-evacuation-2017"),
        ("entity", "al-waer"),
    }


def test_a_draft_is_reviewed_with_its_proposals(drafted: SourceReview) -> None:
    assert drafted.statements_per_kind() == {
        "entity": 6,
        "relation": 0,
        "event": 4,
        "date": 3,
        "count": 3,
    }
    assert all(span.proposed for span in drafted.spans)
    assert (round(drafted.coverage, 2), [s.text[:17] for s in drafted.unannotated()]) == (
        0.8,
        ["وأكد المسؤول أن ع"],
    )
