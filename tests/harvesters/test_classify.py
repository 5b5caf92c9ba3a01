"""The coverage classifier on the issue's examples, real file profiles and neutral text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvesters.classify import (
    Classification,
    classify,
    classify_json_lines,
    grade_sectors,
    harmonised_levels,
)
from harvesters.tabular import profile_table
from schemas import ColumnProfile
from schemas.common import Provenance

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"


def statement(found: Classification, scheme: str, concept: str) -> tuple[str, str | None]:
    match = next(s for s in found.statements if s.scheme.value == scheme and s.concept == concept)
    return match.provenance.value, match.note


def from_file(name: str) -> Classification:
    table = profile_table((FIXTURES / name).read_bytes(), format="csv")
    return classify(columns=table.columns)


# -- the examples ----------------------------------------------------------------------


def test_scs_level_in_a_responsibility_level_column_means_the_senior_grades() -> None:
    found = classify(
        columns=[ColumnProfile(name="Responsibility_level_grouped", values=["SCS level"])]
    )
    assert found.grades == ["executive", "senior-manager"]
    assert statement(found, "grade", "scs") == (
        "observed",
        'column "Responsibility_level_grouped" holds "SCS level"',
    )
    assert found.sectors == ["civil-service"]
    assert statement(found, "sector", "civil-service")[0] == "inferred"
    assert found.attributes == []


def test_scs2_in_a_grade_column_means_executive() -> None:
    found = classify(columns=[ColumnProfile(name="Grade (or equivalent)", values=["SCS2"])])
    assert found.grades == ["executive"]
    assert statement(found, "grade", "scs2") == (
        "observed",
        'column "Grade (or equivalent)" holds "SCS2"',
    )
    # The header words say the table is by grade; they are not concepts themselves.
    assert found.attributes == []


def test_grades_roll_up_to_their_nearest_levels() -> None:
    assert harmonised_levels("scs") == ("executive", "senior-manager")
    assert harmonised_levels("scs2") == ("executive",)
    assert harmonised_levels("scs1") == ("senior-manager",)
    assert harmonised_levels("scs4") == ("head-of-organisation",)
    assert harmonised_levels("nhs-vsm") == ("executive",)
    assert harmonised_levels("workforce") == ("workforce",)
    assert harmonised_levels("board-member") == ("executive", "board-non-executive")


def test_sector_grades_imply_their_sector_but_board_roles_do_not() -> None:
    assert grade_sectors("headteacher") == ("schools",)
    assert grade_sectors("scs1") == ("civil-service",)
    assert grade_sectors("of-9") == ("armed-forces",)  # through "Armed forces officers"
    assert grade_sectors("nics-grade-5-plus") == ("devolved-administrations",)
    assert grade_sectors("chair") == grade_sectors("board-member") == ()
    assert grade_sectors("executive") == ()


# -- text evidence -----------------------------------------------------------------------------


def test_ethnicity_of_nhs_very_senior_managers() -> None:
    found = classify(title="Ethnicity of NHS very senior managers")
    assert (found.sectors, found.grades, found.attributes) == (
        ["nhs"],
        ["executive"],
        ["ethnicity"],
    )
    assert statement(found, "grade", "nhs-vsm") == (
        "inferred",
        'title: "nhs very senior managers"',
    )
    assert statement(found, "attribute", "ethnicity") == ("inferred", 'title: "ethnicity"')


def test_headteacher_workforce_by_ethnicity_and_gender() -> None:
    found = classify(title="Headteacher workforce by ethnicity and gender")
    assert found.sectors == ["schools"]
    assert found.grades == ["head-of-organisation"]  # "workforce" here is the headteachers'
    assert found.attributes == ["sex", "ethnicity"]
    assert statement(found, "sector", "schools") == (
        "inferred",
        'title: "headteacher" (a schools grade)',
    )


def test_description_and_keywords_are_read_too() -> None:
    found = classify(
        title="Senior salaries",
        description="Pay of the Senior Civil Service, by department.",
        keywords=["gender pay gap", "nhs"],
    )
    assert found.sectors == ["civil-service", "nhs"]
    assert found.grades == ["executive", "senior-manager"]
    assert found.attributes == ["pay"]
    assert statement(found, "grade", "scs") == ("inferred", 'description: "senior civil service"')
    assert 'keywords: "nhs"' in (statement(found, "sector", "nhs")[1] or "")


def test_whole_workforce_needs_a_sector_and_no_other_grade() -> None:
    assert classify(title="Police workforce, all staff, England and Wales").grades == ["workforce"]
    assert classify(title="Total income from farming").grades == []


@pytest.mark.parametrize(
    "text",
    [
        "Annual report and accounts 2022 to 2023",
        "Bus fares index, England",
        "Weekly rainfall totals by river basin",
        "Table 1 of 3: road traffic estimates",  # not OF-3: codes need capitals in prose
        "Principal findings of the house price survey",  # a hidden label, for column values
        "Total energy use by fuel type",
        "White paper on housing supply",
        "Northern Ireland Executive spending plans",  # a government, not an executive grade
    ],
)
def test_neutral_text_says_nothing_about_leaders(text: str) -> None:
    found = classify(title=text, description=text)
    assert found.grades == [] and found.attributes == []
    assert found.sectors in ([], ["devolved-administrations"])


def test_the_director_of_public_prosecutions_is_a_head_of_organisation() -> None:
    found = classify(title="Director of Public Prosecutions: annual report")
    assert found.grades == ["head-of-organisation"] and found.sectors == []
    assert statement(found, "grade", "head-of-organisation") == (
        "inferred",
        'title: "director of public prosecutions"',
    )
    assert classify(title="Director pay, 2024").grades == ["executive"]  # still scs2


def test_a_column_called_name_is_not_identity() -> None:
    """Organisations and places have names too; organogram post-holders are still found by
    their other columns."""
    names = ColumnProfile(name="Name", values=["Cabinet Office", "Home Office"])
    assert classify(columns=[names]).attributes == []
    organogram = [
        names,
        ColumnProfile(name="Post Unique Reference"),
        ColumnProfile(name="Job Title"),
    ]
    assert classify(columns=organogram).attributes == ["identity"]


def test_nothing_in_nothing_out() -> None:
    found = classify()
    assert found.statements == [] and found.sectors == found.grades == found.attributes == []
    assert classify(title=None, description=None, keywords=None, columns=None).statements == []


# -- column evidence ---------------------------------------------------------------------------


def test_attribute_headers_are_observed() -> None:
    headers = ["Ethnicity", "Disability", "Sex", "Gender", "Age_band", "Salary"]
    found = classify(columns=[ColumnProfile(name=h) for h in [*headers, "Payscale Minimum (£)"]])
    assert found.attributes == ["sex", "ethnicity", "disability", "age", "pay"]
    assert statement(found, "attribute", "pay") == (
        "observed",
        'column "Salary"; column "Payscale Minimum (£)"',
    )
    assert found.grades == [] and found.sectors == []


def test_values_outside_grade_columns_need_a_visible_label() -> None:
    totals = classify(columns=[ColumnProfile(name="Region", values=["London", "Total"])])
    assert totals.grades == []  # "Total" is the whole workforce only in a grade column
    by_grade = classify(columns=[ColumnProfile(name="Grade", values=["SCS1", "Total"])])
    assert by_grade.grades == ["senior-manager", "workforce"]
    titles = classify(columns=[ColumnProfile(name="Job Title", values=["Chief Executive"])])
    assert titles.grades == ["head-of-organisation"]
    sectors = classify(columns=[ColumnProfile(name="Sector", values=["NHS", "Police", "Other"])])
    assert sectors.sectors == ["nhs", "police"]


def test_civil_service_statistics_profiles() -> None:
    found = from_file("Ethnicity__Responsibility_level_grouped__Sex.csv")
    assert found.sectors == ["civil-service"]
    assert found.grades == ["executive", "senior-manager", "middle-manager", "workforce"]
    assert found.attributes == ["sex", "ethnicity", "pay", "headcount"]
    assert {s.provenance for s in found.statements if s.scheme.value != "sector"} == {
        Provenance.observed
    }
    assert from_file("Disability__Responsibility_level_grouped.csv").attributes == [
        "disability",
        "pay",
        "headcount",
    ]
    ungrouped = from_file("Responsibility_level_ungrouped.csv")
    assert {"scs", "g6", "g7", "aa"} <= {s.concept for s in ungrouped.statements}


def test_organogram_profiles() -> None:
    senior = from_file("civil_service_learning-2011-09-30-senior.csv")
    assert senior.sectors == ["civil-service"]
    assert senior.grades == ["executive", "senior-manager"]
    assert {"pay", "headcount", "profession", "identity"} <= set(senior.attributes)
    junior = from_file("060413-NHSLA-organogram-ver4-junior.csv")
    assert junior.sectors == ["nhs"]  # Agenda for Change bands
    assert junior.grades == ["middle-manager", "workforce"]


# -- JSON lines --------------------------------------------------------------------------------


def test_classify_json_lines() -> None:
    lines = [
        json.dumps({"title": "Ethnicity of NHS very senior managers"}),
        "",
        json.dumps(
            {
                "title": "Organogram",
                "description": "",
                "keywords": [],
                "columns": ["Ethnicity", {"name": "Grade (or equivalent)", "values": ["SCS2"]}],
            }
        ),
        "{not json",
        "[1, 2]",
        json.dumps({"keywords": "pay"}),
        json.dumps({"columns": [{"values": ["SCS2"]}]}),
        json.dumps({"title": 5}),
    ]
    answers = [json.loads(line) for line in classify_json_lines(lines)]
    assert answers[0] == {"sectors": ["nhs"], "grades": ["executive"], "attributes": ["ethnicity"]}
    assert answers[1] == {
        "sectors": ["civil-service"],
        "grades": ["executive"],
        "attributes": ["ethnicity"],
    }
    errors = [answer["error"] for answer in answers[2:]]
    assert [e.split(":")[0] for e in errors] == ["line 4", "line 5", "line 6", "line 7", "line 8"]
    assert "not JSON" in errors[0] and "object" in errors[1] and "keywords" in errors[2]
    assert "column 1" in errors[3] and "title" in errors[4]
    assert len(answers) == len(lines) - 1  # the blank line is skipped
