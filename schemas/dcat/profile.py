"""A profile is data: the rows for datasets and distributions plus a few switches, and a
version is a small delta on another profile (:meth:`Profile.extend`), never a subclass.

This module holds the one generic loop over the rows (both directions) and the parts a table
cannot express, each writing and reading its own triples: the contact point, the temporal
coverage, and the distributions (with the licence they inherit). The catalogue page (catalogue
node, Hydra paging, withdrawn records) is in :mod:`schemas.dcat.catalog`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple
from urllib.parse import unquote

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node as RdfNode

import vocab
from schemas.dcat import ns
from schemas.dcat.context import Emitter, Out, Reader
from schemas.dcat.fields import FieldMap
from schemas.dcat.kinds import GENERIC, Converter, Kind, Step
from schemas.dcat.memo import BlankNodes
from schemas.dcat.terms import Iri, Node, date_literal, iri, lit
from schemas.dcat.values import http_url, parse_date

_node = Node._make  # one C call, where Node(...) goes through the NamedTuple's Python __new__

Edits = Mapping[str, Mapping[str, Any] | None]


@dataclass(frozen=True)
class Profile:
    """The rows a profile writes and reads, and its switches.

    ``vocab_classes``: assert the class (and label) of each vocabulary value locally
    (``<…/frequency/ANNUAL> a dct:Frequency``), so DCAT-AP's SHACL class checks pass without
    the EU vocabularies loaded.
    """

    name: str
    title: str
    dataset: tuple[FieldMap, ...]
    distribution: tuple[FieldMap, ...]
    vocab_classes: bool = False

    def extend(
        self,
        name: str,
        title: str,
        *,
        dataset: Edits | None = None,
        distribution: Edits | None = None,
        **switches: Any,
    ) -> Profile:
        """A new profile: this one with rows changed (``{"name": {"attr": value}}``), dropped
        (``{"name": None}``) or added (a name not yet present, with every attribute), and
        switches set."""
        return replace(
            self,
            name=name,
            title=title,
            dataset=_edit(self.dataset, dataset or {}),
            distribution=_edit(self.distribution, distribution or {}),
            **switches,
        )


def _edit(rows: tuple[FieldMap, ...], edits: Edits) -> tuple[FieldMap, ...]:
    names = {row.name for row in rows}
    kept = tuple(
        row.but(**change) if (change := edits.get(row.name)) else row
        for row in rows
        if not (row.name in edits and edits[row.name] is None)
    )
    added = tuple(FieldMap(name=n, **e) for n, e in edits.items() if n not in names and e)
    return kept + added


# -- writing: one record ---------------------------------------------------------------------


def encode(em: Emitter, rows: tuple[FieldMap, ...], record: Any, out: Out) -> None:
    """The generic loop: every row's step adds its field of ``record`` to ``out``."""
    plan = em.plans.get(id(rows))
    if plan is None:  # the rows compiled once per document
        plan = em.plans[id(rows)] = [compile_row(em, row) for row in rows]
    for step in plan:
        step(record, out)


def compile_row(em: Emitter, row: FieldMap) -> Step:
    """The row's step: read the field (a list when ``many``; ``fallback`` when empty), turn
    each value into the predicate's object with the kind's converter, add the pairs."""
    kind = KINDS[row.kind]
    if kind.step is not None:
        return kind.step(em, row)
    assert kind.convert is not None
    convert, name, predicate = kind.convert(em, row), row.name, em.p(row.predicate)
    fallback = row.fallback

    # Two closures rather than one with a branch: a step runs for every row of every record.
    def many(record: Any, out: Out) -> None:
        for item in getattr(record, name) or ():
            if item is not None and item != "":
                obj = convert(item, out)
                if obj is not None:
                    out.pairs.append((predicate, obj))

    def one(record: Any, out: Out) -> None:
        value = getattr(record, name)
        if value is None or value == "":
            if fallback is None:
                return
            value = getattr(record, fallback)
        obj = convert(value, out)
        if obj is not None:
            out.pairs.append((predicate, obj))

    return many if row.many else one


def record_nodes(em: Emitter, record: Any) -> list[Node]:
    """A dataset's node, its distributions and the value nodes they need."""
    out = Out([(ns.RDF_TYPE, Iri(em.p("dcat:Dataset")))], [])
    encode(em, em.profile.dataset, record, out)
    return [Node(em.uri("datasets", record.id), out.pairs), *out.nodes]


# -- the hand-written kinds -------------------------------------------------------------------


def _contact(em: Emitter, row: FieldMap) -> Converter:
    """A blank vCard node: vcard:Kind and the row's class, fn, e-mail, URL, telephone."""
    types = [(ns.RDF_TYPE, Iri(em.p(c))) for c in ("vcard:Kind", row.cls) if c]
    made = BlankNodes()  # a publisher's datasets mostly share one contact point

    def convert(point: Any, _out: Out) -> Node:
        key = (point.name, point.email, point.url, point.telephone)
        found = made.get(key)
        if found is None:
            found = made.keep(key, build(point))
        return found

    def build(point: Any) -> Node:
        pairs: list[tuple[str, Any]] = list(types)
        if point.name:
            pairs.append((em.p("vcard:fn"), lit(point.name)))
        for predicate, value in (
            ("vcard:hasEmail", f"mailto:{point.email}" if point.email else None),
            ("vcard:hasURL", point.url),
            ("vcard:hasTelephone", f"tel:{point.telephone}" if point.telephone else None),
        ):
            target = iri(value)
            if target is not None:
                pairs.append((em.p(predicate), target))
        return Node(None, pairs)

    return convert


def _decode_contact(rd: Reader, row: FieldMap, subject: RdfNode) -> dict[str, str] | None:
    for point in rd.row(subject, row):
        found = {
            "name": rd.text(point, "vcard:fn", "vcard:organization-name", "foaf:name"),
            "email": _vcard(rd, point, "vcard:hasEmail", "mailto:"),
            "url": next(filter(None, map(http_url, rd.objects(point, "vcard:hasURL"))), None),
            "telephone": _vcard(rd, point, "vcard:hasTelephone", "tel:"),
        }
        if found["email"] or found["url"] or found["telephone"]:
            return {k: v for k, v in found.items() if v}
    return None


def _vcard(rd: Reader, point: RdfNode, curie: str, scheme: str) -> str | None:
    """A vCard value: a ``mailto:``/``tel:`` URI, a literal, or a node with ``vcard:hasValue``."""
    for value in rd.objects(point, curie):
        if isinstance(value, BNode):
            inner = rd.objects(value, "vcard:hasValue")
            if not inner:
                continue
            value = inner[0]
        text = str(value).strip() if isinstance(value, URIRef | Literal) else ""
        if text.lower().startswith(scheme):
            text = unquote(text[len(scheme) :]).strip()
        if text:
            return text
    return None


START = ("dcat:startDate", "schema:startDate")
END = ("dcat:endDate", "schema:endDate")


def _temporal(em: Emitter, row: FieldMap) -> Step:
    """Two fields, one blank dct:PeriodOfTime with dcat:startDate and dcat:endDate."""
    (first, last), predicate = row.names, em.p(row.predicate)
    cls, start_p, end_p = Iri(em.p(row.cls or "dct:PeriodOfTime")), em.p(START[0]), em.p(END[0])
    made = BlankNodes()  # editions share their periods (calendar and financial years)

    def step(record: Any, out: Out) -> None:
        start, end = getattr(record, first), getattr(record, last)
        if start is None and end is None:
            return
        found = made.get((start, end))
        if found is None:
            pairs: list[tuple[str, Any]] = [(ns.RDF_TYPE, cls)]
            pairs += [(start_p, date_literal(start))] if start else []
            pairs += [(end_p, date_literal(end))] if end else []
            found = made.keep((start, end), Node(None, pairs))
        out.pairs.append((predicate, found))

    return step


def _decode_temporal(rd: Reader, row: FieldMap, subject: RdfNode) -> tuple[Any, Any]:
    starts, ends = [], []
    for period in rd.row(subject, row):
        starts += _dates(rd, period, START, "time:hasBeginning")
        ends += _dates(rd, period, END, "time:hasEnd")
    start, end = (min(starts) if starts else None), (max(ends) if ends else None)
    return (None, None) if start and end and end < start else (start, end)


def _dates(rd: Reader, period: RdfNode, direct: tuple[str, ...], instant: str) -> list[Any]:
    texts = rd.texts(rd.objects(period, *direct))
    for node in rd.objects(period, instant):
        texts += rd.texts(rd.objects(node, "time:inXSDDate", "time:inXSDDateTimeStamp"))
    return [d for d in map(parse_date, texts) if d]


class _Licence(NamedTuple):
    """What a distribution without a licence of its own is written with: the dataset's."""

    licence: str


def _distributions(em: Emitter, row: FieldMap) -> Step:
    """Each distribution its own node under the dataset's URI, by the distribution rows, with
    the dataset's licence when it has none."""
    predicate, cls, name = em.p(row.predicate), Iri(em.p(row.cls or "dcat:Distribution")), row.name
    rows = em.profile.distribution
    at = next((i for i, r in enumerate(rows) if r.name == "licence"), len(rows))
    # The rows' steps around the licence row, compiled once per document.
    before = [compile_row(em, r) for r in rows[:at]]
    licence = [compile_row(em, r) for r in rows[at : at + 1]]
    after = [compile_row(em, r) for r in rows[at + 1 :]]
    uri, rdf_type = em.uri, ns.RDF_TYPE

    def step(record: Any, out: Out) -> None:
        inherited = _Licence(record.licence) if record.licence else None
        for position, distribution in enumerate(getattr(record, name) or ()):
            key = getattr(distribution, "id", None) or str(position)
            target = uri("datasets", record.id, "distributions", key)
            out.pairs.append((predicate, target))
            inner = Out([(rdf_type, cls)], [])
            for each in before:
                each(distribution, inner)
            own = distribution.licence or inherited is None
            for each in licence:
                each(distribution if own else inherited, inner)
            for each in after:
                each(distribution, inner)
            out.nodes.append(_node((target, inner.pairs)))
            out.nodes.extend(inner.nodes)

    return step


def _decode_distributions(rd: Reader, row: FieldMap, subject: RdfNode) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for node in rd.row(subject, row):
        values = decode(rd, node, distribution=True)
        values["access_url"] = values.get("access_url") or values.get("download_url")
        if not values["access_url"] or values["access_url"] in found:
            continue
        if not values.get("format") and values.get("media_type"):
            concept = vocab.match("format", values["media_type"])
            values["format"] = concept.notation if concept else None
        values["id"] = _distribution_id(rd, node)
        found[values["access_url"]] = {k: v for k, v in values.items() if v is not None}
    return [found[k] for k in sorted(found, key=lambda k: (found[k].get("id") or "", k))]


def _distribution_id(rd: Reader, node: RdfNode) -> str | None:
    if rd.base is None or not isinstance(node, URIRef):
        return None
    head, _, tail = str(node).rpartition("/distributions/")
    return tail if tail and "/" not in tail and head.startswith(rd.base + "/datasets/") else None


HAND_WRITTEN: dict[str, Kind] = {
    "contact": Kind(_contact, _decode_contact),
    "temporal": Kind(None, _decode_temporal, step=_temporal),
    "distributions": Kind(None, _decode_distributions, step=_distributions),
}
KINDS: dict[str, Kind] = {**GENERIC, **HAND_WRITTEN}


# -- reading: the generic loop ------------------------------------------------------------------


def decode(rd: Reader, subject: RdfNode, *, distribution: bool = False) -> dict[str, Any]:
    """Every row's value read from ``subject``: the generic loop of the parsing side."""
    values: dict[str, Any] = {}
    for row in rd.profile.distribution if distribution else rd.profile.dataset:
        value = KINDS[row.kind].decode(rd, row, subject)
        names = row.names
        for name, item in zip(names, value if len(names) > 1 else (value,), strict=True):
            if row.fallback and item == values.get(row.fallback):
                item = None  # what the writer filled in (a description that is the title)
            values[name] = item
    return values
