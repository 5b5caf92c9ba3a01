"""A vocabulary scheme as SKOS, under the registry's base URI.

The data files in ``vocab/data`` are written with IRIs relative to the vocabulary root, so
the published graph is exactly the file read against ``{base_uri}/vocab/``: concepts, labels,
hierarchy, exact matches and the ``ldr:`` facts, nothing lost or re-typed.
"""

from __future__ import annotations

from rdflib import Graph

from schemas.dcat import ns
from vocab import join_uri
from vocab.loader import data_text, load


def concept_scheme_graph(scheme: str, *, base_uri: str) -> Graph:
    """The scheme (``vocab.UnknownScheme`` for an unknown name) as an rdflib graph."""
    load(scheme)  # the scheme's name is checked, and its file known to parse
    graph = Graph()
    root = join_uri(base_uri, "vocab/")
    graph.parse(data=data_text(scheme), format="turtle", publicID=root)
    for prefix in ("skos", "dct", "xsd"):
        graph.bind(prefix, ns.PREFIXES[prefix])
    graph.bind(ns.OWN_PREFIX, ns.own_namespace(base_uri))
    graph.bind(scheme, root + scheme + "/")
    return graph
