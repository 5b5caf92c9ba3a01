"""Metadata quality per publisher: how its active datasets score on the MQA points, and which
indicators would gain it the most, with the advice for each.

"Points to gain" for an indicator is the sum, over the publisher's datasets that miss it, of
the indicator's points; ``per_dataset`` is that sum divided by all the publisher's datasets
(what the mean score would rise by if every dataset earned it). The whole catalogue is read in
three queries (:mod:`registry.quality.records`), so this stays fast for tens of thousands of
datasets.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from registry.errors import NotFound, UnknownFilter
from registry.quality.mqa import INDICATORS, LINK_INDICATORS, MAXIMUM, band, missing
from registry.quality.records import QualityRecord, read_records
from schemas import Organisation

SORTS = ("gain", "score", "-score", "name")
BAND_NAMES = ("excellent", "good", "sufficient", "bad")
_RANK = {i.name: n for n, i in enumerate(INDICATORS)}


def publisher_quality(
    *, session: Session, publisher: str | None = None, sort: str = "gain"
) -> list[dict[str, Any]]:
    """One summary per publisher with active datasets (datasets with no publisher together,
    as ``publisher`` None), or only ``publisher``'s. ``sort``: ``gain`` (most points to gain
    first), ``score`` (lowest mean score first), ``-score`` (highest first) or ``name``."""
    if sort not in SORTS:
        raise UnknownFilter(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    names: dict[str, str] = {
        ident: name for ident, name in session.execute(select(Organisation.id, Organisation.name))
    }
    if publisher is not None and publisher not in names:
        raise UnknownFilter(f"no organisation with id {publisher!r}")
    groups: dict[str | None, list[QualityRecord]] = {}
    for record in read_records(session=session, publisher=publisher):
        groups.setdefault(record.publisher_id, []).append(record)
    found = [_summary(ident, names.get(ident or ""), group) for ident, group in groups.items()]
    keys = {
        "gain": lambda s: (-s["points_to_gain"], s["name"]),
        "score": lambda s: (s["mean_score"], s["name"]),
        "-score": lambda s: (-s["mean_score"], s["name"]),
        "name": lambda s: (s["name"].casefold(), s["name"]),
    }
    return sorted(found, key=keys[sort])


def one_publisher_quality(*, session: Session, publisher: str) -> dict[str, Any]:
    """One organisation's summary (zero datasets if it has no active ones); NotFound if no
    such organisation."""
    name = session.execute(
        select(Organisation.name).where(Organisation.id == publisher)
    ).scalar_one_or_none()
    if name is None:
        raise NotFound(f"no organisation with id {publisher!r}")
    found = publisher_quality(session=session, publisher=publisher)
    return found[0] if found else _summary(publisher, name, [])


def _summary(ident: str | None, name: str | None, records: list[QualityRecord]) -> dict[str, Any]:
    scores: list[int] = []
    misses = dict.fromkeys(_RANK, 0)
    unchecked = dict.fromkeys(LINK_INDICATORS, 0)
    bands = dict.fromkeys(BAND_NAMES, 0)
    for record in records:
        lost = missing(record.facts)
        score = MAXIMUM - sum(i.points for i in lost)
        scores.append(score)
        bands[band(score)] += 1
        for indicator in lost:
            misses[indicator.name] += 1
        if record.facts.access_urls_ok is None:
            unchecked["accessUrlStatusCode"] += 1
        if record.facts.download_urls_ok is None:
            unchecked["downloadUrlStatusCode"] += 1
    count = len(records)
    to_gain = [
        {
            "indicator": i.name,
            "dimension": i.dimension,
            "points": i.points,
            "datasets_missing": misses[i.name],
            "points_to_gain": misses[i.name] * i.points,
            "per_dataset": round(misses[i.name] * i.points / count, 1),
            "advice": i.advice,
            **({"not_checked": unchecked[i.name]} if i.name in LINK_INDICATORS else {}),
        }
        for i in INDICATORS
        if misses[i.name]
    ]
    to_gain.sort(key=lambda g: (-g["points_to_gain"], _RANK[g["indicator"]]))
    return {
        "publisher": ident,
        "name": name or ident or "(no publisher)",
        "datasets": count,
        "mean_score": round(statistics.fmean(scores), 1) if scores else None,
        "median_score": statistics.median(scores) if scores else None,
        "maximum": MAXIMUM,
        "bands": bands,
        "points_to_gain": sum(g["points_to_gain"] for g in to_gain),
        "to_gain": to_gain,
    }
