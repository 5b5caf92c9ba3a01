"""The generic kinds of :class:`~schemas.dcat.fields.FieldMap` rows, each with its two
directions side by side.

Writing: ``convert(emitter, row)`` is called once per document and returns the row's converter,
``(value, out) -> object``, which turns one value into the object of the row's predicate (and
puts any node the object needs, such as a class assertion, into ``out``); the generic loop in
:mod:`schemas.dcat.profile` reads the field, handles lists and fallbacks and adds the pairs.
Reading: ``decode(reader, row, subject)`` returns the row's value.

The hand-written kinds (contact point, temporal coverage, distributions) live in
:mod:`schemas.dcat.profile`, which joins both into ``KINDS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

from rdflib import Literal, URIRef
from rdflib.term import Node as RdfNode

import vocab
from schemas.dcat import ns
from schemas.dcat.context import (
    Concept,
    Emitter,
    Out,
    Reader,
    authority_uri,
)
from schemas.dcat.fields import FieldMap
from schemas.dcat.memo import BlankNodes
from schemas.dcat.terms import (
    Iri,
    Lit,
    Node,
    Term,
    date_literal,
    datetime_literal,
    iri,
    lit,
    typed,
)
from schemas.dcat.terms import text as clean_text
from schemas.dcat.values import bounded_id, http_url, last_segment, parse_date, parse_datetime, slug

_lit = Lit._make

_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
COVERAGE_SCHEMES = ("sector", "grade", "attribute")

Converter = Callable[[Any, Out], Term | None]
Step = Callable[[Any, Out], None]
Decoder = Callable[[Reader, FieldMap, RdfNode], Any]


class Kind(NamedTuple):
    """A kind's two directions. ``convert`` makes the converter of one value; a hand-written
    kind that reads the whole record gives ``step`` instead, ``(emitter, row) -> (record, out)``.
    """

    convert: Callable[[Emitter, FieldMap], Converter] | None
    decode: Decoder
    step: Callable[[Emitter, FieldMap], Step] | None = None


def _one(row: FieldMap, values: list[Any]) -> Any:
    return values if row.many else (values[0] if values else None)


# -- literals ------------------------------------------------------------------------------------


def _text(em: Emitter, _row: FieldMap) -> Converter:
    lang = em.lang

    def convert(value: Any, _out: Out) -> Lit:  # lit() written out: a call per text saved
        text = str(value)
        if not (text.isascii() and text.isprintable()):
            text = clean_text(text)
        return _lit((text, lang, None))

    return convert


def _decode_text(rd: Reader, row: FieldMap, subject: RdfNode) -> Any:
    return _one(row, rd.texts(rd.row(subject, row)))


def _plain(_em: Emitter, _row: FieldMap) -> Converter:
    return lambda value, _out: lit(str(getattr(value, "value", value)))


def _date(_em: Emitter, _row: FieldMap) -> Converter:
    return lambda value, _out: date_literal(value)


def _decode_date(rd: Reader, row: FieldMap, subject: RdfNode) -> date | None:
    return parse_date(next(iter(rd.texts(rd.row(subject, row))), None))


def _datetime(_em: Emitter, _row: FieldMap) -> Converter:
    return lambda value, _out: datetime_literal(value)


def _decode_datetime(rd: Reader, row: FieldMap, subject: RdfNode) -> datetime | None:
    return parse_datetime(next(iter(rd.texts(rd.row(subject, row))), None))


def _integer(_em: Emitter, row: FieldMap) -> Converter:
    datatype = (row.datatype or "xsd:integer").split(":")[1]
    return lambda value, _out: typed(str(int(value)), datatype)


def _decode_integer(rd: Reader, row: FieldMap, subject: RdfNode) -> int | None:
    for text in rd.texts(rd.row(subject, row)):
        try:
            size = int(Decimal(text))
        except (ArithmeticError, ValueError):  # InvalidOperation, infinities
            continue
        if size >= 0:
            return size
    return None


# -- IRIs and concepts ---------------------------------------------------------------------------


def _uri(em: Emitter, row: FieldMap) -> Converter:
    cls = row.cls if em.profile.vocab_classes else None

    def convert(value: Any, out: Out) -> Iri | None:
        target = iri(str(value))
        if target is not None and cls:
            em.typed(target, cls, out)
        return target

    return convert


def _decode_uri(rd: Reader, row: FieldMap, subject: RdfNode) -> Any:
    urls = [u for u in map(http_url, rd.row(subject, row)) if u]
    return _one(row, list(dict.fromkeys(urls)))


def _concept(em: Emitter, row: FieldMap) -> Converter:
    scheme, cls = row.scheme or "", row.cls or ""
    make = partial(_concept_entry, em, row)
    concept = em.concept
    return lambda notation, out: concept((scheme, str(notation), cls), out, make)


def concept_target(em: Emitter, row: FieldMap, notation: str, out: Out) -> Iri | None:
    """The concept's URI (its authority exact match, else the registry's own), typed with the
    row's class once per document, with a label and scheme when that class is skos:Concept."""
    key = (row.scheme or "", notation, row.cls or "")
    return em.concept(key, out, partial(_concept_entry, em, row))


def _concept_entry(em: Emitter, row: FieldMap, key: tuple[str, ...]) -> Concept:
    scheme, notation = key[0], key[1]
    concept = vocab.load(scheme).get(notation)
    if concept is None:
        return None, "", None
    authority = authority_uri(scheme, notation)
    target = iri(authority) if authority else em.uri("vocab", scheme, notation)
    if target is None or not (row.cls and (em.profile.vocab_classes or not authority)):
        return target, "", None
    pairs = em.class_pairs(target, row.cls or "")
    if not authority:
        pairs.append((em.p("skos:inScheme"), em.uri("vocab", scheme)))
    if row.cls == "skos:Concept":
        pairs.append((em.p("skos:prefLabel"), lit(concept.pref_label, "en")))
    elif row.cls == "dct:LicenseDocument":
        pairs.append((em.p("dct:title"), lit(concept.pref_label, "en")))
    return target, f"{target} {row.cls}", Node(target, pairs)


def _decode_concept(rd: Reader, row: FieldMap, subject: RdfNode) -> Any:
    found = (rd.notation(row.scheme or "", v) for v in rd.row(subject, row))
    notations = [n for n in found if n]
    return sorted(set(notations)) if row.many else next(iter(notations), None)


def _coverage(em: Emitter, row: FieldMap) -> Converter:
    """A coverage statement: the registry's concept URI, described once as a SKOS concept."""
    cls = Iri(em.p(row.cls or "skos:Concept"))

    def make(key: tuple[str, ...]) -> Concept:
        concept = vocab.load(key[1]).get(key[2])
        if concept is None:
            return None, "", None
        target = em.uri("vocab", concept.scheme, concept.notation)
        pairs: list[tuple[str, Term]] = [
            (ns.RDF_TYPE, cls),
            (em.p("skos:prefLabel"), lit(concept.pref_label, "en")),
            (em.p("skos:inScheme"), em.uri("vocab", concept.scheme)),
        ]
        return target, target, Node(target, pairs)

    concept = em.concept
    return lambda statement, out: concept(
        ("coverage", statement.scheme, statement.concept), out, make
    )


def _decode_coverage(rd: Reader, row: FieldMap, subject: RdfNode) -> list[dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for value in rd.row(subject, row):
        for scheme in COVERAGE_SCHEMES if isinstance(value, URIRef) else ():
            notation = rd.notation(scheme, value) if f"/vocab/{scheme}/" in str(value) else None
            if notation:
                found[(scheme, notation)] = {
                    "scheme": scheme,
                    "concept": notation,
                    "provenance": "declared",
                }
    return [found[k] for k in sorted(found, key=lambda k: (COVERAGE_SCHEMES.index(k[0]), k[1]))]


def _access(em: Emitter, row: FieldMap) -> Converter:
    def convert(value: Any, out: Out) -> Iri:
        target = Iri(ns.ACCESS_RIGHTS[getattr(value, "value", value)])
        em.typed(target, row.cls, out)
        return target

    return convert


def _decode_access(rd: Reader, row: FieldMap, subject: RdfNode) -> str | None:
    names = {uri.rsplit("/", 1)[1]: name for name, uri in ns.ACCESS_RIGHTS.items()}
    for value in rd.row(subject, row):
        if isinstance(value, URIRef | Literal):
            last = re.split(r"[/#]", str(value).strip().rstrip("/#"))[-1].upper()
            if last.replace("-", "_") in names:
                return names[last.replace("-", "_")]
    return None


def _media(em: Emitter, row: FieldMap) -> Converter:
    def convert(value: Any, out: Out) -> Iri | None:
        target = iri(ns.IANA_MEDIA_TYPES + str(value))
        if target is not None:
            em.typed(target, row.cls, out)
        return target

    return convert


def _decode_media(rd: Reader, row: FieldMap, subject: RdfNode) -> str | None:
    for value in rd.row(subject, row):
        text = str(value).strip() if isinstance(value, URIRef | Literal) else ""
        text = text.split("/media-types/", 1)[-1]
        if _MEDIA_TYPE.match(text):
            return text.lower()
    return None


# -- small value nodes -------------------------------------------------------------------------


def _identifier(em: Emitter, row: FieldMap) -> Converter:
    cls, notation = Iri(em.p(row.cls or "adms:Identifier")), em.p("skos:notation")
    return lambda value, _out: Node(None, [(ns.RDF_TYPE, cls), (notation, lit(str(value)))])


def _decode_identifier(rd: Reader, row: FieldMap, subject: RdfNode) -> list[str]:
    found: list[str] = []
    for value in rd.row(subject, row):
        if isinstance(value, Literal):
            found += rd.texts([value])
        else:
            notation = rd.text(value, "skos:notation")
            found += [notation] if notation else ([str(value)] if isinstance(value, URIRef) else [])
    return sorted(set(found))


def _place(em: Emitter, row: FieldMap) -> Converter:
    cls, label, lang = Iri(em.p(row.cls or "dct:Location")), em.p("skos:prefLabel"), em.lang
    made = BlankNodes()  # a few place names recur across the catalogue

    def convert(value: Any, _out: Out) -> Node:
        name = str(value)
        found = made.get(name)
        if found is None:
            found = made.keep(name, Node(None, [(ns.RDF_TYPE, cls), (label, lit(name, lang))]))
        return found

    return convert


def _decode_place(rd: Reader, row: FieldMap, subject: RdfNode) -> list[str]:
    names: list[str] = []
    for value in rd.row(subject, row):
        name = rd.texts([value])[0] if isinstance(value, Literal) and str(value).strip() else None
        name = name or (rd.label(value) if not isinstance(value, Literal) else None)
        names += [name] if name else []
    return sorted(set(names), key=str.casefold)


def _agent(em: Emitter, row: FieldMap) -> Converter:
    """An organisation: its node made once per process for each (id, name), written once per
    document, like a concept."""

    def make(key: tuple[str, ...]) -> Concept:
        target = em.uri("organisations", key[1])
        return target, target, agent_node(em, target, key[2], row.cls)

    concept = em.concept
    return lambda agent, out: concept(("agent", agent.id, agent.name), out, make)


def agent_node(em: Emitter, target: Iri, name: str, cls: str | None) -> Node:
    """An organisation: foaf:Agent (what DCAT-AP asks) and its own class, with foaf:name."""
    pairs: list[tuple[str, Any]] = [(ns.RDF_TYPE, Iri(em.p("foaf:Agent")))]
    if cls:
        pairs.append((ns.RDF_TYPE, Iri(em.p(cls))))
    pairs.append((em.p("foaf:name"), lit(name)))
    return Node(target, pairs)


def _decode_agent(rd: Reader, row: FieldMap, subject: RdfNode) -> str | dict[str, Any] | None:
    for agent in rd.row(subject, row):
        if isinstance(agent, Literal):
            continue
        own = rd.own("organisations", agent)
        if own:
            return own
        name = rd.text(agent, "foaf:name", "skos:prefLabel", "vcard:fn", "rdfs:label")
        if not name:
            continue
        key = rd.text(agent, "dct:identifier") or (
            last_segment(str(agent)) if isinstance(agent, URIRef) else name
        )
        homepage = next(filter(None, map(http_url, rd.objects(agent, "foaf:homepage"))), None)
        return {
            "id": bounded_id(slug(key) or slug(name) or "organisation", str(agent)),
            "name": name[:500],
            "homepage": homepage,
            "identifiers": {"uri": str(agent)} if isinstance(agent, URIRef) else {},
        }
    return None


GENERIC: dict[str, Kind] = {
    "text": Kind(_text, _decode_text),
    "plain": Kind(_plain, _decode_text),
    "date": Kind(_date, _decode_date),
    "datetime": Kind(_datetime, _decode_datetime),
    "integer": Kind(_integer, _decode_integer),
    "uri": Kind(_uri, _decode_uri),
    "concept": Kind(_concept, _decode_concept),
    "coverage": Kind(_coverage, _decode_coverage),
    "access": Kind(_access, _decode_access),
    "media": Kind(_media, _decode_media),
    "identifier": Kind(_identifier, _decode_identifier),
    "place": Kind(_place, _decode_place),
    "agent": Kind(_agent, _decode_agent),
}
