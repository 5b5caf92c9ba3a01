"""Datasets: the DCAT record at the heart of the registry, with what the registry adds to it
(coverage of sectors, grades and attributes; granularity; provenance; withdrawn status)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, model_validator
from sqlalchemy import JSON, Column, DateTime, Text
from sqlmodel import Field, SQLModel

from schemas.common import (
    AccessRights,
    FrequencyRef,
    Granularity,
    Identifier,
    LicenceRef,
    NonEmpty,
    RecordStatus,
    ThemeRef,
    UtcDatetime,
    now,
)
from schemas.contact import ContactPointCreate, ContactPointPublic
from schemas.coverage import CoverageCreate, CoveragePublic
from schemas.curation import CuratedField, SuppressedStatement
from schemas.distribution import DistributionCreate, DistributionPublic
from schemas.organisation import OrganisationCreate, OrganisationRef


# Fields people and harvesters may set on a dataset (DCAT-AP 3 core plus our additions).
class DatasetBase(SQLModel):
    title: NonEmpty
    description: str = Field(default="", max_length=20_000)
    landing_page: AnyHttpUrl | None = None
    licence: LicenceRef | None = None
    access_rights: AccessRights | None = None
    accrual_periodicity: FrequencyRef | None = None
    issued: date | None = None
    modified: UtcDatetime | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: list[str] = Field(default_factory=list, description="places covered, e.g. England")
    keywords: list[str] = Field(default_factory=list)
    themes: list[ThemeRef] = Field(default_factory=list)
    granularity: Granularity | None = None
    conforms_to: list[AnyHttpUrl] = Field(default_factory=list)
    other_identifiers: list[str] = Field(default_factory=list)
    source_record: str | None = Field(
        default=None, max_length=2000, description="the record's URL or id at its source"
    )


# What a loader or harvester submits: the stable id, the publisher (an id or a whole
# organisation), the contact point, distributions and coverage statements.
class DatasetCreate(DatasetBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    id: Identifier
    publisher: Identifier | OrganisationCreate | None = None
    contact_point: ContactPointCreate | None = None
    distributions: list[DistributionCreate] = Field(default_factory=list)
    coverage: list[CoverageCreate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _period_in_order(self) -> DatasetCreate:
        if self.temporal_start and self.temporal_end and self.temporal_end < self.temporal_start:
            raise ValueError(
                f"temporal_end {self.temporal_end} is before temporal_start {self.temporal_start}"
            )
        return self

    @property
    def publisher_id(self) -> str | None:
        return (
            self.publisher.id if isinstance(self.publisher, OrganisationCreate) else self.publisher
        )


# A partial change by a person (curation); every field optional.
class DatasetUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    title: NonEmpty | None = None
    description: str | None = None
    landing_page: AnyHttpUrl | None = None
    licence: LicenceRef | None = None
    access_rights: AccessRights | None = None
    accrual_periodicity: FrequencyRef | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: list[str] | None = None
    keywords: list[str] | None = None
    themes: list[ThemeRef] | None = None
    granularity: Granularity | None = None
    publisher: Identifier | None = None
    contact_point: ContactPointCreate | None = None


# The stored row. ``pk`` is a compact integer for the search index; ``id`` is the stable name.
class Dataset(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(max_length=200, unique=True, index=True)
    title: str = Field(max_length=500)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    publisher_id: str | None = Field(default=None, foreign_key="organisation.id", index=True)
    contact_point: dict | None = Field(default=None, sa_column=Column(JSON))
    landing_page: str | None = Field(default=None, max_length=2000)
    licence: str | None = Field(default=None, max_length=60)
    access_rights: str | None = Field(default=None, max_length=20)
    accrual_periodicity: str | None = Field(default=None, max_length=40)
    issued: date | None = None
    modified: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    granularity: str | None = Field(default=None, max_length=30)
    conforms_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    other_identifiers: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=RecordStatus.active.value, max_length=20, index=True)
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    withdrawn_reason: str | None = Field(default=None, max_length=1000)
    source_name: str | None = Field(default=None, max_length=100, index=True)
    source_record: str | None = Field(default=None, max_length=2000)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


# One dataset as the API returns it: the record, its publisher, distributions and coverage.
class DatasetPublic(DatasetBase):
    id: str
    landing_page: str | None = None  # type: ignore[assignment]
    conforms_to: list[str] = Field(default_factory=list)  # type: ignore[assignment]
    licence_label: str | None = None
    publisher: OrganisationRef | None = None
    contact_point: ContactPointPublic | None = None
    distributions: list[DistributionPublic] = Field(default_factory=list)
    coverage: list[CoveragePublic] = Field(default_factory=list)
    status: RecordStatus = RecordStatus.active
    withdrawn_at: UtcDatetime | None = None
    withdrawn_reason: str | None = None
    source_name: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    # Filled for one dataset (not in lists): the fields a person set, with the source's value,
    # and the coverage a person removed.
    curated: list[CuratedField] = Field(default_factory=list)
    suppressed_coverage: list[SuppressedStatement] = Field(default_factory=list)


# One search hit: enough to list and choose.
class DatasetSummary(BaseModel):
    id: str
    title: str
    description: str
    publisher: OrganisationRef | None = None
    licence: str | None = None
    modified: UtcDatetime | None = None
    status: RecordStatus = RecordStatus.active
    sectors: list[str] = Field(default_factory=list)
    grades: list[str] = Field(default_factory=list)
    attributes: list[str] = Field(default_factory=list)
    formats: list[str] = Field(default_factory=list)
    url: str | None = None
