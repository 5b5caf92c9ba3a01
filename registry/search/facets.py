"""Facets: which values a dataset can be filtered by, and an in-memory index to count them fast.

Counting facets in SQL costs a join per facet over every match (the peers' bottleneck: see
research/performance.md 2c). Here each facet value holds a bitset of dataset pks as a Python
``int``; a filter is an ``&``, a facet count is ``(hits & bits).bit_count()``, both running in C
over N/64 machine words. The index is brought up to date when the ``search`` counter in
``registry_state`` moves (patched for the datasets the change log names, see ``patch.py``, else
rebuilt), so several processes stay correct without talking to each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

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
    pks = pks if isinstance(pks, list | tuple) else list(pks)
    if not pks:
        return 0
    top = max(pks)
    if len(pks) * 16 >= top:
        # Dense: one ASCII digit per pk, then a single C-level parse of the binary string
        # (about 3x faster than setting bits one by one in Python).
        digits = bytearray(b"0") * (top + 1)
        for pk in pks:
            digits[pk] = 49  # "1"
        digits.reverse()
        return int(digits, 2)
    buffer = bytearray((top >> 3) + 1)
    for pk in pks:
        buffer[pk >> 3] |= 1 << (pk & 7)
    return int.from_bytes(buffer, "little")


def members(bits: int) -> bytes:
    """The bitset as bytes, for O(1) membership tests with :func:`has`."""
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def has(table: bytes, pk: int) -> bool:
    byte = pk >> 3
    return byte < len(table) and bool(table[byte] >> (pk & 7) & 1)


def pks_of(bits: int) -> list[int]:
    """The set pks, in ascending order."""
    if bits <= 0:
        return []
    digits = bin(bits)[:1:-1]  # least significant bit first: digit i is pk i
    out = []
    find = digits.find
    pk = find("1")
    while pk != -1:
        out.append(pk)
        pk = find("1", pk + 1)
    return out


@dataclass
class FacetIndex:
    """Bitsets of every facet value, plus orderings, as of one ``generation`` of the database.

    Facet counts come from the bitsets (one ``&`` and ``bit_count`` per value, each over N
    bits) when many datasets are hits, and from each hit's own values when few are: a search
    for a rare word then costs in proportion to its hits, not to the catalogue.
    """

    generation: int
    bits: dict[str, dict[str, int]] = field(default_factory=dict)
    # Every pk, ordered by each sort key (ties broken by id) for stable paging.
    orders: dict[str, Sequence[int]] = field(default_factory=dict)
    # Each order's sort keys, as the database returned them, so a patch can place a dataset.
    order_keys: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    positions: dict[str, dict[int, int]] = field(default_factory=dict)
    publisher_names: dict[str, str] = field(default_factory=dict)
    # Each dataset's shown facet values, one character each: ``codes[ord(char)]`` is the
    # (facet, value). Indexed by pk ("" for none).
    doc_codes: list[str] = field(default_factory=list)
    codes: list[tuple[str, str]] = field(default_factory=list)
    code_total: int = 0  # len of all doc_codes together
    # Each order cut into at most ORDER_BLOCKS runs, with the bitset of each run's pks: a page
    # skips runs that hold no hit with one ``&`` each.
    order_blocks: dict[str, list[int]] = field(default_factory=dict)
    # Counts of a whole status ("all active datasets"), the page people land on: computed once.
    _whole: dict[str, dict[str, list[tuple[str, int]]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        generation: int,
        values: dict[str, dict[str, list[int]]],
        orders: dict[str, Sequence[int]],
        publisher_names: dict[str, str],
        order_keys: dict[str, list[tuple[Any, ...]]] | None = None,
    ) -> FacetIndex:
        """The index of these pk lists (facet -> value -> pks) and orderings."""
        codes: list[tuple[str, str]] = []
        size = max((max(pks) for found in values.values() for pks in found.values()), default=0)
        per_doc: list[list[str]] = [[] for _ in range(size + 1)]
        # Publishers last: characters below 256 are shared objects, so cheaper to count.
        for facet in sorted(FACETS, key=lambda name: name == "publisher"):
            for value, pks in values.get(facet, {}).items():
                char = chr(len(codes))
                codes.append((facet, value))
                for pk in pks:
                    per_doc[pk].append(char)
        return cls(
            generation=generation,
            order_blocks={
                key: [
                    bits_from(order[start : start + _block_size(order)])
                    for start in range(0, len(order), _block_size(order))
                ]
                for key, order in orders.items()
            },
            bits={
                facet: {value: bits_from(pks) for value, pks in found.items()}
                for facet, found in values.items()
            },
            orders=orders,
            order_keys=order_keys or {},
            positions={key: {pk: i for i, pk in enumerate(order)} for key, order in orders.items()},
            publisher_names=publisher_names,
            doc_codes=["".join(chars) for chars in per_doc],
            codes=codes,
            code_total=sum(map(len, per_doc)),
        )

    def first_in_order(self, key: str, hits: int, wanted: int) -> list[int]:
        """The first ``wanted`` hits in the ``key`` order (ties broken by id).

        Few hits are sorted by their positions; more are found by walking the order, skipping
        the runs of it that hold none (hits need not be spread evenly: a filter on a year finds
        nothing among the most recently modified).
        """
        count = hits.bit_count()
        if not count:
            return []
        order = self.orders[key]
        if count <= SORT_HITS:
            positions = self.positions[key]
            pks = pks_of(hits)
            pks.sort(key=lambda pk: positions.get(pk, len(order)))
            return pks[:wanted]
        table = members(hits)
        size = len(table)
        step = _block_size(order)
        out: list[int] = []
        for number, block in enumerate(self.order_blocks[key]):
            if not hits & block:
                continue
            for pk in order[number * step : (number + 1) * step]:
                if (pk >> 3) < size and table[pk >> 3] >> (pk & 7) & 1:
                    out.append(pk)
                    if len(out) == wanted:
                        return out
        return out

    def value_bits(self, facet: str, value: str) -> int:
        return self.bits.get(facet, {}).get(value, 0)

    def counts(self, facet: str, hits: int) -> list[tuple[str, int]]:
        """(value, count) for every value with at least one hit, largest count first."""
        found = [
            (value, count)
            for value, bits in self.bits.get(facet, {}).items()
            if (count := (hits & bits).bit_count())
        ]
        found.sort(key=_largest_first)
        return found

    def all_counts(self, hits: int, whole: str | None = None) -> dict[str, list[tuple[str, int]]]:
        """:meth:`counts` of every facet in :data:`FACETS`.

        ``whole`` names the hit set when it is a whole status (no words, no filters), so that
        its counts are computed once per index.
        """
        if whole is not None and whole in self._whole:
            return self._whole[whole]
        if self._few(hits.bit_count()):
            result = self._counts_of_few(hits)
        else:
            result = {facet: self.counts(facet, hits) for facet in FACETS}
        if whole is not None:
            self._whole[whole] = result
        return result

    def _few(self, count: int) -> bool:
        """Whether counting each hit's values is cheaper than a bitset ``&`` per value."""
        if not self.doc_codes:
            return False
        per_hit = self.code_total / len(self.doc_codes)  # values per dataset
        words = len(self.doc_codes) >> 6  # 64-bit words per bitset
        return count * per_hit * SMALL_HITS_FACTOR < len(self.codes) * words

    def _counts_of_few(self, hits: int) -> dict[str, list[tuple[str, int]]]:
        doc_codes = self.doc_codes
        chars = "".join([doc_codes[pk] for pk in pks_of(hits) if pk < len(doc_codes)])
        result: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
        codes = self.codes
        for char, count in Counter(chars).items():
            facet, value = codes[ord(char)]
            result[facet].append((value, count))
        for found in result.values():
            found.sort(key=_largest_first)
        return result


# Up to this many hits are sorted by position rather than found by walking an order.
SORT_HITS = 2000
ORDER_BLOCKS = 64


def _block_size(order: Sequence[int]) -> int:
    return max(1024, -(-len(order) // ORDER_BLOCKS))


# Counting one value of one hit costs about as much as this many bitset words (measured: ~0.1
# us a value, ~6 ns a 64-bit word).
SMALL_HITS_FACTOR = 20


def _largest_first(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])
