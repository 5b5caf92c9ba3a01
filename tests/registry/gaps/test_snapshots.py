"""Snapshots of the matrix: taken by hand, and by every harvest run (a fake source served by
httpx.MockTransport, and the recorded data.gov.uk organograms through the CLI), never at the
run's expense."""

from __future__ import annotations

import json
import logging
from datetime import date

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import harvesters
from registry.cli import app
from registry.gaps import method
from registry.gaps import snapshots as snapshots_module
from registry.gaps.snapshots import list_snapshots, method_fingerprint, take_snapshot
from registry.harvest import run_source
from schemas import GapSnapshot, HarvestSource

ON = date(2026, 12, 1)
URL = "https://source.example/items.json"
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
        "coverage": [
            {"scheme": "sector", "concept": "police", "provenance": "inferred"},
            {"scheme": "attribute", "concept": "ethnicity", "provenance": "inferred"},
        ],
    },
]


def stored(snapshot: GapSnapshot) -> dict[tuple[str, str, str], list]:
    return {tuple(row[:3]): row[3:] for row in snapshot.cells}


def test_a_snapshot_by_hand_keeps_each_cell_and_its_best_evidence(load, session):
    assert load(RECORDS).errors == []
    snapshot = take_snapshot(session=session, on=ON)
    assert snapshot.id is not None and snapshot.run_id is None
    assert (snapshot.datasets, snapshot.method) == (2, method_fingerprint())
    cells = stored(snapshot)
    # cs-diversity: scs2 rolls up to executive only (1 cell); the police report states no
    # grade, so it is workforce-wide evidence at each of the 6 levels.
    assert len(cells) == 1 + 6
    score, datasets, best, evidence = cells[("civil-service", "executive", "sex")]
    assert (datasets, best, evidence["provenance"], evidence["at_grade"]) == (
        1,
        "cs-diversity",
        "curated",
        True,
    )
    points = evidence["points"]
    # grade 25, open licence 15, CSV 15, 5 months old 15, annual 10, aggregate by grade 6;
    # curated weighs 1.0, so the score is the sum of the points.
    assert {k: v for k, v in points.items() if k != "metadata"} == {
        "grade": 25,
        "licence": 15,
        "format": 15,
        "recency": 15,
        "regularity": 10,
        "granularity": 6,
    }
    assert score == round(sum(points.values()))
    assert evidence["notes"]["format"] == "csv"
    police = cells[("police", "head-of-organisation", "ethnicity")]
    assert police[2] == "police-report" and police[3]["at_grade"] is False


def test_the_fingerprint_follows_the_scoring_table_not_the_priorities(monkeypatch):
    first = method_fingerprint()
    monkeypatch.setitem(method.GRADE_PRIORITY, "executive", 0.1)
    assert method_fingerprint() == first
    monkeypatch.setattr(method, "COVERED_FROM", 75)
    assert method_fingerprint() != first and len(first) == 12


@pytest.fixture
def fake_source(session, monkeypatch):
    monkeypatch.setitem(harvesters.HARVESTERS, "fake", "fakes:FakeHarvester")
    session.add(HarvestSource(name="fake-source", kind="fake", url=URL))
    session.commit()


def harvest(session, settings, listing):
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=listing))
    )
    fast = settings.model_copy(update={"harvest_min_interval": 0.0})
    return run_source(session=session, settings=fast, name="fake-source", client=client)


@pytest.mark.usefixtures("fake_source")
def test_every_harvest_run_stores_a_snapshot(load, session, settings):
    assert load(RECORDS).errors == []
    first = harvest(session, settings, [{"guid": "a", "title": "A"}])
    second = harvest(session, settings, [{"guid": "a", "title": "A"}, {"guid": "b", "title": "B"}])
    assert (first.status, second.status) == ("succeeded", "succeeded")
    rows = session.execute(select(GapSnapshot).order_by(GapSnapshot.id)).scalars().all()
    assert [(s.run_id, s.datasets) for s in rows] == [(first.id, 3), (second.id, 4)]
    # The fake records state no coverage: the cells are those of the loaded records.
    assert stored(rows[1]).keys() == stored(take_snapshot(session=session)).keys()
    listed = list_snapshots(session=session)
    assert [(s["run_id"], s["source"]) for s in listed] == [
        (None, None),
        (second.id, "fake-source"),
        (first.id, "fake-source"),
    ]


@pytest.mark.usefixtures("fake_source")
def test_a_failing_snapshot_never_fails_the_run(session, settings, monkeypatch, caplog):
    def broken(**_):
        raise RuntimeError("matrix exploded")

    monkeypatch.setattr(snapshots_module, "take_snapshot", broken)
    with caplog.at_level(logging.ERROR, logger="registry.gaps.snapshots"):
        run = harvest(session, settings, [{"guid": "a", "title": "A"}])
    assert run.status == "succeeded" and run.counts == {"added": 1}
    assert "the gap snapshot after harvest run" in caplog.text
    assert session.execute(select(GapSnapshot)).first() is None


def test_the_recorded_organograms_harvest_leaves_a_snapshot(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REGISTRY_HARVEST_MIN_INTERVAL", "0")
    runner = CliRunner()
    run = runner.invoke(app, ["harvest", "run", "datagovuk-organograms", "--snapshots"])
    assert run.exit_code == 0, run.output
    listed = json.loads(runner.invoke(app, ["gaps", "snapshots", "--format", "json"]).output)
    (snapshot,) = listed["snapshots"]
    assert snapshot["source"] == "datagovuk-organograms" and snapshot["datasets"] > 0
    taken = runner.invoke(app, ["gaps", "snapshot"])
    assert taken.exit_code == 0 and taken.output.startswith("snapshot 2: ")
    csv_lines = runner.invoke(app, ["gaps", "snapshots", "--format", "csv"]).output.splitlines()
    assert csv_lines[0] == "id,taken_at,run_id,source,method,datasets" and len(csv_lines) == 3
    # The organograms are senior civil service pay and posts: both snapshots have those cells.
    compared = json.loads(runner.invoke(app, ["gaps", "compare", "--format", "json"]).output)
    assert compared["improved"] == compared["worsened"] == []
    assert compared["bands"]["before"] == compared["bands"]["after"]
    assert compared["bands"]["after"]["gap"] < 12 * 6 * 17  # the SCS cells scored something
