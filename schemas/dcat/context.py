"""What the mapping carries while it works: an :class:`Emitter` when writing, a :class:`Reader`
when parsing. Both are per call; neither holds records."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote, unquote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node as RdfNode

import vocab
from schemas.dcat import ns
from schemas.dcat.memo import SEEN_LIMIT, Memo
from schemas.dcat.terms import Iri, Node, Term, iri

if TYPE_CHECKING:
    from schemas.dcat.fields import FieldMap
    from schemas.dcat.profile import Profile


class Out(NamedTuple):
    """Where a kind's encoder puts its work: pairs of the node being built, and further
    top-level nodes (value nodes, class assertions)."""

    pairs: list[tuple[str, Term]]
    nodes: list[Node]


class Emitter:
    """Per-document state of the writing side: IRIs expanded once, shared nodes written once."""

    def __init__(self, profile: Profile, base_uri: str, lang: str = "en") -> None:
        self.profile = profile
        self.base = base_uri.rstrip("/")
        self.lang = lang
        self._prefix = self.base + "/"
        # A base that is an IRI as it stands: segments that are identifiers keep it one.
        self._safe_base = iri(self._prefix) == self._prefix and _START_HTTP.match(self._prefix)
        self._expanded: dict[str, str] = {}
        self._seen: set[str] = set()
        # Vocabulary values' IRIs and nodes depend only on the profile, base and language, and
        # the vocabularies are fixed for the life of the process: worked out once per process,
        # not once per feed page (concept nodes are still written once in every document).
        self.concepts = _concept_memo(profile.name, self.base, lang)
        self.plans: dict[int, list[Any]] = {}  # compiled rows, see profile.encode
        # Class CURIEs as IRIs, and ``[(rdf:type, class)]`` per class: each made once, and the
        # pair list shared by every node that only asserts its class (writers only read pairs).
        self._classes = Memo(lambda curie: Iri(self.p(curie)))
        self._class_only = Memo(lambda curie: [(ns.RDF_TYPE, self._classes[curie])])

    def p(self, curie: str) -> str:
        """The full IRI of a CURIE (cached)."""
        found = self._expanded.get(curie)
        if found is None:
            found = self._expanded[curie] = ns.expand(curie, self.base)
        return found

    def uri(self, *parts: str) -> Iri:
        """A URI of the registry: ``{base}/datasets/{id}`` from ``("datasets", id)``; each part
        is one path segment (a ``/`` in an id is percent-encoded)."""
        path = "/".join(parts)
        if self._safe_base and _PATH.match(path) and path.count("/") == len(parts) - 1:
            return Iri(self._prefix + path)  # identifiers only: nothing to check or encode
        parts = tuple(map(segment, parts))
        made = iri(self._prefix + "/".join(parts))
        if made is None:
            raise ValueError(f"the base URI {self.base!r} is not an absolute http(s) URI")
        return made

    def uri_of(self, text: str) -> Iri:
        """``text`` as an IRI; a URI the caller gave that cannot be one is an error."""
        made = iri(text)
        if made is None:
            raise ValueError(f"{text!r} is not an absolute URI")
        return made

    def once(self, key: str, out: Out, build: Callable[[], Node]) -> None:
        """Add the node ``build()`` makes unless a node with this key was already written."""
        if key not in self._seen:
            if len(self._seen) >= SEEN_LIMIT:  # a long dump: forget, and repeat a few triples
                self._seen.clear()
            self._seen.add(key)
            out.nodes.append(build())

    def concept(self, key: tuple[str, ...], out: Out, make: Callable[[Any], Concept]) -> Iri | None:
        """A vocabulary value's IRI, its node (if any) written once in this document; both
        made by ``make(key)`` once per process (a function, not a closure per value: this
        runs for every theme, coverage statement, licence and format of every record)."""
        found = self.concepts.get(key)
        if found is None:
            if len(self.concepts) >= SEEN_LIMIT:  # organisations are keys too: stay bounded
                self.concepts.clear()
            found = self.concepts[key] = make(key)
        target, seen_as, node = found
        if node is not None and seen_as not in self._seen:
            if len(self._seen) >= SEEN_LIMIT:
                self._seen.clear()
            self._seen.add(seen_as)
            out.nodes.append(node)
        return target

    def typed(self, target: Iri, cls: str | None, out: Out) -> None:
        """Assert ``target a cls`` once, when the profile asserts value classes."""
        # ``once`` written out: this runs for every URL of every distribution.
        if cls and self.profile.vocab_classes:
            key = target + " " + cls
            if key not in self._seen:
                if len(self._seen) >= SEEN_LIMIT:
                    self._seen.clear()
                self._seen.add(key)
                pairs = (
                    self.class_pairs(target, cls)
                    if target.startswith(ns.EU)
                    else self._class_only[cls]
                )
                out.nodes.append(_node((target, pairs)))

    def class_pairs(self, target: Iri, cls: str) -> list[tuple[str, Term]]:
        """``a cls``, and for a concept of an EU authority table its ``skos:inScheme``."""
        pairs: list[tuple[str, Term]] = [(ns.RDF_TYPE, self._classes[cls])]
        if target.startswith(ns.EU):
            pairs.append((self.p("skos:inScheme"), Iri(target.rsplit("/", 1)[0])))
        return pairs


# A vocabulary value: its IRI, and the node describing it with the key it is written once by.
Concept = tuple[Iri | None, str, Node | None]


@lru_cache(maxsize=16)
def _concept_memo(
    profile: str,  # noqa: ARG001 (the arguments are the key: one memo per combination)
    base: str,  # noqa: ARG001
    lang: str,  # noqa: ARG001
) -> dict[tuple[str, ...], Concept]:
    """Per (profile, base, language): each vocabulary value's IRI and node. The nodes' pair
    lists are shared by every document: writers only read them."""
    return {}


_node = Node._make  # one call, where Node(...) runs the NamedTuple's Python __new__ too
_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
_PATH = re.compile(r"^[A-Za-z0-9._~/-]+$")  # segments of _SEGMENT characters, "/" between
_START_HTTP = re.compile(r"^https?://[^/?#\s]", re.IGNORECASE)


def segment(part: str) -> str:
    """``part`` as one URI path segment: unchanged when it is an identifier, else encoded."""
    return part if _SEGMENT.match(part) else quote(part, safe="!$&'()*+,;=:@")


_OWN = re.compile(r"/vocab/([a-z-]+)/([^/?#]+)$")
_LABELS = (
    "skos:prefLabel",
    "rdfs:label",
    "dct:title",
    "foaf:name",
    "vcard:fn",
    "locn:geographicName",
    "dct:identifier",
)


class Reader:
    """Per-graph state of the parsing side."""

    def __init__(self, graph: Graph, profile: Profile, base_uri: str | None = None) -> None:
        self.graph = graph
        self.profile = profile
        self.base = base_uri.rstrip("/") if base_uri else None
        self._expanded: dict[str, URIRef] = {}

    def p(self, curie: str) -> URIRef:
        found = self._expanded.get(curie)
        if found is None:
            found = self._expanded[curie] = URIRef(ns.expand(curie, self.base or ""))
        return found

    def objects(self, subject: RdfNode, *curies: str) -> list[RdfNode]:
        """Values of the predicates, URIs and literals before blank nodes, in a stable order.
        ``ldr:`` terms match any registry's namespace when no base URI was given."""
        found: set[RdfNode] = set()
        for curie in curies:
            if curie.startswith(ns.OWN_PREFIX + ":") and self.base is None:
                tail = ns.OWN_PATH + curie.split(":", 1)[1]
                found.update(
                    o for p, o in self.graph.predicate_objects(subject) if str(p).endswith(tail)
                )
            else:
                found.update(self.graph.objects(subject, self.p(curie)))
        return sorted(found, key=_order)

    def row(self, subject: RdfNode, row: FieldMap) -> list[RdfNode]:
        return self.objects(subject, row.predicate, *row.also)

    def texts(self, values: Iterable[RdfNode]) -> list[str]:
        """Stripped literal texts without repeats; English or untagged ones when there are."""
        found = [v for v in values if isinstance(v, Literal) and str(v).strip()]
        english = [v for v in found if (v.language or "en").lower().startswith("en")]
        return list(dict.fromkeys(str(v).strip() for v in (english or found)))

    def text(self, subject: RdfNode, *curies: str) -> str | None:
        return next(iter(self.texts(self.objects(subject, *curies))), None)

    def label(self, subject: RdfNode) -> str | None:
        return self.text(subject, *_LABELS)

    def own(self, collection: str, value: RdfNode) -> str | None:
        """The id in a registry URI ``{base}/{collection}/{id}`` of this registry."""
        if self.base is None or not isinstance(value, URIRef):
            return None
        prefix = f"{self.base}/{collection}/"
        tail = str(value)[len(prefix) :] if str(value).startswith(prefix) else ""
        return unquote(tail) if tail and "/" not in tail else None

    def notation(self, scheme: str, value: RdfNode) -> str | None:
        """The notation of ``scheme`` a value stands for: an exact-match URI, one of the
        registry's concept URIs, else a label (the literal, the URI's last segment, or the
        node's own labels)."""
        if isinstance(value, URIRef):
            text = str(value)
            found = exact_matches(scheme).get(_uri_key(text))
            if found:
                return found
            own = _OWN.search(text)
            if own:
                name, notation = own.group(1), unquote(own.group(2))
                return notation if name == scheme and notation in vocab.load(scheme) else None
            found = _match(scheme, re.split(r"[/#]", text.rstrip("/#"))[-1])
        elif isinstance(value, Literal):
            found = exact_matches(scheme).get(_uri_key(str(value))) or _match(scheme, str(value))
        else:
            found = None
        if found is None and isinstance(value, URIRef | BNode):
            labels = self.texts(self.objects(value, *_LABELS))
            found = next((n for n in (_match(scheme, t) for t in labels) if n), None)
        return found


def _order(node: RdfNode) -> tuple[int, str]:
    return (1 if isinstance(node, BNode) else 0, str(node))


@cache
def exact_matches(scheme: str) -> dict[str, str]:
    """Every exact-match URI of a scheme's concepts (normalised), with its notation."""
    return {_uri_key(uri): c.notation for c in vocab.load(scheme) for uri in c.exact_match}


def _uri_key(uri: str) -> str:
    return uri.strip().lower().rstrip("/").split("://", 1)[-1]


def _match(scheme: str, text: str) -> str | None:
    concept = vocab.match(scheme, text) if text and text.strip() else None
    return concept.notation if concept else None


@cache
def authority_uri(scheme: str, notation: str) -> str | None:
    """The URI other catalogues know a concept by: its EU authority exact match, else another
    canonical one (a licence's own page), SPDX and Dublin Core frequencies last; ``None`` when
    the concept has no exact match."""

    def rank(uri: str) -> int:
        if uri.startswith(ns.EU):
            return 0
        return 2 if uri.startswith(("http://spdx.org/", "http://purl.org/cld/")) else 1

    concept = vocab.load(scheme).get(notation)
    matches = sorted(concept.exact_match, key=rank) if concept else []
    return matches[0] if matches else None
