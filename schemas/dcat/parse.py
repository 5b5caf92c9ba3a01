"""DCAT in any RDF syntax -> :class:`~schemas.DatasetCreate` records, by the same rows.

Parsing is safe by construction: rdflib is only ever given bytes, RDF/XML declaring XML
entities is refused before rdflib reads it (no entity expansion, no external entities), and
every JSON-LD ``@context`` naming another document is replaced by the bundled prefixes (no
remote context is fetched). rdflib's many exception types become :class:`DcatParseError`.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from pydantic import ValidationError
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node as RdfNode

from schemas.common import IDENTIFIER_PATTERN, describe_errors
from schemas.dataset import DatasetCreate
from schemas.dcat import ns
from schemas.dcat.context import Reader
from schemas.dcat.profile import Profile, decode
from schemas.dcat.values import bounded_id, slug

# Syntax names accepted for ``fmt``: our format keys, media types, rdflib's names.
SYNTAXES: dict[str, str] = {
    "ttl": "turtle",
    "turtle": "turtle",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "application/n-triples": "nt",
    "rdf": "xml",
    "xml": "xml",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
}
NAMES = {"turtle": "Turtle", "nt": "N-Triples", "xml": "RDF/XML", "json-ld": "JSON-LD"}
REQUIRED = frozenset({"id", "title"})


class DcatParseError(ValueError):
    """The document cannot be read as DCAT: unreadable RDF, or datasets that cannot become
    records. ``problems`` holds one line per problem."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


def read_graph(data: bytes | str, fmt: str, *, base_uri: str | None = None) -> Graph:
    """Parse ``data`` into an rdflib graph, safely; :class:`DcatParseError` if it cannot be."""
    syntax = SYNTAXES.get(fmt.split(";")[0].strip().lower())
    if syntax is None:
        known = ", ".join(sorted({k for k in SYNTAXES if "/" not in k}))
        raise DcatParseError(f"unknown RDF format {fmt!r} (known: {known}, or a media type)")
    content = data.encode("utf-8") if isinstance(data, str) else data
    label = NAMES[syntax]
    if syntax == "xml":
        _refuse_xml_entities(content)
    elif syntax == "json-ld":
        content = _local_contexts(content)
    graph = Graph()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ill-typed literals warn; their text is kept
            graph.parse(data=content, format=syntax, publicID=base_uri or "urn:x-dcat:document")
    except Exception as exc:  # rdflib raises many types (BadSyntax, SAXParseException ...)
        message = " ".join(str(exc).split())[:300] or exc.__class__.__name__
        raise DcatParseError(f"unreadable {label}: {message}") from exc
    return graph


def from_graph(
    graph: Graph, profile: Profile, *, base_uri: str | None = None
) -> list[DatasetCreate]:
    """Every ``dcat:Dataset`` of the graph as a validated :class:`DatasetCreate`.

    Values that do not validate (a malformed e-mail, an unknown licence) are left out; a
    dataset that still cannot become a record (no title) is a :class:`DcatParseError` naming
    it and every problem."""
    reader = Reader(graph, profile, base_uri)
    nodes = set(graph.subjects(RDF.type, reader.p("dcat:Dataset")))
    records: list[DatasetCreate] = []
    problems: list[str] = []
    for node in sorted(nodes, key=lambda n: (isinstance(n, BNode), _name(reader, n))):
        data = assemble(reader, node, decode(reader, node))
        try:
            records.append(validated(data))
        except ValidationError as exc:
            problems += [f"dataset {_name(reader, node)}: {line}" for line in describe_errors(exc)]
    if problems:
        raise DcatParseError("; ".join(problems), problems)
    return records


def dataset_data(
    graph: Graph,
    node: RdfNode,
    profile: Profile,
    *,
    base_uri: str | None = None,
    identify: Callable[[str | None], str] | None = None,
) -> dict[str, Any]:
    """One ``dcat:Dataset`` node's record data, not yet validated (see :func:`validated`).

    ``identify`` names the record from its ``dct:identifier`` (or ``None``) instead of the
    default rule: a harvester's own id scheme. The identifier is kept in
    ``other_identifiers`` whenever it is not the id."""
    reader = Reader(graph, profile, base_uri)
    return assemble(reader, node, decode(reader, node), identify=identify)


def assemble(
    rd: Reader,
    node: RdfNode,
    values: dict[str, Any],
    *,
    identify: Callable[[str | None], str] | None = None,
) -> dict[str, Any]:
    """The record's data: the rows' values plus what depends on several of them (the id,
    identifiers, the licence distributions inherit, the source URI), trimmed to fit."""
    identifier = values.pop("id", None)
    if identify is not None:
        ident = identify(identifier)
    else:
        ident = _dataset_id(rd, node, identifier, values.get("title"))
    if identifier and identifier != ident:
        values["other_identifiers"] = sorted({*values.get("other_identifiers", []), identifier})
    distributions = values.get("distributions") or []
    if not values.get("licence"):
        values["licence"] = next((d["licence"] for d in distributions if d.get("licence")), None)
    for dist in distributions:
        if values["licence"] and dist.get("licence") == values["licence"]:
            del dist["licence"]  # inherited, as the writer puts it on every distribution
        _trim(dist, title=500, description=5000)
    if values.get("contact_point"):
        _trim(values["contact_point"], name=300)
    values["source_record"] = str(node) if isinstance(node, URIRef) else None
    _trim(values, title=500, description=20_000, source_record=2000)
    values = {k: v for k, v in values.items() if v is not None}
    return {"id": ident, **values}


def _trim(values: dict[str, Any], **limits: int) -> None:
    for key, limit in limits.items():
        if isinstance(values.get(key), str):
            values[key] = values[key][:limit]


def _dataset_id(rd: Reader, node: RdfNode, identifier: str | None, title: str | None) -> str:
    """This registry's id (its own URI), else a valid ``dct:identifier``, else a slug of the
    identifier, the URI's last segment or the title."""
    own = rd.own("datasets", node)
    if own and re.match(IDENTIFIER_PATTERN, own):
        return own
    if identifier and re.match(IDENTIFIER_PATTERN, identifier):
        return identifier
    keys = [identifier, _tail(node) if isinstance(node, URIRef) else None, title]
    key = next((slug(k) for k in keys if k and slug(k)), "")
    return bounded_id(
        key or "dataset-" + hashlib.sha1(str(node).encode()).hexdigest()[:12], str(node)
    )


def _tail(uri: str) -> str:
    segments = [s for s in re.split(r"[/#]", uri.rstrip("/#")) if s]
    return segments[-1] if segments else uri


def _name(rd: Reader, node: RdfNode) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    return repr(rd.text(node, "dct:identifier") or rd.text(node, "dct:title") or "(no title)")


def validated(data: dict[str, Any]) -> DatasetCreate:
    """Validate, dropping optional values (or list items) that fail, a few rounds at most;
    :class:`pydantic.ValidationError` when a required value (id, title) is missing or bad."""
    for _ in range(4):
        try:
            return DatasetCreate.model_validate(data)
        except ValidationError as exc:
            if not _drop_invalid(data, exc):
                raise
    return DatasetCreate.model_validate(data)


def _drop_invalid(data: dict[str, Any], exc: ValidationError) -> bool:
    dropped: list[tuple[str, int | None]] = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        if not loc or loc[0] in REQUIRED or loc[0] not in data:
            continue
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        dropped.append((str(loc[0]), index if isinstance(data[loc[0]], list) else None))
    for key, index in sorted(dropped, key=lambda d: (d[0], -(d[1] or 0))):
        if index is None:
            data.pop(key, None)
        elif key in data and index < len(data[key]):
            del data[key][index]
    return bool(dropped)


# -- safety -------------------------------------------------------------------------------------


class _EntityDeclared(Exception):
    pass


def _refuse_xml_entities(content: bytes) -> None:
    def refuse(*_: Any) -> None:
        raise _EntityDeclared

    scanner = expat.ParserCreate()
    scanner.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    scanner.EntityDeclHandler = refuse
    scanner.UnparsedEntityDeclHandler = refuse
    scanner.ExternalEntityRefHandler = refuse
    try:
        scanner.Parse(content, True)
    except _EntityDeclared:
        raise DcatParseError(
            "RDF/XML declaring XML entities is refused (entity expansion, external entities)"
        ) from None
    except expat.ExpatError as exc:
        raise DcatParseError(f"unreadable RDF/XML: {exc}") from None


def _local_contexts(content: bytes) -> bytes:
    try:
        return json.dumps(_without_remote(json.loads(content))).encode()
    except RecursionError:
        raise DcatParseError("unreadable JSON-LD: nested too deeply") from None
    except ValueError as exc:
        raise DcatParseError(f"unreadable JSON-LD: {str(exc)[:200]}") from None


def _without_remote(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_remote(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        key: _context(inner) if key == "@context" else _without_remote(inner)
        for key, inner in value.items()
        if key != "@import"
    }


def _context(context: Any) -> Any:
    """A context with each reference to another document replaced by the bundled prefixes."""
    if isinstance(context, str):
        return {**ns.PREFIXES, "dcterms": ns.PREFIXES["dct"]}
    if isinstance(context, list):
        return [_context(c) for c in context]
    return _without_remote(context)
