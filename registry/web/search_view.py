"""What the search page shows, worked out from a search page (:mod:`registry.queries`): facets
with toggle links, the active filters with remove links, paging and download links, and for an
empty result its explanation from the gap matrix. Every state is a URL (GET parameters), built
by the same rules as the API's links (:mod:`registry.api.search_params`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

import vocab
from registry.api.search_params import query_params, toggled, url
from registry.gaps import GapQuery, gap_cell, gap_cells, gap_rows
from registry.gaps.cache import CatalogueCache
from registry.gaps.matrix import Priorities
from registry.queries import FacetValue, SearchPage
from registry.search import FACETS, SearchQuery

PATH = "/search"
SHOWN_VALUES = 10  # per facet; the rest (and any selected) sit in a <details> (no JS needed)
FACET_LABELS = {
    "publisher": "Publisher",
    "sector": "Sector",
    "grade": "Leadership grade",
    "attribute": "Attribute",
    "theme": "Theme",
    "format": "Format",
    "licence": "Licence",
    "year": "Year",
}
SORT_LABELS = {"relevance": "Best match", "modified": "Recently updated", "title": "Title (A to Z)"}
COVERAGE = ("sector", "grade", "attribute")


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    selected: bool
    href: str


@dataclass(frozen=True)
class FacetView:
    name: str
    label: str
    shown: list[FacetLink]
    more: list[FacetLink]


@dataclass(frozen=True)
class ActiveFilter:
    facet: str
    label: str
    remove_href: str


@dataclass(frozen=True)
class Explanation:
    message: str
    nearest: list[dict[str, Any]] = field(default_factory=list)  # gap rows with labels, href
    broaden_href: str | None = None


@dataclass(frozen=True)
class SearchView:
    page: SearchPage
    facets: list[FacetView]
    active: list[ActiveFilter]
    clear_href: str | None
    page_href: Callable[[int], str]
    csv_href: str
    json_href: str
    hidden: list[tuple[str, str]]  # the filters and sort, kept when the words change
    sorts: list[tuple[str, str]]
    explanation: Explanation | None


def search_view(page: SearchPage, *, default_size: int) -> SearchView:
    query = page.query

    def link(path: str = PATH, **changes: object) -> str:
        return url("", path, query_params(query, default_size=default_size, **changes))

    facets = [
        _facet(name, page.facets.get(name, []), query, link)
        for name in FACETS
        if page.facets.get(name)
    ]
    labels = {(f, v.value): v.label for f, values in page.facets.items() for v in values}
    active = [
        ActiveFilter(
            facet=FACET_LABELS[facet],
            label=labels.get((facet, value), value),
            remove_href=link(filters=toggled(query, facet, value), page=1),
        )
        for facet in FACETS
        for value in query.filters.get(facet, ())
    ]
    if query.q:
        active.insert(0, ActiveFilter("Words", query.q, link(q="", page=1)))
    hidden = [(k, v) for k, v in query_params(query, default_size=default_size, q="", page=1)]
    return SearchView(
        page=page,
        facets=facets,
        active=active,
        clear_href=PATH if active else None,
        page_href=lambda n: link(page=n),
        csv_href=link(path=PATH + ".csv", page=1),
        json_href=link(path=PATH + ".json", page=1),
        hidden=[(k, v) for k, v in hidden if k != "sort"],
        sorts=[(s, SORT_LABELS[s]) for s in SORT_LABELS if s != "relevance" or query.q],
        explanation=None,
    )


def _facet(
    name: str, values: list[FacetValue], query: SearchQuery, link: Callable[..., str]
) -> FacetView:
    links = [
        FacetLink(
            label=v.label,
            count=v.count,
            selected=v.selected,
            href=link(filters=toggled(query, name, v.value), page=1),
        )
        for v in values
    ]
    if name == "year":  # years read best in order, newest first
        links.sort(key=lambda f: f.label, reverse=True)
    shown = links[:SHOWN_VALUES]
    # A selected value is always in view, so it can be switched off without opening anything.
    shown += [f for f in links[SHOWN_VALUES:] if f.selected]
    more = [f for f in links[SHOWN_VALUES:] if not f.selected]
    return FacetView(name=name, label=FACET_LABELS[name], shown=shown, more=more)


def _label(scheme: str, notation: str) -> str:
    concept = vocab.load(scheme).get(notation)
    return concept.pref_label if concept else notation


def cell_phrase(sector: str, grade: str, attribute: str) -> str:
    """ "the disability of Chief officers in Police": how a gap cell reads in a sentence."""
    return (
        f"the {_label('attribute', attribute).lower()} of {_label('grade', grade)} "
        f"in {_label('sector', sector)}"
    )


def cell_href(sector: str, grade: str, attribute: str) -> str:
    return url("", PATH, [("sector", sector), ("grade", grade), ("attribute", attribute)])


def _nearest_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "phrase": cell_phrase(row["sector"], row["grade"], row["attribute"]),
            "href": cell_href(row["sector"], row["grade"], row["attribute"]),
        }
        for row in rows
    ]


def explain_empty(
    *,
    session: Session,
    query: SearchQuery,
    priorities: Priorities | None,
    cache: CatalogueCache | None = None,
) -> Explanation | None:
    """Why a search with coverage filters found nothing, from the gap matrix: the cell is a
    gap (with the nearest evidence), or it has datasets that the other filters or the words
    leave out (with a link to them)."""
    chosen = {scheme: query.filters.get(scheme, ()) for scheme in COVERAGE}
    if not any(chosen.values()):
        return None
    if all(len(values) == 1 for values in chosen.values()):
        sector, grade, attribute = (chosen[s][0] for s in COVERAGE)
        cell = gap_cell(
            session=session,
            sector=sector,
            grade=grade,
            attribute=attribute,
            priorities=priorities,
            cache=cache,
        )
        phrase = cell_phrase(sector, grade, attribute)
        if cell["datasets"]:
            return Explanation(
                message=f"{cell['datasets']} dataset(s) cover {phrase}, but none of them "
                "match your words or other filters.",
                broaden_href=cell_href(sector, grade, attribute),
            )
        near = [row for rows in cell["nearest"].values() for row in rows]
        return Explanation(
            message=f"No dataset covers {phrase}: it is a gap in the registry.",
            nearest=_nearest_rows(near),
        )
    top = vocab.load("grade").top_concepts
    gaps = gap_cells(
        session=session,
        query=GapQuery(
            sectors=chosen["sector"],
            grades=chosen["grade"],
            attributes=chosen["attribute"],
            grade_level="harmonised" if all(g in top for g in chosen["grade"]) else "all",
        ),
        priorities=priorities,
        cache=cache,
    )
    covered = sorted((c for c in gaps if c.datasets), key=lambda c: -c.score)
    named = "; ".join(
        f"{FACET_LABELS[s].lower()} {', '.join(_label(s, v) for v in chosen[s])}"
        for s in COVERAGE
        if chosen[s]
    )
    if not covered:
        return Explanation(message=f"No dataset covers {named}: it is a gap in the registry.")
    return Explanation(
        message=f"No dataset matches all your filters. Of the {len(gaps)} gap-matrix cells "
        f"for {named}, {len(covered)} have datasets; the best are below.",
        nearest=_nearest_rows(gap_rows(covered[:5])),
    )
