"""Profiles of tabular distributions (CSV, XLSX, ODS): columns, dimension values, first rows."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_DISTINCT = 50
MAX_SAMPLE_ROWS = 50


# One column: its header, what it holds, and (for dimension columns) its distinct values.
class ColumnProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=500)
    kind: Literal["number", "text", "date", "empty"] = "text"
    distinct_count: int = Field(default=0, ge=0)
    # Up to MAX_DISTINCT values, most frequent first; empty for free-text or numeric columns.
    values: list[str] = Field(default_factory=list, max_length=MAX_DISTINCT)
    missing: int = Field(default=0, ge=0)
    suppressed: int = Field(default=0, ge=0, description="cells like [c], c, x, z or ..")


# The whole table as read.
class TableProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = Field(max_length=20)  # csv | xlsx | ods
    sheet: str | None = None
    encoding: str | None = None
    header_row: int = Field(default=0, ge=0, description="0-based row the header was found on")
    row_count: int = Field(default=0, ge=0)
    footer_rows_dropped: int = Field(default=0, ge=0)
    truncated: bool = False  # the download hit the byte cap; counts cover what was read
    columns: list[ColumnProfile] = Field(default_factory=list)
    sample: list[list[str]] = Field(default_factory=list, max_length=MAX_SAMPLE_ROWS)
