"""The coverage classifier: which sectors, grades and attributes a dataset is about.

Pure and driven by the vocabularies (``vocab/data``), not by word lists in code. Evidence:

- **text** (provenance ``inferred``): labels found in the title, description and keywords with
  :func:`vocab.find`'s matcher (whole labels only, longest first);
- **columns** (provenance ``observed``): a column *header* that is an attribute label
  ("Ethnicity", "Payscale Minimum (£)"), and column *values* that are grade or sector labels
  ("SCS level" in ``Responsibility_level_grouped``, "SCS2" in ``Grade (or equivalent)``).

Each matched grade keeps its own concept (``scs2``) in the statement; :attr:`Classification.grades`
rolls it up to the harmonised levels (``executive``). A sector grade also implies its sector
(a headteacher is a schools grade), read from the grade's definition. The rules and their
reasons are in ``docs/classifier.md``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import vocab
from schemas.common import CoverageScheme, Provenance
from schemas.coverage import CoverageCreate
from schemas.profile import MAX_DISTINCT, ColumnProfile

SCHEMES = ("sector", "grade", "attribute")
WORKFORCE = "workforce"  # the whole-workforce level: weak evidence on its own
BOARD = "board-non-executive"  # board roles exist in every sector: they imply none
# Header words that say a column lists grades (its values are read as grades, never the header).
GRADE_HEADER_WORDS = frozenset({"grade", "grades", "band", "bands", "rank", "ranks"})
GRADE_HEADER_PHRASES = ("responsibility level",)
MAX_TEXT = 20_000  # characters of a description that are read
MAX_KEYWORDS = 200
MAX_NOTE = 1000
_NON_WORD = re.compile(r"[^\w&+]+")  # as in vocab.normalise, to keep the original case


@dataclass(frozen=True)
class _Evidence:
    scheme: str
    concept: str
    provenance: Provenance
    note: str


@dataclass
class Classification:
    """The coverage statements found, with the notations they add up to."""

    statements: list[CoverageCreate] = field(default_factory=list)

    def concepts(self, scheme: str) -> list[str]:
        """Distinct concepts of one scheme in the statements, in vocabulary order."""
        found = {s.concept for s in self.statements if CoverageScheme(s.scheme).value == scheme}
        return [notation for notation in vocab.load(scheme).concepts if notation in found]

    @property
    def sectors(self) -> list[str]:
        return self.concepts("sector")

    @property
    def grades(self) -> list[str]:
        """The harmonised levels (top concepts) the matched grades roll up to, top first."""
        levels = {level for grade in self.concepts("grade") for level in harmonised_levels(grade)}
        return [top for top in vocab.load("grade").top_concepts if top in levels]

    @property
    def attributes(self) -> list[str]:
        return self.concepts("attribute")


@cache
def harmonised_levels(notation: str) -> tuple[str, ...]:
    """The nearest top concepts above a grade: ``scs2`` -> executive, ``scs`` -> executive and
    senior-manager (both are its direct broader concepts), a top concept -> itself.

    Only the nearest are kept: ``scs1`` sits under ``senior-manager`` directly and under
    ``executive`` only through the aggregate ``scs``, so it is a senior manager.
    """
    grades = vocab.load("grade")
    tops = set(grades.top_concepts)
    frontier, seen = [notation], {notation}
    while frontier:
        found = [n for n in frontier if n in tops]
        if found:
            return tuple(top for top in grades.top_concepts if top in found)
        parents = [p for n in frontier for p in grades.concepts[n].broader if p not in seen]
        seen.update(parents)
        frontier = list(dict.fromkeys(parents))
    return ()


@cache
def grade_sectors(notation: str) -> tuple[str, ...]:
    """The one sector a sector-specific grade belongs to, found by the sector vocabulary in the
    grade's definition, else its labels, else those of its nearest non-top broader concept.
    Levels and board roles (chair, non-executive director ...) belong to no single sector."""
    grades = vocab.load("grade")
    todo = [notation]
    while todo:
        concept = grades.concepts[todo.pop(0)]
        if concept.notation in grades.top_concepts or BOARD in harmonised_levels(concept.notation):
            continue
        for text in (
            concept.definition or "",
            " ; ".join((concept.pref_label, *concept.alt_labels)),
        ):
            found = vocab.find("sector", text)
            if len(found) == 1:
                return (found[0].notation,)
        todo.extend(concept.broader)
    return ()


def classify(
    *,
    title: str | None = "",
    description: str | None = "",
    keywords: Sequence[str] | None = (),
    columns: Sequence[ColumnProfile] | None = (),
) -> Classification:
    """Coverage statements inferred from the text and observed in the columns of a dataset."""
    evidence = _text_evidence("title", title or "") + _text_evidence(
        "description", (description or "")[:MAX_TEXT]
    )
    for keyword in list(keywords or ())[:MAX_KEYWORDS]:
        evidence += _text_evidence("keywords", keyword[:MAX_TEXT], tag=True)
    evidence = _weak_workforce_dropped(evidence)
    for column in columns or ():
        evidence += _column_evidence(column)
    evidence += [
        _Evidence("sector", sector, Provenance.inferred, f"{item.note} (a {sector} grade)")
        for item in evidence
        if item.scheme == "grade"
        for sector in grade_sectors(item.concept)
    ]
    return Classification(statements=_statements(evidence))


def classify_json_lines(lines: Iterable[str]) -> Iterator[str]:
    """One JSON answer per JSON input line (blank lines are skipped; see ``docs/classifier.md``).

    Input: ``{"title", "description", "keywords": [...], "columns": [header or {"name",
    "values"}]}``. Output: ``{"sectors", "grades", "attributes"}`` (grades as harmonised levels,
    each list in vocabulary order), or ``{"error": "line N: ..."}`` for a line that is not one.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            found = classify(**_parse_line(line))
        except (ValueError, TypeError, RecursionError) as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            yield json.dumps({"error": f"line {number}: {message[:300]}"}, ensure_ascii=False)
            continue
        answer = {"sectors": found.sectors, "grades": found.grades, "attributes": found.attributes}
        yield json.dumps(answer, ensure_ascii=False)


# -- text --------------------------------------------------------------------------------------


def _text_evidence(where: str, text: str, *, tag: bool = False) -> list[_Evidence]:
    """Labels found in running text (or in one keyword when ``tag``), with the words matched.

    Guards against prose: a grade inside a longer sector or attribute label is not a grade
    ("Northern Ireland Executive"); a label written in capitals (a code: "OF-9", "SCS2", "MAT")
    must be in capitals in prose ("1 of 9" is not OF-9); a one-word hidden grade or attribute
    label ("Total", "Principal", "White") is for column values and headers, not for prose.
    """
    words = vocab.normalise(text).split()
    if not words:
        return []
    original = _NON_WORD.sub(" ", _unaccented(text).replace("_", " ")).split()
    aligned = len(original) == len(words)
    found = {scheme: vocab.matcher(scheme).find(text) for scheme in SCHEMES}
    wider = [(m.start, m.end) for scheme in ("sector", "attribute") for m in found[scheme]]
    evidence = []
    for scheme, matches in found.items():
        for m in matches:
            size = m.end - m.start
            if scheme == "grade" and any(
                a <= m.start and m.end <= b and b - a > size for a, b in wider
            ):
                continue
            whole = size == len(words)
            code = _is_code(m.label)
            if not tag and code and aligned and not _is_code(" ".join(original[m.start : m.end])):
                continue
            shown = (m.concept.pref_label, *m.concept.alt_labels, m.concept.notation)
            hidden = m.label in m.concept.hidden_labels and m.label not in shown
            if scheme != "sector" and size == 1 and hidden and not code and not whole:
                continue
            note = f'{where}: "{" ".join(words[m.start : m.end])}"'
            evidence.append(_Evidence(scheme, m.concept.notation, Provenance.inferred, note))
    return evidence


def _weak_workforce_dropped(evidence: list[_Evidence]) -> list[_Evidence]:
    """Words for the whole workforce ("workforce", "all staff") count only when the text names
    no other grade ("Headteacher workforce" is about headteachers) and does name a sector."""
    grades = {e.concept for e in evidence if e.scheme == "grade"}
    sectors = any(e.scheme == "sector" for e in evidence)
    if grades - {WORKFORCE} or not sectors:
        return [e for e in evidence if not (e.scheme == "grade" and e.concept == WORKFORCE)]
    return evidence


def _unaccented(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_code(label: str) -> bool:
    """Written in capitals, like a code or an acronym ("SCS2", "OF-9", "G6/G7", "NHS")."""
    return any(ch.isalpha() for ch in label) and label == label.upper()


# -- columns -----------------------------------------------------------------------------------


def _column_evidence(column: ColumnProfile) -> list[_Evidence]:
    """A header that is an attribute label; values that are grade or sector labels."""
    header = column.name
    evidence = [
        _Evidence("attribute", concept.notation, Provenance.observed, f'column "{header}"')
        for concept in vocab.matcher("attribute").candidates(header)
    ]
    by_grade = _lists_grades(header)
    for value in column.values[:MAX_DISTINCT]:
        note = f'column "{header}" holds "{value}"'
        for scheme in ("grade", "sector"):
            for concept in _value_concepts(scheme, value, hidden=by_grade and scheme == "grade"):
                if concept.notation == WORKFORCE and not by_grade:
                    continue  # "Total" or "All staff" means the whole workforce only by grade
                evidence.append(_Evidence(scheme, concept.notation, Provenance.observed, note))
    return evidence


def _lists_grades(header: str) -> bool:
    """The header says the column lists grades: "Grade", "Responsibility_level_grouped"."""
    words = vocab.normalise(header)
    return bool(GRADE_HEADER_WORDS & set(words.split())) or any(
        phrase in words for phrase in GRADE_HEADER_PHRASES
    )


def _value_concepts(scheme: str, value: str, *, hidden: bool) -> list[vocab.Concept]:
    """Concepts with the whole value as a label; hidden labels only where ``hidden``."""
    key = vocab.normalise(value)
    return [
        concept
        for concept in vocab.matcher(scheme).candidates(value)
        if hidden
        or key
        in {vocab.normalise(label) for label in (concept.pref_label, *concept.alt_labels)}
        | {vocab.normalise(concept.notation)}
    ]


# -- statements and input ----------------------------------------------------------------------


def _statements(evidence: list[_Evidence]) -> list[CoverageCreate]:
    """One statement per scheme, concept and provenance; notes joined; vocabulary order."""
    notes: dict[tuple[str, str, Provenance], list[str]] = {}
    for item in evidence:
        kept = notes.setdefault((item.scheme, item.concept, item.provenance), [])
        if item.note not in kept:
            kept.append(item.note)
    order = {s: list(vocab.load(s).concepts) for s in SCHEMES}
    keys = sorted(
        notes,
        key=lambda k: (SCHEMES.index(k[0]), order[k[0]].index(k[1]), k[2] != Provenance.inferred),
    )
    return [
        CoverageCreate(
            scheme=CoverageScheme(scheme),
            concept=concept,
            provenance=provenance,
            note=_joined(notes[(scheme, concept, provenance)]),
        )
        for scheme, concept, provenance in keys
    ]


def _joined(notes: list[str]) -> str:
    text = "; ".join(notes)
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 3] + "..."


def _parse_line(line: str) -> dict[str, Any]:
    """The keyword arguments of :func:`classify` from one JSON line, or ValueError."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(item, dict):
        raise ValueError(f"expected a JSON object, got {type(item).__name__}")
    for key in ("title", "description"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise ValueError(f"{key!r} must be a string")
    keywords = item.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise ValueError("'keywords' must be a list of strings")
    raw_columns = item.get("columns") or []
    if not isinstance(raw_columns, list):
        raise ValueError("'columns' must be a list")
    return {
        "title": item.get("title") or "",
        "description": item.get("description") or "",
        "keywords": keywords,
        "columns": [_parse_column(raw, n) for n, raw in enumerate(raw_columns, start=1)],
    }


def _parse_column(raw: object, n: int) -> ColumnProfile:
    if isinstance(raw, str):
        return ColumnProfile(name=raw[:500])
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise ValueError(f"column {n} must be a header string or an object with a 'name'")
    values = raw.get("values") or []
    if not isinstance(values, list) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in values
    ):
        raise ValueError(f"column {n}: 'values' must be a list of strings or numbers")
    return ColumnProfile(name=raw["name"][:500], values=[str(v) for v in values][:MAX_DISTINCT])
