"""Streaming writers: nodes in, text out, one chunk per record, no rdflib ``Graph``.

Each writer takes the chunks :func:`schemas.dcat.catalog.page_chunks` makes and yields text:

* Turtle: one prefix block, then a block per subject; blank nodes inline as ``[ … ]``.
* N-Triples: one line per triple; blank nodes labelled ``_:n1``, ``_:n2`` … per document.
* RDF/XML: ``rdf:Description`` per subject, blank nodes as ``rdf:parseType="Resource"``.
* JSON-LD: one top-level ``@graph`` array with a small inline ``@context`` (prefixes only,
  never a remote context); ``<`` is written ``\\u003c`` so the text is safe inside ``<script>``.

IRIs arrive checked and encoded (:func:`schemas.dcat.terms.iri`) and text arrives without the
characters XML cannot hold, so the writers only escape what their syntax needs.

A long document may be written in pieces, each by a process of its own, and joined in order
(:class:`Part`): the first piece carries the opening (prefixes, ``<rdf:RDF>``, ``{"@graph": [``),
the last the closing, and N-Triples blank node labels carry the piece's number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import count
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # C-accelerated
from typing import Any, NamedTuple

from schemas.dcat.memo import Memo, Names
from schemas.dcat.ns import RDF_TYPE
from schemas.dcat.terms import Iri, Lit, Node, Term

Chunks = Iterable[list[Node]]
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;"}
)


class Part(NamedTuple):
    """Which piece of a document a writer writes: ``number`` 0 is the first (it opens the
    document and must hold at least one node), ``last`` closes it. The whole document is
    ``Part()``. Pieces joined in order parse as one document.

    A named tuple, not a frozen dataclass: it goes to the dump's worker processes, and a
    frozen dataclass compiled by mypyc cannot be unpickled."""

    number: int = 0
    last: bool = True

    @property
    def first(self) -> bool:
        return self.number == 0


WHOLE = Part()


def language(tag: str | None) -> str | None:
    """A well-formed BCP 47 tag, else ``None``."""
    return tag if tag and _LANG.match(tag) else None


# What follows a literal's text is keyed by its datatype IRI, else its language tag, else "":
# ``obj[2] or obj[1] or ""``, written inline (a call per literal costs more than the lookup).


# A quoted Turtle / N-Triples string. JSON's escapes (\" \\ \n \r \t \b \f, and \uXXXX for other
# control characters) are all escapes of both syntaxes, and the json module writes them in C.
_string = encode_basestring


# -- Turtle --------------------------------------------------------------------------------------


def turtle(chunks: Chunks, prefixes: dict[str, str], part: Part = WHOLE) -> Iterator[str]:
    names = Names(prefixes)
    memo = _TurtleTerms(names)
    if part.first:  # later pieces use the names the first declared
        yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()) + "\n"
    for chunk in chunks:
        yield "".join(
            f"<{node.subject}> {_ttl_pairs(node.pairs, memo, _NEXT)} .\n\n" for node in chunk
        )


_NEXT = " ;\n    "


class _TurtleTerms:
    def __init__(self, names: Names) -> None:
        self.predicate = Memo(lambda p: "a " if p == RDF_TYPE else (names[p] or f"<{p}>") + " ")
        self.type = Memo(lambda t: names[t] or f"<{t}>")
        self.suffix = Memo(_ttl_suffix(names))


def _ttl_suffix(names: Names) -> Callable[[str], str]:
    def make(key: str) -> str:
        if ":" in key:  # a datatype IRI
            return "^^" + (names[key] or f"<{key}>")
        tag = language(key)
        return f"@{tag}" if tag else ""

    return make


def _ttl_pairs(pairs: list[tuple[str, Term]], memo: _TurtleTerms, joiner: str) -> str:
    """``p o1, o2 ; q o3``: consecutive pairs with one predicate share it (the producer
    writes a field's values together; a repeated predicate elsewhere is still valid)."""
    parts: list[str] = []
    append = parts.append
    # Locals, not attribute and global lookups: this loop runs for every pair of every node.
    predicates, types, suffixes, string, rdf_type = (
        memo.predicate,
        memo.type,
        memo.suffix,
        _string,
        RDF_TYPE,
    )
    last = None
    for predicate, obj in pairs:
        if predicate == last:
            append(", ")
        else:
            if last is not None:
                append(joiner)
            append(predicates[predicate])
            last = predicate
        if isinstance(obj, Iri):
            append(types[obj] if predicate == rdf_type else f"<{obj}>")
        elif isinstance(obj, Lit):
            append(string(obj.value) + suffixes[obj[2] or obj[1] or ""])
        else:
            append(f"[ {_ttl_pairs(obj.pairs, memo, ' ; ')} ]")
    return "".join(parts)


# -- N-Triples ----------------------------------------------------------------------------------


def ntriples(
    chunks: Chunks,
    prefixes: dict[str, str],  # noqa: ARG001
    part: Part = WHOLE,
) -> Iterator[str]:
    # Labels _:n1, _:n2 … in the first piece, _:p1n1 … in the second: never shared by two.
    stem = "_:n" if part.first else f"_:p{part.number}n"
    labels = map(stem.__add__, map(str, count(1)))
    predicates = Memo(lambda p: f" <{p}> ")
    suffixes = Memo(_nt_suffix)
    for chunk in chunks:
        lines: list[str] = []
        for node in chunk:
            _nt_node(f"<{node.subject}>", node, lines, (labels, predicates, suffixes))
        yield "".join(lines)


def _nt_suffix(key: str) -> str:
    if ":" in key:
        return f"^^<{key}>"
    tag = language(key)
    return f"@{tag}" if tag else ""


def _nt_node(subject: str, node: Node, lines: list[str], memos: tuple[Any, Memo, Memo]) -> None:
    labels, predicates, suffixes = memos
    append = lines.append
    for predicate, obj in node.pairs:
        if isinstance(obj, Iri):
            text = f"<{obj}>"
        elif isinstance(obj, Lit):
            text = _string(obj.value) + suffixes[obj[2] or obj[1] or ""]
        else:
            text = next(labels)
            _nt_node(text, obj, lines, memos)
        append(subject + predicates[predicate] + text + " .\n")


# -- RDF/XML --------------------------------------------------------------------------------------


def rdfxml(chunks: Chunks, prefixes: dict[str, str], part: Part = WHOLE) -> Iterator[str]:
    names = Names(prefixes)
    tags = Memo(lambda p: _xml_tag(names, p))
    attributes = Memo(_xml_attribute)
    spaces = "".join(f'\n    xmlns:{p}="{ns.translate(_XML_ATTR)}"' for p, ns in prefixes.items())
    if part.first:
        yield f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{spaces}>\n'
    for chunk in chunks:
        parts: list[str] = []
        for node in chunk:
            about = (node.subject or "").translate(_XML_ATTR)
            parts.append(f'  <rdf:Description rdf:about="{about}">\n')
            _xml_pairs(node.pairs, (tags, attributes), parts, "    ")
            parts.append("  </rdf:Description>\n")
        yield "".join(parts)
    if part.last:
        yield "</rdf:RDF>\n"


def _xml_tag(names: Names, predicate: str) -> tuple[str, str]:
    """The element name of a predicate, and the namespace declaration it needs (a predicate
    outside the declared prefixes declares its own on the element)."""
    name = names[predicate]
    if name is not None:
        return name, ""
    split = max(predicate.rfind("#"), predicate.rfind("/")) + 1
    return f"ns0:{predicate[split:]}", f' xmlns:ns0="{predicate[:split].translate(_XML_ATTR)}"'


def _xml_attribute(key: str) -> str:
    if ":" in key:
        return f' rdf:datatype="{key.translate(_XML_ATTR)}"'
    tag = language(key)
    return f' xml:lang="{tag}"' if tag else ""


def _xml_pairs(
    pairs: list[tuple[str, Term]], memos: tuple[Memo, Memo], parts: list[str], pad: str
) -> None:
    tags, attributes = memos
    append = parts.append
    for predicate, obj in pairs:
        tag, declare = tags[predicate]
        if isinstance(obj, Iri):
            append(f'{pad}<{tag}{declare} rdf:resource="{obj.translate(_XML_ATTR)}"/>\n')
        elif isinstance(obj, Lit):
            attribute = attributes[obj[2] or obj[1] or ""]
            text = obj.value.translate(_XML_TEXT)
            append(f"{pad}<{tag}{declare}{attribute}>{text}</{tag}>\n")
        else:
            append(f'{pad}<{tag}{declare} rdf:parseType="Resource">\n')
            _xml_pairs(obj.pairs, memos, parts, pad + "  ")
            append(f"{pad}</{tag}>\n")


# -- JSON-LD ------------------------------------------------------------------------------------


def jsonld(chunks: Chunks, prefixes: dict[str, str], part: Part = WHOLE) -> Iterator[str]:
    names = Names(prefixes)
    keys = Memo(lambda p: _json(names[p] or p))
    types = Memo(lambda t: _json(names[t] or t))
    suffixes = Memo(lambda key: _json_suffix(names, key))
    if part.first:
        head = json.dumps({"@context": prefixes}, ensure_ascii=False, indent=1)[:-2]
        yield head + ',\n "@graph": [\n'
    separator = "  " if part.first else ",\n  "  # the first piece holds a node
    for chunk in chunks:
        parts = []
        for node in chunk:
            parts.append(separator + _json_node(node, (keys, types, suffixes)))
            separator = ",\n  "
        yield "".join(parts).replace("<", "\\u003c")
    if part.last:
        yield "\n ]\n}\n"


def _json_suffix(names: Names, key: str) -> str:
    if ":" in key:
        return ',"@type":' + _json(names[key] or key) + "}"
    tag = language(key)
    return f',"@language":"{tag}"}}' if tag else "}"


def _json_node(node: Node, memos: tuple[Memo, Memo, Memo]) -> str:
    """One node object, written directly (values grouped by predicate into arrays)."""
    keys, types, suffixes = memos
    groups: dict[str, list[str]] = {}
    for predicate, obj in node.pairs:
        if isinstance(obj, Iri):
            if predicate == RDF_TYPE:
                groups.setdefault('"@type"', []).append(types[obj])
                continue
            value = '{"@id":' + _json(obj) + "}"
        elif isinstance(obj, Lit):
            value = '{"@value":' + _json(obj.value) + suffixes[obj[2] or obj[1] or ""]
        else:
            value = _json_node(obj, memos)
        groups.setdefault(keys[predicate], []).append(value)
    members = [f'"@id":{_json(node.subject)}'] if node.subject else []
    members += [f"{key}:[{','.join(values)}]" for key, values in groups.items()]
    return "{" + ",".join(members) + "}"


_json = encode_basestring  # a JSON string literal (C-accelerated), non-ASCII kept as is

Writer = Callable[[Chunks, dict[str, str], Part], Iterator[str]]
WRITERS: dict[str, Writer] = {"ttl": turtle, "nt": ntriples, "rdf": rdfxml, "jsonld": jsonld}
