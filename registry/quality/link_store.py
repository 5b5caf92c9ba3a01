"""The link checker's side of the database: which URLs to check, and the last answer each gave.

Answers live in ``link_check``, one row per URL keyed by the sha256 of the URL (URLs can be
longer than any index allows). They are read and written with plain statements: the publisher
summaries read every row at once, and a run writes its answers in batches (an upsert, so the
newest answer replaces the last one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from schemas import Dataset, Distribution, LinkCheck, RecordStatus

_CHUNK = 500  # hashes per IN (...) list, well under every driver's parameter limit


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LinkResult:
    """One URL's answer to the checker. ``kind`` names a failure in a word or two (``HTTP 404``,
    ``timeout``, ``connection``, ``tls``, ``not http(s)`` ...) for the summary; None when ok."""

    url: str
    ok: bool
    checked_at: datetime
    status_code: int | None = None
    final_url: str | None = None
    error: str | None = None
    kind: str | None = None
    elapsed_ms: int | None = None


class StoredCheck(NamedTuple):
    url: str
    stored_at: datetime  # as the driver returns it (SQLite: without its zone)
    ok: bool
    status_code: int | None
    final_url: str | None
    error: str | None

    @property
    def checked_at(self) -> datetime:
        # Made aware only when asked: the publisher summaries read every row and never ask.
        return aware(self.stored_at)


def link_targets(*, session: Session, publisher: str | None = None) -> list[str]:
    """The access and download URLs of active datasets' distributions (one publisher's, if
    given), each once, in a stable order (dataset id, then distribution position)."""
    query = (
        select(Distribution.access_url, Distribution.download_url)
        .join(Dataset, Dataset.id == Distribution.dataset_id)
        .where(Dataset.status == RecordStatus.active.value)
        .order_by(Dataset.id, Distribution.position, Distribution.id)
    )
    if publisher is not None:
        query = query.where(Dataset.publisher_id == publisher)
    urls: dict[str, None] = {}
    for access, download in session.execute(query):
        urls[access] = None
        if download:
            urls[download] = None
    return list(urls)


def stored_checks(*, session: Session, urls: Iterable[str] | None = None) -> dict[str, StoredCheck]:
    """The last answer of each URL (every stored one when ``urls`` is None), by URL."""
    columns = (
        LinkCheck.url_hash,
        LinkCheck.url,
        LinkCheck.checked_at,
        LinkCheck.ok,
        LinkCheck.status_code,
        LinkCheck.final_url,
        LinkCheck.error,
    )
    if urls is None:
        batches = [session.execute(select(*columns)).all()]
    else:
        hashes = sorted({url_hash(u) for u in urls})
        batches = [
            session.execute(
                select(*columns).where(LinkCheck.url_hash.in_(hashes[i : i + _CHUNK]))  # type: ignore[attr-defined]
            ).all()
            for i in range(0, len(hashes), _CHUNK)
        ]
    return {
        row[1]: StoredCheck(row[1], row[2], bool(row[3]), row[4], row[5], row[6])
        for rows in batches
        for row in rows
    }


def store_results(*, session: Session, results: Sequence[LinkResult]) -> None:
    """Keep each URL's newest answer (insert, or replace the one stored) and commit."""
    if not results:
        return
    rows = [
        {
            "url_hash": url_hash(r.url),
            "url": r.url,
            "checked_at": r.checked_at,
            "ok": r.ok,
            "status_code": r.status_code,
            "final_url": r.final_url,
            "error": r.error,
            "elapsed_ms": r.elapsed_ms,
        }
        for r in {r.url: r for r in results}.values()  # one row per URL in one statement
    ]
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = insert(LinkCheck).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=["url_hash"],
            set_={k: statement.excluded[k] for k in rows[0] if k != "url_hash"},
        )
        session.execute(statement)
    else:  # any other database: slower, but the same outcome
        for row in rows:
            session.merge(LinkCheck(**row))
    session.commit()


def aware(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; every one stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
