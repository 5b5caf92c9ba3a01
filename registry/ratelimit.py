"""Per-client limits on what anonymous people may send (suggestions, data requests).

The count lives in the database (``submission_log``), not in a process's memory: the service
runs as several app processes, and a limit each process kept for itself would let a client
send N times the limit by landing on N processes. The window slides: a client may send
``limit`` submissions in any hour, and the 429's ``Retry-After`` says when the oldest of them
leaves the window.

Only accepted submissions are counted (a form sent back with a mistake costs nothing). Two
submissions from one client at the same instant may both pass the check before either is
logged, so a burst can exceed the limit by the number of processes at most; that is the price
of no lock, and small beside what the limit stops.

A client is a SHA-256 of its address, never the address itself, and log rows are deleted once
they are older than the window.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy import delete, func, select
from sqlmodel import Session

from registry.config import Settings
from registry.errors import TooManyRequests
from schemas.common import now, utc
from schemas.suggestion import SubmissionLog

WINDOW = timedelta(hours=1)
LOG = SubmissionLog.__table__


def client_address(request: Request, settings: Settings) -> str:
    """The client's address: the configured proxy header's last entry (what our own proxy saw;
    earlier entries are the client's to write) when one is set, else the connection's peer."""
    if settings.client_ip_header:
        forwarded = request.headers.get(settings.client_ip_header, "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.client.host if request.client else "unknown"


def client_key(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


def check_limit(
    *,
    session: Session,
    scope: str,
    client: str,
    limit: int,
    at: datetime | None = None,
    noun: str = "submissions",
) -> None:
    """Raise :class:`TooManyRequests` when ``client`` has used ``limit`` in the last hour."""
    when = at or now()
    since = when - WINDOW
    count, oldest = session.execute(
        select(func.count(), func.min(LOG.c.at)).where(
            LOG.c.scope == scope, LOG.c.client == client, LOG.c.at > since
        )
    ).one()
    if count < limit:
        return
    # SQLite hands timestamps back without their zone; they were stored in UTC.
    free_at = (utc(oldest) if oldest else when) + WINDOW
    retry_after = max(1, math.ceil((free_at - when).total_seconds()))
    raise TooManyRequests(
        f"too many {noun} from your address: at most {limit} an hour; "
        f"try again in {_minutes(retry_after)}",
        retry_after=retry_after,
    )


def record_submission(
    *, session: Session, scope: str, client: str, at: datetime | None = None
) -> None:
    """Log one accepted submission, and forget every client's submissions older than the
    window (the table stays as small as an hour's traffic)."""
    when = at or now()
    session.execute(delete(LOG).where(LOG.c.at <= when - WINDOW))
    session.add(SubmissionLog(scope=scope, client=client, at=when))


def _minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
