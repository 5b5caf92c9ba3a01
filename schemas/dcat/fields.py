"""The mapping as data: one :class:`FieldMap` row per record field, read by both directions.

``to_graph``, the streaming writers and ``parse`` all loop over these rows; what a row means is
decided by its ``kind`` (see :mod:`schemas.dcat.kinds` for the generic kinds and
:mod:`schemas.dcat.profile` for the hand-written ones). ``docs/dcat-mapping.md`` is generated
from the rows by :func:`mapping_markdown`, and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class FieldMap:
    """How one record field travels as RDF.

    ``name`` is the record attribute (several, comma-separated, for a part that maps more than
    one); ``predicate`` a CURIE; ``kind`` the codec; ``many`` a list field; ``scheme`` the
    vocabulary of concept kinds; ``cls`` the class asserted for the value node (profiles that
    assert classes); ``datatype`` an ``xsd:`` datatype for literals; ``fallback`` the record
    field written when this one is empty; ``also`` further predicates read when parsing.
    """

    name: str
    predicate: str
    kind: str
    many: bool = False
    scheme: str | None = None
    cls: str | None = None
    datatype: str | None = None
    fallback: str | None = None
    also: tuple[str, ...] = ()
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n.strip() for n in self.name.split(","))

    def but(self, **changes: object) -> FieldMap:
        """This row with some attributes changed (how a profile delta edits a row)."""
        return replace(self, **changes)  # type: ignore[arg-type]


DATASET_FIELDS: tuple[FieldMap, ...] = (
    FieldMap("id", "dct:identifier", "plain", note="the registry id"),
    FieldMap("title", "dct:title", "text"),
    FieldMap("description", "dct:description", "text"),
    FieldMap("keywords", "dcat:keyword", "text", many=True),
    FieldMap(
        "themes",
        "dcat:theme",
        "concept",
        many=True,
        scheme="theme",
        cls="skos:Concept",
        note="EU data-theme URI (exact match)",
    ),
    FieldMap(
        "coverage",
        "dcat:theme",
        "coverage",
        many=True,
        cls="skos:Concept",
        note="sector, grade, attribute concepts: own URIs with skos:inScheme, skos:prefLabel",
    ),
    FieldMap(
        "publisher",
        "dct:publisher",
        "agent",
        cls="foaf:Organization",
        note="`{base}/organisations/{id}`, foaf:Agent with foaf:name",
    ),
    FieldMap("contact_point", "dcat:contactPoint", "contact", cls="vcard:Organization"),
    FieldMap("landing_page", "dcat:landingPage", "uri", cls="foaf:Document", also=("foaf:page",)),
    FieldMap(
        "licence",
        "dct:license",
        "concept",
        scheme="licence",
        cls="dct:LicenseDocument",
        note="also on every distribution without its own; parse falls back to the first "
        "distribution's",
    ),
    FieldMap(
        "access_rights",
        "dct:accessRights",
        "access",
        cls="dct:RightsStatement",
        note="EU access-right URI",
    ),
    FieldMap(
        "accrual_periodicity",
        "dct:accrualPeriodicity",
        "concept",
        scheme="frequency",
        cls="dct:Frequency",
        note="EU frequency URI",
    ),
    FieldMap("issued", "dct:issued", "date", datatype="xsd:date"),
    FieldMap("modified", "dct:modified", "datetime", datatype="xsd:dateTime"),
    FieldMap(
        "temporal_start, temporal_end",
        "dct:temporal",
        "temporal",
        cls="dct:PeriodOfTime",
        note="dcat:startDate / dcat:endDate (schema:startDate / endDate read too)",
    ),
    FieldMap(
        "spatial",
        "dct:spatial",
        "place",
        many=True,
        cls="dct:Location",
        note="a blank dct:Location with skos:prefLabel (places have no URI here)",
    ),
    FieldMap("conforms_to", "dct:conformsTo", "uri", many=True, cls="dct:Standard"),
    FieldMap(
        "other_identifiers",
        "adms:identifier",
        "identifier",
        many=True,
        cls="adms:Identifier",
        note="a blank adms:Identifier with skos:notation",
    ),
    FieldMap("granularity", "ldr:granularity", "plain", note="the registry's own namespace"),
    FieldMap(
        "distributions",
        "dcat:distribution",
        "distributions",
        many=True,
        cls="dcat:Distribution",
        note="`{base}/datasets/{id}/distributions/{dist_id}`",
    ),
)

DISTRIBUTION_FIELDS: tuple[FieldMap, ...] = (
    FieldMap("title", "dct:title", "text"),
    FieldMap("description", "dct:description", "text"),
    FieldMap("access_url", "dcat:accessURL", "uri", cls="rdfs:Resource"),
    FieldMap("download_url", "dcat:downloadURL", "uri", cls="rdfs:Resource"),
    FieldMap(
        "media_type",
        "dcat:mediaType",
        "media",
        cls="dct:MediaType",
        note="IANA URI; parse also takes a literal",
    ),
    FieldMap(
        "format",
        "dct:format",
        "concept",
        scheme="format",
        cls="dct:MediaTypeOrExtent",
        note="EU file-type URI; parse falls back to the media type",
    ),
    FieldMap("byte_size", "dcat:byteSize", "integer", datatype="xsd:nonNegativeInteger"),
    FieldMap("issued", "dct:issued", "date", datatype="xsd:date"),
    FieldMap("modified", "dct:modified", "datetime", datatype="xsd:dateTime"),
    FieldMap(
        "licence",
        "dct:license",
        "concept",
        scheme="licence",
        cls="dct:LicenseDocument",
        note="the dataset's licence when it has none",
    ),
)


# -- the documentation table -------------------------------------------------------------------

HEADER = (
    "| Class | Record field | DCAT property | Kind | Value class / datatype | Notes |\n"
    "|---|---|---|---|---|---|"
)


def row_markdown(owner: str, row: FieldMap) -> str:
    """One table row; the doc holds one per :class:`FieldMap`."""
    kind = row.kind + (", many" if row.many else "") + (f" ({row.scheme})" if row.scheme else "")
    value = row.datatype or row.cls or ""
    notes = [f"when empty, the {row.fallback}"] if row.fallback else []
    notes += [row.note] if row.note else []
    notes += ["also read: " + ", ".join(row.also)] if row.also else []
    return f"| {owner} | `{row.name}` | {row.predicate} | {kind} | {value} | {'; '.join(notes)} |"


def mapping_markdown(
    dataset: tuple[FieldMap, ...] = DATASET_FIELDS,
    distribution: tuple[FieldMap, ...] = DISTRIBUTION_FIELDS,
) -> str:
    """The mapping table of ``docs/dcat-mapping.md``."""
    lines = [HEADER]
    lines += [row_markdown("dcat:Dataset", row) for row in dataset]
    lines += [row_markdown("dcat:Distribution", row) for row in distribution]
    return "\n".join(lines) + "\n"
