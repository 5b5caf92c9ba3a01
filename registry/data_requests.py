""" "Data I need": requests from the public for one gap-matrix cell, counted per cell. The gap
matrix reads the counts (:mod:`registry.gaps.requests`): they are shown in its rows and, when
the boost is on, raise the cell's priority. Keyword-only, session-first; the caller commits."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from registry.gaps.matrix import within
from registry.gaps.requests import request_counts
from schemas import DataRequest, DataRequestCreate

DIMENSIONS = ("sector", "grade", "attribute")


def create_data_request(*, session: Session, record: DataRequestCreate) -> DataRequest:
    request = DataRequest(
        sector=record.sector, grade=record.grade, attribute=record.attribute, text=record.text
    )
    session.add(request)
    session.flush()
    return request


def cell_requests(*, session: Session, sector: str, grade: str, attribute: str) -> int:
    """Requests counted for the cell a request for (sector, grade, attribute) lands in: its
    harmonised level's cell (a sector grade counts for its level)."""
    counts = request_counts(session=session)
    levels = within(grade, "harmonised")
    return max((counts[(sector, g, attribute)] for g in levels), default=0)


def request_rows(*, session: Session, grade_level: str = "harmonised") -> list[dict[str, Any]]:
    """Every cell with at least one request: sector, grade, attribute, requests; most first."""
    counts = request_counts(session=session, grade_level=grade_level)
    rows = [dict(zip(DIMENSIONS, key, strict=True), requests=n) for key, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["requests"], r["sector"], r["grade"], r["attribute"]))
