"""Distributions: the files and services through which a dataset can be had."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AnyHttpUrl, ConfigDict
from sqlalchemy import JSON, BigInteger, Column, DateTime
from sqlmodel import Field, SQLModel

from schemas.common import FormatRef, Identifier, LicenceRef, MediaType, UtcDatetime
from schemas.profile import TableProfile


# Fields shared by every distribution model.
class DistributionBase(SQLModel):
    title: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=5000)
    access_url: AnyHttpUrl
    download_url: AnyHttpUrl | None = None
    media_type: MediaType | None = None
    format: FormatRef | None = None
    byte_size: int | None = Field(default=None, ge=0)
    issued: date | None = None
    modified: UtcDatetime | None = None
    licence: LicenceRef | None = None
    profile: TableProfile | None = None


# What a loader or harvester submits; without an id one is made from the dataset and URL.
class DistributionCreate(DistributionBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    id: Identifier | None = None


# A partial change.
class DistributionUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    title: str | None = None
    description: str | None = None
    access_url: AnyHttpUrl | None = None
    download_url: AnyHttpUrl | None = None
    media_type: str | None = None
    format: FormatRef | None = None
    byte_size: int | None = None
    licence: LicenceRef | None = None


# The stored row.
class Distribution(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=240)
    dataset_id: str = Field(
        foreign_key="dataset.id", index=True, max_length=200, ondelete="CASCADE"
    )
    position: int = 0
    title: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=5000)
    access_url: str = Field(max_length=2000)
    download_url: str | None = Field(default=None, max_length=2000)
    media_type: str | None = Field(default=None, max_length=100)
    format: str | None = Field(default=None, max_length=40, index=True)
    byte_size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    issued: date | None = None
    modified: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    licence: str | None = Field(default=None, max_length=60)
    profile: dict | None = Field(default=None, sa_column=Column(JSON))


# What the API returns.
class DistributionPublic(DistributionBase):
    id: str
    access_url: str  # type: ignore[assignment]
    download_url: str | None = None  # type: ignore[assignment]
    format: str | None = None
    format_label: str | None = None
    licence: str | None = None
