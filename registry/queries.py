"""Reading records: one dataset, search result pages, organisations, vocabularies.

Keyword-only, session-first functions shared by the API and the CLI; they raise
:mod:`registry.errors` exceptions, never HTTP ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

import vocab
from registry.curation.read import curation_details
from registry.errors import NotFound, UnknownFilter
from registry.records import public_datasets
from registry.search import FACETS, Search, SearchQuery, SearchResult
from schemas import (
    Coverage,
    Dataset,
    DatasetPublic,
    DatasetSummary,
    Organisation,
    OrganisationPublic,
    OrganisationRef,
)

COVERAGE_SCHEMES = ("sector", "grade", "attribute")
DATASET = Dataset.__table__


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
    found = public_datasets(session=session, base_uri=base_uri, ids=[dataset_id])
    if not found:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    dataset = found[0]
    dataset.curated, dataset.suppressed_coverage = curation_details(
        session=session, dataset_id=dataset_id
    )
    return dataset


def summaries(*, session: Session, pks: Sequence[int]) -> list[DatasetSummary]:
    """Search-hit summaries for these pks, in the order given.

    Every search request builds one page of these, so they are read with two plain SQL
    statements on the driver's cursor (the dataset rows with their publisher's name; then
    coverage and formats together): ORM entities, with every JSON column decoded, cost more
    than the search itself.
    """
    if not pks:
        return []
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    to_datetime = DATASET.c.modified.type.dialect_impl(conn.dialect).result_processor(
        conn.dialect, None
    )
    cursor = conn.connection.cursor()
    try:
        cursor.execute(
            "SELECT d.pk, d.id, d.title, d.description, d.publisher_id, o.name, d.licence, "
            "d.modified, d.status FROM dataset AS d "
            "LEFT JOIN organisation AS o ON o.id = d.publisher_id "
            f"WHERE d.pk IN ({', '.join([mark] * len(pks))})",
            tuple(pks),
        )
        rows = {row[0]: row for row in cursor.fetchall()}
        if not rows:
            return []
        ids = tuple(row[1] for row in rows.values())
        marks = ", ".join([mark] * len(ids))
        # Coverage in statement order, then formats in distribution order.
        cursor.execute(
            "SELECT 0, dataset_id, scheme, concept, id FROM coverage "
            f"WHERE dataset_id IN ({marks}) "
            "UNION ALL SELECT 1, dataset_id, NULL, format, position FROM distribution "
            f"WHERE dataset_id IN ({marks}) AND format IS NOT NULL ORDER BY 1, 5",
            ids + ids,
        )
        children = cursor.fetchall()
    finally:
        cursor.close()
    coverage: dict[str, dict[str, list[str]]] = {}
    formats: dict[str, list[str]] = {}
    for kind, dataset_id, scheme, concept, _ in children:
        found = (
            coverage.setdefault(dataset_id, {}).setdefault(scheme, [])
            if kind == 0
            else formats.setdefault(dataset_id, [])
        )
        if concept not in found:
            found.append(concept)
    out = []
    for pk in pks:
        row = rows.get(pk)
        if row is None:
            continue
        (
            _,
            dataset_id,
            title,
            description,
            publisher_id,
            publisher_name,
            licence,
            modified,
            status,
        ) = row
        cov = coverage.get(dataset_id, {})
        out.append(
            DatasetSummary(
                id=dataset_id,
                title=title,
                description=description,
                publisher=OrganisationRef(id=publisher_id, name=publisher_name)
                if publisher_name is not None
                else None,
                licence=licence,
                modified=to_datetime(modified) if to_datetime else modified,
                status=status,
                sectors=cov.get("sector", []),
                grades=cov.get("grade", []),
                attributes=cov.get("attribute", []),
                formats=formats.get(dataset_id, []),
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
    return _concept_label(scheme, value) if scheme else value


@lru_cache(maxsize=8192)
def _concept_label(scheme: str, notation: str) -> str:
    """A notation's label, else the notation: ``_label(scheme, notation) or notation``, cached
    (every search labels hundreds of facet values; vocabularies are loaded once and never
    change)."""
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


# -- related datasets -------------------------------------------------------------------------

RELATED = 5


@dataclass(frozen=True)
class Related:
    id: str
    title: str
    shared: int  # coverage concepts (sector, grade, attribute) in common
    same_sector_and_attribute: bool
    same_publisher: bool


def related_datasets(
    *, session: Session, record: DatasetPublic, limit: int = RELATED
) -> list[Related]:
    """Up to ``limit`` active datasets sharing the most coverage concepts with ``record`` (those
    sharing a sector and an attribute first, as the gap matrix pairs them), then others from
    its publisher: one grouped query over the coverage, one over the publisher's datasets."""
    concepts = {(c.scheme, c.concept) for c in record.coverage if c.scheme in COVERAGE_SCHEMES}
    found: list[Related] = []
    if concepts:
        # Counted over the coverage index alone (scheme, concept, provenance, dataset_id), then
        # joined to the datasets: grouping the joined rows by title cost ten times more.
        by_scheme = {
            scheme: func.max(case((Coverage.scheme == scheme, 1), else_=0))
            for scheme in ("sector", "attribute")
        }
        counted = (
            select(
                Coverage.dataset_id.label("dataset_id"),
                func.count(func.distinct(Coverage.scheme + ":" + Coverage.concept)).label("n"),
                (by_scheme["sector"] * by_scheme["attribute"]).label("both"),
            )
            .where(or_(*(and_(Coverage.scheme == s, Coverage.concept == c) for s, c in concepts)))
            .group_by(Coverage.dataset_id)
            .subquery()
        )
        rows = session.execute(
            select(Dataset.id, Dataset.title, Dataset.publisher_id, counted.c.n, counted.c.both)
            .join(counted, counted.c.dataset_id == Dataset.id)
            .where(Dataset.status == "active", Dataset.id != record.id)
            .order_by(counted.c.both.desc(), counted.c.n.desc(), Dataset.id)
            .limit(limit)
        ).all()
        publisher = record.publisher.id if record.publisher else None
        found = [
            Related(i, title, int(n), bool(b), publisher is not None and pub == publisher)
            for i, title, pub, n, b in rows
        ]
    if len(found) < limit and record.publisher:
        seen = [record.id, *(r.id for r in found)]
        rows = session.execute(
            select(Dataset.id, Dataset.title)
            .where(
                Dataset.status == "active",
                Dataset.publisher_id == record.publisher.id,
                Dataset.id.not_in(seen),  # type: ignore[attr-defined]
            )
            .order_by(Dataset.modified.desc().nulls_last(), Dataset.id)  # type: ignore[union-attr]
            .limit(limit - len(found))
        ).all()
        found += [Related(i, title, 0, False, True) for i, title in rows]
    return found
