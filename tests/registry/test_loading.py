"""Loading JSON Lines: upsert by id, idempotence, line-numbered errors, export round trip."""

from __future__ import annotations

import json

from builders import dataset, organisation
from sqlalchemy import select, text
from sqlmodel import Session

from registry.loading import export_lines, load_lines
from schemas import Coverage, Dataset, Distribution


def snapshot(session: Session) -> dict[str, list[tuple]]:
    """Everything stored, as plain rows, to compare before and after."""
    tables = ("organisation", "dataset", "distribution", "coverage", "dataset_facet")
    return {
        t: sorted(tuple(map(str, row)) for row in session.execute(text(f"SELECT * FROM {t}")))
        for t in tables
    }


RECORDS = [
    organisation("cabinet-office", name="Cabinet Office", sectors=["civil-service"]),
    dataset(
        "css-2023",
        title="Civil Service Statistics 2023",
        publisher="cabinet-office",
        licence="ogl-3",
        modified="2023-07-26T09:30:00Z",
        distributions=[
            {"access_url": "https://example.gov.uk/a.csv", "format": "csv"},
            {"access_url": "https://example.gov.uk/b.ods", "format": "ods"},
        ],
        coverage=[
            {"scheme": "sector", "concept": "civil-service"},
            {"scheme": "grade", "concept": "scs2", "provenance": "observed", "note": "SCS2"},
            {"scheme": "attribute", "concept": "ethnicity"},
        ],
    ),
]


def test_load_then_reload_changes_nothing(load, session):
    first = load(RECORDS)
    assert first.errors == []
    assert first.counts == {"organisation added": 1, "dataset added": 1}
    before = snapshot(session)
    generation = session.execute(text("SELECT value FROM registry_state")).scalar_one()

    second = load(RECORDS)

    assert second.counts == {"organisation unchanged": 1, "dataset unchanged": 1}
    session.expire_all()
    assert snapshot(session) == before
    assert session.execute(text("SELECT value FROM registry_state")).scalar_one() == generation


def test_changed_record_is_updated_in_place(load, session):
    load(RECORDS)
    changed = [RECORDS[0], {**RECORDS[1], "title": "Civil Service Statistics 2023 (revised)"}]
    changed[1]["distributions"] = changed[1]["distributions"][:1]

    report = load(changed)

    assert report.counts["dataset updated"] == 1
    row = session.execute(select(Dataset).where(Dataset.id == "css-2023")).scalar_one()
    assert row.title.endswith("(revised)")
    assert session.execute(select(Distribution.format)).scalars().all() == ["csv"]
    assert session.execute(select(Dataset)).scalars().all() == [row]


def test_curated_coverage_survives_reload(load, session):
    load(RECORDS)
    session.add(
        Coverage(dataset_id="css-2023", scheme="attribute", concept="pay", provenance="curated")
    )
    session.commit()
    load([RECORDS[0], {**RECORDS[1], "description": "changed"}])
    statements = session.execute(
        select(Coverage.concept, Coverage.provenance).where(Coverage.dataset_id == "css-2023")
    ).all()
    assert ("pay", "curated") in statements
    assert ("ethnicity", "declared") in statements


def test_bad_lines_are_named_and_good_lines_kept(engine, session):
    lines = [json.dumps(r) for r in RECORDS]
    lines += [
        "{not json",
        json.dumps(dataset("bad-licence", licence="open-ish")),
        json.dumps(dataset("orphan", publisher="no-such-body")),
        json.dumps(dataset("good-too")),
        "[1, 2]",
        json.dumps({"type": "person", "id": "x"}),
    ]
    with Session(engine) as loading:
        report = load_lines(session=loading, lines=lines)

    assert [e.line for e in report.errors] == [3, 4, 5, 7, 8]
    messages = {e.line: str(e) for e in report.errors}
    assert "not valid JSON" in messages[3]
    assert "licence" in messages[4] and "open-ish" in messages[4]
    assert "no-such-body" in messages[5]
    assert "expected a JSON object" in messages[7]
    assert "person" in messages[8]
    ids = set(session.execute(select(Dataset.id)).scalars())
    assert ids == {"css-2023", "good-too"}


def test_validation_errors_name_field_and_value(load):
    report = load([dataset("x y", title="", distributions=[{"access_url": "not a url"}])])
    (error,) = report.errors
    text_ = str(error)
    assert "id: an identifier is" in text_ and '(got "x y")' in text_
    assert "title:" in text_
    assert "distributions.0.access_url" in text_ and "not a url" in text_


def test_inline_publisher_is_created(load, session):
    report = load([dataset("d1", publisher={"id": "home-office", "name": "Home Office"})])
    assert report.errors == []
    assert session.execute(text("SELECT name FROM organisation")).scalar_one() == "Home Office"


def test_distribution_id_owned_by_another_dataset_is_refused(load):
    dist = {"id": "shared-file", "access_url": "https://example.gov.uk/x.csv"}
    load([dataset("one", distributions=[dist])])
    report = load([dataset("two", distributions=[dist])])
    (error,) = report.errors
    assert "shared-file" in str(error) and "'one'" in str(error)


def test_export_then_load_round_trips(load, session):
    load([*RECORDS, dataset("plain", keywords=["a", "b"], temporal_start="2020-01-01")])
    exported = list(export_lines(session=session))
    assert [json.loads(line)["type"] for line in exported] == [
        "organisation",
        "dataset",
        "dataset",
    ]
    # Loading the export over the same records finds nothing to change.
    report = load([json.loads(line) for line in exported])
    assert report.counts == {"organisation unchanged": 1, "dataset unchanged": 2}
    assert list(export_lines(session=session)) == exported


def test_inline_publisher_never_overwrites_the_register(load, session):
    load([organisation("home-office", name="Home Office", abbreviation="HO", sectors=["police"])])
    load([dataset("d1", publisher={"id": "home-office", "name": "The Home Office"})])
    row = session.execute(text("SELECT name, abbreviation FROM organisation")).one()
    assert tuple(row) == ("Home Office", "HO")
