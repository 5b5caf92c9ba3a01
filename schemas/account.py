"""Accounts: the people who curate records, their role, and the API tokens they sign in with.

A token's secret is never stored: only its SHA-256 (the secret is 256 random bits, so a fast
hash is enough), and the first characters, so a person can tell their tokens apart.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from schemas.common import UtcDatetime, now


class Role(StrEnum):
    """What a person may do; ``admin`` may do everything an ``editor`` may."""

    editor = "editor"
    admin = "admin"


# A person (or a service acting for one). "user" is a reserved word in PostgreSQL.
class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    role: str = Field(max_length=20)
    disabled: bool = False
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: Role
    disabled: bool
    created_at: UtcDatetime


# One API token: its hash, whose it is, and when it stops working.
class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=12)  # the secret's first characters, to tell tokens apart
    note: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(
        default_factory=now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # Signing out in a browser ends every browser session made with the token before this.
    sessions_ended_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True))
    )


# A token as listed: never its secret.
class ApiTokenPublic(BaseModel):
    id: int
    user: str
    prefix: str
    note: str | None = None
    created_at: UtcDatetime
    expires_at: UtcDatetime | None = None
    revoked_at: UtcDatetime | None = None
    last_used_at: UtcDatetime | None = None
