"""The whole catalogue at once: JSON Lines or DCAT, streamed a batch of records at a time so
memory stays flat however large the catalogue; and as one graph, for SHACL validation.

A DCAT dump may be written by several processes (:func:`write_dump` with ``jobs``): the records,
in feed order, are cut into as many runs; this process writes the first run straight to the
output while each other run is written to a scratch file by a process of its own, and the
scratch files are then appended in order. Serialising is CPU work in Python, so a second core
nearly halves a large dump; each process still holds one batch of records at a time. Every
process reads its run in a transaction of its own, so a record changed while a dump runs is
written as the process that wrote it saw it (as with a dump in one process on PostgreSQL).
"""

from __future__ import annotations

import codecs
import multiprocessing
import os
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO

from rdflib import Graph
from sqlalchemy import func, select
from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine
from registry.feed import catalog_info
from registry.gc_tuning import young_threshold
from registry.loading import export_lines
from registry.record_views import iter_record_views
from schemas import Dataset
from schemas.common import utc
from schemas.dcat import Part, to_graph, write

# Below this many records per process, starting processes costs more than it saves.
MIN_RECORDS_PER_JOB = 20_000
MAX_AUTO_JOBS = 4
COPY_BUFFER = 1 << 20


def _pks(session: Session, limit: int | None = None) -> list[int]:
    statement = select(Dataset.pk).order_by(Dataset.pk)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.execute(statement).scalars())


def _modified(session: Session) -> datetime | None:
    return utc(session.execute(select(func.max(Dataset.updated_at))).scalar())


def _piece(
    session: Session,
    settings: Settings,
    fmt: str,
    profile: str,
    modified: datetime | None,
    pks: Sequence[int],
    part: Part,
) -> Iterator[str]:
    records = iter_record_views(session=session, pks=pks)
    catalog = catalog_info(settings, modified)
    yield from write(
        records, fmt, base_uri=settings.base_uri, profile=profile, catalog=catalog, part=part
    )


def auto_jobs(records: int) -> int:
    """How many processes a dump of this many records is worth: one per
    :data:`MIN_RECORDS_PER_JOB` records, at most one per CPU and :data:`MAX_AUTO_JOBS`."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, MAX_AUTO_JOBS, records // MIN_RECORDS_PER_JOB))


def runs(pks: Sequence[int], jobs: int) -> list[Sequence[int]]:
    """``pks`` cut into at most ``jobs`` contiguous runs of near-equal length, none empty
    (one empty run when there are no pks)."""
    jobs = max(1, min(jobs, len(pks)))
    size, extra = divmod(len(pks), jobs)
    cuts, at = [], 0
    for number in range(jobs):
        end = at + size + (1 if number < extra else 0)
        cuts.append(pks[at:end])
        at = end
    return cuts or [pks]


def write_dump(
    out: IO[str],
    *,
    settings: Settings,
    fmt: str,
    profile: str,
    jobs: int | None = None,
    scratch: Path | None = None,
) -> int:
    """Write every record to ``out``, as JSON Lines (``jsonl``) or a DCAT catalogue in
    ``fmt``, and return how many processes wrote it. ``jobs`` ``None`` chooses by size
    (:func:`auto_jobs`); JSON Lines always takes one. Scratch files go in ``scratch`` (the
    system's temporary folder by default)."""
    engine = make_engine(settings)
    try:
        with young_threshold(settings.gc_threshold), Session(engine) as session:
            if fmt == "jsonl":
                out.writelines(line + "\n" for line in export_lines(session=session))
                return 1
            pks, modified = _pks(session), _modified(session)
            cut = runs(pks, auto_jobs(len(pks)) if jobs is None else jobs)
            if len(cut) == 1:
                out.writelines(_piece(session, settings, fmt, profile, modified, pks, Part()))
                return 1
            _write_pieces(out, session, settings, fmt, profile, modified, cut, scratch)
            return len(cut)
    finally:
        engine.dispose()


def _write_pieces(
    out: IO[str],
    session: Session,
    settings: Settings,
    fmt: str,
    profile: str,
    modified: datetime | None,
    cut: list[Sequence[int]],
    scratch: Path | None,
) -> None:
    last = len(cut) - 1
    # spawn, not fork: a child starts clean, with no copy of this process's engine or locks.
    context = multiprocessing.get_context("spawn")
    with (
        tempfile.TemporaryDirectory(prefix="registry-dump-", dir=scratch) as folder,
        ProcessPoolExecutor(max_workers=last, mp_context=context) as pool,
    ):
        pieces: list[Future[str]] = [
            pool.submit(
                _write_piece,
                settings,
                fmt,
                profile,
                modified,
                list(cut[number]),
                Part(number, last=number == last),
                str(Path(folder) / f"piece-{number}.{fmt}"),
            )
            for number in range(1, last + 1)
        ]
        try:
            out.writelines(
                _piece(session, settings, fmt, profile, modified, cut[0], Part(0, last=False))
            )
            for piece in pieces:
                _append(out, Path(piece.result()))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _write_piece(
    settings: Settings,
    fmt: str,
    profile: str,
    modified: datetime | None,
    pks: list[int],
    part: Part,
    path: str,
) -> str:
    """In a child process: one run of records, as one piece of the document, to ``path``."""
    engine = make_engine(settings)
    try:
        with (
            young_threshold(settings.gc_threshold),
            Session(engine) as session,
            open(path, "w", encoding="utf-8") as handle,
        ):
            handle.writelines(_piece(session, settings, fmt, profile, modified, pks, part))
    finally:
        engine.dispose()
    return path


def _append(out: IO[str], path: Path) -> None:
    """The piece's bytes after what ``out`` holds: copied by the kernel (``sendfile``) where
    ``out`` is a file or pipe, since a userspace copy of hundreds of megabytes costs seconds;
    else through Python."""
    out.flush()
    try:
        target = out.fileno()
    except (AttributeError, OSError, ValueError):  # an in-memory stream
        target = None
    with path.open("rb") as piece:
        size, sent = path.stat().st_size, 0
        if target is not None and hasattr(os, "sendfile"):
            while sent < size:
                copied = os.sendfile(target, piece.fileno(), sent, size - sent)
                if copied == 0:
                    break
                sent += copied
        if sent < size:  # decoded as it goes: a block may end inside a character
            piece.seek(sent)
            out.writelines(codecs.iterdecode(iter(partial(piece.read, COPY_BUFFER), b""), "utf-8"))
            out.flush()


def catalogue_graph(
    *, session: Session, settings: Settings, profile: str, limit: int | None = None
) -> Graph:
    """The catalogue as one rdflib graph (the reference path; fine for validation)."""
    records = iter_record_views(session=session, pks=_pks(session, limit))
    return to_graph(
        records,
        base_uri=settings.base_uri,
        profile=profile,
        catalog=catalog_info(settings, _modified(session)),
    )
