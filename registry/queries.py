"""Reading records: one dataset, search result pages, organisations, vocabularies.

Keyword-only, session-first functions shared by the API and the CLI; they raise
:mod:`registry.errors` exceptions, never HTTP ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlmodel import Session

import vocab
from registry.errors import NotFound, UnknownFilter
from registry.search import FACETS, Search, SearchQuery, SearchResult
from schemas import (
    ContactPointPublic,
    Coverage,
    CoveragePublic,
    Dataset,
    DatasetPublic,
    DatasetSummary,
    Distribution,
    DistributionPublic,
    Organisation,
    OrganisationPublic,
    OrganisationRef,
)

COVERAGE_SCHEMES = ("sector", "grade", "attribute")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    total: int
    results: list[DatasetSummary]
    facets: dict[str, list[FacetValue]]
    sort: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.size))


# -- datasets ---------------------------------------------------------------------------------


def get_dataset(*, session: Session, dataset_id: str, base_uri: str) -> DatasetPublic:
    row = session.execute(select(Dataset).where(Dataset.id == dataset_id)).scalars().first()
    if row is None:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    distributions = session.execute(
        select(Distribution)
        .where(Distribution.dataset_id == dataset_id)
        .order_by(Distribution.position)
    ).scalars()
    coverage = session.execute(
        select(Coverage).where(Coverage.dataset_id == dataset_id).order_by(Coverage.id)
    ).scalars()
    publisher = session.get(Organisation, row.publisher_id) if row.publisher_id else None
    return DatasetPublic.model_validate(
        {
            **row.model_dump(),
            "licence_label": _label("licence", row.licence),
            "publisher": OrganisationRef(id=publisher.id, name=publisher.name)
            if publisher
            else None,
            "contact_point": ContactPointPublic(**row.contact_point) if row.contact_point else None,
            "distributions": [
                DistributionPublic.model_validate(
                    {**d.model_dump(), "format_label": _label("format", d.format)}
                )
                for d in distributions
            ],
            "coverage": [coverage_public(c, base_uri) for c in coverage],
        }
    )


def coverage_public(statement: Coverage, base_uri: str) -> CoveragePublic:
    concept = vocab.load(statement.scheme).get(statement.concept)
    return CoveragePublic(
        scheme=statement.scheme,
        concept=statement.concept,
        label=concept.pref_label if concept else statement.concept,
        uri=concept.uri(base_uri) if concept else "",
        provenance=statement.provenance,
        note=statement.note,
    )


def summaries(*, session: Session, pks: Sequence[int]) -> list[DatasetSummary]:
    """Search-hit summaries for these pks, in the order given."""
    if not pks:
        return []
    rows = {r.pk: r for r in session.execute(select(Dataset).where(Dataset.pk.in_(pks))).scalars()}
    ids = [r.id for r in rows.values()]
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({r.publisher_id for r in rows.values() if r.publisher_id})
            )
        ).all()
    )
    coverage: dict[str, dict[str, list[str]]] = {}
    for dataset_id, scheme, concept in session.execute(
        select(Coverage.dataset_id, Coverage.scheme, Coverage.concept)
        .where(Coverage.dataset_id.in_(ids))
        .order_by(Coverage.id)
    ):
        found = coverage.setdefault(dataset_id, {}).setdefault(scheme, [])
        if concept not in found:
            found.append(concept)
    formats: dict[str, list[str]] = {}
    for dataset_id, fmt in session.execute(
        select(Distribution.dataset_id, Distribution.format)
        .where(Distribution.dataset_id.in_(ids), Distribution.format.is_not(None))
        .order_by(Distribution.position)
    ):
        if fmt not in formats.setdefault(dataset_id, []):
            formats[dataset_id].append(fmt)
    out = []
    for pk in pks:
        row = rows.get(pk)
        if row is None:
            continue
        cov = coverage.get(row.id, {})
        out.append(
            DatasetSummary(
                id=row.id,
                title=row.title,
                description=row.description,
                publisher=OrganisationRef(id=row.publisher_id, name=names[row.publisher_id])
                if row.publisher_id in names
                else None,
                licence=row.licence,
                modified=row.modified,
                status=row.status,
                sectors=cov.get("sector", []),
                grades=cov.get("grade", []),
                attributes=cov.get("attribute", []),
                formats=formats.get(row.id, []),
            )
        )
    return out


# -- search -----------------------------------------------------------------------------------


def check_filters(filters: dict[str, tuple[str, ...]]) -> None:
    """Unknown facet names or concept notations are the caller's mistake: say which."""
    for facet, values in filters.items():
        if facet not in FACETS:
            raise UnknownFilter(
                f"unknown filter {facet!r}; filters are: {', '.join(FACETS)}",
                detail={"filter": facet},
            )
        scheme = FACETS[facet]
        for value in values:
            if scheme and value not in vocab.load(scheme):
                raise UnknownFilter(
                    f"{facet} {value!r} is not in the {scheme} vocabulary "
                    f"(see /api/vocab/{scheme})",
                    detail={"filter": facet, "value": value},
                )
            if facet == "year" and not (value.isdigit() and len(value) == 4):
                raise UnknownFilter(
                    f"year {value!r} is not a four-digit year", detail={"filter": facet}
                )


def search_datasets(*, session: Session, search: Search, query: SearchQuery) -> SearchPage:
    check_filters(query.filters)
    conn = session.connection()
    result: SearchResult = search.run(conn, query)
    last = max(1, -(-result.total // query.size))
    if query.page > last and result.total:
        raise NotFound(
            f"page {query.page} is past the last page ({last}) of {result.total} results",
            detail={"page": query.page, "last_page": last},
        )
    names = search.facet_index(conn).publisher_names
    facets = {
        facet: [
            FacetValue(
                value=value,
                label=_facet_label(facet, value, names),
                count=count,
                selected=value in query.filters.get(facet, ()),
            )
            for value, count in counts
        ]
        for facet, counts in result.counts.items()
    }
    return SearchPage(
        query=query,
        total=result.total,
        results=summaries(session=session, pks=result.pks),
        facets=facets,
        sort=result.sort,
    )


def iter_search(
    *, session: Session, search: Search, query: SearchQuery, chunk: int = 500
) -> Iterator[DatasetSummary]:
    """Every hit of a query in order (for CSV downloads): one search, summaries in chunks."""
    check_filters(query.filters)
    conn = session.connection()
    catalogue_size = len(search.facet_index(conn).orders["modified"])
    pks = search.run(conn, replace(query, page=1, size=max(1, catalogue_size))).pks
    for start in range(0, len(pks), chunk):
        yield from summaries(session=session, pks=pks[start : start + chunk])


def _facet_label(facet: str, value: str, publisher_names: dict[str, str]) -> str:
    if facet == "publisher":
        return publisher_names.get(value, value)
    scheme = FACETS.get(facet)
    return _label(scheme, value) or value if scheme else value


def _label(scheme: str, notation: str | None) -> str | None:
    if not notation:
        return None
    concept = vocab.load(scheme).get(notation)
    return concept.pref_label if concept else notation


# -- organisations ----------------------------------------------------------------------------


def list_organisations(
    *, session: Session, sector: str | None = None, organisation_type: str | None = None
) -> list[OrganisationPublic]:
    counts = dict(
        session.execute(
            select(Dataset.publisher_id, func.count())
            .where(Dataset.status == "active")
            .group_by(Dataset.publisher_id)
        ).all()
    )
    statement = select(Organisation).order_by(Organisation.name)
    if organisation_type:
        statement = statement.where(Organisation.organisation_type == organisation_type)
    rows = session.execute(statement).scalars().all()
    return [
        OrganisationPublic.model_validate({**o.model_dump(), "dataset_count": counts.get(o.id, 0)})
        for o in rows
        if sector is None or sector in o.sectors
    ]


def get_organisation(*, session: Session, organisation_id: str) -> OrganisationPublic:
    row = session.get(Organisation, organisation_id)
    if row is None:
        raise NotFound(f"no organisation with id {organisation_id!r}")
    count = session.execute(
        select(func.count()).where(
            Dataset.publisher_id == organisation_id, Dataset.status == "active"
        )
    ).scalar_one()
    return OrganisationPublic.model_validate({**row.model_dump(), "dataset_count": count})
