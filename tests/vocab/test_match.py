"""The words real sources use (titles, column headers, cell values) match the right concepts."""

from __future__ import annotations

import pytest

from vocab import UnknownScheme, find, match, matcher, normalise

# (scheme, text as a source writes it, notation)
SOURCE_WORDS = [
    # Civil Service Statistics responsibility levels, organogram grades, NHS bands, EFF groups
    ("grade", "SCS level", "scs"),
    ("grade", "SCS1", "scs1"),
    ("grade", "SCS1A", "scs1a"),
    ("grade", "SCS Pay Band 1", "scs1"),
    ("grade", "Deputy Director", "scs1"),
    ("grade", "Director General", "scs3"),
    ("grade", "Permanent Secretary", "scs4"),
    ("grade", "SCS4", "scs4"),
    ("grade", "Grade 6", "g6"),
    ("grade", "G6", "g6"),
    ("grade", "Grade 7", "g7"),
    ("grade", "G6/G7", "g6-g7"),
    ("grade", "SEO/HEO", "seo-heo"),
    ("grade", "HEO-D", "heo"),
    ("grade", "AA/AO", "aa-ao"),
    ("grade", "OF-6", "of-6"),
    ("grade", "OF-9", "of-9"),
    ("grade", "Brigadier", "of-6"),
    ("grade", "Air Commodore", "of-6"),
    ("grade", "Very Senior Manager", "nhs-vsm"),
    ("grade", "VSM", "nhs-vsm"),
    ("grade", "Band 8A", "afc-8a"),
    ("grade", "Agenda for Change band 8a", "afc-8a"),
    ("grade", "Band 9", "afc-9"),
    ("grade", "Band 4", "afc-1-7"),
    ("grade", "Chief inspectors and above", "chief-inspector-and-above"),
    ("grade", "Chief Inspector", "chief-inspector"),
    ("grade", "Headteacher", "headteacher"),
    ("grade", "Head teacher", "headteacher"),
    ("grade", "Principal", "headteacher"),
    ("grade", "Non-executive director", "non-executive-director"),
    ("grade", "NED", "non-executive-director"),
    ("grade", "Chair", "chair"),
    ("grade", "Grade 5 and above", "nics-grade-5-plus"),
    ("grade", "All staff", "workforce"),
    ("grade", "All grades", "workforce"),
    ("grade", "Whole workforce", "workforce"),
    ("grade", "Total", "workforce"),
    # column headers and values of Civil Service Statistics, organograms, gender pay gap, EFF
    ("attribute", "Sex", "sex"),
    ("attribute", "Gender", "sex"),
    ("attribute", "Female", "sex"),
    ("attribute", "Ethnicity", "ethnicity"),
    ("attribute", "Ethnic group", "ethnicity"),
    ("attribute", "BAME", "ethnicity"),
    ("attribute", "Ethnicity_type", "ethnicity"),
    ("attribute", "Disability", "disability"),
    ("attribute", "Declared disabled", "disability"),
    ("attribute", "Age band", "age"),
    ("attribute", "Sexual_orientation", "sexual-orientation"),
    ("attribute", "LGBO", "sexual-orientation"),
    ("attribute", "Religion or belief", "religion"),
    ("attribute", "Parental occupation", "socio-economic-background"),
    ("attribute", "Free school meals", "socio-economic-background"),
    ("attribute", "Mean_salary", "pay"),
    ("attribute", "Payscale Minimum (£)", "pay"),
    ("attribute", "Actual Pay Floor (£)", "pay"),
    ("attribute", "Gender pay gap", "pay"),
    ("attribute", "DiffMedianHourlyPercent", "pay"),
    ("attribute", "Headcount", "headcount"),
    ("attribute", "FTE", "headcount"),
    ("attribute", "Number of Posts in FTE", "headcount"),
    ("attribute", "Length of service", "tenure"),
    ("attribute", "Leavers", "mobility"),
    ("attribute", "Leaver CS", "mobility"),
    ("attribute", "Professional/Occupational Group", "profession"),
    ("attribute", "Profession_of_post", "profession"),
    ("attribute", "School type", "education"),
    ("attribute", "Region_london", "location"),
    ("attribute", "London", "location"),
    ("attribute", "Engagement index", "engagement"),
    ("attribute", "People Survey", "engagement"),
    ("attribute", "Names", "identity"),
    ("attribute", "Job Title", "identity"),
    ("attribute", "Organisational performance", "performance"),
    # CKAN / GOV.UK metadata values
    ("licence", "uk-ogl", "ogl-3"),
    ("licence", "UK Open Government Licence (OGL)", "ogl-3"),
    ("licence", "OGL-UK-3.0", "ogl-3"),
    ("licence", "OGL v3", "ogl-3"),
    ("licence", "CC-BY-4.0", "cc-by-4"),
    ("licence", "odc-odbl", "odbl-1"),
    ("licence", "notspecified", "unknown"),
    ("format", "CSV", "csv"),
    ("format", "text/csv", "csv"),
    ("format", ".csv", "csv"),
    ("format", "XLS", "xls"),
    ("format", "MS Excel Spreadsheet", "xls"),
    ("format", "Excel", "xlsx"),
    ("format", "OpenDocument Spreadsheet", "ods"),
    ("format", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("format", "application/pdf", "pdf"),
    ("format", "HTML", "html"),
    ("frequency", "Annually", "annual"),
    ("frequency", "Yearly", "annual"),
    ("frequency", "Biannual", "semiannual"),
    ("frequency", "Every six months", "semiannual"),
    ("frequency", "Quarterly", "quarterly"),
    ("frequency", "Biennial", "biennial"),
    ("theme", "government", "gove"),
    ("theme", "Environment", "envi"),
    ("theme", "Crime & justice", "just"),
    ("organisation-type", "Executive non-departmental public body", "executive_ndpb"),
    ("organisation-type", "executive_ndpb", "executive_ndpb"),
    ("organisation-type", "Tribunal non-departmental public body", "tribunal"),
    ("organisation-type", "Sub-organisation", "sub_organisation"),
    ("organisation-type", "Ministerial department", "ministerial_department"),
]


@pytest.mark.parametrize(("scheme", "text", "notation"), SOURCE_WORDS)
def test_source_words_match(scheme: str, text: str, notation: str) -> None:
    found = match(scheme, text)
    assert found is not None and found.notation == notation


@pytest.mark.parametrize(
    ("scheme", "text", "notation"),
    [
        ("grade", "scs LEVEL", "scs"),
        ("grade", "  very-senior   MANAGER ", "nhs-vsm"),
        ("grade", "grade_6", "g6"),
        ("grade", "OF 6", "of-6"),
        ("attribute", "DECLARED_DISABLED", "disability"),
        ("attribute", "payscale minimum", "pay"),
        ("attribute", "professional occupational group", "profession"),
        ("format", "Csv", "csv"),
        ("organisation-type", "executive ndpb", "executive_ndpb"),
    ],
)
def test_matching_ignores_case_punctuation_and_spacing(
    scheme: str, text: str, notation: str
) -> None:
    found = match(scheme, text)
    assert found is not None and found.notation == notation


def test_normalise() -> None:
    assert normalise("Grade (or equivalent)") == "grade or equivalent"
    assert normalise("Payscale Minimum (£)") == "payscale minimum"
    assert normalise("Responsibility_level_grouped") == "responsibility level grouped"
    assert normalise("Équipe  RÉSUMÉ") == "equipe resume"


def test_words_that_are_not_concepts_do_not_match() -> None:
    assert match("grade", "Responsibility_level") is None  # a header, not a grade
    assert match("attribute", "Year") is None
    assert match("grade", "") is None
    assert match("attribute", "Grade (or equivalent)") is None  # grade is not an attribute
    assert match("attribute", "Name") is None  # organisations, places, files have names too


def test_a_named_office_is_not_its_generic_title() -> None:
    """The longer label wins: the Director of Public Prosecutions heads the CPS, and is no
    Senior Civil Service director (scs2)."""
    text = "Speeches by the Director of Public Prosecutions and the Director General"
    assert [c.notation for c in find("grade", text)] == ["head-of-organisation", "scs3"]


def test_find_picks_multi_word_labels_in_running_text() -> None:
    title = "Ethnicity of NHS very senior managers"
    assert [c.notation for c in find("attribute", title)] == ["ethnicity"]
    assert [c.notation for c in find("grade", title)] == ["nhs-vsm"]


def test_find_prefers_the_longest_label() -> None:
    text = "Police workforce: chief inspectors and above, by ethnicity and sex"
    grades = [c.notation for c in find("grade", text)]
    assert grades == ["workforce", "chief-inspector-and-above"]
    assert [c.notation for c in find("attribute", text)] == ["ethnicity", "sex"]
    title = "Non-consolidated Performance Related Pay - Department for Communities"
    assert [c.notation for c in find("attribute", title)] == ["pay"]


def test_find_returns_distinct_concepts_in_order_of_appearance() -> None:
    text = "Disability by responsibility level and sex: SCS level, G6/G7, SCS1 and SCS 1"
    assert [c.notation for c in find("attribute", text)] == ["disability", "sex"]
    assert [c.notation for c in find("grade", text)] == ["scs", "g6-g7", "scs1"]
    assert find("grade", "nothing to see here") == []


def test_candidates_lists_every_concept_with_the_label() -> None:
    assert [c.notation for c in matcher("grade").candidates("Band 8a")] == ["afc-8a"]
    assert matcher("grade").candidates("no such grade") == ()


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(UnknownScheme):
        match("grades", "SCS level")
    with pytest.raises(UnknownScheme):
        find("nope", "text")
