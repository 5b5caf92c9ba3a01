"""Plain values read out of RDF: http(s) URLs, dates and times, and the identifiers the
parsing side makes for organisations it finds."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime

from rdflib import BNode
from rdflib.term import Node as RdfNode


def http_url(value: RdfNode | str | None) -> str | None:
    """The value when it is an http(s) URL (a URI or a literal), else ``None``."""
    if value is None or isinstance(value, BNode):
        return None
    text = str(value).strip()
    if " " in text or not re.match(r"^https?://[^/?#]", text, re.IGNORECASE):
        return None
    return text


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10]) if text else None
    except ValueError:
        return None


def parse_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(text)
        if day is None:
            return None
        value = datetime(day.year, day.month, day.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._~]+", "-", text.lower()).strip("-._~")


def bounded_id(ident: str, key: str) -> str:
    """An identifier of at most 200 characters (a hash of ``key`` keeps long ones apart)."""
    if len(ident) <= 200:
        return ident
    return ident[:191].rstrip("-._~") + "-" + hashlib.sha1(key.encode()).hexdigest()[:8]


def last_segment(uri: str) -> str:
    return re.split(r"[/#]", uri.rstrip("/#"))[-1]
