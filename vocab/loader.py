"""Read the SKOS Turtle files in ``vocab/data`` into :class:`ConceptScheme` objects, once.

The data files use IRIs relative to the vocabulary root (``@prefix grade: <grade/>``), so they
carry no host name; they are parsed against a placeholder base and reduced to notations.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from importlib import resources

from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

from vocab.models import Concept, ConceptScheme

# Placeholder base for parsing; never shown to anyone.
PARSE_BASE = "http://registry.invalid/vocab/"
# Properties of our own, for facts SKOS has no term for (a format's openness, its media type).
LDR = Namespace(PARSE_BASE + "def#")
DCT_TITLE = URIRef("http://purl.org/dc/terms/title")
DCT_DESCRIPTION = URIRef("http://purl.org/dc/terms/description")

# Every scheme the registry ships, in the order they are listed to people.
SCHEMES: tuple[str, ...] = (
    "sector",
    "grade",
    "attribute",
    "theme",
    "licence",
    "frequency",
    "format",
    "organisation-type",
)


class UnknownScheme(KeyError):
    """Raised for a scheme name the registry does not ship."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown vocabulary {self.name!r}; known: {', '.join(SCHEMES)}"


def data_text(name: str) -> str:
    """The Turtle source of one scheme."""
    if name not in SCHEMES:
        raise UnknownScheme(name)
    return resources.files("vocab").joinpath("data", f"{name}.ttl").read_text(encoding="utf-8")


def parse_graph(name: str) -> Graph:
    graph = Graph()
    graph.parse(data=data_text(name), format="turtle", publicID=PARSE_BASE)
    return graph


def _notation(uri: URIRef, name: str) -> str | None:
    prefix = f"{PARSE_BASE}{name}/"
    return str(uri)[len(prefix) :] if str(uri).startswith(prefix) else None


def _english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    """Literal values, English-tagged or untagged, in a stable order."""
    values = [
        str(o)
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and (o.language in (None, "en", "en-gb"))
    ]
    return sorted(set(values), key=values.index)


def _properties(graph: Graph, subject: URIRef) -> dict[str, str | bool | float]:
    props: dict[str, str | bool | float] = {}
    for predicate, obj in graph.predicate_objects(subject):
        if isinstance(predicate, URIRef) and str(predicate).startswith(str(LDR)):
            key = str(predicate)[len(str(LDR)) :]
            value = obj.toPython() if isinstance(obj, Literal) else str(obj)
            # Keep properties JSON-friendly: xsd:decimal arrives as Decimal.
            props[key] = float(value) if isinstance(value, Decimal) else value
    return props


@cache
def load(name: str) -> ConceptScheme:
    """The named scheme, parsed once per process."""
    graph = parse_graph(name)
    scheme_uri = URIRef(PARSE_BASE + name)
    title = next(
        iter(_english(graph, scheme_uri, SKOS.prefLabel) or _english(graph, scheme_uri, DCT_TITLE)),
        name,
    )
    description = next(iter(_english(graph, scheme_uri, DCT_DESCRIPTION)), None)

    subjects = [s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef)]
    # Keep the file's order: rdflib does not, so sort by first appearance in the source text.
    text = data_text(name)
    notations = {s: _notation(s, name) for s in subjects}
    own = [s for s in subjects if notations[s]]
    own.sort(key=lambda s: _first_index(text, name, notations[s] or ""))

    broader: dict[str, list[str]] = {}
    dangling: list[tuple[str, str]] = []
    for s in own:
        nid = notations[s] or ""
        for b in graph.objects(s, SKOS.broader):
            bid = _notation(b, name) if isinstance(b, URIRef) else None
            broader.setdefault(nid, [])
            if bid is None or (URIRef(b), RDF.type, SKOS.Concept) not in graph:
                dangling.append((nid, str(b)))
            else:
                broader[nid].append(bid)
    narrower: dict[str, list[str]] = {}
    for child, parents in broader.items():
        for parent in parents:
            narrower.setdefault(parent, []).append(child)

    concepts: dict[str, Concept] = {}
    for s in own:
        nid = notations[s] or ""
        declared = _english(graph, s, SKOS.notation)
        concepts[nid] = Concept(
            scheme=name,
            notation=declared[0] if declared else nid,
            pref_label=next(iter(_english(graph, s, SKOS.prefLabel)), ""),
            alt_labels=tuple(_english(graph, s, SKOS.altLabel)),
            hidden_labels=tuple(_english(graph, s, SKOS.hiddenLabel)),
            definition=next(iter(_english(graph, s, SKOS.definition)), None),
            broader=tuple(broader.get(nid, ())),
            narrower=tuple(
                sorted(narrower.get(nid, ()), key=lambda n: _first_index(text, name, n))
            ),
            exact_match=tuple(sorted(str(o) for o in graph.objects(s, SKOS.exactMatch))),
            properties=_properties(graph, s),
        )
    tops = tuple(n for n, c in concepts.items() if not c.broader)
    return ConceptScheme(
        name=name,
        title=title,
        description=description,
        concepts=concepts,
        top_concepts=tops,
        dangling=tuple(dangling),
    )


def _first_index(text: str, scheme: str, notation: str) -> int:
    """Where the concept's own description starts in the file (a line opening with its name)."""
    pattern = rf"^(?:{re.escape(scheme)}:|<{re.escape(scheme)}/){re.escape(notation)}>?\s"
    found = re.search(pattern, text, flags=re.MULTILINE)
    return found.start() if found else len(text)


def load_all() -> dict[str, ConceptScheme]:
    return {name: load(name) for name in SCHEMES}
