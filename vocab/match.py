"""Match free text and column headers to concepts by their labels.

Labels and text are compared after :func:`normalise`: case-folded, accents and punctuation
removed, whitespace collapsed, so "Grade (or equivalent)" matches "grade or equivalent".
:func:`match` wants the whole text to be one label; :func:`find` scans longer text for every
label it contains, longest first, without overlaps.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from vocab.loader import load
from vocab.models import Concept

_NON_WORD = re.compile(r"[^\w&+]+")


def normalise(text: str) -> str:
    """Case-folded, accent-free words joined by single spaces; ``_`` and punctuation are gaps."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", plain.casefold().replace("_", " ")).split())


@dataclass(frozen=True, slots=True)
class Match:
    concept: Concept
    label: str
    start: int  # word offsets in the normalised text
    end: int


class Matcher:
    """Label index of one scheme. Build through :func:`matcher`, which caches it."""

    def __init__(self, concepts: list[Concept]) -> None:
        self._exact: dict[str, list[Concept]] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], Concept, str]]] = {}
        for concept in concepts:
            for label in (*concept.labels, concept.notation):
                key = normalise(label)
                if not key:
                    continue
                bucket = self._exact.setdefault(key, [])
                if concept not in bucket:
                    bucket.append(concept)
                    words = tuple(key.split())
                    self._by_first.setdefault(words[0], []).append((words, concept, label))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def candidates(self, text: str) -> tuple[Concept, ...]:
        """Every concept with a label equal to ``text`` (normalised)."""
        return tuple(self._exact.get(normalise(text), ()))

    def match(self, text: str) -> Concept | None:
        found = self._exact.get(normalise(text))
        return found[0] if found else None

    def find(self, text: str) -> list[Match]:
        words = normalise(text).split()
        found: list[Match] = []
        i = 0
        while i < len(words):
            for label_words, concept, label in self._by_first.get(words[i], ()):
                if tuple(words[i : i + len(label_words)]) == label_words:
                    found.append(Match(concept, label, i, i + len(label_words)))
                    i += len(label_words)
                    break
            else:
                i += 1
        return found


@cache
def matcher(scheme: str) -> Matcher:
    return Matcher(list(load(scheme)))


def match(scheme: str, text: str) -> Concept | None:
    """The concept whose label (pref, alt, hidden or notation) is the whole of ``text``."""
    return matcher(scheme).match(text)


def find(scheme: str, text: str) -> list[Concept]:
    """Distinct concepts whose labels occur in ``text``, in order of first appearance."""
    seen: dict[str, Concept] = {}
    for hit in matcher(scheme).find(text):
        seen.setdefault(hit.concept.notation, hit.concept)
    return list(seen.values())
