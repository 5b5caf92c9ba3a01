"""Namespaces, prefixes and the EU authority tables the DCAT mapping writes, in one place.

Predicates and classes are written as CURIEs (``dct:title``) in the mapping rows and expanded
here; ``ldr:`` is the registry's own small namespace, ``{base_uri}/vocab/def#``, the same one the
vocabulary files use for facts SKOS has no term for (a format's media type, a licence's openness).
"""

from __future__ import annotations

from functools import cache

from vocab import join_uri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Prefixes every document declares (Turtle prefix block, RDF/XML xmlns, JSON-LD @context).
PREFIXES: dict[str, str] = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "locn": "http://www.w3.org/ns/locn#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": RDF,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": XSD,
}
OWN_PREFIX = "ldr"
OWN_PATH = "vocab/def#"

RDF_TYPE = RDF + "type"

EU = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
ACCESS_RIGHTS: dict[str, str] = {
    "public": EU + "access-right/PUBLIC",
    "restricted": EU + "access-right/RESTRICTED",
    "non-public": EU + "access-right/NON_PUBLIC",
}
# The EU language authority, for the catalogue's dct:language.
LANGUAGES: dict[str, str] = {
    "en": EU + "language/ENG",
    "cy": EU + "language/CYM",
    "ga": EU + "language/GLE",
    "gd": EU + "language/GLA",
    "fr": EU + "language/FRA",
    "de": EU + "language/DEU",
}
# Withdrawn records: the ADMS status vocabulary (what DCAT-AP uses for adms:status).
WITHDRAWN = "http://purl.org/adms/status/Withdrawn"
# The EU authority schemes of concepts the registry maps to (for skos:inScheme and titles).
EU_SCHEMES: dict[str, tuple[str, str]] = {
    "theme": (EU + "data-theme", "Data theme"),
    "frequency": (EU + "frequency", "Frequency"),
    "format": (EU + "file-type", "File type"),
}


def own_namespace(base_uri: str) -> str:
    return join_uri(base_uri, OWN_PATH)


@cache
def _expander(base_uri: str) -> dict[str, str]:
    return {**PREFIXES, OWN_PREFIX: own_namespace(base_uri)}


def expand(curie: str, base_uri: str) -> str:
    """The full IRI of a CURIE such as ``dct:title`` (``ldr:`` depends on the base URI)."""
    prefix, _, local = curie.partition(":")
    return _expander(base_uri)[prefix] + local


def prefixes(base_uri: str) -> dict[str, str]:
    """Every prefix a document declares, the registry's own included."""
    return dict(_expander(base_uri))
