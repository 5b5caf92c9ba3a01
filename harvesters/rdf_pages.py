"""One fetched page of a DCAT feed, read fast and safely: its triples by subject, the datasets on
it, each dataset's description as N-Triples text, and the next page.

Why not an rdflib graph: on an unchanged re-run of a feed of 100-dataset Turtle pages, rdflib's
parser and graph queries were 90% of the run (bench/harvest.py), and a re-run must cost at most
a tenth of the first. Turtle and N-Triples, what feeds are served as, are parsed by pyoxigraph
(Oxigraph's Rust parsers) into a plain dictionary; the records themselves are still mapped by
:mod:`schemas.dcat`, from each dataset's N-Triples, and only for items that changed.

Nothing here reaches the network: parsers only ever get bytes already fetched by the harvest
client. Turtle and N-Triples have no entities and no remote documents; RDF/XML and JSON-LD go
through :func:`schemas.dcat.parse.read_graph`, which refuses XML entity declarations (billion
laughs, XXE) and replaces every remote JSON-LD ``@context`` with bundled prefixes, and only
then into the same index.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from harvesters.errors import BadPayload
from schemas.dcat import DcatParseError
from schemas.dcat.parse import read_graph

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
DATASET = ox.NamedNode(DCAT + "Dataset")
RECORD_TYPES = frozenset(ox.NamedNode(DCAT + t) for t in ("Dataset", "Catalog", "DataService"))
PAGERS = tuple(ox.NamedNode(HYDRA + t) for t in ("PartialCollectionView", "PagedCollection"))
NEXT = tuple(ox.NamedNode(HYDRA + t) for t in ("next", "nextPage"))
MAX_DEPTH = 4  # how far a dataset's description reaches (dataset -> distribution -> licence ...)

# Syntax names (rdflib's, which the source option ``format`` also accepts), by media type and
# by file extension.
SYNTAX_BY_TYPE = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
}
SYNTAX_BY_EXTENSION = {
    ".ttl": "turtle",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
}
SYNTAXES = frozenset(SYNTAX_BY_TYPE.values())
FAST = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def syntax_for(content_type: str, url: str, override: str | None = None) -> str | None:
    """The syntax of a response: the override, the media type, else the URL's suffix."""
    if override:
        return SYNTAX_BY_TYPE.get(override, override if override in SYNTAXES else None)
    if content_type in SYNTAX_BY_TYPE:
        return SYNTAX_BY_TYPE[content_type]
    return SYNTAX_BY_EXTENSION.get(PurePosixPath(urlsplit(url).path).suffix.lower())


class Page:
    """The triples of one document, by subject."""

    def __init__(self, triples: Iterable[ox.Quad | ox.Triple]) -> None:
        self.index: dict[Term, list[tuple[ox.NamedNode, Term]]] = {}
        for triple in triples:
            pairs = self.index.get(triple.subject)
            if pairs is None:
                pairs = self.index[triple.subject] = []
            pairs.append((triple.predicate, triple.object))
        self._signatures: dict[ox.BlankNode, str] = {}

    def __len__(self) -> int:
        return sum(len(pairs) for pairs in self.index.values())

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        return [o for p, o in self.index.get(subject, ()) if p == predicate]

    def subjects_of_type(self, *classes: ox.NamedNode) -> list[Term]:
        return sorted(
            (
                s
                for s, pairs in self.index.items()
                if any(p == RDF_TYPE and o in classes for p, o in pairs)
            ),
            key=self._order,
        )

    def text(self, subject: Term, predicate: str) -> str | None:
        """The first literal value's stripped text, English or untagged ones first."""
        found = [
            o for o in self.objects(subject, ox.NamedNode(predicate)) if isinstance(o, ox.Literal)
        ]
        found.sort(key=lambda lit: (not (lit.language or "en").lower().startswith("en"), lit.value))
        return next((t for t in (lit.value.strip() for lit in found) if t), None)

    def datasets(self) -> list[Term]:
        return self.subjects_of_type(DATASET)

    def next_page(self, page_url: str) -> str | None:
        """The next page named by Hydra paging: ``hydra:next`` (on a PartialCollectionView or a
        PagedCollection), else the legacy ``hydra:nextPage``; URIs or literals, made absolute."""
        pagers = self.subjects_of_type(*PAGERS)
        for predicate in NEXT:
            for pager in pagers:
                for target in sorted(self.objects(pager, predicate), key=str):
                    if isinstance(target, ox.NamedNode | ox.Literal) and target.value.strip():
                        return urljoin(page_url, target.value.strip())
        return None

    def ntriples(self, root: Term) -> str:
        """The dataset's own triples and those of the nodes describing it (not other records),
        as sorted N-Triples with blank nodes labelled in a fixed order: the same description
        gives the same text on every run, whatever labels the parser chose."""
        labels: dict[ox.BlankNode, str] = {}

        def name(node: Term) -> str:
            if isinstance(node, ox.BlankNode):
                return labels.get(node) or labels.setdefault(node, f"_:b{len(labels)}")
            return str(node)

        rows: set[str] = set()
        todo: deque[tuple[Term, int]] = deque([(root, 0)])
        done: set[Term] = set()
        while todo:
            node, depth = todo.popleft()
            if node in done:
                continue
            done.add(node)
            pairs = self.index.get(node, ())
            for predicate, obj in sorted(pairs, key=self._pair_order) if len(pairs) > 1 else pairs:
                rows.add(f"{name(node)} {predicate} {name(obj)} .\n")
                if depth >= MAX_DEPTH or obj in done or isinstance(obj, ox.Literal):
                    continue
                if isinstance(obj, ox.BlankNode) or not self._is_record(obj):
                    todo.append((obj, depth + 1))
        return "".join(sorted(rows))

    def _is_record(self, node: Term) -> bool:
        return any(p == RDF_TYPE and o in RECORD_TYPES for p, o in self.index.get(node, ()))

    def _order(self, node: Term) -> tuple[int, str]:
        if isinstance(node, ox.BlankNode):
            return (1, self._signature(node))
        return (0, str(node))

    def _pair_order(self, pair: tuple[ox.NamedNode, Term]) -> tuple[str, int, str]:
        return (pair[0].value, *self._order(pair[1]))

    def _signature(self, node: ox.BlankNode) -> str:
        """What a blank node says about itself (its own triples, inner blank nodes unnamed):
        orders blank nodes independently of the labels a parser gave them."""
        found = self._signatures.get(node)
        if found is None:
            rows = sorted(
                f"{p} {'_:' if isinstance(o, ox.BlankNode) else o}"
                for p, o in self.index.get(node, ())
            )
            found = self._signatures[node] = "\n".join(rows)
        return found


def read_page(content: bytes, syntax: str, *, base: str) -> Page:
    """Parse fetched bytes; anything unreadable or unsafe is :class:`BadPayload`."""
    if syntax in FAST:
        try:
            return Page(ox.parse(content, FAST[syntax], base_iri=base, lenient=True))
        except (SyntaxError, ValueError) as exc:
            message = " ".join(str(exc).split())[:300] or exc.__class__.__name__
            raise BadPayload(base, f"unreadable {syntax} RDF: {message}") from None
    try:
        graph = read_graph(content, syntax, base_uri=base)
    except DcatParseError as exc:
        raise BadPayload(base, str(exc)) from None
    text = graph.serialize(format="nt", encoding="utf-8")
    return Page(ox.parse(text, ox.RdfFormat.N_TRIPLES, lenient=True))
