"""CKAN's query language, as much of it as harvesters and clients send: ``q`` and ``fq``
(ANDed ``field:value`` terms, quoted values, date ranges) and ``sort``. Anything else is a 409
``Validation Error`` naming it, never a silent mismatch."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import vocab
from registry.search import FACETS
from schemas.common import utc

# -- CKAN's names for our concepts

# Licence notations -> CKAN licence ids (CKAN's default list; SPDX ids where it has none).
LICENCES = {"ogl-3": "uk-ogl", "ogl-2": "OGL-UK-2.0", "ogl-1": "OGL-UK-1.0", "cc-by-4": "cc-by",
            "cc-by-sa-4": "cc-by-sa", "cc0-1": "cc-zero", "odc-by-1": "odc-by",
            "odbl-1": "odc-odbl", "odc-pddl-1": "odc-pddl", "other-open": "other-open",
            "other-closed": "other-closed", "unknown": "notspecified"}  # fmt: skip
OUR_FACETS = {facet: facet for facet in ("sector", "grade", "attribute", "theme", "year")}


def format_label(notation: str) -> str:
    """The label CKAN writes for a format (``CSV``, ``XLSX``, ``TXT``)."""
    concept = vocab.load("format").get(notation)
    if concept is None or " " not in concept.pref_label:
        return concept.pref_label if concept else notation.upper()
    return next((a for a in concept.alt_labels if a.isupper() and a.isalnum()), notation.upper())


def to_notation(facet: str, value: str) -> str | None:
    """The notation a CKAN ``res_format``, ``license_id`` or concept value means, if any."""
    known = {v.upper(): k for k, v in LICENCES.items()} if facet == "licence" else {}
    if facet == "format":
        known = {format_label(c.notation).upper(): c.notation for c in vocab.load(facet)}
    concept = vocab.load(facet).get(value) or vocab.match(facet, value)
    return known.get(value.upper()) or (concept.notation if concept else None)


OUR_FACETS = {facet: facet for facet in ("sector", "grade", "attribute", "theme", "year")}
# CKAN fields -> our facets, or our own filters (tags, ids, time windows).
FQ_FIELDS = {
    "organization": "publisher", "owner_org": "publisher", "res_format": "format",
    "license_id": "licence", "tags": "tags", "id": "id", "name": "id",
    "metadata_modified": "updated_at", "metadata_created": "created_at", **OUR_FACETS,
}  # fmt: skip
SORT_FIELDS = ("score", "metadata_modified", "metadata_created", "title_string", "name", "id")
_TOKEN = re.compile(
    r"\s*(?:(?P<paren>[()])|(?P<op>AND|OR|NOT|&&|\|\|)(?=[\s()]|$)"
    r'|(?P<sign>[+-]?)(?P<field>[A-Za-z_][\w.-]*):(?P<value>"(?:[^"\\]|\\.)*"'
    r"|[\[{][^\]}]*[\]}]|\([^)]*\)|(?:[^\s()\\]|\\.)+)"
    r'|(?P<word>"(?:[^"\\]|\\.)*"|[^\s()]+))'
)
_RANGE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")
EARLIEST, LATEST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


class CkanValidationError(Exception):
    """A parameter CKAN would refuse: a 409 ``Validation Error`` naming the field."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.errors = {name: [message]}


@dataclass
class Filters:
    """What ``q`` and ``fq`` ask for: words, facet values (all required) and our own filters."""

    words: list[str] = field(default_factory=list)
    facets: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    windows: list[tuple[str, datetime, datetime]] = field(default_factory=list)  # inclusive
    impossible: bool = False  # a value no dataset can have: no results, as in CKAN

    def admits(self, row: Any) -> bool:
        if not (self.tags or self.ids or self.windows):
            return True
        keywords = {k.casefold() for k in row.keywords or ()}
        found = [t.casefold() in keywords for t in self.tags] + [i == row.id for i in self.ids]
        return all(found) and all(a <= utc(getattr(row, c)) <= b for c, a, b in self.windows)


def parse_query(q: str, fq: str) -> Filters:
    """``q`` (words, and any ``field:value`` of a known field) and ``fq`` as one filter."""
    found = Filters()
    for name, text in (("q", q), ("fq", fq)):
        depth, pos = 0, 0
        while (match := _TOKEN.match(text, pos)) and match.end() > pos:
            pos, paren, op, word = match.end(), match["paren"], match["op"], match["word"]
            if paren:  # brackets only group ANDed terms, so they need no more than balance
                depth += 1 if paren == "(" else -1
            elif op in ("OR", "NOT", "||"):
                raise CkanValidationError(name, f"{op} is not supported: terms are ANDed")
            elif word is not None and word != "*:*":
                if word[:1] in ("-", "!"):
                    raise CkanValidationError(name, f"negation ({word}) is not supported")
                found.words.append(word.lstrip("+"))
            elif match["field"] and name == "q" and match["field"] not in FQ_FIELDS:
                found.words.append(match.group().strip())
            elif match["field"]:
                _add(found, name, match["sign"], match["field"], match["value"])
        if depth:
            raise CkanValidationError(name, "unbalanced brackets")
    return found


def _add(found: Filters, name: str, sign: str, key: str, raw: str) -> None:
    term, ours = f"{sign}{key}:{raw}", FQ_FIELDS.get(key)
    if ours is None:
        raise CkanValidationError(name, f"cannot filter on {key!r}; use {', '.join(FQ_FIELDS)}")
    if sign == "-":
        raise CkanValidationError(name, f"negated filters ({term}) are not supported")
    if raw.startswith("(") or (not raw.startswith(("[", "{", '"')) and "*" in raw):
        raise CkanValidationError(name, f"value groups and wildcards ({term}) are not supported")
    if ours in ("updated_at", "created_at"):
        found.windows.append(_window(name, term, ours, raw))
        return
    value = re.sub(r"\\(.)", r"\1", raw[1:-1] if raw.startswith('"') else raw)
    if ours in ("tags", "id"):
        (found.tags if ours == "tags" else found.ids).append(value)
        return
    if ours == "year":
        meant = value if value.isdigit() and len(value) == 4 else None
    else:
        meant = to_notation(ours, value) if FACETS[ours] else value
    found.impossible |= meant is None
    found.facets.setdefault(ours, []).append(meant or "")


def _window(name: str, term: str, column: str, raw: str) -> tuple[str, datetime, datetime]:
    match = _RANGE.match(raw)
    if not match:
        raise CkanValidationError(name, f"{term}: give a range, [<from> TO <to>]")
    fixed, ends = {"*": None, "NOW": datetime.now(UTC)}, match.group(2, 3)
    try:
        low, high = (fixed[t] if t in fixed else utc(datetime.fromisoformat(t)) for t in ends)
    except ValueError:
        raise CkanValidationError(name, f"{term}: dates are ISO 8601, * or NOW") from None
    tick = timedelta(microseconds=1)  # {exclusive} ends, as [inclusive] ones
    low = low + tick if low and match[1] == "{" else low or EARLIEST
    return column, low, high - tick if high and match[4] == "}" else high or LATEST


def parse_sort(sort: str) -> list[tuple[str, bool]]:
    """``field asc|desc`` pairs, comma-separated, as (field, descending)."""
    keys = []
    for part in filter(str.strip, sort.split(",")):
        words = part.split()
        direction = words[1].lower() if len(words) == 2 else "asc"
        if len(words) > 2 or words[0] not in SORT_FIELDS or direction not in ("asc", "desc"):
            fields = ", ".join(SORT_FIELDS)
            raise CkanValidationError("sort", f"cannot sort by {part.strip()!r}; use {fields}")
        keys.append((words[0], direction == "desc"))
    return keys
