"""Every CSV the registry writes is safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import csv
import io

import pytest
from builders import dataset, organisation
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from registry.cli import app
from registry.csv_safe import TRIGGERS, safe_cell
from registry.gaps import gap_csv

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_becomes_text(text: str):
    assert safe_cell(text) == "'" + text
    assert not safe_cell(text).startswith(TRIGGERS)


@pytest.mark.parametrize("value", ["Police workforce", "", 42, -3, 0.5, None, "a=b"])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_the_search_csv_neutralises_every_hostile_column(client: TestClient, load):
    report = load(
        [organisation("evil", name="@SUM(A1:A9)")]
        + [
            dataset(f"d{n}", title=text, description=text, publisher="evil")
            for n, text in enumerate(HOSTILE)
        ]
    )
    assert report.errors == []
    for path in ("/api/datasets.csv", "/search.csv"):
        rows = list(csv.DictReader(io.StringIO(client.get(path).text)))
        assert len(rows) == len(HOSTILE)
        for row in rows:
            for key in ("title", "description", "publisher_name"):
                assert not row[key].startswith(TRIGGERS), (path, key, row[key])
                assert row[key].startswith("'")


def test_the_gap_csv_neutralises_text_cells():
    text = gap_csv([{"sector": "=1+1", "score": -5, "best": "@x"}])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["sector"] == "'=1+1" and rows[0]["best"] == "'@x"
    assert rows[0]["score"] == "-5"  # a number is a number, not a formula


def test_the_cli_organisations_csv_neutralises_names(load, settings, monkeypatch):
    report = load(
        [organisation("evil", name="=cmd|' /C calc'!A0", organisation_type="executive_agency")]
    )
    assert report.errors == []
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(app, ["gaps", "organisations", "--without", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows if r["id"] == "evil"] == ["'=cmd|' /C calc'!A0"]
