"""schema.org ``Dataset`` JSON-LD for one record: what search engines and dataset pages embed.

Follows Google's dataset guidance: name, description, url, identifier, keywords, license,
creator and publisher, temporalCoverage, spatialCoverage, dateModified, and each distribution as
a ``DataDownload`` with contentUrl and encodingFormat.
"""

from __future__ import annotations

from typing import Any

import vocab
from schemas.dataset import DatasetPublic


def dataset(record: DatasetPublic, *, base_uri: str) -> dict[str, Any]:
    """The record as a schema.org Dataset (a JSON-LD object with an inline context)."""
    base = base_uri.rstrip("/")
    url = f"{base}/datasets/{record.id}"
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "name": record.title,
        "description": record.description or record.title,
        "url": url,
        "identifier": [record.id, *record.other_identifiers],
        "isAccessibleForFree": True,
    }
    if record.keywords:
        data["keywords"] = list(record.keywords)
    licence = vocab.load("licence").get(record.licence) if record.licence else None
    if licence:
        data["license"] = next(
            (u for u in licence.exact_match if "spdx.org" not in u), licence.uri(base)
        )
    if record.publisher:
        organisation = {
            "@type": "Organization",
            "@id": f"{base}/organisations/{record.publisher.id}",
            "name": record.publisher.name,
        }
        data["creator"] = organisation
        data["publisher"] = organisation
    if record.temporal_start or record.temporal_end:
        start = record.temporal_start.isoformat() if record.temporal_start else ".."
        end = record.temporal_end.isoformat() if record.temporal_end else ".."
        data["temporalCoverage"] = start if start == end else f"{start}/{end}"
    if record.spatial:
        data["spatialCoverage"] = [{"@type": "Place", "name": place} for place in record.spatial]
    if record.issued:
        data["datePublished"] = record.issued.isoformat()
    if record.modified:
        data["dateModified"] = record.modified.isoformat()
    if record.landing_page:
        data["sameAs"] = record.landing_page
    if record.contact_point and (record.contact_point.email or record.contact_point.url):
        data["maintainer"] = {
            "@type": "Organization",
            "name": record.contact_point.name
            or (record.publisher.name if record.publisher else ""),
            **({"email": record.contact_point.email} if record.contact_point.email else {}),
            **({"url": record.contact_point.url} if record.contact_point.url else {}),
        }
    about = [c.label for c in record.coverage]
    if about:
        data["about"] = sorted(set(about), key=about.index)
    downloads = []
    for dist in record.distributions:
        entry: dict[str, Any] = {
            "@type": "DataDownload",
            "contentUrl": dist.download_url or dist.access_url,
        }
        if dist.title:
            entry["name"] = dist.title
        if dist.media_type or dist.format_label:
            entry["encodingFormat"] = dist.media_type or dist.format_label
        if dist.byte_size is not None:
            entry["contentSize"] = f"{dist.byte_size} B"
        downloads.append(entry)
    if downloads:
        data["distribution"] = downloads
    return data
