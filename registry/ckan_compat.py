"""CKAN's Action API over the registry: package dicts, the Solr-style ``fq`` parser, the actions.

So that ckanext-harvest's CKAN harvester and ``ckanapi`` read the registry as they read
data.gov.uk. Mappings are pure; actions are keyword-only, session-first, and raise
:class:`CkanValidationError` (409) or ``NotFound`` (404) for :mod:`registry.api.ckan` to wrap.
``fq`` terms are ANDed; ``OR``, ``NOT`` and ``-field:`` are refused (409).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import null, select
from sqlmodel import Session

import vocab
from registry import queries
from registry.ckan_query import (
    LICENCES,
    OUR_FACETS,
    CkanValidationError,
    Filters,
    format_label,
    parse_query,
    parse_sort,
)
from registry.errors import NotFound
from registry.records import public_datasets
from registry.search import FACETS, Search, SearchQuery
from registry.search.facets import bits_from
from schemas import Dataset, DatasetPublic, DistributionPublic, OrganisationPublic
from schemas.common import utc

CKAN_VERSION = "2.10.0"
DEFAULT_SORT = "score desc, metadata_modified desc"
ROWS_MAX = 1000
DATASET = Dataset.__table__
FACET_FIELDS = {"organization": "publisher", "res_format": "format", "license_id": "licence",
                "tags": "tags", "groups": "groups", **OUR_FACETS}  # fmt: skip
FACET_LIST = ", ".join(FACET_FIELDS)
# -- the pure mapping -------------------------------------------------------------------------


def ckan_time(moment: datetime | date | None) -> str | None:
    """CKAN's timestamp: naive UTC ISO 8601, e.g. ``2017-06-30T09:08:37.040414``."""
    value = utc(moment)
    return value.replace(tzinfo=None).isoformat() if value else None


def ckan_licence(licence: str | None) -> dict[str, Any]:
    """``license_id``, ``license_title``, ``license_url`` and ``isopen`` of a licence."""
    licences = vocab.load("licence")
    concept = licences.get(licence or "unknown") or licences.concepts["unknown"]
    urls = [u for u in concept.exact_match if "spdx.org" not in u]
    return {"license_id": LICENCES.get(concept.notation, concept.notation),
            "license_title": concept.pref_label, "license_url": urls[0] if urls else "",
            "isopen": concept.properties.get("open") is True}  # fmt: skip


def organization_dict(org: OrganisationPublic, *, full: bool = False) -> dict[str, Any]:
    """An organisation as a package embeds it (data.gov.uk's keys); ``full`` as listed alone."""
    kind = org.organisation_type
    about = [_label("organisation-type", kind) if kind else "", org.homepage or ""]
    found = {
        "id": org.id, "name": org.id, "title": org.name, "type": "organization",
        "description": "\n\n".join(a for a in about if a), "image_url": "",
        "created": ckan_time(org.created_at), "is_organization": True,
        "approval_status": "approved", "state": "active",
    }  # fmt: skip
    more = {"display_name": org.name, "image_display_url": "", "package_count": org.dataset_count}
    return {**found, **more} if full else found


def resource_dict(d: DistributionPublic, position: int, dataset: DatasetPublic) -> dict[str, Any]:
    concept = vocab.load("format").get(d.format or "")
    return {
        "id": d.id, "package_id": dataset.id, "url": d.download_url or d.access_url,
        "name": d.title or "", "description": d.description or "",
        "format": format_label(d.format) if d.format else "",
        "mimetype": d.media_type or (concept.properties.get("mediaType") if concept else None),
        "mimetype_inner": None, "size": d.byte_size, "hash": "",
        "created": ckan_time(d.issued) or ckan_time(dataset.created_at),
        "last_modified": ckan_time(d.modified), "metadata_modified": ckan_time(dataset.updated_at),
        "position": position, "state": "active", "resource_type": None, "url_type": None,
        "cache_url": None, "cache_last_updated": None,
    }  # fmt: skip


def package_dict(
    dataset: DatasetPublic, organisation: OrganisationPublic | None, *, base_uri: str
) -> dict[str, Any]:
    """A dataset as CKAN's ``package_show`` gives it; withdrawn means CKAN's ``deleted``."""
    contact = dataset.contact_point
    org = organization_dict(organisation) if organisation else None
    tags = [{"name": k, "display_name": k, "state": "active", "vocabulary_id": None}
            for k in dict.fromkeys(dataset.keywords)]  # fmt: skip
    resources = [resource_dict(d, i, dataset) for i, d in enumerate(dataset.distributions)]
    return {
        "id": dataset.id, "name": dataset.id, "title": dataset.title, "notes": dataset.description,
        "url": dataset.landing_page or "",
        "state": "deleted" if dataset.status == "withdrawn" else "active",
        "private": False, "type": "dataset", **ckan_licence(dataset.licence),
        "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(dataset.updated_at),
        "author": None, "author_email": None,
        "maintainer": contact.name if contact else None,
        "maintainer_email": contact.email if contact else None,
        "version": None, "creator_user_id": None,
        "organization": org, "owner_org": org["id"] if org else None,
        "tags": tags, "num_tags": len(tags), "groups": [],
        "resources": resources, "num_resources": len(resources),
        "extras": _extras(dataset, base_uri),
        "relationships_as_object": [], "relationships_as_subject": [],
    }  # fmt: skip


def _extras(dataset: DatasetPublic, base_uri: str) -> list[dict[str, str]]:
    themes = [_label("theme", t) for t in dataset.themes]
    pairs = {
        "theme-primary": themes[0] if themes else None,
        "theme-secondary": json.dumps(themes[1:]) if len(themes) > 1 else None,
        "update_frequency": dataset.accrual_periodicity,
        "temporal_coverage-from": dataset.temporal_start and dataset.temporal_start.isoformat(),
        "temporal_coverage-to": dataset.temporal_end and dataset.temporal_end.isoformat(),
        "granularity": str(dataset.granularity) if dataset.granularity else None,
        "uri": f"{base_uri}/datasets/{dataset.id}",
    }
    for scheme in ("sector", "grade", "attribute"):
        concepts = dict.fromkeys(c.concept for c in dataset.coverage if c.scheme == scheme)
        pairs[scheme] = ",".join(concepts)
    return [{"key": k, "value": v} for k, v in sorted(pairs.items()) if v]


def _label(scheme: str | None, notation: str) -> str:
    concept = vocab.load(scheme).get(notation) if scheme else None
    return concept.pref_label if concept else notation


# -- the actions ------------------------------------------------------------------------------

_SORT_KEYS = {"metadata_modified": lambda row: utc(row.updated_at), "name": lambda row: row.id,
              "metadata_created": lambda row: utc(row.created_at), "id": lambda row: row.id,
              "title_string": lambda row: row.title.casefold()}  # fmt: skip


def package_search(
    *,
    session: Session,
    search: Search,
    base_uri: str,
    q: str = "",
    fq: str = "",
    sort: str = DEFAULT_SORT,
    rows: int = 10,
    start: int = 0,
    facet_fields: tuple[str, ...] = (),
    facet_limit: int = 50,
    include_deleted: bool = False,
) -> dict[str, Any]:
    """Search datasets as CKAN does; withdrawn ones only with ``include_deleted``."""
    filters, keys = parse_query(q, fq), parse_sort(sort)
    tags = bool(filters.tags) or "tags" in facet_fields  # keywords are read only if asked
    if not filters.impossible and by_relevance_in_index(filters, keys, tags):
        page, count, bits = _page_by_relevance(
            session, search, filters, include_deleted, start + rows
        )
        page_ids, hits = page[start : start + rows], []
    else:
        hits = [] if filters.impossible else _hits(session, search, filters, include_deleted, tags)
        rank = {row.pk: i for i, row in enumerate(hits)}
        for key, descending in reversed(keys):
            if key != "score":
                hits.sort(key=_SORT_KEYS[key], reverse=descending)
            elif filters.words:
                hits.sort(key=lambda row: rank[row.pk], reverse=not descending)
        page_ids, count = [row.id for row in hits[start : start + rows]], len(hits)
        bits = bits_from([row.pk for row in hits])
    results = packages(session=session, dataset_ids=page_ids, base_uri=base_uri)
    facets = _facets(session, search, bits, hits, facet_fields, facet_limit)
    legacy = {f: {i["name"]: i["count"] for i in v["items"]} for f, v in facets.items()}
    return {"count": count, "results": results, "sort": sort, "facets": legacy,
            "search_facets": facets}  # fmt: skip


def by_relevance_in_index(filters: Filters, keys: list[tuple[str, bool]], tags: bool) -> bool:
    """Whether the search alone can answer: words sorted best first (the default sort; its
    tie-break never applies, as relevance ranks are distinct) and no filter or facet needing
    each hit's row. Then only the page is read, not every dataset's row."""
    return (
        bool(filters.words)
        and bool(keys)
        and keys[0] == ("score", True)
        and not (tags or filters.ids or filters.windows)
    )


def _page_by_relevance(
    session: Session, search: Search, filters: Filters, deleted: bool, wanted: int
) -> tuple[list[str], int, int]:
    """The ids of the first ``wanted`` hits by relevance, the count and the hits' bitset."""
    facets = {k: tuple(v) for k, v in filters.facets.items()}
    status = "all" if deleted else "active"
    query = SearchQuery(
        q=" ".join(filters.words), filters=facets, sort="relevance", size=max(1, wanted),
        status=status,
    )  # fmt: skip
    found = search.run(session.connection(), query)
    rows = session.execute(select(DATASET.c.pk, DATASET.c.id).where(DATASET.c.pk.in_(found.pks)))
    ids = {pk: dataset_id for pk, dataset_id in rows}
    return [ids[pk] for pk in found.pks if pk in ids], found.total, found.hits


def _hits(session: Session, search: Search, filters: Filters, deleted: bool, tags: bool) -> list:
    """Every matching dataset's row (pk, id, title, times, keywords), best or newest first."""
    columns = [DATASET.c[c] for c in ("pk", "id", "title", "created_at", "updated_at")]
    columns.append(DATASET.c.keywords if tags else null().label("keywords"))
    statuses = ("active", "withdrawn") if deleted else ("active",)
    found = session.execute(select(*columns).where(DATASET.c.status.in_(statuses)))
    rows = {row.pk: row for row in found}
    text, facets = " ".join(filters.words), {k: tuple(v) for k, v in filters.facets.items()}
    sort, status = ("relevance" if text else "modified"), ("all" if deleted else "active")
    query = SearchQuery(q=text, filters=facets, sort=sort, size=max(1, len(rows)), status=status)
    pks = search.run(session.connection(), query).pks
    return [rows[pk] for pk in pks if pk in rows and filters.admits(rows[pk])]


def _facets(
    session: Session,
    search: Search,
    bits: int,
    hits: list[Any],
    fields: tuple[str, ...],
    limit: int,
) -> dict[str, dict[str, Any]]:
    """CKAN's ``search_facets`` of the hits (``bits``; their rows ``hits`` for tags): the top
    ``limit`` values by count, then by display name Z-A."""
    index = search.facet_index(session.connection())
    names = index.publisher_names
    out = {}
    for name in dict.fromkeys(fields):
        if (ours := FACET_FIELDS.get(name)) is None:
            raise CkanValidationError("facet.field", f"cannot facet on {name!r}; use {FACET_LIST}")
        if ours == "tags":
            counts = list(Counter(k for row in hits for k in dict.fromkeys(row.keywords)).items())
        else:
            counts = [] if ours == "groups" else index.counts(ours, bits)
        counts.sort(key=lambda item: (-item[1], item[0]))
        items = [
            {"name": _facet_name(ours, v), "display_name": _facet_name(ours, v, names), "count": n}
            for v, n in counts[: limit if limit >= 0 else None]
        ]
        out[name] = {"title": name, "items": sorted(items, key=lambda i: i["display_name"])[::-1]}
    return out


def _facet_name(facet: str, value: str, names: dict[str, str] | None = None) -> str:
    """A facet value's CKAN ``name``, or with publisher ``names`` its ``display_name``."""
    if facet == "format":
        return format_label(value)
    if names is None:
        return LICENCES.get(value, value) if facet == "licence" else value
    return names.get(value, value) if facet == "publisher" else _label(FACETS.get(facet), value)


def package_show(*, session: Session, dataset_id: str, base_uri: str) -> dict[str, Any]:
    """One dataset, withdrawn ones included (``"state": "deleted"``)."""
    found = packages(session=session, dataset_ids=[dataset_id], base_uri=base_uri)
    if not found:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    return found[0]


def packages(*, session: Session, dataset_ids: list[str], base_uri: str) -> list[dict[str, Any]]:
    """Package dicts for these ids, in order: records read in one batch, publishers once each."""
    datasets = public_datasets(session=session, base_uri=base_uri, ids=dataset_ids)
    orgs = {
        org_id: queries.get_organisation(session=session, organisation_id=org_id)
        for org_id in {d.publisher.id for d in datasets if d.publisher}
    }
    return [
        package_dict(d, orgs.get(d.publisher.id) if d.publisher else None, base_uri=base_uri)
        for d in datasets
    ]


def package_list(*, session: Session, limit: int | None = None, offset: int = 0) -> list[str]:
    """Every active dataset's id (its CKAN name), sorted."""
    statement = select(DATASET.c.id).where(DATASET.c.status == "active")
    ids = sorted(session.execute(statement).scalars())
    return ids[offset : None if limit is None else offset + limit]


def organization_list(
    *, session: Session, all_fields: bool = False, limit: int | None = None, offset: int = 0
) -> list[Any]:
    """Organisation names by title, or with ``all_fields`` their dicts with ``package_count``."""
    orgs = queries.list_organisations(session=session)
    orgs = orgs[offset : None if limit is None else offset + limit]
    return [organization_dict(o, full=True) for o in orgs] if all_fields else [o.id for o in orgs]


def organization_show(
    *, session: Session, search: Search, org_id: str, base_uri: str, datasets: bool = False
) -> dict[str, Any]:
    """One organisation; with ``datasets``, its first 1000 active packages by name."""
    org = queries.get_organisation(session=session, organisation_id=org_id)
    found = {**organization_dict(org, full=True), "extras": [], "groups": [], "tags": []}
    if datasets:
        mine = {"fq": f'organization:"{org.id}"', "sort": "name asc", "rows": ROWS_MAX}
        answer = package_search(session=session, search=search, base_uri=base_uri, **mine)
        found["packages"] = answer["results"]
    return {**found, "users": []}
