"""The dataset page: ``/datasets/{id}`` answers it when the client asks for HTML (a browser's
``Accept``, or ``?f=html``); :mod:`registry.api.catalog` negotiates, RDF stays the default."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from registry import queries
from registry.config import Settings
from registry.errors import NotFound
from registry.harvest.status import dataset_sources
from registry.quality.assessments import dataset_quality
from registry.records import label
from registry.web.edit_view import NAMES
from registry.web.profile_view import table_views
from registry.web.routing import error_page
from registry.web.templating import render
from schemas import CuratedField, schemaorg

VOCABULARY_FIELDS = {"licence": "licence", "accrual_periodicity": "frequency"}
SCHEMES = {"sector": "Sectors", "grade": "Leadership grades", "attribute": "Attributes"}
PROVENANCE = {
    "declared": "declared by the publisher",
    "inferred": "inferred from the title and description",
    "observed": "observed in the data's columns",
    "curated": "set by the registry's curators",
}
QUALITY_BANDS = {
    "bad": "many DCAT fields that help people find and reuse data are missing",
    "sufficient": "the basics are there; several useful fields are missing",
    "good": "most useful fields are filled in",
    "excellent": "nearly every field data portals look for is filled in",
}
ALTERNATES = (
    ("ttl", "text/turtle", "Turtle"),
    ("rdf", "application/rdf+xml", "RDF/XML"),
    ("jsonld", "application/ld+json", "JSON-LD (DCAT)"),
)


def dataset_page(
    request: Request, *, session: Session, settings: Settings, dataset_id: str
) -> HTMLResponse:
    try:
        record = queries.get_dataset(
            session=session, dataset_id=dataset_id, base_uri=settings.base_uri
        )
    except NotFound as exc:
        return error_page(request, 404, exc.message)  # type: ignore[return-value]
    quality = dataset_quality(session=session, dataset_id=dataset_id)
    to_gain = sorted(
        (row for row in quality["indicators"] if row["to_gain"]),
        key=lambda row: -row["maximum"],
    )
    ordered = sorted(record.coverage, key=lambda c: list(SCHEMES).index(c.scheme))
    coverage = [
        (SCHEMES[scheme], list(statements))
        for scheme, statements in groupby(ordered, key=lambda c: c.scheme)
        if scheme in SCHEMES
    ]
    base = f"/datasets/{record.id}"
    response = render(
        request,
        "dataset.html.j2",
        record=record,
        coverage=coverage,
        provenance=PROVENANCE,
        frequency=label("frequency", record.accrual_periodicity),
        quality=quality,
        quality_meaning=QUALITY_BANDS.get(quality["band"], ""),
        to_gain=to_gain[:3],
        sources=dataset_sources(session=session, dataset_id=record.id),
        tables=table_views(record.distributions, record.coverage),
        curated_fields=curated_fields(record.curated),
        related=queries.related_datasets(session=session, record=record),
        alternates=[(f"{base}.{ext}", media, name) for ext, media, name in ALTERNATES],
        json_href=f"/api/datasets/{record.id}",
        schemaorg_href=f"{base}.schemaorg.jsonld",
        jsonld=schemaorg.dataset(record, base_uri=settings.base_uri),
    )
    response.headers["Vary"] = "Accept"  # the same URL answers RDF to other clients
    return response


def curated_fields(curated: list[CuratedField]) -> list[dict[str, Any]]:
    """The fields a person set, named for people, with vocabulary values as labels."""
    rows = []
    for c in curated:
        if c.field == "status":
            continue  # the withdrawn warning says it
        scheme = VOCABULARY_FIELDS.get(c.field)
        rows.append(
            {
                "name": NAMES.get(c.field, c.field.replace("_", " ").capitalize()),
                "value": _labelled(scheme, c.value),
                "harvested": _labelled(scheme, c.harvested),
                "from_source": c.from_source,
            }
        )
    return rows


def _labelled(scheme: str | None, value: Any) -> Any:
    return label(scheme, value) if scheme and isinstance(value, str) else value
