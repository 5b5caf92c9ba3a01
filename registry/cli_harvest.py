"""``registry harvest ...``: list, run, preview and record the known sources."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select
from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine
from registry.errors import RegistryError
from schemas import HarvestRun

app = typer.Typer(help="Harvest the known sources.", no_args_is_help=True)
console = Console(stderr=True)

Snapshots = Annotated[
    bool, typer.Option("--snapshots", help="Replay the recorded snapshots (no network).")
]


def _session(settings: Settings) -> Session:
    from registry.harvest import seed_sources
    from registry.migrate import upgrade

    upgrade(settings)
    # Runs are read after the session closes (exit codes, the demo summary): keep their values.
    session = Session(make_engine(settings), expire_on_commit=False)
    seed_sources(session=session, settings=settings)
    return session


@app.command("list")
def list_command() -> None:
    """Every source with its kind and its last run."""
    from registry.harvest import list_sources

    with _session(Settings()) as session:
        table = Table(
            "name", "kind", "enabled", "schedule", "last run", "status", "items", box=None
        )
        for source in list_sources(session=session):
            run = session.execute(
                select(HarvestRun)
                .where(HarvestRun.source_name == source.name)
                .order_by(HarvestRun.id.desc())
            ).scalar()
            table.add_row(
                source.name,
                source.kind,
                "yes" if source.enabled else "no",
                source.schedule or "",
                f"{run.started_at:%Y-%m-%d %H:%M}" if run else "never",
                run.status if run else "",
                _counts(run.counts) if run else "",
            )
        Console().print(table)


@app.command("run")
def run_command(
    names: Annotated[list[str] | None, typer.Argument(help="Source names.")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every enabled source.")] = False,
    snapshots: Snapshots = False,
    record: Annotated[
        bool, typer.Option("--record", help="Harvest live and write fresh snapshots.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Stop after this many items.")] = None,
) -> None:
    """Harvest sources; exits 1 if any run did not succeed."""
    settings = Settings()
    if snapshots:
        settings = settings.model_copy(update={"harvest_from": "snapshots"})
    with _session(settings) as session:
        chosen = enabled_sources(session) if all_sources else []
        chosen += names or []
        if not chosen:
            raise typer.BadParameter("name one or more sources, or give --all")
        runs = harvest_all(session, settings, chosen, record=record, limit=limit)
    if any(run is None or run.status != "succeeded" for run in runs.values()):
        raise typer.Exit(1)


def enabled_sources(session: Session) -> list[str]:
    """Enabled sources, registers of organisations first so that datasets link to them."""
    from registry.harvest import list_sources

    sources = [s for s in list_sources(session=session) if s.enabled]
    sources.sort(key=lambda s: (s.kind != "govuk-organisations", s.name))
    return [s.name for s in sources]


def harvest_all(
    session: Session,
    settings: Settings,
    names: list[str],
    *,
    record: bool = False,
    limit: int | None = None,
) -> dict[str, HarvestRun | None]:
    """Run each source in turn with a progress line; a failed source never stops the others."""
    from registry.harvest import make_client, run_source

    runs: dict[str, HarvestRun | None] = {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        for name in names:
            task = progress.add_task(name, total=None)
            seen: Counter[str] = Counter()

            def tick(
                _guid: str, state: str, task: int = task, name: str = name, seen: Counter = seen
            ) -> None:
                seen[state] += 1
                progress.update(task, description=f"{name}: {_counts(dict(seen))}")

            try:
                with make_client(settings, name, record=record) as client:
                    run = run_source(
                        session=session,
                        settings=settings,
                        name=name,
                        client=client,
                        limit=limit,
                        progress=tick,
                    )
            except RegistryError as exc:
                console.print(f"[red]{name}: {exc.message}[/red]")
                runs[name] = None
                continue
            finally:
                progress.remove_task(task)
            runs[name] = run
            colour = "green" if run.status == "succeeded" else "red"
            line = f"[{colour}]{name}: {run.status}[/{colour}] {_counts(run.counts)}"
            console.print(line + (f" - {run.message}" if run.message else ""))
    return runs


@app.command("schedule")
def schedule_command(
    name: Annotated[str, typer.Argument(help="Source name.")],
    cron: Annotated[
        str | None, typer.Argument(help="Cron expression (UTC), e.g. '0 2 * * *'.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the schedule.")] = False,
) -> None:
    """Set when `registry scheduler` harvests a source (five cron fields, UTC), or clear it.
    A schedule in the sources file wins over one set here."""
    from registry.harvest import get_source
    from registry.harvest.scheduler import next_due
    from schemas.common import now
    from schemas.harvest import check_schedule

    if (cron is None) == (not clear):
        raise typer.BadParameter("give a cron expression or --clear")
    try:
        schedule = None if clear else check_schedule(cron)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    with _session(Settings()) as session:
        try:
            source = get_source(session=session, name=name)
        except RegistryError as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(2) from None
        source.schedule = schedule
        session.add(source)
        session.commit()
    if schedule:
        typer.echo(
            f"{name}: {schedule}; next run due {next_due(schedule, now()):%Y-%m-%d %H:%M} UTC"
        )
    else:
        typer.echo(f"{name}: no schedule")


@app.command("preview")
def preview_command(
    name: Annotated[str, typer.Argument(help="Source name.")],
    limit: Annotated[int, typer.Option(help="How many items.")] = 10,
    snapshots: Snapshots = False,
) -> None:
    """A dry run of the first items: what a run would store; nothing is written."""
    from registry.harvest import make_client, preview_source

    settings = Settings()
    if snapshots:
        settings = settings.model_copy(update={"harvest_from": "snapshots"})
    with _session(settings) as session, make_client(settings, name) as client:
        try:
            found = preview_source(
                session=session, settings=settings, name=name, client=client, limit=limit
            )
        except RegistryError as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(2) from None
    for item in found:
        if item.error:
            typer.echo(f"{item.guid}: FAILED at {item.stage}: {item.error}")
            continue
        if item.withdrawn:
            typer.echo(f"{item.guid}: withdrawn at the source: {item.withdrawn}")
            continue
        for dataset in item.records.datasets if item.records else []:
            coverage = ", ".join(f"{c.scheme}:{c.concept}" for c in dataset.coverage)
            typer.echo(f"{item.guid}: {dataset.id}: {dataset.title}")
            typer.echo(f"    {len(dataset.distributions)} distributions; coverage: {coverage}")
        for organisation in item.records.organisations if item.records else []:
            typer.echo(f"{item.guid}: organisation {organisation.id}: {organisation.name}")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {state}" for state, n in sorted(counts.items()) if n) or "no items"
