"""Two hand-made states of the catalogue, a snapshot of each, and the comparison: which cells
improved or worsened, and why; through the API and the CLI too."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from registry.cli import app
from registry.errors import NotFound
from registry.gaps import method
from registry.gaps.snapshots import take_snapshot
from registry.gaps.trend import compare_snapshots
from registry.store import withdraw_dataset

ON = date(2026, 12, 1)
CSV = [{"access_url": "https://example.org/data.csv", "format": "csv"}]
PDF = [{"access_url": "https://example.org/data.pdf", "format": "pdf"}]


def record(ident, sector, grade, attribute, files=CSV, **fields):
    return {
        "type": "dataset",
        "id": ident,
        "title": ident.replace("-", " ").title(),
        "licence": "ogl-3",
        "accrual_periodicity": "annual",
        "granularity": "aggregate-by-grade",
        "distributions": files,
        "coverage": [
            {"scheme": "sector", "concept": sector, "provenance": "curated"},
            {"scheme": "grade", "concept": grade, "provenance": "curated"},
            {"scheme": "attribute", "concept": attribute, "provenance": "curated"},
        ],
        **fields,
    }


# State A: three well-made datasets, and a closed PDF about NHS executives' pay.
STATE_A = [
    record("cs-sex", "civil-service", "scs2", "sex", modified="2026-06-30T00:00:00Z"),
    record("police-chiefs", "police", "chief-constable", "ethnicity", modified="2026-03-31"),
    record(
        "nhs-pay-pdf",
        "nhs",
        "executive",
        "pay",
        files=PDF,
        licence="other-closed",
        accrual_periodicity="irregular",
        modified="2026-01-01T00:00:00Z",
    ),
]
# State B: the civil service data now only as PDF, a second (weaker) dataset beside it, the
# police dataset withdrawn (below) and a good NHS pay dataset.
STATE_B = [
    {**STATE_A[0], "distributions": PDF},
    record("cs-sex-survey", "civil-service", "scs", "sex", files=[], licence=None),
    record("nhs-pay", "nhs", "executive", "pay", modified="2026-10-01T00:00:00Z"),
]
CS, SURVEY, POLICE, NHS = (
    ("civil-service", "executive", "sex"),
    ("civil-service", "senior-manager", "sex"),
    ("police", "head-of-organisation", "ethnicity"),
    ("nhs", "executive", "pay"),
)


@pytest.fixture
def two_states(load, session) -> tuple[int, int]:
    assert load(STATE_A).errors == []
    before = take_snapshot(session=session, on=ON).id
    assert load(STATE_B).errors == []
    assert withdraw_dataset(session=session, dataset_id="police-chiefs", reason="test")
    session.commit()
    after = take_snapshot(session=session, on=ON).id
    return before, after


def rows(found, direction):
    return {(r["sector"], r["grade"], r["attribute"]): r for r in found[direction]}


def test_cells_that_improved_and_worsened_and_why(session, two_states):
    before, after = two_states
    found = compare_snapshots(session=session, before=before, after=after)
    assert (found["before"]["id"], found["after"]["id"], found["method_warning"]) == (
        before,
        after,
        None,
    )
    improved, worsened = rows(found, "improved"), rows(found, "worsened")
    # cs-sex (scs2) rolls up to executive only; the survey's scs also to senior manager, where
    # it is the first evidence; the police chiefs were the only head-of-organisation data.
    assert set(improved) == {NHS, SURVEY}
    assert set(worsened) == {CS, POLICE}

    survey = improved[SURVEY]
    assert survey["before"] == {"score": 0, "band": "gap", "best": None}
    assert survey["why"] == [
        f"first evidence: dataset cs-sex-survey ({survey['after']['score']})",
        "1 more dataset",
    ]

    nhs = improved[NHS]
    assert nhs["before"]["best"] == "nhs-pay-pdf" and nhs["after"]["best"] == "nhs-pay"
    assert nhs["before"]["band"] != "covered" and nhs["after"]["band"] == "covered"
    assert nhs["why"][0] == f"new best dataset nhs-pay ({nhs['after']['score']})"
    assert "dataset nhs-pay-pdf (" in nhs["why"][1] and "no longer the best here" in nhs["why"][1]
    assert nhs["why"][-1] == "1 more dataset"

    police = worsened[POLICE]
    assert police["before"]["band"] == "covered" and police["before"]["best"] == "police-chiefs"
    assert (police["after"]["score"], police["after"]["band"], police["after"]["best"]) == (
        0,
        "gap",
        None,
    )
    assert police["why"] == [
        "no dataset covers it any more",
        "dataset police-chiefs is withdrawn",
        "1 fewer dataset",
    ]

    cs = worsened[CS]
    assert cs["before"]["best"] == cs["after"]["best"] == "cs-sex"
    assert "format fell from 15 to 0: pdf" in cs["why"]
    assert cs["why"][-1] == "1 more dataset"
    assert cs["change"] == cs["after"]["score"] - cs["before"]["score"] < 0
    # Band changes come first: the police cell fell from covered to gap.
    assert found["worsened"][0]["band_changed"] and found["worsened"][0]["grade"] == POLICE[1]

    bands = found["bands"]
    assert sum(bands["before"].values()) == sum(bands["after"].values()) == 12 * 6 * 17


def test_time_alone_lowers_recency_and_a_new_method_is_flagged(session, two_states, monkeypatch):
    _, after = two_states
    later = take_snapshot(session=session, on=date(2028, 1, 1)).id
    found = compare_snapshots(session=session)  # the latest two: after -> later
    assert (found["before"]["id"], found["after"]["id"]) == (after, later)
    nhs = rows(found, "worsened")[NHS]
    # nhs-pay, modified 1 October 2026, is 15 months old on 1 January 2028: 2/3 of 15.
    assert nhs["why"] == ["recency fell from 15 to 10: latest date 2026-10-01, now over 1 year old"]
    assert found["improved"] == []

    monkeypatch.setattr(method, "COVERED_FROM", 60)
    other = take_snapshot(session=session, on=date(2028, 1, 1)).id
    flagged = compare_snapshots(session=session, before=later, after=other)
    assert "different methods" in flagged["method_warning"]


def test_unknown_snapshots_are_not_found(session, load):
    with pytest.raises(NotFound, match="fewer than two"):
        compare_snapshots(session=session)
    assert load(STATE_A).errors == []
    only = take_snapshot(session=session, on=ON).id
    with pytest.raises(NotFound, match="no gap snapshot 999"):
        compare_snapshots(session=session, before=only, after=999)


def test_the_api(client, two_states):
    before, after = two_states
    listed = client.get("/api/gaps/snapshots").json()
    assert [s["id"] for s in listed["snapshots"]] == [after, before] and listed["total"] == 2
    body = client.get("/api/gaps/compare", params={"before": before, "after": after}).json()
    assert {r["attribute"] for r in body["improved"]} == {"pay", "sex"}
    assert client.get("/api/gaps/compare").json()["after"]["id"] == after  # the latest two
    missing = client.get("/api/gaps/compare", params={"before": 999})
    assert missing.status_code == 404 and "999" in missing.json()["error"]["message"]


def test_the_cli(settings, monkeypatch, two_states):
    before, after = two_states
    monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    out = runner.invoke(app, ["gaps", "compare", str(before), str(after), "--format", "csv"])
    assert out.exit_code == 0, out.output
    found = list(csv.DictReader(io.StringIO(out.output)))
    assert {(r["direction"], r["sector"], r["grade"]) for r in found} == {
        ("improved", "nhs", "executive"),
        ("improved", "civil-service", "senior-manager"),
        ("worsened", "police", "head-of-organisation"),
        ("worsened", "civil-service", "executive"),
    }
    police = next(r for r in found if r["sector"] == "police")
    assert re.fullmatch(r"\d+ covered", police["before"])
    assert police["after"] == "0 gap" and "withdrawn" in police["why"]
    table = runner.invoke(app, ["gaps", "compare"])
    assert table.exit_code == 0 and f"snapshot {before} -> {after}" in table.output
    assert re.search(r"after: \d+ covered, \d+ partial, \d+ gap", table.output)
    as_json = json.loads(runner.invoke(app, ["gaps", "compare", "--format", "json"]).output)
    assert as_json["after"]["id"] == after
    missing = runner.invoke(app, ["gaps", "compare", "1", "999"])
    assert missing.exit_code == 2 and "no gap snapshot 999" in missing.output
    # The matrix itself is still `registry gaps` with its options.
    matrix = runner.invoke(app, ["gaps", "--sector", "nhs", "--format", "json"])
    assert json.loads(matrix.output)["total"] == 6 * 17
