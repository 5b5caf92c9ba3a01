"""One dataset's metadata quality: every MQA indicator with its points and why, subtotals per
dimension, and each of its URLs with the link checker's last answer and its date."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from registry.errors import NotFound
from registry.quality.mqa import assess, dimension_totals
from registry.quality.records import QualityRecord, RecordLink, describe, read_records

_LINK_ROLES = {"accessUrlStatusCode": "access", "downloadUrlStatusCode": "download"}


def dataset_quality(*, session: Session, dataset_id: str) -> dict[str, Any]:
    """The dataset's MQA score (of 405), band, per-dimension subtotals and every indicator
    explained; raises NotFound for an unknown id. Withdrawn datasets are assessed too."""
    found = read_records(session=session, dataset_id=dataset_id)
    if not found:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    record = found[0]
    result = assess(record.facts)
    indicators: list[dict[str, Any]] = result["indicators"]  # type: ignore[assignment]
    for row in indicators:
        role = _LINK_ROLES.get(row["indicator"])
        if role:
            row["explanation"] = _links_explained(record, role)
    return {
        "dataset": record.id,
        "title": record.title,
        "publisher": record.publisher_id,
        "status": record.status,
        "score": result["score"],
        "maximum": result["maximum"],
        "band": result["band"],
        "dimensions": dimension_totals(indicators),
        "indicators": indicators,
        "links": [_link(link) for link in record.links],
    }


def _links_explained(record: QualityRecord, role: str) -> str:
    """Why a status-code indicator earned its points or not, URL by URL."""
    mine = [link for link in record.links if role in link.roles]
    if not mine:
        return f"no {role} URL"
    checked = [link for link in mine if link.check is not None]
    failed = [link for link in checked if link.check is not None and not link.check.ok]
    unchecked = len(mine) - len(checked)
    if not checked:
        return f"{len(mine)} {role} URL(s) not checked yet (registry check-links)"
    parts = [f"{len(checked) - len(failed)} of {len(checked)} checked {role} URL(s) answered"]
    parts += [f"{link.url}: {describe(link.check)}" for link in failed]
    if unchecked:
        parts.append(f"{unchecked} not checked yet")
    return "; ".join(parts)


def _link(link: RecordLink) -> dict[str, Any]:
    check = link.check
    return {
        "url": link.url,
        "roles": list(link.roles),
        "checked_at": check.checked_at.isoformat() if check else None,
        "ok": check.ok if check else None,
        "status_code": check.status_code if check else None,
        "final_url": check.final_url if check else None,
        "error": check.error if check else None,
    }
