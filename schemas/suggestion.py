"""What the public sends: suggested datasets (pending until an editor accepts or rejects them)
and "data I need" requests (counted per gap-matrix cell), plus the log of recent submissions
the rate limit counts.

Everything here is untrusted text from anonymous people, so every field is capped: a spam-sized
value is refused with the field named, never truncated silently.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import pydantic
from pydantic import AnyHttpUrl, BaseModel, BeforeValidator, ConfigDict, EmailStr, StringConstraints
from sqlalchemy import JSON, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from schemas.common import AttributeRef, GradeRef, SectorRef, UtcDatetime, now

TITLE_MAX = 300
LINK_MAX = 2000
PUBLISHER_MAX = 200
DESCRIPTION_MAX = 5000
REQUEST_TEXT_MAX = 2000
REASON_MAX = 1000
CONCEPTS_MAX = 20  # per scheme; the largest vocabulary of the three has 17 top concepts

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)]
Publisher = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PUBLISHER_MAX)
]
Covers = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX)
]
RequestText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=REQUEST_TEXT_MAX)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_MAX)
]


def _link(value: object) -> object:
    """A spam-sized link is refused before it is parsed; the URL type then takes only http(s)."""
    if isinstance(value, str):
        value = value.strip()
        if len(value) > LINK_MAX:
            raise ValueError(f"a link is at most {LINK_MAX} characters")
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValueError("a link must start with http:// or https://")
    return value


class SuggestionStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


# What a member of the public submits. AnyHttpUrl takes only http and https links.
class SuggestionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    link: Annotated[AnyHttpUrl, BeforeValidator(_link)]
    publisher: Publisher = pydantic.Field(description="the publisher's name, or an organisation id")
    description: Covers = pydantic.Field(description="what the data covers, in the sender's words")
    sectors: list[SectorRef] = pydantic.Field(default_factory=list, max_length=CONCEPTS_MAX)
    grades: list[GradeRef] = pydantic.Field(default_factory=list, max_length=CONCEPTS_MAX)
    attributes: list[AttributeRef] = pydantic.Field(default_factory=list, max_length=CONCEPTS_MAX)
    contact: EmailStr | None = pydantic.Field(
        default=None, max_length=254, description="an email address, if they want a reply"
    )


# The stored suggestion; never searched, fed or scored until accepted as a dataset.
class Suggestion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=SuggestionStatus.pending.value, max_length=20, index=True)
    title: str = Field(max_length=TITLE_MAX)
    link: str = Field(max_length=LINK_MAX)
    publisher: str = Field(max_length=PUBLISHER_MAX)
    # The organisation the publisher text names, when it names a known one.
    publisher_id: str | None = Field(default=None, max_length=200)
    description: str = Field(sa_column=Column(Text, nullable=False))
    sectors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    grades: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attributes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contact: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    decided_by: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=REASON_MAX)
    # The dataset an accepted suggestion became.
    dataset_id: str | None = Field(default=None, max_length=200)


# What the sender gets back: no more than they sent, and where it stands.
class SuggestionReceipt(BaseModel):
    id: int
    status: SuggestionStatus
    message: str


# A suggestion as an editor reviews it.
class SuggestionPublic(BaseModel):
    id: int
    status: SuggestionStatus
    title: str
    link: str
    publisher: str
    publisher_id: str | None = None
    description: str
    sectors: list[str]
    grades: list[str]
    attributes: list[str]
    contact: str | None = None
    created_at: UtcDatetime
    decided_at: UtcDatetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    dataset_id: str | None = None


# "Data I need": one gap-matrix cell (a sector grade counts for its harmonised level) and why.
class DataRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sector: SectorRef
    grade: GradeRef
    attribute: AttributeRef
    text: RequestText = pydantic.Field(default="", description="what the data is needed for")


class DataRequest(SQLModel, table=True):
    __tablename__ = "data_request"
    __table_args__ = (Index("ix_data_request_cell", "sector", "grade", "attribute"),)

    id: int | None = Field(default=None, primary_key=True)
    sector: str = Field(max_length=100)
    grade: str = Field(max_length=100)
    attribute: str = Field(max_length=100)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class DataRequestReceipt(BaseModel):
    id: int
    sector: str
    grade: str
    attribute: str
    requests: int = pydantic.Field(description="requests for this cell so far, this one included")
    message: str


# One accepted submission, by whom (a hash of the client's address, never the address) and when:
# what the per-client rate limit counts. Rows older than the limit's window are deleted as new
# ones come, so no client hash is kept much longer than the window.
class SubmissionLog(SQLModel, table=True):
    __tablename__ = "submission_log"
    __table_args__ = (Index("ix_submission_log_client", "scope", "client", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=20)
    client: str = Field(max_length=64)
    at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
