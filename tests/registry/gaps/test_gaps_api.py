"""The gap matrix through the API and the CLI, on loaded records; and the method page equals the
method table."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry.cli import app
from registry.gaps import method

ROOT = Path(__file__).resolve().parents[3]
RECORDS = [
    {
        "type": "dataset",
        "id": "cs-diversity",
        "title": "Senior civil servants by sex",
        "licence": "ogl-3",
        "accrual_periodicity": "annual",
        "granularity": "aggregate-by-grade",
        "modified": "2026-06-30T00:00:00Z",
        "distributions": [{"access_url": "https://example.org/cs.csv", "format": "csv"}],
        "coverage": [
            {"scheme": "sector", "concept": "civil-service", "provenance": "curated"},
            {"scheme": "grade", "concept": "scs2", "provenance": "curated"},
            {"scheme": "attribute", "concept": "sex", "provenance": "curated"},
        ],
    },
    {
        "type": "dataset",
        "id": "police-report",
        "title": "Police workforce report",
        "distributions": [{"access_url": "https://example.org/p.pdf", "format": "pdf"}],
        "coverage": [
            {"scheme": "sector", "concept": "police", "provenance": "inferred"},
            {"scheme": "attribute", "concept": "ethnicity", "provenance": "inferred"},
        ],
    },
]


@pytest.fixture
def loaded(load):
    assert load(RECORDS).errors == []


@pytest.mark.usefixtures("loaded")
def test_the_matrix_in_long_format_with_filters(client):
    body = client.get("/api/gaps", params={"sector": "civil-service", "attribute": "sex"}).json()
    assert body["total"] == 6  # one per harmonised grade
    executive = next(c for c in body["cells"] if c["grade"] == "executive")
    assert executive["best"] == "cs-diversity" and executive["band"] in ("covered", "partial")
    assert next(c for c in body["cells"] if c["grade"] == "head-of-organisation")["score"] == 0
    everything = client.get("/api/gaps").json()
    assert everything["total"] == 12 * 6 * 17
    gaps = client.get("/api/gaps", params={"band": "gap", "sort": "need"}).json()["cells"]
    assert gaps[0]["need"] >= gaps[-1]["need"] and all(c["band"] == "gap" for c in gaps)


@pytest.mark.usefixtures("loaded")
def test_the_csv_twin_has_the_same_rows(client):
    params = {"sector": "police"}
    rows = list(csv.DictReader(io.StringIO(client.get("/api/gaps.csv", params=params).text)))
    cells = client.get("/api/gaps", params=params).json()["cells"]
    assert [r["score"] for r in rows] == [str(c["score"]) for c in cells]
    assert rows[0].keys() == cells[0].keys()


@pytest.mark.usefixtures("loaded")
def test_a_cell_lists_its_evidence_and_an_empty_one_its_nearest(client):
    cell = client.get("/api/gaps/cells/police/executive/ethnicity").json()
    (found,) = cell["evidence"]
    assert found["dataset"] == "police-report" and found["provenance"] == "inferred"
    assert not found["at_grade"]
    assert any("a CSV would add" in line for line in found["what_would_raise_it"])
    empty = client.get("/api/gaps/cells/civil-service/head-of-organisation/sex").json()
    assert empty["evidence"] == [] and empty["score"] == 0
    assert [c["grade"] for c in empty["nearest"]["same_sector_other_grades"]] == ["executive"]
    drill = client.get("/api/gaps/cells/civil-service/scs2/sex").json()
    assert drill["best"] == "cs-diversity"


def test_bad_filters_are_a_400_and_unknown_cells_a_404(client):
    assert client.get("/api/gaps", params={"sector": "nope"}).status_code == 400
    assert client.get("/api/gaps", params={"grade": "scs2"}).status_code == 400  # drill-down
    assert client.get("/api/gaps", params={"grade_level": "x"}).status_code in (400, 422)
    assert client.get("/api/gaps/cells/nope/executive/sex").status_code == 404


@pytest.mark.usefixtures("loaded")
def test_the_cli_prints_the_table_csv_and_json(settings, monkeypatch):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    table = runner.invoke(app, ["gaps", "--sector", "civil-service", "--limit", "3"])
    assert table.exit_code == 0 and "102 cells; showing 3" in table.output
    out = runner.invoke(app, ["gaps", "--sector", "police", "--format", "csv"]).output
    assert (
        out.splitlines()[0]
        == "sector,grade,attribute,score,band,datasets,best,priority,need,requests"
    )
    bad = runner.invoke(app, ["gaps", "--attribute", "nope"])
    assert bad.exit_code == 2 and "not in the attribute vocabulary" in bad.output


def test_the_method_page_states_the_method_table():
    page = (ROOT / "docs" / "gap-method.md").read_text(encoding="utf-8")
    for factor in method.FACTORS:
        assert f"| {factor.name} | {factor.points} | {factor.question} |" in page
    for provenance, weight in method.PROVENANCE.items():
        assert f"| {provenance} | {weight} |" in page
    assert f"**covered** from {method.COVERED_FROM}" in page
    assert f"**partial** from {method.PARTIAL_FROM}" in page
    assert sum(f.points for f in method.FACTORS) == 100
    assert re.search(r"At most 1 year old: 15; 2 years: 10; 3 years: 5", page)
