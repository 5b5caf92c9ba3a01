"""The DCAT mapping both ways: demo records round trip, the profile deltas, licences, withdrawn
records, coverage as SKOS, the catalogue page, and real external DCAT parsed into records.

The helpers at the top (demo records as the API returns them, the catalogue page) are shared
with ``test_dcat_stream.py`` and ``test_dcat_shacl.py``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, to_isomorphic

import vocab
from registry.store import normalised
from schemas import (
    CoveragePublic,
    DatasetCreate,
    DatasetPublic,
    OrganisationCreate,
    OrganisationRef,
)
from schemas.dcat import (
    DATASET_FIELDS,
    DISTRIBUTION_FIELDS,
    FORMATS,
    PROFILES,
    CatalogInfo,
    DcatParseError,
    PageInfo,
    concept_scheme_graph,
    dataset_uri,
    parse,
    to_graph,
    write,
)
from schemas.dcat.fields import mapping_markdown, row_markdown

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "registry" / "demo" / "records.jsonl"
FEED = ROOT / "registry" / "snapshots" / "dcat-feed"
BASE = "http://registry.test"
CREATED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
RDF_NAMES = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")


# -- shared helpers -------------------------------------------------------------------------------


def public(record: DatasetCreate, names: dict[str, str], **changes: Any) -> DatasetPublic:
    """A record as the API returns it: publisher with its name, distribution ids, coverage
    with labels and URIs (what ``registry.records.public_datasets`` builds from storage)."""
    stored = normalised(record)
    data = stored.model_dump(mode="json", exclude={"publisher", "coverage", "source_record"})
    publisher = stored.publisher
    data["publisher"] = (
        OrganisationRef(id=publisher, name=names.get(publisher, publisher)) if publisher else None
    )
    data["coverage"] = [
        CoveragePublic(
            scheme=c.scheme.value,
            concept=c.concept,
            label=vocab.load(c.scheme.value).concepts[c.concept].pref_label,
            uri=vocab.load(c.scheme.value).concepts[c.concept].uri(BASE),
            provenance=c.provenance.value,
            note=c.note,
        )
        for c in record.coverage
    ]
    data.update(created_at=CREATED, updated_at=CREATED, **changes)
    return DatasetPublic.model_validate(data)


def demo_records() -> list[DatasetPublic]:
    """Every dataset of ``registry/demo/records.jsonl`` as a ``DatasetPublic``."""
    lines = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    names = {r["id"]: r["name"] for r in lines if r["type"] == "organisation"}
    return [
        public(DatasetCreate.model_validate({k: v for k, v in r.items() if k != "type"}), names)
        for r in lines
        if r["type"] == "dataset"
    ]


def catalogue(modified: datetime | None = CREATED) -> CatalogInfo:
    return CatalogInfo(
        uri=f"{BASE}/catalog",
        title="Leadership Data Registry",
        description="Datasets about the people who lead UK public services.",
        publisher_name="Leadership Data Registry",
        publisher_uri=f"{BASE}/organisations/registry",
        homepage=f"{BASE}/",
        licence="ogl-3",
        modified=modified,
        theme_taxonomies=(
            *(vocab.load(s).uri(BASE) for s in ("sector", "grade", "attribute")),
            "http://publications.europa.eu/resource/authority/data-theme",
        ),
    )


def paging(page: int = 2, pages: int = 3, total: int = 250) -> PageInfo:
    def url(n: int) -> str:
        return f"{BASE}/catalog.ttl?q=civil+service&page={n}"

    return PageInfo(
        this=url(page),
        first=url(1),
        last=url(pages),
        previous=url(page - 1) if page > 1 else None,
        next=url(page + 1) if page < pages else None,
        total=total,
        per_page=100,
    )


def full_record(**changes: Any) -> DatasetPublic:
    """One record with every mapped field set."""
    record = DatasetCreate.model_validate(
        {
            "id": "scs-diversity-2024",
            "title": "Senior Civil Service diversity, 2024",
            "description": "Headcount of the SCS by grade, sex and ethnicity.",
            "publisher": "cabinet-office",
            "contact_point": {
                "name": "Civil Service HR analysis",
                "email": "analysis@cabinetoffice.gov.uk",
                "url": "https://www.gov.uk/government/organisations/civil-service-hr",
                "telephone": "020 7276 1234",
            },
            "landing_page": "https://www.gov.uk/government/statistics/scs-2024",
            "licence": "ogl-3",
            "access_rights": "restricted",
            "accrual_periodicity": "quarterly",
            "issued": "2024-06-01",
            "modified": "2024-07-02T10:30:00+01:00",
            "temporal_start": "2023-04-01",
            "temporal_end": "2024-03-31",
            "spatial": ["England", "Wales"],
            "keywords": ["SCS", "diversity", "civil service"],
            "themes": ["gove", "soci"],
            "granularity": "aggregate-by-grade",
            "conforms_to": ["https://example.gov.uk/schema/scs.json"],
            "other_identifiers": ["CO-STATS-17", "https://www.data.gov.uk/dataset/abc"],
            "distributions": [
                {
                    "id": "scs-diversity-2024.csv",
                    "title": "Headcount by grade",
                    "description": "One row per grade and year.",
                    "access_url": "https://example.gov.uk/scs.csv",
                    "download_url": "https://example.gov.uk/files/scs.csv",
                    "media_type": "text/csv",
                    "format": "csv",
                    "byte_size": 12345,
                    "issued": "2024-06-01",
                    "modified": "2024-06-02T00:00:00Z",
                },
                {
                    "id": "scs-diversity-2024.xlsx",
                    "access_url": "https://example.gov.uk/scs.xlsx",
                    "format": "xlsx",
                    "licence": "cc-by-4",
                },
            ],
            "coverage": [
                {"scheme": "sector", "concept": "civil-service", "provenance": "declared"},
                {"scheme": "grade", "concept": "scs2", "provenance": "observed", "note": "col"},
                {"scheme": "attribute", "concept": "ethnicity", "provenance": "inferred"},
            ],
        }
    )
    return public(record, {"cabinet-office": "Cabinet Office"}, **changes)


def mapped(record: Any) -> dict[str, Any]:
    """Every field the rows map, in a form both ``DatasetPublic`` and ``DatasetCreate`` give:
    RDF keeps no order (lists become sets), publishers compare by id, a distribution licence
    is the effective one (its own, else the dataset's)."""
    out: dict[str, Any] = {}
    for row in DATASET_FIELDS:
        for name in row.names:
            value = getattr(record, name)
            if name == "publisher":
                value = getattr(value, "id", value)
            elif name == "coverage":
                value = {(c.scheme, c.concept) for c in value}
            elif name == "distributions":
                value = {d.id: _distribution(d, record.licence) for d in value}
            elif name == "contact_point":
                value = {k: str(v) for k, v in value.model_dump().items() if v} if value else None
            elif isinstance(value, list):
                value = {str(v) for v in value}
            elif name in ("landing_page", "access_rights", "granularity"):
                value = str(value) if value is not None else None
            out[name] = value
    return out


def _distribution(dist: Any, licence: str | None) -> dict[str, Any]:
    values = {n: getattr(dist, n) for row in DISTRIBUTION_FIELDS for n in row.names}
    values["licence"] = values["licence"] or licence
    return {k: str(v) if k.endswith("_url") and v else v for k, v in values.items()}


# -- round trips ---------------------------------------------------------------------------------


def test_every_demo_record_round_trips_through_the_graph():
    records = demo_records()
    assert len(records) == 43
    graph = to_graph(records, base_uri=BASE, catalog=catalogue(), page=paging())
    back = {r.id: r for r in parse(graph.serialize(format="nt"), "nt", base_uri=BASE)}
    assert set(back) == {r.id for r in records}
    for record in records:
        assert mapped(back[record.id]) == mapped(record), record.id


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_a_full_record_round_trips_in_every_profile_and_format(profile: str, fmt: str):
    record = full_record()
    text = "".join(write([record], fmt, base_uri=BASE, profile=profile))
    (back,) = parse(text, fmt, base_uri=BASE)
    assert mapped(back) == mapped(record)
    assert back.source_record == dataset_uri(BASE, record.id)
    assert back.distributions[1].licence == "cc-by-4"  # its own, not the dataset's
    assert back.distributions[0].licence is None  # inherited: stored once, on the dataset


def test_coverage_travels_as_skos_concepts_without_its_provenance():
    graph = to_graph([full_record()], base_uri=BASE)
    scs2 = URIRef(f"{BASE}/vocab/grade/scs2")
    assert (URIRef(dataset_uri(BASE, "scs-diversity-2024")), DCAT.theme, scs2) in graph
    assert (scs2, RDF.type, SKOS.Concept) in graph
    assert (scs2, SKOS.inScheme, URIRef(f"{BASE}/vocab/grade")) in graph
    label = vocab.load("grade").concepts["scs2"].pref_label
    assert (scs2, SKOS.prefLabel, Literal(label, lang="en")) in graph
    assert not any("provenance" in str(p) for p in graph.predicates())
    (back,) = parse(graph.serialize(format="nt"), "nt", base_uri=BASE)
    assert {(c.scheme.value, c.concept, c.provenance.value) for c in back.coverage} == {
        ("sector", "civil-service", "declared"),
        ("grade", "scs2", "declared"),
        ("attribute", "ethnicity", "declared"),
    }


# -- profiles ------------------------------------------------------------------------------------


def test_dcat_ap_2_differs_from_3_only_in_the_byte_size_datatype():
    records = demo_records()
    ap3 = to_graph(records, base_uri=BASE, catalog=catalogue())
    ap2 = to_graph(records, base_uri=BASE, catalog=catalogue(), profile="dcat-ap-2")
    _, only3, only2 = graph_diff(to_isomorphic(ap3), to_isomorphic(ap2))
    assert only3 and {p for _, p, _ in only3 | only2} == {DCAT.byteSize}
    assert {o.datatype for _, _, o in only3} == {XSD.nonNegativeInteger}
    assert {o.datatype for _, _, o in only2} == {XSD.decimal}
    assert {(s, int(o)) for s, _, o in only3} == {(s, int(o)) for s, _, o in only2}


def test_dcat_ap_fills_an_empty_description_with_the_title_and_dcat3_does_not():
    record = full_record(description="")
    subject = URIRef(dataset_uri(BASE, record.id))
    ap3 = to_graph([record], base_uri=BASE)
    assert ap3.value(subject, DCT.description) == Literal(record.title, lang="en")
    assert (
        to_graph([record], base_uri=BASE, profile="dcat3").value(subject, DCT.description) is None
    )
    (back,) = parse(ap3.serialize(format="nt"), "nt", base_uri=BASE)
    assert back.description == ""


def test_only_the_dcat_ap_profiles_assert_eu_vocabulary_classes_locally():
    frequency = URIRef("http://publications.europa.eu/resource/authority/frequency/QUARTERLY")
    theme = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
    ap3 = to_graph([full_record()], base_uri=BASE)
    assert (frequency, RDF.type, DCT.Frequency) in ap3
    assert (frequency, SKOS.inScheme, URIRef(str(frequency).rsplit("/", 1)[0])) in ap3
    assert (theme, SKOS.prefLabel, Literal("Government and public sector", lang="en")) in ap3
    assert (OGL, RDF.type, DCT.LicenseDocument) in ap3
    assert (OGL, DCT.title, Literal("Open Government Licence v3.0", lang="en")) in ap3
    dcat3 = to_graph([full_record()], base_uri=BASE, profile="dcat3")
    assert not set(dcat3.triples((frequency, None, None)))
    assert not set(dcat3.triples((theme, None, None)))


def test_unknown_profiles_and_formats_are_refused():
    with pytest.raises(ValueError, match="unknown DCAT profile 'dcat-ap-9'"):
        to_graph([], base_uri=BASE, profile="dcat-ap-9")
    with pytest.raises(ValueError, match="unknown RDF format 'n3'"):
        write([], "n3", base_uri=BASE)


# -- licences, withdrawn records, the catalogue page -------------------------------------------


def test_the_licence_is_on_the_dataset_and_on_every_distribution_without_its_own():
    graph = to_graph([full_record()], base_uri=BASE)
    subject = URIRef(dataset_uri(BASE, "scs-diversity-2024"))
    csv, xlsx = (URIRef(f"{subject}/distributions/scs-diversity-2024.{x}") for x in ("csv", "xlsx"))
    assert graph.value(subject, DCT.license) == OGL
    assert graph.value(csv, DCT.license) == OGL
    assert graph.value(xlsx, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_a_withdrawn_record_is_a_tombstone_that_generic_harvesters_drop():
    withdrawn = full_record(
        status="withdrawn", withdrawn_at=datetime(2024, 8, 1, tzinfo=UTC), withdrawn_reason="x"
    )
    kept = full_record(id="kept")
    graph = to_graph([kept, withdrawn], base_uri=BASE, catalog=catalogue())
    subject = URIRef(dataset_uri(BASE, withdrawn.id))
    assert (subject, RDF.type, DCAT.Dataset) not in graph
    assert (subject, ADMS.status, URIRef("http://purl.org/adms/status/Withdrawn")) in graph
    assert (subject, OWL.deprecated, Literal(True)) in graph
    assert graph.value(subject, DCT.identifier) == Literal(withdrawn.id)
    assert set(graph.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset)) == {
        URIRef(dataset_uri(BASE, "kept"))
    }
    assert not set(graph.triples((URIRef(f"{subject}/distributions/x"), None, None)))
    assert [r.id for r in parse(graph.serialize(format="nt"), "nt", base_uri=BASE)] == ["kept"]
    forced = to_graph([], base_uri=BASE, withdrawn=[kept])
    assert (URIRef(dataset_uri(BASE, "kept")), OWL.deprecated, Literal(True)) in forced


def test_the_catalogue_node_and_both_styles_of_hydra_paging():
    graph = to_graph(demo_records(), base_uri=BASE, catalog=catalogue(), page=paging())
    catalog, view = URIRef(f"{BASE}/catalog"), URIRef(paging().this)
    assert graph.value(catalog, DCT.title) == Literal("Leadership Data Registry", lang="en")
    assert graph.value(catalog, DCT.license) == OGL
    assert graph.value(catalog, DCT.language) == URIRef(
        "http://publications.europa.eu/resource/authority/language/ENG"
    )
    assert graph.value(catalog, FOAF.homepage) == URIRef(f"{BASE}/")
    assert graph.value(catalog, DCT.modified) == Literal(CREATED)
    assert len(set(graph.objects(catalog, DCAT.dataset))) == 43
    assert len(set(graph.objects(catalog, DCAT.themeTaxonomy))) == 4
    grade = URIRef(f"{BASE}/vocab/grade")
    assert graph.value(grade, DCT.title) == Literal(vocab.load("grade").title, lang="en")
    assert graph.value(catalog, HYDRA.view) == view
    assert set(graph.objects(view, RDF.type)) == {
        HYDRA.PartialCollectionView,
        HYDRA.PagedCollection,
    }
    for name, page in (("first", 1), ("previous", 1), ("next", 3), ("last", 3)):
        url = f"{BASE}/catalog.ttl?q=civil+service&page={page}"
        assert graph.value(view, HYDRA[name]) == URIRef(url)
        assert graph.value(view, HYDRA[f"{name}Page"]) == Literal(url)
    assert graph.value(view, HYDRA.totalItems) == Literal(250)
    assert graph.value(view, HYDRA.itemsPerPage) == Literal(100)
    first = to_graph([], base_uri=BASE, page=paging(page=1))
    assert first.value(URIRef(paging(page=1).this), HYDRA.previous) is None


# -- parsing what others publish -----------------------------------------------------------------


def test_the_recorded_dcat_feed_pages_parse_into_records():
    records = {}
    for number in (1, 2):
        text = (FEED / f"catalog-page-{number}.ttl").read_bytes()
        records.update({r.id: r for r in parse(text, "text/turtle; charset=utf-8")})
    assert set(records) == {
        "nics-equality-statistics-2025",
        "public-sector-employment-in-scotland",
        "civil-service-statistics-2023",
        "publicsectoremploymentukjune2023",
        "nhs-workforce-statistics",
    }
    nics = records["nics-equality-statistics-2025"]
    assert nics.licence == "ogl-3" and nics.accrual_periodicity == "annual"
    assert (nics.temporal_start, nics.temporal_end) == (date(2025, 1, 1), date(2025, 1, 1))
    assert nics.spatial == ["Northern Ireland"] and nics.themes == ["gove", "soci"]
    assert isinstance(nics.publisher, OrganisationCreate)
    assert nics.publisher.name == "Northern Ireland Statistics and Research Agency"
    assert [(d.format, d.media_type) for d in nics.distributions] == [("html", "text/html")]
    scotland = records["public-sector-employment-in-scotland"]
    assert scotland.source_record is None  # a blank node has no URI
    assert scotland.contact_point is not None
    assert scotland.contact_point.email == "lmstats@gov.scot"
    assert scotland.accrual_periodicity == "quarterly"
    css = records["civil-service-statistics-2023"]
    assert css.modified == datetime(2023, 7, 26, tzinfo=UTC)
    assert sorted(d.byte_size or 0 for d in css.distributions) == [6202, 11675, 38830]
    assert {d.format for d in css.distributions} == {"csv"}
    ons = records["publicsectoremploymentukjune2023"]
    assert ons.licence == "ogl-3"  # the https form without a trailing slash
    assert ons.source_record == "https://ons.gov.uk/releases/publicsectoremploymentukjune2023"
    assert records["nhs-workforce-statistics"].themes == ["heal", "soci"]


CKAN_RDF_XML = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/"
    xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:vcard="http://www.w3.org/2006/vcard/ns#"
    xmlns:adms="http://www.w3.org/ns/adms#" xmlns:schema="http://schema.org/"
    xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <dcat:Catalog rdf:about="https://ckan.example.org/catalog.rdf">
    <dcat:dataset>
      <dcat:Dataset rdf:about="https://ckan.example.org/dataset/3f2a9c">
        <dct:identifier>3f2a9c1e-7d55-4a4e-9b7e-2d1c0b6a4f10</dct:identifier>
        <dct:title>Senior staff salaries &amp; grades</dct:title>
        <dct:description>&lt;p&gt;Salaries of senior staff.&lt;/p&gt;</dct:description>
        <dcat:keyword>salaries</dcat:keyword>
        <dcat:keyword>senior staff</dcat:keyword>
        <dcat:theme rdf:resource="http://publications.europa.eu/resource/authority/data-theme/GOVE"/>
        <dct:accessRights rdf:resource="http://publications.europa.eu/resource/authority/access-right/PUBLIC"/>
        <dct:accrualPeriodicity rdf:resource="http://purl.org/cld/freq/annual"/>
        <dct:issued rdf:datatype="http://www.w3.org/2001/XMLSchema#dateTime">2019-03-01T09:00:00</dct:issued>
        <dct:modified rdf:datatype="http://www.w3.org/2001/XMLSchema#dateTime">2020-07-02T08:50:00</dct:modified>
        <dcat:landingPage rdf:resource="https://www.gov.uk/salaries"/>
        <adms:identifier>
          <adms:Identifier><skos:notation>SAL-1</skos:notation></adms:Identifier>
        </adms:identifier>
        <dct:publisher>
          <foaf:Organization rdf:about="https://ckan.example.org/organization/hmt">
            <foaf:name>HM Treasury</foaf:name>
          </foaf:Organization>
        </dct:publisher>
        <dcat:contactPoint>
          <vcard:Organization>
            <vcard:fn>Workforce statistics</vcard:fn>
            <vcard:hasEmail>mailto:workforce@hmtreasury.gov.uk</vcard:hasEmail>
          </vcard:Organization>
        </dcat:contactPoint>
        <dct:temporal>
          <dct:PeriodOfTime>
            <schema:startDate rdf:datatype="http://www.w3.org/2001/XMLSchema#date">2018-04-01</schema:startDate>
            <schema:endDate rdf:datatype="http://www.w3.org/2001/XMLSchema#date">2019-03-31</schema:endDate>
          </dct:PeriodOfTime>
        </dct:temporal>
        <dct:spatial rdf:resource="http://sws.geonames.org/2635167/"/>
        <dcat:distribution>
          <dcat:Distribution rdf:about="https://ckan.example.org/dataset/3f2a9c/resource/1">
            <dct:title>Salaries CSV</dct:title>
            <dcat:accessURL rdf:resource="https://ckan.example.org/salaries.csv"/>
            <dcat:mediaType>text/csv</dcat:mediaType>
            <dct:format>CSV</dct:format>
            <dct:license rdf:resource="http://reference.data.gov.uk/id/open-government-licence"/>
            <dcat:byteSize rdf:datatype="http://www.w3.org/2001/XMLSchema#decimal">2048.0</dcat:byteSize>
          </dcat:Distribution>
        </dcat:distribution>
        <dcat:distribution>
          <dcat:Distribution rdf:about="https://ckan.example.org/dataset/3f2a9c/resource/2">
            <dcat:downloadURL rdf:resource="https://ckan.example.org/salaries.xlsx"/>
            <dcat:mediaType rdf:resource="http://www.iana.org/assignments/media-types/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
          </dcat:Distribution>
        </dcat:distribution>
      </dcat:Dataset>
    </dcat:dataset>
  </dcat:Catalog>
</rdf:RDF>
"""


def test_ckanext_dcat_style_rdf_xml_parses_with_its_conventions():
    """What ckanext-dcat writes (research: anchors-catalogue.md section 2): licence on the
    distributions only, DCAT-AP 1 schema:startDate, a literal mailto, a decimal byteSize,
    literal media types and formats, a CKAN UUID as dct:identifier."""
    (record,) = parse(CKAN_RDF_XML, "rdf")
    assert record.id == "3f2a9c1e-7d55-4a4e-9b7e-2d1c0b6a4f10"
    assert record.title == "Senior staff salaries & grades"
    assert record.licence == "ogl-3"  # from the first distribution, as ckanext-dcat does
    assert record.accrual_periodicity == "annual"  # a Dublin Core frequency URI
    assert record.access_rights == "public" and record.themes == ["gove"]
    assert (record.temporal_start, record.temporal_end) == (date(2018, 4, 1), date(2019, 3, 31))
    assert record.issued == date(2019, 3, 1)
    assert record.modified == datetime(2020, 7, 2, 8, 50, tzinfo=UTC)
    assert record.spatial == []  # a place URI without a label has no name to keep
    assert record.other_identifiers == ["SAL-1"]
    assert record.contact_point is not None
    assert record.contact_point.email == "workforce@hmtreasury.gov.uk"
    assert isinstance(record.publisher, OrganisationCreate)
    assert (record.publisher.id, record.publisher.name) == ("hmt", "HM Treasury")
    csv, xlsx = record.distributions
    assert (csv.format, csv.media_type, csv.byte_size, csv.licence) == (
        "csv",
        "text/csv",
        2048,
        None,
    )
    assert str(xlsx.access_url) == "https://ckan.example.org/salaries.xlsx"  # downloadURL only
    assert xlsx.format == "xlsx"  # from the media type
    assert str(record.source_record) == "https://ckan.example.org/dataset/3f2a9c"


EUROPA_JSON_LD = {
    "@context": "https://data.europa.eu/api/hub/search/context.jsonld",
    "@graph": [
        {
            "@id": "https://data.europa.eu/data/datasets/uk-public-appointments-2023",
            "@type": "http://www.w3.org/ns/dcat#Dataset",
            "http://purl.org/dc/terms/title": [
                {"@value": "Nominations publiques 2023", "@language": "fr"},
                {"@value": "Public appointments 2023", "@language": "en"},
            ],
            "http://purl.org/dc/terms/description": [
                {"@value": "Appointments to public bodies.", "@language": "en"}
            ],
            "http://www.w3.org/ns/dcat#theme": [
                {"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"}
            ],
            "http://purl.org/dc/terms/accrualPeriodicity": {
                "@id": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
            },
            "http://purl.org/dc/terms/spatial": {
                "@id": "http://publications.europa.eu/resource/authority/country/GBR",
                "http://www.w3.org/2004/02/skos/core#prefLabel": "United Kingdom",
            },
            "dcat:distribution": {
                "@type": "dcat:Distribution",
                "dcat:accessURL": {"@id": "https://www.gov.uk/appointments.ods"},
                "dct:format": {
                    "@id": "http://publications.europa.eu/resource/authority/file-type/ODS"
                },
                "dct:license": {"@id": "https://creativecommons.org/licenses/by/4.0"},
            },
        }
    ],
}


def test_data_europa_eu_style_json_ld_parses_offline_in_english():
    (record,) = parse(json.dumps(EUROPA_JSON_LD), "application/ld+json")
    assert record.id == "uk-public-appointments-2023"
    assert record.title == "Public appointments 2023"
    assert record.themes == ["gove"] and record.accrual_periodicity == "annual"
    assert record.spatial == ["United Kingdom"]
    assert record.licence == "cc-by-4"
    assert [(d.format, str(d.access_url)) for d in record.distributions] == [
        ("ods", "https://www.gov.uk/appointments.ods")
    ]


def test_own_uris_map_back_to_ids_only_with_the_base_uri():
    text = "".join(write([full_record()], "ttl", base_uri=BASE))
    (without,) = parse(text, "ttl")
    assert isinstance(without.publisher, OrganisationCreate)
    assert without.publisher.name == "Cabinet Office"
    assert without.publisher.identifiers == {"uri": f"{BASE}/organisations/cabinet-office"}
    assert {d.id for d in without.distributions} == {None}
    assert without.id == "scs-diversity-2024"  # from dct:identifier
    assert {(c.scheme.value, c.concept) for c in without.coverage} == {
        ("sector", "civil-service"),
        ("grade", "scs2"),
        ("attribute", "ethnicity"),
    }


# -- errors ------------------------------------------------------------------------------------


def test_truncated_turtle_is_a_readable_dcat_parse_error():
    text = "".join(write([full_record()], "ttl", base_uri=BASE))
    with pytest.raises(DcatParseError) as caught:
        parse(text[: len(text) // 2], "ttl", base_uri=BASE)
    message = str(caught.value)
    assert message.startswith("unreadable Turtle: ")
    assert "line" in message and len(message) < 400
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("data", "fmt", "expected"),
    [
        ("{not json", "jsonld", "unreadable JSON-LD: "),
        ("<rdf:RDF", "rdf", "unreadable RDF/XML: "),
        ("<a> <b> .", "nt", "unreadable N-Triples: "),
        ("", "n3", "unknown RDF format 'n3'"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>',
            "rdf",
            "RDF/XML declaring XML entities is refused",
        ),
    ],
)
def test_unreadable_documents_are_dcat_parse_errors(data: str, fmt: str, expected: str):
    with pytest.raises(DcatParseError, match="^" + expected.replace("(", r"\(")):
        parse(data, fmt)


def test_a_dataset_that_cannot_be_a_record_is_named_in_the_error():
    text = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
    @prefix dct: <http://purl.org/dc/terms/> .
    <https://example.org/d/1> a dcat:Dataset ; dct:description "no title" .
    <https://example.org/d/2> a dcat:Dataset ; dct:title "Fine" ;
        dcat:contactPoint [ <http://www.w3.org/2006/vcard/ns#hasEmail> <mailto:not-an-email> ] .
    """
    with pytest.raises(DcatParseError) as caught:
        parse(text, "ttl")
    assert caught.value.problems == ["dataset <https://example.org/d/1>: title: Field required"]
    (fine,) = parse(text.replace('dct:description "no title"', 'dct:title "T"'), "ttl")[1:]
    assert fine.id == "2" and fine.contact_point is None  # an invalid e-mail is left out


# -- the docs and the vocabularies ---------------------------------------------------------------


def test_the_mapping_doc_has_every_row():
    doc = (ROOT / "docs" / "dcat-mapping.md").read_text(encoding="utf-8")
    profile = PROFILES["dcat-ap-3"]
    missing = [
        row_markdown(owner, row)
        for owner, rows in (
            ("dcat:Dataset", profile.dataset),
            ("dcat:Distribution", profile.distribution),
        )
        for row in rows
        if row_markdown(owner, row) not in doc
    ]
    assert missing == []
    assert mapping_markdown(profile.dataset, profile.distribution) in doc


def test_a_concept_scheme_as_skos_under_the_base_uri():
    graph = concept_scheme_graph("grade", base_uri=BASE + "/")
    scheme, scs2 = URIRef(f"{BASE}/vocab/grade"), URIRef(f"{BASE}/vocab/grade/scs2")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert (scs2, SKOS.inScheme, scheme) in graph
    assert (scs2, SKOS.broader, URIRef(f"{BASE}/vocab/grade/scs")) in graph
    assert len(set(graph.subjects(RDF.type, SKOS.Concept))) == len(vocab.load("grade"))
    fmt = concept_scheme_graph("format", base_uri=BASE)
    media = URIRef(f"{BASE}/vocab/def#mediaType")
    assert fmt.value(URIRef(f"{BASE}/vocab/format/csv"), media) == Literal("text/csv")
    with pytest.raises(vocab.UnknownScheme):
        concept_scheme_graph("colours", base_uri=BASE)


def test_the_graph_binds_the_prefixes_it_writes():
    graph: Graph = to_graph([full_record()], base_uri=BASE)
    bound = dict(graph.namespaces())
    assert str(bound["dcat"]) == str(DCAT) and str(bound["ldr"]) == f"{BASE}/vocab/def#"
