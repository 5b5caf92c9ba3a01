"""Facets: which values a dataset can be filtered by, and an in-memory index to count them fast.

Counting facets in SQL costs a join per facet over every match (the peers' bottleneck: see
research/performance.md 2c). Here each facet value holds a bitset of dataset pks as a Python
``int``; a filter is an ``&``, a facet count is ``(hits & bits).bit_count()``, both running in C
over N/64 machine words. The index is rebuilt when the ``search`` counter in ``registry_state``
moves, so several processes stay correct without talking to each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import vocab

# The facets, in the order people see them, with the scheme that labels their values.
FACETS: dict[str, str | None] = {
    "publisher": None,
    "sector": "sector",
    "grade": "grade",
    "attribute": "attribute",
    "theme": "theme",
    "format": "format",
    "licence": "licence",
    "year": None,
}
# Filters that are not shown as facets but select like them.
HIDDEN_FACETS = ("status",)
MAX_YEARS_PER_DATASET = 40


def facet_values(
    *,
    publisher_id: str | None,
    coverage: Iterable[tuple[str, str]],
    themes: Iterable[str],
    formats: Iterable[str | None],
    licence: str | None,
    temporal_start: date | None,
    temporal_end: date | None,
    issued: date | None,
    modified: datetime | None,
    status: str,
) -> set[tuple[str, str]]:
    """Every (facet, value) a dataset answers to; grades include all their broader concepts."""
    values: set[tuple[str, str]] = {("status", status)}
    if publisher_id:
        values.add(("publisher", publisher_id))
    grades = vocab.load("grade")
    for scheme, concept in coverage:
        values.add((scheme, concept))
        if scheme == "grade":
            values.update(("grade", broader) for broader in grades.ancestors(concept))
    values.update(("theme", theme) for theme in themes)
    values.update(("format", fmt) for fmt in formats if fmt)
    if licence:
        values.add(("licence", licence))
    values.update(
        ("year", str(year)) for year in _years(temporal_start, temporal_end, issued, modified)
    )
    return values


def _years(
    start: date | None, end: date | None, issued: date | None, modified: datetime | None
) -> range:
    """The years a dataset's data is about: its temporal coverage, else when it was published."""
    if start or end:
        first = (start or end).year  # type: ignore[union-attr]
        last = (end or start).year  # type: ignore[union-attr]
        return range(max(first, last - MAX_YEARS_PER_DATASET + 1), last + 1)
    when = issued or (modified.date() if modified else None)
    return range(when.year, when.year + 1) if when else range(0)


def bits_from(pks: Iterable[int]) -> int:
    """A bitset with bit ``pk`` set for each pk."""
    buffer = bytearray()
    for pk in pks:
        byte = pk >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte - len(buffer) + 1 + 1024))
        buffer[byte] |= 1 << (pk & 7)
    return int.from_bytes(buffer, "little")


def members(bits: int) -> bytes:
    """The bitset as bytes, for O(1) membership tests with :func:`has`."""
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def has(table: bytes, pk: int) -> bool:
    byte = pk >> 3
    return byte < len(table) and bool(table[byte] >> (pk & 7) & 1)


def pks_of(bits: int) -> list[int]:
    """The set pks, in ascending order."""
    table = members(bits)
    out = []
    for byte_index, byte in enumerate(table):
        if byte:
            base = byte_index << 3
            out.extend(base + i for i in range(8) if byte >> i & 1)
    return out


@dataclass
class FacetIndex:
    """Bitsets of every facet value, plus orderings, as of one ``generation`` of the database."""

    generation: int
    bits: dict[str, dict[str, int]] = field(default_factory=dict)
    # Every pk, ordered by each sort key (ties broken by id) for stable paging.
    orders: dict[str, Sequence[int]] = field(default_factory=dict)
    positions: dict[str, dict[int, int]] = field(default_factory=dict)
    publisher_names: dict[str, str] = field(default_factory=dict)

    def value_bits(self, facet: str, value: str) -> int:
        return self.bits.get(facet, {}).get(value, 0)

    def counts(self, facet: str, hits: int) -> list[tuple[str, int]]:
        """(value, count) for every value with at least one hit, largest count first."""
        found = [
            (value, count)
            for value, bits in self.bits.get(facet, {}).items()
            if (count := (hits & bits).bit_count())
        ]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found
