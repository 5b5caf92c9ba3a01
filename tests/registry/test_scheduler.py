"""``registry scheduler``: due computation from cron schedules, the lease that lets one of
several schedulers act, and the stuck-run reaper."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from registry.cli import app
from registry.harvest import leases, seed_sources
from registry.harvest.scheduler import LEASE, Scheduler, due_sources, next_due, reap_stuck_runs
from schemas import HarvestRun, HarvestSource, HarvestSourceCreate, Lease

T0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
SOURCE = "dcat-feed"  # a small bundled source with a recorded snapshot


@pytest.fixture
def snap_settings(settings):
    return settings.model_copy(update={"harvest_from": "snapshots", "scheduler_interval": 60.0})


@pytest.fixture
def seeded(session, snap_settings):
    seed_sources(session=session, settings=snap_settings)
    for source in session.execute(select(HarvestSource)).scalars():
        source.created_at = T0
    session.commit()
    return session


def _schedule(session: Session, name: str, cron: str | None, enabled: bool = True) -> None:
    source = session.get(HarvestSource, name)
    source.schedule, source.enabled = cron, enabled
    session.commit()


def test_a_schedule_is_a_five_field_cron_expression():
    base = {"name": "s", "kind": "dcat", "url": "https://example.org/catalog.ttl"}
    assert HarvestSourceCreate(**base, schedule=" 0  2 * * 1-5 ").schedule == "0 2 * * 1-5"
    assert HarvestSourceCreate(**base, schedule="").schedule is None
    for bad in ("0 2 * *", "61 2 * * *", "every night", "0 2 * * * *"):
        with pytest.raises(ValidationError, match="cron expression"):
            HarvestSourceCreate(**base, schedule=bad)


def test_next_due_and_due_sources(seeded):
    assert next_due("0 2 * * *", T0) == T0.replace(hour=2)
    _schedule(seeded, SOURCE, "0 2 * * *")
    _schedule(seeded, "gender-pay-gap", "0 2 * * *", enabled=False)  # disabled: never due
    assert due_sources(session=seeded, at=T0.replace(hour=1, minute=59)) == []
    assert due_sources(session=seeded, at=T0.replace(hour=2)) == [SOURCE]
    # A run started after the fire time: not due again until the next day's.
    seeded.add(HarvestRun(source_name=SOURCE, status="succeeded", started_at=T0.replace(hour=2)))
    seeded.commit()
    assert due_sources(session=seeded, at=T0.replace(hour=23)) == []
    assert due_sources(session=seeded, at=T0.replace(hour=2) + timedelta(days=1)) == [SOURCE]


def test_registers_of_organisations_run_first(seeded):
    for name in (SOURCE, "govuk-organisations", "ees-school-workforce"):
        _schedule(seeded, name, "*/5 * * * *")
    assert due_sources(session=seeded, at=T0.replace(hour=1)) == [
        "govuk-organisations",
        "dcat-feed",
        "ees-school-workforce",
    ]


def test_a_tick_runs_what_is_due_with_the_run_loop(seeded, snap_settings, engine):
    _schedule(seeded, SOURCE, "0 2 * * *")
    scheduler = Scheduler(settings=snap_settings, engine=engine)
    assert scheduler.tick(at=T0.replace(hour=1)).runs == {}
    tick = scheduler.tick(at=T0.replace(hour=3))
    assert tick.acted and tick.runs == {SOURCE: "succeeded"}
    run = seeded.execute(select(HarvestRun)).scalar_one()
    assert run.counts == {"added": 5} and run.holder == leases.process_holder()
    assert scheduler.tick().runs == {}  # the run just made is newer than the last fire time


def test_two_schedulers_at_once_one_acts(seeded, snap_settings, engine, settings):
    from registry.db import make_engine

    _schedule(seeded, SOURCE, "0 2 * * *")
    engines = [engine, make_engine(settings)]
    schedulers = [Scheduler(settings=snap_settings, engine=e) for e in engines]
    barrier = threading.Barrier(2)
    ticks = [None, None]

    def go(i: int) -> None:
        barrier.wait()
        ticks[i] = schedulers[i].tick()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    engines[1].dispose()
    assert sorted(t.acted for t in ticks) == [False, True]
    acting = next(s for s, t in zip(schedulers, ticks, strict=True) if t.acted)
    assert seeded.execute(select(func.count()).select_from(HarvestRun)).scalar_one() == 1
    lease = seeded.execute(select(Lease)).scalar_one()
    assert lease.holder == acting.holder
    # The other takes over only once the holder's lease has expired.
    other = next(s for s in schedulers if s is not acting)
    assert not other.tick(at=datetime.now(UTC) + timedelta(seconds=60)).acted
    assert other.tick(at=datetime.now(UTC) + timedelta(seconds=200)).acted
    seeded.expire_all()
    assert seeded.get(Lease, LEASE).holder == other.holder


def test_a_lease_is_renewed_by_its_holder_and_released(session):
    ttl = timedelta(minutes=1)
    assert leases.acquire(session=session, name="x", holder="a", ttl=ttl, at=T0)
    assert not leases.acquire(session=session, name="x", holder="b", ttl=ttl, at=T0)
    assert leases.acquire(session=session, name="x", holder="a", ttl=ttl, at=T0 + ttl * 0.9)
    assert not leases.acquire(session=session, name="x", holder="b", ttl=ttl, at=T0 + ttl * 1.5)
    leases.release(session=session, name="x", holder="b")  # not b's: stays
    assert leases.current(session=session, name="x").holder == "a"
    leases.release(session=session, name="x", holder="a")
    assert leases.acquire(session=session, name="x", holder="b", ttl=ttl, at=T0)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_reaper_marks_dead_and_stuck_runs(seeded, snap_settings):
    from registry.harvest.leases import process_holder

    host = process_holder().split(":")[0]
    at = datetime.now(UTC)
    long_ago = at - timedelta(seconds=snap_settings.harvest_time_limit + 601)
    runs = {
        "dead": HarvestRun(source_name=SOURCE, holder=f"{host}:{_dead_pid()}", started_at=at),
        "stuck": HarvestRun(source_name=SOURCE, holder=process_holder(), started_at=long_ago),
        "alive": HarvestRun(source_name=SOURCE, holder=process_holder(), started_at=at),
        "elsewhere": HarvestRun(source_name=SOURCE, holder="other-host:1", started_at=at),
        "done": HarvestRun(source_name=SOURCE, status="succeeded", started_at=long_ago),
    }
    seeded.add_all(runs.values())
    seeded.commit()
    reaped = reap_stuck_runs(session=seeded, settings=snap_settings, at=at)
    assert {r.id for r in reaped} == {runs["dead"].id, runs["stuck"].id}
    seeded.expire_all()
    assert runs["dead"].status == "interrupted" and "stopped before" in runs["dead"].message
    assert runs["stuck"].status == "failed" and "past its time limit" in runs["stuck"].message
    assert runs["dead"].finished_at is not None
    assert [runs[k].status for k in ("alive", "elsewhere", "done")] == [
        "running",
        "running",
        "succeeded",
    ]


def test_scheduler_once_from_the_command_line(database_url, monkeypatch, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "dcat-feed"\nkind = "dcat"\nschedule = "* * * * *"\n'
        'url = "https://example.org/catalog.ttl"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REGISTRY_SOURCES_FILE", str(sources))
    runner = CliRunner()
    result = runner.invoke(app, ["scheduler", "--once", "--snapshots"])
    assert result.exit_code == 0, result.output
    assert "nothing due" in result.output  # added just now: its first fire time is ahead
    result = runner.invoke(app, ["harvest", "schedule", "dcat-feed", "not a cron"])
    assert result.exit_code != 0 and "cron expression" in result.output
    result = runner.invoke(app, ["harvest", "list"])
    assert "* * * * *" in result.output
