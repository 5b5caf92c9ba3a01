"""Plain, immutable models of SKOS concept schemes.

A concept is identified by its scheme name and notation (``grade``/``scs2``); its URI is built
from the registry's base URI when asked, so the same data serves any deployment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


def concept_path(scheme: str, notation: str | None = None) -> str:
    """URI path of a scheme (``vocab/grade``) or of one of its concepts (``vocab/grade/scs2``)."""
    return f"vocab/{scheme}" if notation is None else f"vocab/{scheme}/{notation}"


def join_uri(base_uri: str, path: str) -> str:
    return f"{base_uri.rstrip('/')}/{path}"


@dataclass(frozen=True, slots=True)
class Concept:
    """One SKOS concept, with its labels and its place in the hierarchy (as notations)."""

    scheme: str
    notation: str
    pref_label: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    definition: str | None = None
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    exact_match: tuple[str, ...] = ()
    # Scheme-specific facts, e.g. a file format's media type and openness flags.
    properties: dict[str, str | bool | float] = field(
        default_factory=dict, compare=False, hash=False
    )

    def uri(self, base_uri: str) -> str:
        return join_uri(base_uri, concept_path(self.scheme, self.notation))

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.pref_label, *self.alt_labels, *self.hidden_labels)


@dataclass(frozen=True, slots=True)
class ConceptScheme:
    """A named SKOS concept scheme; concepts keep the order of the data file."""

    name: str
    title: str
    description: str | None
    concepts: dict[str, Concept]
    top_concepts: tuple[str, ...]
    # Notations that were parsed but point at a broader concept the scheme lacks; kept for linting.
    dangling: tuple[tuple[str, str], ...] = ()

    def uri(self, base_uri: str) -> str:
        return join_uri(base_uri, concept_path(self.name))

    def __contains__(self, notation: object) -> bool:
        return notation in self.concepts

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts.values())

    def __len__(self) -> int:
        return len(self.concepts)

    def get(self, notation: str) -> Concept | None:
        return self.concepts.get(notation)

    def ancestors(self, notation: str) -> tuple[str, ...]:
        """Every broader concept, nearest first, without repeats (for roll-up)."""
        seen: list[str] = []
        todo = list(self.concepts[notation].broader) if notation in self.concepts else []
        while todo:
            current = todo.pop(0)
            if current in seen or current not in self.concepts:
                continue
            seen.append(current)
            todo.extend(self.concepts[current].broader)
        return tuple(seen)

    def descendants(self, notation: str) -> tuple[str, ...]:
        """Every narrower concept, breadth first, without repeats."""
        seen: list[str] = []
        todo = list(self.concepts[notation].narrower) if notation in self.concepts else []
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.append(current)
            todo.extend(self.concepts[current].narrower)
        return tuple(seen)
