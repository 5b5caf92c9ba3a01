"""What people set on a dataset, and every version of every dataset.

``DatasetCuration`` holds the fields a person set (they win over any harvest), the source's
latest value of each of those fields (shown beside the curated one), the coverage statements
a person added, and the ones a person removed ("suppressed": a harvest never brings them back).
``DatasetVersion`` is one change to a record, harvested or curated: who, when, why, what changed
(a field-level diff) and the record as it stood afterwards (for restoring it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from schemas.common import CoverageScheme, UtcDatetime, now


class DatasetCuration(SQLModel, table=True):
    __tablename__ = "dataset_curation"

    dataset_id: str = Field(
        primary_key=True, foreign_key="dataset.id", max_length=200, ondelete="CASCADE"
    )
    # Field name -> the curated value (JSON form); "status" when a person withdrew it.
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Field name -> the source's latest value of a curated field.
    harvested: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Statements a person added: [{"scheme", "concept", "note"}].
    coverage: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # (scheme, concept) pairs a person removed: [[scheme, concept]].
    suppressed: list[list[str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    updated_by: str = Field(default="", max_length=200)
    updated_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class DatasetVersion(SQLModel, table=True):
    __tablename__ = "dataset_version"
    __table_args__ = (UniqueConstraint("dataset_id", "version", name="uq_dataset_version"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: str = Field(
        foreign_key="dataset.id", index=True, max_length=200, ondelete="CASCADE"
    )
    version: int
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    actor: str = Field(max_length=200)  # a user's name, or harvest:<source>
    action: str = Field(max_length=30)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    run_id: int | None = None
    diff: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    record: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# -- what the API returns ---------------------------------------------------------------------


class VersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    created_at: UtcDatetime
    actor: str
    action: str
    reason: str | None = None
    run_id: int | None = None
    diff: dict[str, Any]


class VersionDetail(VersionSummary):
    dataset_id: str
    record: dict[str, Any]


class HistoryPage(BaseModel):
    dataset_id: str
    total: int
    page: int
    size: int
    versions: list[VersionSummary]


class CuratedField(BaseModel):
    """A field a person set: the value shown, and what the source says."""

    field: str
    value: Any
    harvested: Any = None
    from_source: bool = False  # whether the record also has a harvested value for it


class SuppressedStatement(BaseModel):
    scheme: CoverageScheme
    concept: str
