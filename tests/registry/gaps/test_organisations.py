"""Organisation coverage on a small hand-made register and catalogue: which live organisations
published leader-level data in the 12 months before 1 December 2026 (since 1 December 2025)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from builders import dataset, organisation
from typer.testing import CliRunner

import vocab
from registry.cli import app
from registry.errors import UnknownFilter
from registry.gaps import GapQuery, gap_cells
from registry.gaps.organisations import (
    CURRENT_WITHIN_DAYS,
    LEADERSHIP_LEVELS,
    leader_data,
    leadership_grades,
    organisation_cells,
    organisation_coverage,
)
from registry.store import withdraw_dataset

ON = date(2026, 12, 1)


def covering(*grades: str, sector: str = "civil-service") -> list[dict]:
    return [
        {"scheme": "sector", "concept": sector},
        *({"scheme": "grade", "concept": g} for g in grades),
        {"scheme": "attribute", "concept": "pay"},
    ]


REGISTER = [
    organisation(
        "cabinet-office",
        name="Cabinet Office",
        organisation_type="ministerial_department",
        sectors=["civil-service"],
    ),
    organisation(
        "dft",
        name="Department for Transport",
        organisation_type="ministerial_department",
        sectors=["civil-service", "arms-length-bodies"],
    ),
    organisation(
        "home-office",
        name="Home Office",
        organisation_type="ministerial_department",
        sectors=["civil-service"],
    ),
    organisation(
        "hmrc",
        name="HM Revenue & Customs",
        organisation_type="non_ministerial_department",
        sectors=["civil-service"],
    ),
    organisation(
        "nhs-england", name="NHS England", organisation_type="executive_ndpb", sectors=["nhs"]
    ),
    organisation("met-police", name="Metropolitan Police Service", sectors=["police"]),
    organisation(
        "old-dept",
        name="Department Gone",
        organisation_type="ministerial_department",
        sectors=["civil-service"],
        status="closed",
    ),
]
CATALOGUE = [
    # Current: a senior organogram (scs2 rolls up to executive) modified this autumn.
    dataset(
        "co-organogram",
        publisher="cabinet-office",
        modified="2026-09-30T00:00:00Z",
        coverage=covering("scs2"),
    ),
    # Current on the day: issued exactly 365 days before.
    dataset("dft-directors", publisher="dft", issued="2025-12-01", coverage=covering("executive")),
    # Home Office: workforce-wide data (recent, but not about leaders) and an organogram 366
    # days old: no current leader-level data; its latest is 2025-11-30.
    dataset(
        "ho-workforce",
        publisher="home-office",
        modified="2026-11-01T00:00:00Z",
        coverage=covering("workforce"),
    ),
    dataset(
        "ho-organogram",
        publisher="home-office",
        temporal_end="2025-03-31",
        issued="2025-11-30",
        coverage=covering("scs1"),
    ),
    # HMRC: a current senior organogram, withdrawn below: it no longer counts.
    dataset(
        "hmrc-organogram",
        publisher="hmrc",
        modified="2026-10-01T00:00:00Z",
        coverage=covering("scs"),
    ),
    # NHS England: middle managers are not leaders.
    dataset(
        "nhse-managers",
        publisher="nhs-england",
        modified="2026-10-01T00:00:00Z",
        coverage=covering("middle-manager", sector="nhs"),
    ),
    # The Met: the period covered (to 31 March 2026) is its only date, and it is recent.
    dataset(
        "met-chief-officers",
        publisher="met-police",
        temporal_start="2025-04-01",
        temporal_end="2026-03-31",
        coverage=covering("chief-constable", sector="police"),
    ),
    # A closed department's data never counts: only live organisations are counted.
    dataset(
        "old-organogram",
        publisher="old-dept",
        modified="2026-10-01T00:00:00Z",
        coverage=covering("scs2"),
    ),
]


@pytest.fixture
def register(load, session):
    assert load(REGISTER + CATALOGUE).errors == []
    assert withdraw_dataset(session=session, dataset_id="hmrc-organogram", reason="test")
    session.commit()


def test_leadership_grades_are_the_senior_levels_and_the_grades_under_them():
    grades = leadership_grades()
    assert {"executive", "senior-manager", "scs", "scs1", "chief-constable"} <= set(grades)
    assert not {"workforce", "middle-manager", "g6", "eo"} & set(grades)


@pytest.mark.usefixtures("register")
def test_shares_per_type_and_sector_and_the_organisations_without(session):
    found = organisation_coverage(session=session, on=ON)
    assert found["since"] == "2025-12-01"
    # Live: 6 (old-dept is closed). Current: cabinet-office, dft, met-police = 3.
    assert found["total"] == {"organisations": 6, "with_data": 3, "share": 0.5}
    by_type = {r["organisation_type"]: r for r in found["by_type"]}
    # Ministerial: cabinet-office and dft of 3 (home-office without) = 2/3.
    assert by_type["ministerial_department"]["share"] == round(2 / 3, 3)
    assert by_type["ministerial_department"]["label"] == "Ministerial department"
    assert (by_type["non_ministerial_department"]["with_data"], by_type[None]["with_data"]) == (
        0,
        1,
    )
    assert [r["organisation_type"] for r in found["by_type"]] == [
        "ministerial_department",
        "non_ministerial_department",
        "executive_ndpb",
        None,
    ]
    by_sector = {r["sector"]: (r["organisations"], r["with_data"]) for r in found["by_sector"]}
    # civil-service: cabinet-office, dft, home-office, hmrc -> 2 of 4; dft also in ALBs.
    assert by_sector == {
        "civil-service": (4, 2),
        "arms-length-bodies": (1, 1),
        "nhs": (1, 0),
        "police": (1, 1),
    }
    without = {o["id"]: o["latest_leader_data"] for o in found["without"]}
    assert without == {"hmrc": None, "home-office": "2025-11-30", "nhs-england": None}
    assert [o["name"] for o in found["without"]] == [
        "HM Revenue & Customs",
        "Home Office",
        "NHS England",
    ]


@pytest.mark.usefixtures("register")
def test_filters_narrow_the_register_and_unknown_values_are_refused(session):
    police = organisation_coverage(session=session, on=ON, sector="police")
    assert police["total"] == {"organisations": 1, "with_data": 1, "share": 1.0}
    ministerial = organisation_coverage(
        session=session, on=ON, organisation_type="ministerial_department"
    )
    assert ministerial["total"]["organisations"] == 3
    # A year later nothing is current; the Cabinet Office's latest is kept.
    later = organisation_coverage(session=session, on=date(2027, 12, 1))
    assert later["total"]["with_data"] == 0
    assert {o["id"]: o["latest_leader_data"] for o in later["without"]}["cabinet-office"] == (
        "2026-09-30"
    )
    with pytest.raises(UnknownFilter):
        organisation_coverage(session=session, sector="nope")


@pytest.mark.usefixtures("register")
def test_the_api_and_the_cli(client, settings, monkeypatch):
    body = client.get("/api/gaps/organisations", params={"sector": "civil-service"}).json()
    assert body["total"]["organisations"] == 4
    assert {o["id"] for o in body["without"]} >= {"hmrc"}
    bad = client.get("/api/gaps/organisations", params={"organisation_type": "guild"})
    assert bad.status_code == 400 and "organisation-type" in bad.json()["error"]["message"]

    monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    out = runner.invoke(app, ["gaps", "organisations", "--format", "csv"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "dimension,value,organisations,with_data,share"
    assert "sector,nhs,1,0,0.0" in lines
    listed = runner.invoke(app, ["gaps", "organisations", "--without", "--format", "json"])
    assert "hmrc" in {o["id"] for o in json.loads(listed.output)["without"]}
    table = runner.invoke(app, ["gaps", "organisations", "--without"])
    assert table.exit_code == 0 and "NHS England" in table.output
    bad_cli = runner.invoke(app, ["gaps", "organisations", "--sector", "nope"])
    assert bad_cli.exit_code == 2 and "not in the sector vocabulary" in bad_cli.output


def test_the_method_page_states_the_definitions():
    page = (Path(__file__).resolve().parents[3] / "docs" / "gap-method.md").read_text("utf-8")
    labels = [vocab.load("grade").get(level).pref_label.lower() for level in LEADERSHIP_LEVELS]
    section = page[page.index("## Organisations with leader-level data") :]
    assert all(label in section for label in labels), labels
    assert f"at most {CURRENT_WITHIN_DAYS} days before" in section


@pytest.mark.usefixtures("register")
def test_one_organisations_leader_level_data(session):
    assert leader_data(session=session, organisation_id="cabinet-office", on=ON) == {
        "on": "2026-12-01",
        "since": "2025-12-01",
        "latest": "2026-09-30",
        "current": True,
        "leadership_levels": list(LEADERSHIP_LEVELS),
    }
    # The day boundary is the same as organisation_coverage's: 365 days counts.
    assert leader_data(session=session, organisation_id="dft", on=ON)["current"] is True
    home = leader_data(session=session, organisation_id="home-office", on=ON)
    assert (home["latest"], home["current"]) == ("2025-11-30", False)
    # Withdrawn data and middle managers are not leader-level data.
    for org in ("hmrc", "nhs-england", "nobody"):
        assert leader_data(session=session, organisation_id=org, on=ON)["latest"] is None


@pytest.mark.usefixtures("register")
def test_the_cells_an_organisations_datasets_cover(session):
    cells = organisation_cells(session=session, organisation_id="home-office", on=ON)
    # Workforce-wide data is (weaker) evidence at every level; the scs1 organogram is at
    # senior-manager, so two of its datasets stand behind that cell.
    top = vocab.load("grade").top_concepts
    assert [(c["sector"], c["grade"], c["attribute"]) for c in cells] == [
        ("civil-service", g, "pay") for g in top
    ]
    own = {c["grade"]: c["own_datasets"] for c in cells}
    assert own["senior-manager"] == 2 and own["executive"] == 1
    # Score, band and dataset count are the whole matrix's.
    matrix = {
        c.grade: (c.score, c.band, c.datasets)
        for c in gap_cells(
            session=session,
            query=GapQuery(sectors=("civil-service",), attributes=("pay",)),
            on=ON,
        )
    }
    assert {c["grade"]: (c["score"], c["band"], c["datasets"]) for c in cells} == matrix
    assert organisation_cells(session=session, organisation_id="hmrc", on=ON) == []  # withdrawn
    assert organisation_cells(session=session, organisation_id="nobody", on=ON) == []
