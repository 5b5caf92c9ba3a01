"""Every CSV the registry writes goes through here: a text cell a spreadsheet would run as a
formula (starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``,
OWASP's advice against CSV injection. Numbers stay numbers; harvested titles, names and
descriptions are untrusted text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


def safe_rows(rows: Iterable[Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    return (safe_row(row) for row in rows)
