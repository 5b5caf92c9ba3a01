"""Dicts that fill themselves, for the writing side's per-document and per-process memos.

Apart from the modules they serve because mypyc (see :mod:`schemas.dcat.compiled`) compiles
those modules to C, and a compiled module cannot define a subclass of ``dict``; here they stay
plain Python classes, which compiled code uses like any other object.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from schemas.dcat.terms import Node

# Keys of shared nodes remembered per document; past this, memory stays flat and a shared node
# may be written again (a repeated triple: the graph is the same).
SEEN_LIMIT = 65_536
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Memo(dict[Any, Any]):
    """A dict that computes a missing value once with ``make`` (keeps the writers' per-term
    work to one C-level lookup for predicates, types, datatypes and language tags)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


class Names(Memo):
    """Prefixed names for IRIs (``None`` when no declared prefix fits)."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

        def make(iri: str) -> str | None:
            for prefix, namespace in by_length:
                if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
                    return f"{prefix}:{iri[len(namespace) :]}"
            return None

        super().__init__(make)


class BlankNodes(dict[Any, Node]):
    """Blank nodes already made for equal values, within one document. One node object may
    stand in several places: every writer (and ``to_graph``) makes a fresh blank node for each
    place a node stands, so sharing the object shares no blank node."""

    def keep(self, key: Any, node: Node) -> Node:
        if len(self) >= SEEN_LIMIT:  # a long dump: memory stays flat
            self.clear()
        self[key] = node
        return node
