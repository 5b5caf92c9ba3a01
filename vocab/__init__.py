"""SKOS vocabularies of the registry: sectors, leadership grades, attributes and the DCAT lists.

Public API::

    load("grade")             -> ConceptScheme (cached)
    match("grade", "SCS level") -> Concept | None
    find("attribute", "Ethnicity by responsibility level") -> [Concept, ...]
"""

from vocab.loader import SCHEMES, UnknownScheme, load, load_all
from vocab.match import Matcher, find, match, matcher, normalise
from vocab.models import Concept, ConceptScheme, concept_path, join_uri

__all__ = [
    "SCHEMES",
    "Concept",
    "ConceptScheme",
    "Matcher",
    "UnknownScheme",
    "concept_path",
    "find",
    "join_uri",
    "load",
    "load_all",
    "match",
    "matcher",
    "normalise",
]
