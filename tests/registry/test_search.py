"""Search on a small catalogue whose answers are known: ranking, filters, roll-up, facets, paging.

Runs on whichever database the suite uses (SQLite FTS5 or PostgreSQL full text).
"""

from __future__ import annotations

import pytest
from builders import dataset
from catalogue import CATALOGUE, cov
from sqlmodel import Session

from registry.errors import NotFound, UnknownFilter
from registry.queries import search_datasets
from registry.search import Search, SearchQuery
from registry.store import withdraw_dataset


@pytest.fixture
def catalogue(load):
    report = load(CATALOGUE)
    assert report.errors == []


def run(session: Session, search: Search, **kwargs) -> list[str]:
    page = search_datasets(session=session, search=search, query=SearchQuery(**kwargs))
    return [hit.id for hit in page.results]


def facets(session: Session, search: Search, **kwargs) -> dict[str, dict[str, int]]:
    page = search_datasets(session=session, search=search, query=SearchQuery(**kwargs))
    return {name: {v.value: v.count for v in values} for name, values in page.facets.items()}


def test_title_match_ranks_above_description_match(catalogue, session, search):
    assert run(session, search, q="ethnicity") == [
        "scs-ethnicity",  # in the title
        "police-workforce",  # in the description
        "nhs-vsm-pay",  # in the description, once, in a longer text
    ]


def test_words_are_all_required_and_stemmed(catalogue, session, search):
    assert run(session, search, q="rank ethnicity") == ["police-workforce"]
    assert run(session, search, q="managers") == ["nhs-vsm-pay"]
    assert run(session, search, q="manager") == ["nhs-vsm-pay"]


def test_phrase_and_prefix(catalogue, session, search):
    assert run(session, search, q='"senior civil service"') == ["scs-ethnicity"]
    assert run(session, search, q='"civil senior"') == []
    assert set(run(session, search, q="ethn*")) == {
        "scs-ethnicity",
        "police-workforce",
        "nhs-vsm-pay",
    }


def test_publisher_name_is_searchable(catalogue, session, search):
    assert run(session, search, q="home office") == ["police-workforce"]


def test_grade_filter_rolls_up(catalogue, session, search):
    # scs2 (director) and nhs-vsm are executive grades; chief constables lead organisations.
    executive = run(session, search, filters={"grade": ("executive",)})
    assert {"scs-ethnicity", "nhs-vsm-pay"} <= set(executive)
    assert "workforce-only" not in executive
    assert run(session, search, filters={"grade": ("head-of-organisation",)}) == [
        "police-workforce"
    ]
    assert run(session, search, filters={"grade": ("scs2",)}) == ["scs-ethnicity"]


def test_filters_combine_with_and(catalogue, session, search):
    both = {"attribute": ("ethnicity", "sex")}
    assert run(session, search, filters=both) == ["police-workforce"]
    assert run(session, search, q="pay", filters={"licence": ("ogl-3",)}) == ["scs-ethnicity"]
    assert run(session, search, filters={"sector": ("nhs",), "format": ("csv",)}) == []


def test_facet_counts(catalogue, session, search):
    counts = facets(session, search)
    assert counts["publisher"] == {"cabinet-office": 2, "home-office": 1, "nhs-england": 1}
    assert counts["sector"] == {"civil-service": 1, "police": 1, "nhs": 1}
    assert counts["attribute"]["ethnicity"] == 2
    assert counts["grade"]["executive"] == len(
        run(session, search, filters={"grade": ("executive",)})
    )
    assert counts["grade"]["head-of-organisation"] == 1
    assert counts["grade"]["workforce"] == 1
    assert counts["format"] == {"csv": 1, "ods": 1, "pdf": 1}
    assert counts["licence"] == {"ogl-3": 3, "other-closed": 1}
    assert counts["theme"] == {"gove": 1, "just": 1, "heal": 1}
    assert counts["year"] == {"2022": 2, "2023": 2}


def test_facet_counts_follow_the_query(catalogue, session, search):
    counts = facets(session, search, q="ethnicity", filters={"licence": ("ogl-3",)})
    assert counts["publisher"] == {"cabinet-office": 1, "home-office": 1}
    assert counts["licence"] == {"ogl-3": 2}


def test_sorts(catalogue, session, search):
    assert run(session, search, sort="modified") == [
        "scs-ethnicity",
        "police-workforce",
        "nhs-vsm-pay",
        "workforce-only",  # no date: last
    ]
    assert run(session, search, sort="title") == [
        "scs-ethnicity",
        "police-workforce",
        "workforce-only",
        "nhs-vsm-pay",
    ]


def test_paging_is_stable_and_complete(load, session, search):
    # Twenty-five records with identical sort keys: ties must still page without overlap.
    load([dataset(f"same-{i:02d}", title="Same title") for i in range(25)])
    for sort in ("title", "modified"):
        pages = [run(session, search, sort=sort, page=p, size=10) for p in (1, 2, 3)]
        flat = [i for page in pages for i in page]
        assert len(flat) == 25 and len(set(flat)) == 25
        assert [len(p) for p in pages] == [10, 10, 5]
        assert pages[0] == run(session, search, sort=sort, page=1, size=10)


def test_page_past_the_end_is_not_found(catalogue, session, search):
    with pytest.raises(NotFound, match="past the last page"):
        run(session, search, page=9)


def test_unknown_filters_are_refused(catalogue, session, search):
    with pytest.raises(UnknownFilter, match="colour"):
        run(session, search, filters={"colour": ("red",)})
    with pytest.raises(UnknownFilter, match="grade 'general'"):
        run(session, search, filters={"grade": ("general",)})


@pytest.mark.parametrize(
    "q",
    [
        '"unclosed',
        "NEAR(a b)",
        "title:ethnicity",
        "ethnicity OR pay",
        "-- ; DROP TABLE dataset",
        "*",
        "' OR 1=1 --",
        "a & b | !c <-> d",
        "\\",
        "ü ñ 漢字",
    ],
)
def test_query_syntax_is_never_interpreted(catalogue, session, search, q):
    run(session, search, q=q)  # no error, whatever the input
    assert run(session, search) != []  # and nothing was dropped


def test_index_follows_writes(catalogue, load, session, search):
    assert run(session, search, q="firefighters") == []
    load([dataset("fire", title="Firefighters by role", coverage=cov("sector", "fire"))])
    assert run(session, search, q="firefighters") == ["fire"]
    assert facets(session, search)["sector"]["fire"] == 1


def test_withdrawn_records_are_hidden_unless_asked(catalogue, session, search):
    withdraw_dataset(session=session, dataset_id="nhs-vsm-pay", reason="gone from source")
    session.commit()
    assert "nhs-vsm-pay" not in run(session, search)
    assert run(session, search, status="withdrawn") == ["nhs-vsm-pay"]
    assert len(run(session, search, status="all")) == 4
