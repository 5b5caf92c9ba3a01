"""Leases: a named lock held by one process until it expires, as a row in ``lease``.

A row rather than PostgreSQL advisory locks so that SQLite and PostgreSQL behave the same: a
lease is taken (or renewed) by one conditional UPDATE, or by an INSERT when the row does not
exist yet; the database makes either atomic, so of two processes asking at once one wins. A
holder that dies simply stops renewing, and the lease passes on when it expires.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from schemas import Lease
from schemas.common import now


def process_holder() -> str:
    """This process as a holder: "host:pid" (what a harvest run records)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def new_holder() -> str:
    """A holder id unique to one scheduler, even with several in one process."""
    return f"{process_holder()}:{uuid.uuid4().hex[:8]}"


def holder_gone(holder: str | None) -> bool:
    """Whether ``holder`` names a process on this host that no longer exists. A holder on
    another host (or unreadable) is never judged here: the time limit covers it."""
    if not holder:
        return False
    host, _, rest = holder.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def acquire(
    *, session: Session, name: str, holder: str, ttl: timedelta, at: datetime | None = None
) -> bool:
    """Take or renew the lease ``name`` for ``ttl``; True if ``holder`` now holds it. Commits."""
    at = at or now()
    expires = at + ttl
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < at))
        .values(
            holder=holder,
            expires_at=expires,
            acquired_at=case((Lease.holder == holder, Lease.acquired_at), else_=at),
        )
    ).rowcount
    if taken:
        session.commit()
        return True
    try:
        with session.begin_nested():
            session.add(Lease(name=name, holder=holder, acquired_at=at, expires_at=expires))
    except IntegrityError:  # someone holds it (or took it first)
        session.commit()
        return False
    session.commit()
    return True


def release(*, session: Session, name: str, holder: str) -> None:
    """Give the lease up (only if ``holder`` holds it), so another process may act at once."""
    session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
    session.commit()


def current(*, session: Session, name: str) -> Lease | None:
    return session.get(Lease, name)
