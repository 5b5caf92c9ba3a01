"""Operations commands: ``registry scheduler``, ``registry backup`` and ``registry restore``."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer

from registry.config import Settings
from registry.db import make_engine
from registry.errors import RegistryError


def scheduler_command(
    once: Annotated[
        bool, typer.Option("--once", help="One pass (reap, run what is due), then exit.")
    ] = False,
    interval: Annotated[
        float | None,
        typer.Option(help="Seconds between passes (default REGISTRY_SCHEDULER_INTERVAL)."),
    ] = None,
    snapshots: Annotated[
        bool, typer.Option("--snapshots", help="Replay the recorded snapshots (no network).")
    ] = False,
) -> None:
    """Harvest each enabled source when its cron schedule is due, until stopped (SIGTERM or
    Ctrl-C). Several schedulers may run: a lease in the database lets exactly one act."""
    from sqlmodel import Session

    from registry.cli_harvest import _session
    from registry.harvest import leases
    from registry.harvest.scheduler import LEASE, Scheduler

    settings = Settings()
    if interval is not None:
        settings = settings.model_copy(update={"scheduler_interval": interval})
    if snapshots:
        settings = settings.model_copy(update={"harvest_from": "snapshots"})
    _session(settings).close()  # migrate and seed the sources file (its schedules) first
    engine = make_engine(settings)
    scheduler = Scheduler(settings=settings, engine=engine, report=typer.echo)
    try:
        if once:
            tick = scheduler.tick()
            if tick.acted:  # a one-off pass holds the lease no longer than it runs
                with Session(engine) as session:
                    leases.release(session=session, name=LEASE, holder=scheduler.holder)
            if not tick.acted:
                typer.echo("another scheduler holds the lease: nothing done")
            elif not tick.runs and not tick.reaped:
                typer.echo("nothing due")
            return
        stopping = {"now": False}

        def stop(*_: object) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        typer.echo(f"scheduler {scheduler.holder}: a pass every {settings.scheduler_interval} s")
        scheduler.run_forever(stop=lambda: stopping["now"])
    finally:
        engine.dispose()


def backup_command(
    file: Annotated[Path, typer.Argument(help="File to write the copy to.")],
) -> None:
    """Copy the SQLite database to FILE while the registry runs (SQLite's online backup).
    For PostgreSQL, prints the pg_dump command to use instead."""
    from registry.backup import backup_sqlite

    settings = Settings()
    try:
        summary = backup_sqlite(settings, file)
    except RegistryError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    typer.echo(summary)


def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup written by `registry backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the current database without asking.")
    ] = False,
) -> None:
    """Replace the SQLite database with FILE, after checking it is a registry backup. Stop the
    app and the scheduler first. For PostgreSQL, prints the pg_restore command instead."""
    from registry.backup import check_backup, restore_sqlite

    settings = Settings()
    try:
        about = check_backup(settings, file)
        if not yes:
            typer.confirm(f"{about}. Replace the database with it?", abort=True)
        summary = restore_sqlite(settings, file)
    except RegistryError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    typer.echo(summary)
