"""What the registry works out about its own records and keeps: gap-matrix snapshots (one per
harvest run, for the trend) and link checks (for the MQA accessibility points)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text
from sqlmodel import Field, SQLModel

from schemas.common import now


# The coverage matrix as it stood at one moment: every harmonised cell's score and best
# dataset, so any two snapshots can be compared cell by cell.
class GapSnapshot(SQLModel, table=True):
    __tablename__ = "gap_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    taken_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    # The harvest run that prompted it (None: taken by hand); kept when runs are pruned.
    run_id: int | None = Field(default=None, index=True)
    grade_level: str = Field(default="harmonised", max_length=20)
    # Fingerprint of the method table: snapshots scored by different methods are compared with
    # that said, not silently.
    method: str = Field(max_length=64)
    datasets: int = 0  # active datasets read
    # [[sector, grade, attribute, score, datasets, best, evidence], ...] for every cell with a
    # score or evidence; cells absent here scored 0 with no datasets. ``evidence`` is the best
    # dataset's {"title", "provenance", "at_grade", "points": {factor: points}, "notes":
    # {factor: what earned them}} (None without a best), so a comparison can say why a cell
    # moved; readers take the first six items and the seventh if present.
    cells: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# The last answer a URL gave the link checker.
class LinkCheck(SQLModel, table=True):
    __tablename__ = "link_check"

    url_hash: str = Field(primary_key=True, max_length=64)  # sha256 of the URL
    url: str = Field(sa_column=Column(Text, nullable=False))
    checked_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    ok: bool = False  # answered 2xx or 3xx (after redirects)
    status_code: int | None = None
    final_url: str | None = Field(default=None, sa_column=Column(Text))
    error: str | None = Field(default=None, sa_column=Column(Text))  # timeout, DNS, refused ...
    elapsed_ms: int | None = None
