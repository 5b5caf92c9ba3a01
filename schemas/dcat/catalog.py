"""The catalogue page around the records: the catalogue node, Hydra paging (current and
legacy), the ``dcat:dataset`` links, and withdrawn records as tombstones; and the order in which
both ``to_graph`` and the streaming writers take it all (:func:`page_chunks`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import vocab
from schemas.dcat import ns
from schemas.dcat.context import Emitter, Out
from schemas.dcat.kinds import agent_node, concept_target
from schemas.dcat.profile import record_nodes
from schemas.dcat.terms import TRUE, Iri, Lit, Node, datetime_literal, iri, lit, typed


def page_chunks(
    em: Emitter,
    records: Iterable[Any],
    catalog: Any,
    page: Any,
    withdrawn: Iterable[Any] = (),
    *,
    head: bool = True,
) -> Iterator[list[Node]]:
    """The whole document as lists of nodes: the catalogue page first (unless ``head`` is
    false: a later piece of a document), then one list per record (withdrawn ones as
    tombstones), each with its ``dcat:dataset`` link."""
    nodes = catalog_nodes(em, catalog, page) if head else []
    if nodes:
        yield nodes
    link = em.p("dcat:dataset")
    catalog_uri = em.uri_of(catalog.uri) if catalog is not None else None
    for record, forced in _marked(records, withdrawn):
        if forced or str(getattr(record, "status", "active")) == "withdrawn":
            yield tombstone(em, record)
            continue
        nodes = record_nodes(em, record)
        if catalog_uri is not None:
            nodes.append(Node(catalog_uri, [(link, cast(Iri, nodes[0].subject))]))
        yield nodes


def _marked(records: Iterable[Any], withdrawn: Iterable[Any]) -> Iterator[tuple[Any, bool]]:
    for record in records:
        yield record, False
    for record in withdrawn:
        yield record, True


def tombstone(em: Emitter, record: Any) -> list[Node]:
    """A withdrawn record: not a ``dcat:Dataset`` any more (so ckanext-dcat and udata, which
    read only ``dcat:Dataset`` nodes, delete or archive their copies), but still present with
    its identifier, title, ``adms:status`` Withdrawn and ``owl:deprecated true``."""
    pairs: list[tuple[str, Any]] = [
        (em.p("dct:identifier"), lit(record.id)),
        (em.p("dct:title"), lit(record.title, em.lang)),
        (em.p("adms:status"), Iri(ns.WITHDRAWN)),
        (em.p("owl:deprecated"), TRUE),
    ]
    if getattr(record, "withdrawn_at", None):
        pairs.append((em.p("dct:modified"), datetime_literal(record.withdrawn_at)))
    return [Node(em.uri("datasets", record.id), pairs)]


def catalog_nodes(em: Emitter, catalog: Any, page: Any) -> list[Node]:
    """The catalogue node and the Hydra paging node (either may be ``None``)."""
    nodes: list[Node] = []
    out = Out([], [])
    if catalog is not None:
        publisher = iri(catalog.publisher_uri) or em.uri("organisations", "registry")
        out.pairs.extend(
            [
                (ns.RDF_TYPE, Iri(em.p("dcat:Catalog"))),
                (em.p("dct:title"), lit(catalog.title, em.lang)),
                (em.p("dct:description"), lit(catalog.description or catalog.title, em.lang)),
                (em.p("dct:publisher"), publisher),
            ]
        )
        agent = _row(em, "publisher")
        em.once(
            publisher, out, lambda: agent_node(em, publisher, catalog.publisher_name, agent.cls)
        )
        homepage = iri(catalog.homepage)
        if homepage:
            out.pairs.append((em.p("foaf:homepage"), homepage))
            em.typed(homepage, "foaf:Document", out)
        if catalog.licence:
            row = _row(em, "licence")
            licence = concept_target(em, row, catalog.licence, out)
            if licence is not None:
                out.pairs.append((em.p(row.predicate), licence))
        if catalog.modified:
            out.pairs.append((em.p("dct:modified"), datetime_literal(catalog.modified)))
        language = ns.LANGUAGES.get(catalog.language.split("-")[0].lower())
        if language:
            out.pairs.append((em.p("dct:language"), Iri(language)))
            em.typed(Iri(language), "dct:LinguisticSystem", out)
        for scheme in catalog.theme_taxonomies:
            _taxonomy(em, scheme, out)
        if page is not None:
            out.pairs.append((em.p("hydra:view"), iri(page.this) or em.uri("catalog")))
        nodes.append(Node(em.uri_of(catalog.uri), out.pairs))
    if page is not None:
        nodes.append(_paging(em, page))
    return nodes + out.nodes


def _row(em: Emitter, name: str) -> Any:
    """The profile's dataset row for ``name``: the catalogue reuses its mapping."""
    return next(row for row in em.profile.dataset if row.name == name)


def _taxonomy(em: Emitter, scheme_uri: str, out: Out) -> None:
    target = iri(scheme_uri)
    if target is None:
        return
    out.pairs.append((em.p("dcat:themeTaxonomy"), target))
    titles: dict[str, str] = {
        em.uri("vocab", name): vocab.load(name).title for name in vocab.SCHEMES
    }
    titles.update(dict(ns.EU_SCHEMES.values()))
    if target in titles:
        title = titles[target]

        def build() -> Node:
            return Node(
                target,
                [
                    (ns.RDF_TYPE, Iri(em.p("skos:ConceptScheme"))),
                    (em.p("dct:title"), lit(title, "en")),
                ],
            )

        em.once(target + " scheme", out, build)


def _paging(em: Emitter, page: Any) -> Node:
    """Current Hydra (``PartialCollectionView``, URI values) and the legacy ckanext-dcat pair
    (``PagedCollection`` with ``firstPage`` … as literals) on one node."""
    pairs: list[tuple[str, Any]] = [
        (ns.RDF_TYPE, Iri(em.p("hydra:PartialCollectionView"))),
        (ns.RDF_TYPE, Iri(em.p("hydra:PagedCollection"))),
        (em.p("hydra:totalItems"), typed(str(int(page.total)), "integer")),
        (em.p("hydra:itemsPerPage"), typed(str(int(page.per_page)), "integer")),
    ]
    for name in ("first", "last", "previous", "next"):
        target = iri(getattr(page, name))
        if target is not None:
            pairs.append((em.p(f"hydra:{name}"), target))
            pairs.append((em.p(f"hydra:{name}Page"), Lit(target)))
    return Node(iri(page.this) or em.uri("catalog"), pairs)
