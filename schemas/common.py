"""Types shared by every record family: identifiers, enumerations, concept references.

Validation messages name the field and the offending value; :func:`describe_errors` turns a
pydantic ``ValidationError`` into one line per problem for the CLI and the API.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationError

import vocab

# Stable identifiers appear in URLs, so they are URL-safe and bounded.
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$"


def _identifier(value: str) -> str:
    if not re.match(IDENTIFIER_PATTERN, value):
        raise ValueError(
            "an identifier is 1-200 letters, digits, '.', '_', '~' or '-', "
            "starting with a letter or digit"
        )
    return value


Identifier = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_identifier)]
MediaType = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$"
    ),
]
# A harvester kind names a module: lower case, digits, "_" and "-".
HarvesterKind = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=50, pattern=r"^[a-z][a-z0-9_-]*$")
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class Provenance(StrEnum):
    """How a coverage statement came to be: from the source, our classifier, the data, a person."""

    declared = "declared"
    inferred = "inferred"
    observed = "observed"
    curated = "curated"


class Granularity(StrEnum):
    """How finely a dataset describes leaders."""

    individual = "individual"  # named posts or post-holders
    aggregate_by_grade = "aggregate-by-grade"  # counts or rates broken down by grade
    workforce = "workforce"  # whole-workforce figures, no leadership breakdown


class RecordStatus(StrEnum):
    active = "active"
    withdrawn = "withdrawn"


class AccessRights(StrEnum):
    public = "public"
    restricted = "restricted"
    non_public = "non-public"


class CoverageScheme(StrEnum):
    sector = "sector"
    grade = "grade"
    attribute = "attribute"


class ItemState(StrEnum):
    added = "added"
    updated = "updated"
    unchanged = "unchanged"
    withdrawn = "withdrawn"
    failed = "failed"


class RunStatus(StrEnum):
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    timed_out = "timed-out"
    interrupted = "interrupted"


def _known_in(scheme: str):
    def check(value: str) -> str:
        concepts = vocab.load(scheme)
        if value not in concepts:
            known = ", ".join(list(concepts.concepts)[:12])
            more = ", ..." if len(concepts) > 12 else ""
            raise ValueError(f"{value!r} is not a {scheme} notation (known: {known}{more})")
        return value

    return check


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def concept_ref(scheme: str) -> Any:
    """An annotated ``str`` that must be a notation of ``scheme``."""
    return Annotated[str, BeforeValidator(_strip), AfterValidator(_known_in(scheme))]


SectorRef = concept_ref("sector")
GradeRef = concept_ref("grade")
AttributeRef = concept_ref("attribute")
ThemeRef = concept_ref("theme")
LicenceRef = concept_ref("licence")
FrequencyRef = concept_ref("frequency")
FormatRef = concept_ref("format")
OrganisationTypeRef = concept_ref("organisation-type")


def utc(value: datetime | date | None) -> datetime | None:
    """Timestamps are kept in UTC; a bare date means its midnight."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(utc)]


def now() -> datetime:
    return datetime.now(UTC)


def describe_errors(exc: ValidationError) -> list[str]:
    """One readable line per validation problem: ``field.path: message (got value)``."""
    lines = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "record"
        message = error["msg"].removeprefix("Value error, ")
        value = error.get("input")
        shown = (
            ""
            if error["type"] == "missing" or isinstance(value, dict)
            else (f" (got {_short(value)})")
        )
        if repr(value) in message:
            shown = ""
        lines.append(f"{where}: {message}{shown}")
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
