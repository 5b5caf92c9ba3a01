"""The shipped vocabularies load, keep their fixed notations, and roll up through the grades."""

from __future__ import annotations

import pytest

from vocab import SCHEMES, UnknownScheme, load, load_all

FIXED = {
    "licence": [
        "ogl-3", "ogl-2", "ogl-1", "cc-by-4", "cc-by-sa-4", "cc0-1", "odc-by-1", "odbl-1",
        "odc-pddl-1", "other-open", "other-closed", "unknown",
    ],
    "frequency": [
        "annual", "semiannual", "quarterly", "monthly", "weekly", "daily", "continuous",
        "biennial", "triennial", "irregular", "never", "unknown",
    ],
    "theme": [
        "agri", "econ", "educ", "ener", "envi", "gove", "heal", "intr", "just", "regi", "soci",
        "tech", "tran",
    ],
    "organisation-type": [
        "ministerial_department", "non_ministerial_department", "executive_agency",
        "executive_ndpb", "advisory_ndpb", "tribunal", "court", "public_corporation",
        "special_health_authority", "independent_monitoring_body", "adhoc_advisory_group",
        "devolved_administration", "executive_office", "civil_service", "sub_organisation",
        "other",
    ],
    "attribute": [
        "sex", "ethnicity", "disability", "age", "sexual-orientation", "religion",
        "socio-economic-background", "pay", "headcount", "tenure", "mobility", "profession",
        "education", "location", "engagement", "identity", "performance",
    ],
}  # fmt: skip
FORMATS = [
    "csv", "tsv", "ods", "xlsx", "xls", "json", "jsonld", "xml", "rdf-xml", "turtle", "n-triples",
    "geojson", "parquet", "sqlite", "zip", "pdf", "html", "docx", "doc", "odt", "pptx", "txt",
    "api",
]  # fmt: skip
GRADE_LEVELS = [
    "head-of-organisation", "executive", "senior-manager", "middle-manager",
    "board-non-executive", "workforce",
]  # fmt: skip
SECTOR_GRADES = [
    "scs", "scs1", "scs1a", "scs2", "scs3", "scs4", "g6", "g7", "of-6", "of-7", "of-8", "of-9",
    "nhs-vsm", "afc-8a", "afc-8b", "afc-8c", "afc-8d", "afc-9", "headteacher",
    "deputy-headteacher", "assistant-headteacher", "chief-constable", "chief-inspector",
    "chief-fire-officer", "nhs-chief-executive", "council-chief-executive", "vice-chancellor",
    "chair", "non-executive-director", "governor", "public-appointee",
]  # fmt: skip


@pytest.mark.parametrize("name", SCHEMES)
def test_every_scheme_loads_with_labelled_defined_concepts(name: str) -> None:
    scheme = load(name)
    assert scheme.name == name
    assert scheme.title and scheme.description
    assert len(scheme) > 0
    for concept in scheme:
        assert concept.scheme == name
        assert concept.pref_label, concept.notation
        assert concept.definition, concept.notation
    assert scheme.dangling == ()


def test_load_is_cached_and_load_all_covers_every_scheme() -> None:
    assert load("grade") is load("grade")
    assert list(load_all()) == list(SCHEMES)


@pytest.mark.parametrize(("name", "notations"), FIXED.items())
def test_fixed_notations_are_exactly_the_top_concepts_in_file_order(
    name: str, notations: list[str]
) -> None:
    scheme = load(name)
    assert list(scheme.concepts) == notations
    assert list(scheme.top_concepts) == notations


def test_licence_file_puts_ogl_3_first_with_its_canonical_uris() -> None:
    ogl = load("licence").concepts["ogl-3"]
    assert load("licence").top_concepts[0] == "ogl-3"
    assert "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in (
        ogl.exact_match
    )
    assert "http://spdx.org/licenses/OGL-UK-3.0" in ogl.exact_match
    assert ogl.properties["open"] is True
    assert load("licence").concepts["other-closed"].properties["open"] is False


def test_frequency_maps_to_the_eu_authority_with_months() -> None:
    frequency = load("frequency")
    eu = "http://publications.europa.eu/resource/authority/frequency/"
    assert eu + "ANNUAL_2" in frequency.concepts["semiannual"].exact_match
    assert eu + "IRREG" in frequency.concepts["irregular"].exact_match
    assert eu + "CONT" in frequency.concepts["continuous"].exact_match
    assert float(frequency.concepts["annual"].properties["months"]) == 12
    assert float(frequency.concepts["quarterly"].properties["months"]) == 3


def test_theme_uses_eu_labels_and_uris() -> None:
    gove = load("theme").concepts["gove"]
    assert gove.pref_label == "Government and public sector"
    assert gove.exact_match == ("http://publications.europa.eu/resource/authority/data-theme/GOVE",)
    assert load("theme").concepts["soci"].pref_label == "Population and society"


def test_every_format_states_media_type_and_openness() -> None:
    formats = load("format")
    assert set(FORMATS) <= set(formats.concepts)
    for concept in formats:
        assert "/" in str(concept.properties["mediaType"]), concept.notation
        assert isinstance(concept.properties["machineReadable"], bool)
        assert isinstance(concept.properties["nonProprietary"], bool)
    csv, xlsx, pdf = (formats.concepts[n].properties for n in ("csv", "xlsx", "pdf"))
    assert csv == {"mediaType": "text/csv", "machineReadable": True, "nonProprietary": True}
    assert (xlsx["machineReadable"], xlsx["nonProprietary"]) == (True, False)
    assert pdf["machineReadable"] is False
    assert formats.concepts["csv"].exact_match == (
        "http://publications.europa.eu/resource/authority/file-type/CSV",
    )


def test_organisation_types_carry_govuk_labels_and_sectors() -> None:
    types = load("organisation-type")
    assert types.concepts["executive_ndpb"].pref_label == "Executive non-departmental public body"
    assert types.concepts["tribunal"].properties["sector"] == "judiciary"
    sectors = set(load("sector").concepts)
    for concept in types:
        assert concept.properties.get("sector", "civil-service") in sectors


def test_grade_has_the_harmonised_levels_on_top_and_sector_grades_beneath() -> None:
    grade = load("grade")
    assert list(grade.top_concepts) == GRADE_LEVELS
    for notation in SECTOR_GRADES:
        assert grade.concepts[notation].broader, notation
        assert set(grade.ancestors(notation)) & set(GRADE_LEVELS), notation


def test_grade_rolls_up_and_down() -> None:
    grade = load("grade")
    assert grade.ancestors("scs2") == ("executive", "scs", "senior-manager")
    assert "scs2" in grade.descendants("executive")
    assert {"scs1", "scs1a", "scs2", "scs3", "scs4"} <= set(grade.descendants("scs"))
    assert set(grade.concepts["scs"].broader) == {"executive", "senior-manager"}
    assert "head-of-organisation" in grade.ancestors("scs4")
    assert "senior-manager" in grade.ancestors("scs1")
    assert "executive" not in grade.concepts["scs1"].broader
    assert grade.ancestors("nhs-vsm") == ("executive",)
    assert grade.ancestors("headteacher") == ("head-of-organisation",)
    assert {"chief-inspector-and-above", "senior-manager"} <= set(
        grade.ancestors("chief-inspector")
    )
    assert "chief-constable" in grade.descendants("chief-inspector-and-above")
    assert set(grade.descendants("middle-manager")) >= {"g6", "g7", "afc-8a", "afc-8c", "inspector"}
    assert "afc-8d" in grade.descendants("senior-manager")
    assert grade.ancestors("workforce") == () and grade.descendants("aa") == ()


def test_concept_and_scheme_uris_follow_the_base_uri() -> None:
    grade = load("grade")
    assert grade.uri("https://ldr.example/") == "https://ldr.example/vocab/grade"
    assert grade.concepts["scs2"].uri("https://ldr.example") == (
        "https://ldr.example/vocab/grade/scs2"
    )
    assert load("organisation-type").concepts["executive_ndpb"].uri("http://x") == (
        "http://x/vocab/organisation-type/executive_ndpb"
    )


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(UnknownScheme) as caught:
        load("grades")
    assert isinstance(caught.value, KeyError)
    assert "grades" in str(caught.value) and "attribute" in str(caught.value)
