"""Organisations: the publishers of datasets and the bodies whose leaders they describe."""

from __future__ import annotations

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict
from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

from schemas.common import Identifier, NonEmpty, OrganisationTypeRef, SectorRef, UtcDatetime, now


# Fields people and harvesters may set on an organisation.
class OrganisationBase(SQLModel):
    name: NonEmpty
    abbreviation: str | None = Field(default=None, max_length=50)
    organisation_type: OrganisationTypeRef | None = None
    sectors: list[SectorRef] = Field(default_factory=list)
    homepage: AnyHttpUrl | None = None
    status: str = Field(
        default="live", max_length=60, description="GOV.UK status, e.g. live, closed"
    )
    parent_ids: list[Identifier] = Field(default_factory=list)
    # Identifiers in other registers, e.g. {"govuk": "cabinet-office", "ods": "RRK"}.
    identifiers: dict[str, str] = Field(default_factory=dict)


# What a loader or harvester submits: the base plus the stable identifier.
class OrganisationCreate(OrganisationBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    id: Identifier


# A partial change: every field optional.
class OrganisationUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    name: NonEmpty | None = None
    abbreviation: str | None = None
    organisation_type: OrganisationTypeRef | None = None
    sectors: list[SectorRef] | None = None
    homepage: AnyHttpUrl | None = None
    status: str | None = None
    parent_ids: list[Identifier] | None = None
    identifiers: dict[str, str] | None = None


# The stored row.
class Organisation(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=200)
    name: str = Field(max_length=500, index=True)
    abbreviation: str | None = Field(default=None, max_length=50)
    organisation_type: str | None = Field(default=None, max_length=60, index=True)
    sectors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    homepage: str | None = Field(default=None, max_length=2000)
    status: str = Field(default="live", max_length=60)
    parent_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    identifiers: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


# A short reference to an organisation, embedded in other records.
class OrganisationRef(BaseModel):
    id: str
    name: str


# What the API returns.
class OrganisationPublic(OrganisationBase):
    id: str
    homepage: str | None = None  # type: ignore[assignment]
    created_at: UtcDatetime
    updated_at: UtcDatetime
    dataset_count: int = 0
