"""What the MQA reads of the stored records: one dataset, or every active one (optionally one
publisher's), in three plain queries (datasets, their distributions, the link answers) however
many records there are. Each record's facts come from :func:`registry.quality.mqa.record_facts`.

Link results roll up as the MQA vocabulary's status-code indicators ask: a record's access
(or download) URLs answer when every one of them that has been checked answered; with none
checked the result is unknown (None), and earns nothing until ``registry check-links`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from registry.quality.link_store import StoredCheck, stored_checks
from registry.quality.mqa import RecordFacts, record_facts

_DATASETS = (
    "SELECT d.id, d.title, d.publisher_id, d.status, d.licence, d.access_rights, "
    "d.issued IS NOT NULL, d.modified IS NOT NULL, "
    "d.temporal_start IS NOT NULL OR d.temporal_end IS NOT NULL, "
    "CAST(d.keywords AS TEXT), CAST(d.themes AS TEXT), CAST(d.spatial AS TEXT), "
    "CAST(d.contact_point AS TEXT) FROM dataset d WHERE {where} ORDER BY d.id"
)
_DISTRIBUTIONS = (
    "SELECT x.dataset_id, x.format, x.media_type, x.access_url, x.download_url, "
    "x.byte_size IS NOT NULL FROM distribution x JOIN dataset d ON d.id = x.dataset_id "
    "WHERE {where} ORDER BY x.dataset_id, x.position, x.id"
)


@dataclass(frozen=True, slots=True)
class RecordLink:
    """One URL of a record: what it is to the record, and its last answer (None: unchecked)."""

    url: str
    roles: tuple[str, ...]  # "access", "download", or both
    check: StoredCheck | None


@dataclass(frozen=True, slots=True)
class QualityRecord:
    id: str
    title: str
    publisher_id: str | None
    status: str
    facts: RecordFacts
    links: tuple[RecordLink, ...]


def read_records(
    *, session: Session, dataset_id: str | None = None, publisher: str | None = None
) -> list[QualityRecord]:
    """One dataset by id (whatever its status; [] if unknown), else every active dataset, or
    every active dataset of one publisher, ordered by id."""
    if dataset_id is not None:
        where, params = "d.id = :dataset_id", {"dataset_id": dataset_id}
    elif publisher is not None:
        where, params = (
            "d.status = 'active' AND d.publisher_id = :publisher",
            {"publisher": publisher},
        )
    else:
        where, params = "d.status = 'active'", {}
    rows = session.execute(text(_DATASETS.format(where=where)), params).all()
    if not rows:
        return []
    files: dict[str, list[Any]] = {}
    for file in session.execute(text(_DISTRIBUTIONS.format(where=where)), params).all():
        files.setdefault(file[0], []).append(file)
    # One dataset: its own URLs' answers; many: every stored answer (one scan of link_check).
    urls = None
    if dataset_id is not None:
        urls = [u for f in files.get(dataset_id, []) for u in f[3:5] if u]
    checks = stored_checks(session=session, urls=urls)
    explain = dataset_id is not None
    return [_record(row, files.get(row[0], []), checks, explain) for row in rows]


def _record(
    row: Any, files: list[Any], checks: dict[str, StoredCheck], explain: bool
) -> QualityRecord:
    ident, title, publisher, status, licence, access_rights = row[:6]
    issued, modified, temporal = (bool(v) for v in row[6:9])
    keywords, themes, spatial, contact = (_filled(v) for v in row[9:13])
    roles: dict[str, list[str]] = {}
    for file in files:
        roles.setdefault(file[3], []).append("access")
        if file[4]:
            roles.setdefault(file[4], []).append("download")
    links = tuple(
        RecordLink(url, tuple(dict.fromkeys(r)), checks.get(url)) for url, r in roles.items()
    )
    facts = record_facts(
        formats=[f[1] for f in files],
        licence=licence,
        keywords=keywords,
        themes=themes,
        spatial=spatial,
        temporal=temporal,
        download_url=any(f[4] for f in files),
        media_type=any(f[2] for f in files),
        access_rights=bool(access_rights),
        contact_point=contact,
        publisher=bool(publisher),
        byte_size=any(f[5] for f in files),
        issued=issued,
        modified=modified,
        access_urls_ok=_all_answer(links, "access"),
        download_urls_ok=_all_answer(links, "download"),
        # Each URL's answer in words, for one record's assessment; summaries never read them.
        links={link.url: describe(link.check) for link in links} if explain else None,
    )
    return QualityRecord(ident, title, publisher, status, facts, links)


def _all_answer(links: tuple[RecordLink, ...], role: str) -> bool | None:
    checked = [link.check for link in links if role in link.roles and link.check is not None]
    return all(c.ok for c in checked) if checked else None


def describe(check: StoredCheck | None) -> str:
    """A URL's last answer in a few words."""
    if check is None:
        return "not checked yet"
    when = check.checked_at.date().isoformat()
    if check.ok:
        return f"answered {check.status_code} on {when}"
    return f"{check.error or 'failed'} on {when}"


def _filled(value: Any) -> bool:
    """A JSON column's text holds something (not null, [], {} or "")."""
    return value is not None and str(value).strip() not in ("", "null", "[]", "{}", '""')
