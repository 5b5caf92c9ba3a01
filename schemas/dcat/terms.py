"""The plain terms the mapping produces, before any serialisation: IRIs, literals and nodes.

Both paths read these: :func:`schemas.dcat.to_graph` turns them into rdflib terms, the streaming
writers turn them straight into text. Values are cleaned here, once, so every syntax carries
the same graph:

* an IRI is kept only with a known scheme (http, https, mailto, tel, urn, ftp); characters an
  IRI may not hold (spaces, ``<>"{}|\\^```, controls, non-ASCII) are percent-encoded, so no
  writer ever emits an invalid IRI;
* text loses the characters XML 1.0 cannot carry at all (C0 controls other than tab, line
  feed and carriage return; U+FFFE, U+FFFF; lone surrogates).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import NamedTuple, Union
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef

from schemas.dcat.ns import XSD

# A known scheme; http(s) and ftp with a host.
_START = re.compile(r"^(?:(?:https?|ftp)://[^/?#\s]|(?:mailto|tel|urn):\S)", re.IGNORECASE)
_NEEDS_ENCODING = re.compile(r'[^\x21-\x7e]|[<>"{}|\\^`%]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Characters kept as they are when percent-encoding (the IRI's own delimiters and '%').
_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


class Iri(str):
    """An absolute IRI, already checked and encoded (build with :func:`iri`)."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal: its text, and a language tag or a datatype IRI."""

    value: str
    lang: str | None = None
    datatype: str | None = None


class Node(NamedTuple):
    """A subject and its (predicate IRI, object) pairs; ``subject`` ``None`` is a blank node,
    written inline where it is the object of another node's pair."""

    subject: Iri | None
    pairs: list[tuple[str, Term]]


Term = Union[Iri, Lit, Node]  # noqa: UP007 (a forward reference: Node names Term)


@lru_cache(maxsize=16384)
def iri(text: str | None) -> Iri | None:
    """``text`` as a safe absolute IRI, or ``None`` when it cannot be one."""
    if not text:
        return None
    text = text.strip()
    if not _START.match(text):
        return None
    if _NEEDS_ENCODING.search(text):
        text = quote(_BAD_PERCENT.sub("%25", text), safe=_SAFE)
    return Iri(text)


def text(value: str) -> str:
    """``value`` without the characters no XML 1.0 document may contain."""
    return _NOT_XML.sub("", value)


# Literals are built with tuple.__new__: a NamedTuple's own __new__ is Python code, and the
# writers make tens of thousands of literals per feed page.
_new = tuple.__new__
_DATE, _DATETIME = XSD + "date", XSD + "dateTime"


def lit(value: str, lang: str | None = None) -> Lit:
    if not (value.isascii() and value.isprintable()):  # printable ASCII needs no cleaning
        value = _NOT_XML.sub("", value)
    return _new(Lit, (value, lang, None))


def typed(value: str, datatype: str) -> Lit:
    return _new(Lit, (value, None, XSD + datatype))


def date_literal(value: date) -> Lit:
    return _new(Lit, (value.isoformat(), None, _DATE))


def datetime_literal(value: datetime) -> Lit:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return _new(Lit, (value.replace(tzinfo=None).isoformat() + "Z", None, _DATETIME))


TRUE = Lit("true", None, XSD + "boolean")


# -- into rdflib ------------------------------------------------------------------------------


def add_nodes(graph: Graph, nodes: list[Node]) -> None:
    """Add the nodes' triples to ``graph`` (fresh blank nodes for inline nodes)."""
    for node in nodes:
        _add(graph, node)


def _add(graph: Graph, node: Node) -> URIRef | BNode:
    subject = URIRef(node.subject) if node.subject is not None else BNode()
    for predicate, obj in node.pairs:
        graph.add((subject, URIRef(predicate), _term(graph, obj)))
    return subject


def _term(graph: Graph, obj: Term) -> URIRef | BNode | Literal:
    if isinstance(obj, Iri):
        return URIRef(obj)
    if isinstance(obj, Lit):
        datatype = URIRef(obj.datatype) if obj.datatype else None
        return Literal(obj.value, lang=obj.lang, datatype=datatype)
    return _add(graph, obj)
