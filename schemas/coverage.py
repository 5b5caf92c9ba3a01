"""Coverage statements: which sector, grade or attribute a dataset covers, and who says so."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

import vocab
from schemas.common import CoverageScheme, Provenance


# Fields shared by every coverage model.
class CoverageBase(SQLModel):
    scheme: CoverageScheme
    concept: str = Field(max_length=100, description="notation of a concept in the scheme")
    provenance: Provenance = Provenance.declared
    # The evidence: the label matched, the column read, or the curator's reason.
    note: str | None = Field(default=None, max_length=1000)


# What a loader or harvester submits; the concept must exist in its scheme.
class CoverageCreate(CoverageBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    @model_validator(mode="after")
    def _concept_known(self) -> CoverageCreate:
        concepts = vocab.load(self.scheme.value)
        if self.concept not in concepts:
            raise ValueError(
                f"concept {self.concept!r} is not in the {self.scheme.value} vocabulary"
            )
        return self


# A curator's change to one statement.
class CoverageUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    provenance: Provenance | None = None
    note: str | None = None


# The stored row; one per (dataset, scheme, concept, provenance).
class Coverage(CoverageBase, table=True):
    __table_args__ = (
        UniqueConstraint("dataset_id", "scheme", "concept", "provenance", name="uq_coverage"),
        # The statements grouped by what they state (the gap matrix reads every statement
        # this way): an index-only scan in group order, no sort.
        Index("ix_coverage_statement", "scheme", "concept", "provenance", "dataset_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: str = Field(
        foreign_key="dataset.id", index=True, max_length=200, ondelete="CASCADE"
    )
    scheme: str = Field(max_length=20)  # type: ignore[assignment]
    provenance: str = Field(default="declared", max_length=20)  # type: ignore[assignment]


# What the API returns: the statement with the concept's label and URI.
class CoveragePublic(BaseModel):
    scheme: str
    concept: str
    label: str
    uri: str
    provenance: str
    note: str | None = None
