"""``registry backup`` / ``registry restore`` (SQLite's online backup; PostgreSQL guidance), and
the lossless round trip ``registry export`` -> ``registry load`` into an empty database."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session
from typer.testing import CliRunner

from registry.backup import backup_sqlite, check_backup, restore_sqlite
from registry.cli import app
from registry.cli_harvest import harvest_all
from registry.errors import BadRequest
from registry.harvest import leases, seed_sources
from registry.loading import export_lines, load_lines
from registry.search.tables import DatasetFacet
from registry.store import withdraw_dataset
from schemas import Coverage, Dataset, Distribution, Organisation

# Sources whose snapshots give profiles (CSV files), every provenance and many organisations.
SOURCES = ["govuk-organisations", "dcat-feed", "govuk-police-workforce", "gender-pay-gap"]
IGNORED = {"pk", "id_", "created_at", "updated_at", "source_name"}  # bookkeeping, not the record


def _harvest(session: Session, settings) -> None:
    snap = settings.model_copy(update={"harvest_from": "snapshots", "harvest_min_interval": 0.0})
    seed_sources(session=session, settings=snap)
    runs = harvest_all(session, snap, SOURCES)
    assert {name: run.status for name, run in runs.items()} == dict.fromkeys(SOURCES, "succeeded")


def _rows(engine: Engine) -> dict[str, Any]:
    """Every stored record, by its stable key, without surrogate keys and timestamps."""
    with Session(engine) as session:
        pk_to_id = dict(session.execute(select(Dataset.pk, Dataset.id)).all())

        def dump(rows, *drop: str) -> list[dict[str, Any]]:
            return [r.model_dump(exclude={*IGNORED, *drop}) for r in rows]

        return {
            "datasets": sorted(
                dump(session.execute(select(Dataset)).scalars()), key=lambda r: r["id"]
            ),
            "organisations": sorted(
                dump(session.execute(select(Organisation)).scalars()), key=lambda r: r["id"]
            ),
            "distributions": sorted(
                dump(session.execute(select(Distribution)).scalars()), key=lambda r: r["id"]
            ),
            "coverage": sorted(
                dump(session.execute(select(Coverage)).scalars(), "id"),
                key=lambda r: tuple(map(str, r.values())),
            ),
            "facets": sorted(
                (f.facet, f.value, pk_to_id[f.dataset_pk])
                for f in session.execute(select(DatasetFacet)).scalars()
            ),
        }


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (
            "gap_snapshot",
            "link_check",
            "harvest_item",
            "harvest_record",
            "harvest_validator",
            "harvest_run",
            "dataset_facet",
            "dataset_fts",
            "coverage",
            "distribution",
            "dataset",
            "organisation",
        ):
            conn.execute(text(f"DELETE FROM {table}"))


def test_export_then_load_into_an_empty_database_loses_nothing(session, settings, engine, search):
    _harvest(session, settings)
    gone = session.execute(select(Dataset.id).order_by(Dataset.id)).scalars().first()
    withdrawn_at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    withdraw_dataset(session=session, dataset_id=gone, reason="superseded", at=withdrawn_at)
    session.commit()
    before = _rows(engine)
    assert before["datasets"] and any(d["profile"] for d in before["distributions"])
    provenances = {c["provenance"] for c in before["coverage"]}
    assert {"declared", "inferred", "observed"} <= provenances
    exported = list(export_lines(session=session))
    session.close()

    _empty(engine)
    assert _rows(engine)["datasets"] == []
    with Session(engine) as fresh:
        report = load_lines(session=fresh, lines=exported)
        assert report.errors == []
        assert list(export_lines(session=fresh)) == exported
        again = load_lines(session=fresh, lines=exported)  # loading it twice changes nothing
        assert set(again.counts) <= {"organisation unchanged", "dataset unchanged"}
    after = _rows(engine)
    for key in before:
        assert after[key] == before[key], key
    (back,) = [d for d in after["datasets"] if d["id"] == gone]
    assert back["status"] == "withdrawn" and back["withdrawn_reason"] == "superseded"
    assert back["withdrawn_at"].replace(tzinfo=UTC) == withdrawn_at


def test_a_bad_withdrawal_is_a_clear_line_error(session):
    report = load_lines(
        session=session, lines=['{"id": "x", "title": "X", "withdrawn": {"when": "never"}}']
    )
    assert report.loaded == 0 and "withdrawn: " in str(report.errors[0])


@pytest.fixture
def sqlite_settings(settings):
    if not settings.is_sqlite:
        pytest.skip("registry backup copies SQLite databases; PostgreSQL has pg_dump")
    return settings


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM dataset").fetchone()[0]


def test_backup_while_open_and_restore(sqlite_settings, session, load, tmp_path):
    load([{"type": "organisation", "id": "o", "name": "O"}, {"id": "a", "title": "A"}])
    live = Path(sqlite_settings.database_url.removeprefix("sqlite:///"))
    copy = tmp_path / "backup.db"
    # A reader holds a transaction open on the live database meanwhile.
    session.execute(select(Dataset)).all()
    assert "1 datasets" in backup_sqlite(sqlite_settings, copy)
    session.rollback()
    assert _count(copy) == 1
    assert not Path(f"{copy}-wal").exists()  # one self-contained file
    load([{"id": "b", "title": "B"}])
    assert _count(live) == 2
    assert "revision" in check_backup(sqlite_settings, copy)
    restore_sqlite(sqlite_settings, copy)
    assert _count(live) == 1
    with sqlite3.connect(live) as conn:  # the search index came back with the records
        assert conn.execute("SELECT count(*) FROM dataset_fts").fetchone()[0] == 1


def test_restore_refuses_what_is_not_a_registry_backup(sqlite_settings, tmp_path, engine):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello", encoding="utf-8")
    with pytest.raises(BadRequest, match="not a SQLite database"):
        check_backup(sqlite_settings, text_file)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(BadRequest, match="not a registry database"):
        check_backup(sqlite_settings, other)
    live = Path(sqlite_settings.database_url.removeprefix("sqlite:///"))
    newer = tmp_path / "newer.db"
    shutil.copyfile(live, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(BadRequest, match="does not know"):
        check_backup(sqlite_settings, newer)
    with pytest.raises(BadRequest, match="no file"):
        check_backup(sqlite_settings, tmp_path / "missing.db")
    good = tmp_path / "good.db"
    backup_sqlite(sqlite_settings, good)
    with Session(engine) as session:  # a running scheduler: stop it first
        leases.acquire(session=session, name="scheduler", holder="h:1", ttl=timedelta(minutes=5))
    with pytest.raises(BadRequest, match="stop it and the app"):
        restore_sqlite(sqlite_settings, good)


def test_backup_and_restore_from_the_command_line(sqlite_settings, load, tmp_path, monkeypatch):
    load([{"type": "organisation", "id": "o", "name": "O"}, {"id": "a", "title": "A"}])
    monkeypatch.setenv("DATABASE_URL", sqlite_settings.database_url)
    runner = CliRunner()
    copy = tmp_path / "b.db"
    result = runner.invoke(app, ["backup", str(copy)])
    assert result.exit_code == 0 and "1 datasets" in result.output
    result = runner.invoke(app, ["restore", str(copy)], input="n\n")
    assert result.exit_code != 0  # not confirmed: nothing replaced
    result = runner.invoke(app, ["restore", "--yes", str(copy)])
    assert result.exit_code == 0 and "restored" in result.output


def test_postgresql_gets_pg_dump_guidance(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://reg:secret@db.internal/registry")
    runner = CliRunner()
    for command in (["backup", str(tmp_path / "x")], ["restore", "--yes", str(tmp_path / "x")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
        assert "secret" not in result.output
