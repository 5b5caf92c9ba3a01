"""Lint the SKOS Turtle files in ``vocab/data``: structure, notations, hierarchy and labels.

:func:`check` lints one scheme (the shipped file or another path), :func:`check_all` every
shipped one; :func:`check_text` and :func:`check_graph` lint Turtle text or a parsed graph.
Errors break matching or roll-up; warnings (a hidden label two concepts share) are worth a look::

    python -m vocab.check          # prints every problem; exit status 1 if any is an error
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rdflib import RDF, SKOS, Graph, URIRef

from vocab.loader import LDR, PARSE_BASE, SCHEMES, _english, data_text
from vocab.match import normalise

Level = Literal["error", "warning"]
NOTATION = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Facts every file format must state (data.europa.eu MQA's openness indicators need them).
FORMAT_FACTS = ("mediaType", "machineReadable", "nonProprietary")


@dataclass(frozen=True, slots=True)
class Problem:
    scheme: str
    notation: str | None  # None: the problem is with the file or the scheme node
    message: str
    level: Level = "error"

    def __str__(self) -> str:
        where = self.scheme if self.notation is None else f"{self.scheme}/{self.notation}"
        return f"{self.level}: {where}: {self.message}"


def check(name: str, path: Path | None = None) -> list[Problem]:
    """Problems in scheme ``name``: the shipped file, or the Turtle file at ``path``.

    Raises UnknownScheme for a name the registry does not ship (when no path is given).
    """
    text = data_text(name) if path is None else path.read_text(encoding="utf-8")
    return check_text(name, text)


def check_all() -> list[Problem]:
    return [problem for name in SCHEMES for problem in check(name)]


def check_text(name: str, text: str) -> list[Problem]:
    """Problems in Turtle source for scheme ``name`` (relative IRIs, as in the data files)."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=PARSE_BASE)
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        return [Problem(name, None, f"does not parse as Turtle: {exc}")]
    return check_graph(name, graph)


def check_graph(name: str, graph: Graph) -> list[Problem]:
    """Problems in a parsed graph of scheme ``name``."""
    problems: list[Problem] = []

    def report(notation: str | None, message: str, level: Level = "error") -> None:
        problems.append(Problem(name, notation, message, level))

    scheme = URIRef(PARSE_BASE + name)
    prefix = f"{scheme}/"
    if (scheme, RDF.type, SKOS.ConceptScheme) not in graph:
        report(None, f"no scheme node <{name}> a skos:ConceptScheme")
    elif not _english(graph, scheme, SKOS.prefLabel):
        report(None, "the scheme has no English prefLabel")

    local: dict[URIRef, str] = {}
    for subject in graph.subjects(RDF.type, SKOS.Concept):
        if isinstance(subject, URIRef) and str(subject).startswith(prefix):
            local[subject] = str(subject)[len(prefix) :]
        else:
            report(None, f"concept {subject} lies outside the scheme's namespace {name}/")
    concepts = sorted(local, key=lambda s: local[s])
    has_top = set(graph.objects(scheme, SKOS.hasTopConcept))
    top_of = set(graph.subjects(SKOS.topConceptOf, scheme))
    for top in has_top - set(local):
        report(None, f"hasTopConcept {top} is not a concept of this scheme")

    strong: dict[str, set[str]] = defaultdict(set)  # normalised pref/alt label or notation
    hidden: dict[str, set[str]] = defaultdict(set)
    broader: dict[str, list[str]] = {}
    for concept in concepts:
        nid = local[concept]
        if not NOTATION.match(nid):
            report(nid, f"notation {nid!r} is not URL-safe (want {NOTATION.pattern})")
        notations = [str(o) for o in graph.objects(concept, SKOS.notation)]
        if notations != [nid]:  # so notations are as unique as the URIs they name
            report(nid, f"skos:notation {notations} should be exactly [{nid!r}]")
        if (concept, SKOS.inScheme, scheme) not in graph:
            report(nid, "missing skos:inScheme")
        prefs = _english(graph, concept, SKOS.prefLabel)
        if len(prefs) != 1:
            report(nid, f"has {len(prefs)} English prefLabels, want exactly 1")
        for label in (*prefs, *_english(graph, concept, SKOS.altLabel), nid):
            strong[normalise(label)].add(nid)
        for label in _english(graph, concept, SKOS.hiddenLabel):
            hidden[normalise(label)].add(nid)

        broader[nid] = []
        for parent in graph.objects(concept, SKOS.broader):
            if isinstance(parent, URIRef) and parent in local:
                broader[nid].append(local[parent])
            else:
                report(nid, f"skos:broader {parent} is not a concept of this scheme")
        if (concept in has_top) != (concept in top_of):
            report(nid, "top concept not declared both ways (hasTopConcept and topConceptOf)")
        if not broader[nid] and concept not in has_top | top_of:
            report(nid, "has no broader concept but is not a top concept")
        if broader[nid] and concept in has_top | top_of:
            report(nid, "is a top concept yet has a broader concept", "warning")

        for fact in FORMAT_FACTS if name == "format" else ():
            if graph.value(concept, LDR[fact]) is None:
                report(nid, f"format lacks ldr:{fact}")

    for nid in broader:
        if _in_cycle(nid, broader):
            report(nid, "skos:broader leads back to itself (cycle)")
    for key, owners in strong.items():
        if key and len(owners) > 1:
            report(None, f"label {key!r} belongs to several concepts: {', '.join(sorted(owners))}")
    for key, owners in hidden.items():
        everyone = owners | strong.get(key, set())
        if key and len(everyone) > 1 and len(strong.get(key, ())) <= 1:
            names = ", ".join(sorted(everyone))
            report(None, f"hidden label {key!r} is shared by {names}", "warning")
    return problems


def _in_cycle(start: str, broader: dict[str, list[str]]) -> bool:
    todo, seen = list(broader.get(start, ())), set()
    while todo:
        current = todo.pop()
        if current == start:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(broader.get(current, ()))
    return False


def main() -> int:
    problems = check_all()
    for problem in problems:
        print(problem)
    return 1 if any(p.level == "error" for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
