"""Harvest sources, the runs made against them and the items each run saw."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from croniter import croniter
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, field_validator
from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from schemas.common import HarvesterKind, Identifier, ItemState, RunStatus, UtcDatetime, now


# Fields of a harvest source: which harvester kind reads which URL, with what options.
class HarvestSourceBase(SQLModel):
    kind: HarvesterKind
    url: AnyHttpUrl
    title: str = Field(default="", max_length=300)
    options: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    # When `registry scheduler` harvests it: a five-field cron expression (UTC), or none.
    schedule: str | None = Field(default=None, max_length=100)

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return check_schedule(value)


def check_schedule(value: str | None) -> str | None:
    """A five-field cron expression ("0 2 * * *"), normalised; ValueError says what is wrong."""
    if value is None or not value.strip():
        return None
    value = " ".join(value.split())
    if len(value.split()) != 5 or not croniter.is_valid(value):
        raise ValueError(
            f"{value!r} is not a cron expression of five fields "
            "(minute hour day-of-month month day-of-week), e.g. '0 2 * * *'"
        )
    return value


# A new source, e.g. one entry of the repository's sources file.
class HarvestSourceCreate(HarvestSourceBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    name: Identifier


# A partial change.
class HarvestSourceUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    url: AnyHttpUrl | None = None
    title: str | None = None
    options: dict[str, Any] | None = None
    enabled: bool | None = None
    schedule: str | None = None


# The stored row.
class HarvestSource(SQLModel, table=True):
    __tablename__ = "harvest_source"

    name: str = Field(primary_key=True, max_length=100)
    kind: str = Field(max_length=50)
    url: str = Field(max_length=2000)
    title: str = Field(default="", max_length=300)
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    enabled: bool = True
    schedule: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # Set when a person edits the source through the API: seeding from the sources file then
    # leaves its URL, title and options alone.
    edited_by: str | None = Field(default=None, max_length=100)
    edited_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


# What the API returns.
class HarvestSourcePublic(HarvestSourceBase):
    name: str
    url: str  # type: ignore[assignment]
    created_at: UtcDatetime


# One run of one source.
class HarvestRun(SQLModel, table=True):
    __tablename__ = "harvest_run"

    id: int | None = Field(default=None, primary_key=True)
    source_name: str = Field(foreign_key="harvest_source.name", index=True, max_length=100)
    status: str = Field(default=RunStatus.running.value, max_length=20, index=True)
    started_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message: str | None = Field(default=None, sa_column=Column(Text))
    # Who runs it ("host:pid"), so a reaper can tell a run whose process died.
    holder: str | None = Field(default=None, max_length=200)


# A lease: the one process (holder) allowed to act as ``name`` until ``expires_at``, e.g. the
# scheduler when several run. A row, not an advisory lock, so SQLite and PostgreSQL alike.
class Lease(SQLModel, table=True):
    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=100)
    holder: str = Field(max_length=200)
    acquired_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


# A run as the API returns it.
class HarvestRunPublic(BaseModel):
    id: int
    source_name: str
    status: RunStatus
    started_at: UtcDatetime
    finished_at: UtcDatetime | None = None
    counts: dict[str, int] = {}
    message: str | None = None


# One remote item seen by a run, and how it ended.
class HarvestItem(SQLModel, table=True):
    __tablename__ = "harvest_item"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="harvest_run.id", index=True, ondelete="CASCADE")
    guid: str = Field(max_length=2000)
    dataset_id: str | None = Field(default=None, max_length=200, index=True)
    state: str = Field(max_length=20)
    stage: str | None = Field(default=None, max_length=20)  # gather | fetch | transform | store
    message: str | None = Field(default=None, sa_column=Column(Text))
    content_hash: str | None = Field(default=None, max_length=64)


# An item as the API returns it.
class HarvestItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    guid: str
    dataset_id: str | None = None
    state: ItemState
    stage: str | None = None
    message: str | None = None


# One remote record as last seen by a source: the link from (source, guid) to a dataset, with
# the raw payload kept for re-mapping. Records are withdrawn, never deleted, when they vanish.
class HarvestRecord(SQLModel, table=True):
    __tablename__ = "harvest_record"
    __table_args__ = (UniqueConstraint("source_name", "guid", name="uq_harvest_record"),)

    id: int | None = Field(default=None, primary_key=True)
    source_name: str = Field(foreign_key="harvest_source.name", index=True, max_length=100)
    guid: str = Field(max_length=1000)
    dataset_id: str | None = Field(default=None, max_length=200, index=True)
    # Set when another source's dataset was the same record: linked, not doubled.
    duplicate_of: str | None = Field(default=None, max_length=200)
    status: str = Field(default="active", max_length=20)  # active | withdrawn
    content_hash: str | None = Field(default=None, max_length=64)
    # Hash of the raw payload and the mapping code: equal means the item needs no re-mapping.
    payload_hash: str | None = Field(default=None, max_length=64)
    payload: Any = Field(default=None, sa_column=Column(JSON))
    first_seen_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    last_run_id: int | None = None


# What a server said about a URL last time (ETag / Last-Modified), for conditional GETs.
class HarvestValidator(SQLModel, table=True):
    __tablename__ = "harvest_validator"

    source_name: str = Field(primary_key=True, foreign_key="harvest_source.name", max_length=100)
    url: str = Field(primary_key=True, max_length=1000)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
