"""``registry scheduler``: harvest each source when its cron schedule is due, in one process
at a time, and reap runs left ``running`` by a process that died or hung.

Every tick the scheduler takes (or renews) the ``scheduler`` lease; a process that does not
hold it does nothing, so several may run (one per app host, say) and exactly one acts. The
holder reaps stuck runs, then runs each due source in turn with the shared run loop
(:func:`registry.harvest.run_source`), holding the lease for the run's time limit meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from croniter import croniter
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from registry.config import Settings
from registry.errors import RegistryError
from registry.harvest import leases
from schemas import HarvestRun, HarvestSource, RunStatus
from schemas.common import now

LEASE = "scheduler"
Runner = Callable[[Session, Settings, str], HarvestRun]


def next_due(schedule: str, after: datetime) -> datetime:
    """The first time ``schedule`` fires strictly after ``after`` (UTC)."""
    return croniter(schedule, _aware(after)).get_next(datetime)


def due_sources(*, session: Session, at: datetime | None = None) -> list[str]:
    """Enabled sources with a schedule that has fired since their last run started (or, never
    run, since they were added); registers of organisations first, then by name."""
    at = at or now()
    last = dict(
        session.execute(
            select(HarvestRun.source_name, func.max(HarvestRun.started_at)).group_by(
                HarvestRun.source_name
            )
        ).all()
    )
    due = []
    for source in session.execute(
        select(HarvestSource).where(
            HarvestSource.enabled.is_(True), HarvestSource.schedule.is_not(None)
        )
    ).scalars():
        since = last.get(source.name) or source.created_at
        if next_due(source.schedule or "", since) <= at:
            due.append(source)
    due.sort(key=lambda s: (s.kind != "govuk-organisations", s.name))
    return [s.name for s in due]


def reap_stuck_runs(
    *, session: Session, settings: Settings, at: datetime | None = None
) -> list[HarvestRun]:
    """Mark runs still ``running`` whose process is gone ``interrupted``, and runs running past
    their time limit and the grace ``failed``, each with a message saying why. Commits."""
    at = at or now()
    limit = timedelta(seconds=settings.harvest_time_limit + settings.harvest_stuck_grace)
    reaped = []
    for run in session.execute(
        select(HarvestRun).where(HarvestRun.status == RunStatus.running.value)
    ).scalars():
        if leases.holder_gone(run.holder):
            run.status = RunStatus.interrupted.value
            run.message = f"the process running it ({run.holder}) stopped before it finished"
        elif _aware(run.started_at) < at - limit:
            run.status = RunStatus.failed.value
            run.message = (
                f"stuck: still marked running {int((at - _aware(run.started_at)).total_seconds())}"
                f" s after it started, past its time limit; marked failed by the reaper"
            )
        else:
            continue
        run.finished_at = at
        reaped.append(run)
    session.commit()
    return reaped


def harvest_one(session: Session, settings: Settings, name: str) -> HarvestRun:
    """The default runner: the source's client and the shared run loop."""
    from registry.harvest import make_client, run_source

    with make_client(settings, name) as client:
        return run_source(session=session, settings=settings, name=name, client=client)


@dataclass
class Tick:
    acted: bool  # whether this scheduler held the lease
    reaped: list[int] = field(default_factory=list)  # run ids
    runs: dict[str, str] = field(default_factory=dict)  # source -> run status (or error)


@dataclass
class Scheduler:
    settings: Settings
    engine: Engine
    holder: str = field(default_factory=leases.new_holder)
    runner: Runner = harvest_one
    report: Callable[[str], None] = lambda _line: None

    @property
    def lease_ttl(self) -> timedelta:
        # Three ticks: a holder that misses two renewals has lost it.
        return timedelta(seconds=3 * self.settings.scheduler_interval)

    def tick(self, at: datetime | None = None) -> Tick:
        """One pass: take the lease, reap, run what is due. Nothing if another holds it."""
        with Session(self.engine, expire_on_commit=False) as session:
            ttl = self.lease_ttl
            if not leases.acquire(session=session, name=LEASE, holder=self.holder, ttl=ttl, at=at):
                return Tick(acted=False)
            tick = Tick(acted=True)
            for run in reap_stuck_runs(session=session, settings=self.settings, at=at):
                tick.reaped.append(run.id or 0)
                self.report(f"run {run.id} of {run.source_name}: {run.status}: {run.message}")
            for name in due_sources(session=session, at=at):
                # Hold the lease through the run: it stops itself at its time limit.
                hold = timedelta(seconds=self.settings.harvest_time_limit) + ttl
                if not leases.acquire(session=session, name=LEASE, holder=self.holder, ttl=hold):
                    break  # lost it (a clock jump, an operator): let the new holder go on
                try:
                    run = self.runner(session, self.settings, name)
                    tick.runs[name] = run.status
                    self.report(f"{name}: {run.status} {dict(run.counts)} {run.message or ''}")
                except RegistryError as exc:
                    session.rollback()
                    tick.runs[name] = f"error: {exc.message}"
                    self.report(f"{name}: {exc.message}")
            leases.acquire(session=session, name=LEASE, holder=self.holder, ttl=ttl)
            return tick

    def run_forever(self, stop: Callable[[], bool] = lambda: False) -> None:
        """Tick every ``scheduler_interval`` seconds until ``stop()``; give the lease up then."""
        try:
            while not stop():
                started = time.monotonic()
                self.tick()
                wait = self.settings.scheduler_interval - (time.monotonic() - started)
                while wait > 0 and not stop():
                    time.sleep(min(wait, 1.0))
                    wait -= 1.0
        finally:
            with Session(self.engine) as session:
                leases.release(session=session, name=LEASE, holder=self.holder)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
