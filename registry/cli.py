"""The ``registry`` command: thin wrappers over the functions the API uses."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import text

import vocab
from registry.cli_accounts import tokens_app, users_app
from registry.cli_gaps import app as gaps_app
from registry.cli_harvest import app as harvest_app
from registry.cli_ops import backup_command, restore_command, scheduler_command
from registry.cli_quality import check_links_command
from registry.cli_suggestions import app as suggestions_app
from registry.config import Settings
from registry.db import make_engine

app = typer.Typer(
    help="Leadership Data Registry: every known dataset about the people who lead UK public "
    "services.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
vocab_app = typer.Typer(help="SKOS vocabularies.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(harvest_app, name="harvest")
app.add_typer(vocab_app, name="vocab")
app.add_typer(gaps_app, name="gaps")
app.add_typer(suggestions_app, name="suggestions")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.command("check-links")(check_links_command)
app.command("scheduler")(scheduler_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


def _settings() -> Settings:
    return Settings()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Create or migrate the database schema (Alembic)."""
    from registry.migrate import upgrade

    settings = _settings()
    upgrade(settings, revision)
    typer.echo(f"database at revision {revision}: {_safe_url(settings.database_url)}")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and whether it is the newest."""
    from registry.migrate import current_revision, head_revision

    settings = _settings()
    current = current_revision(make_engine(settings))
    head = head_revision(settings)
    typer.echo(f"current: {current or 'none'}; newest: {head}")
    if current != head:
        raise typer.Exit(1)


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="JSON Lines file of records; - for stdin.")],
) -> None:
    """Load records; every bad line is reported with its number and reason, good lines kept."""
    report = _load(_settings(), file)
    for error in report.errors:
        typer.echo(f"{file}:{error}", err=True)
    typer.echo(report.summary())
    if report.errors:
        raise typer.Exit(1)


def _load(settings: Settings, file: Path):
    from sqlmodel import Session

    from registry.loading import load_lines
    from registry.migrate import upgrade

    upgrade(settings)
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            if str(file) == "-":
                return load_lines(session=session, lines=sys.stdin)
            if not file.is_file():
                typer.echo(f"error: {file} is not a file", err=True)
                raise typer.Exit(2)
            with file.open(encoding="utf-8", errors="replace") as handle:
                return load_lines(session=session, lines=handle)
    finally:
        engine.dispose()


@app.command()
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="jsonl (reads back with `registry load`), ttl, nt, jsonld, rdf."
        ),
    ] = "jsonl",
    profile: Annotated[str, typer.Option(help="DCAT profile: dcat-ap-3 or dcat-ap-2.")] = (
        "dcat-ap-3"
    ),
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes writing a DCAT dump (default: one per 20,000 records, at most one "
            "per CPU and 4).",
        ),
    ] = None,
) -> None:
    """Write every record: JSON Lines, or the whole DCAT catalogue streamed record by record.
    A file is written beside its name first and replaces it only when complete."""
    from registry.catalog_dump import write_dump
    from schemas.dcat import FORMATS, PROFILES

    if fmt not in ("jsonl", *FORMATS) or profile not in PROFILES:
        typer.echo(
            f"error: formats are jsonl, {', '.join(FORMATS)}; profiles {', '.join(PROFILES)}",
            err=True,
        )
        raise typer.Exit(2)
    settings = _settings()
    partial = output.with_name(output.name + ".part") if output else None
    out = partial.open("w", encoding="utf-8") if partial else sys.stdout
    try:
        # Scratch pieces of a parallel dump go beside the output: same disk, same free space.
        scratch = output.resolve().parent if output else None
        write_dump(out, settings=settings, fmt=fmt, profile=profile, jobs=jobs, scratch=scratch)
        if output and partial:
            out.close()
            partial.replace(output)
    finally:
        if partial:
            out.close()
            partial.unlink(missing_ok=True)


@app.command()
def validate(
    profile: Annotated[str, typer.Option(help="dcat-ap-3 or dcat-ap-2.")] = "dcat-ap-3",
    shapes: Annotated[
        Path | None,
        typer.Option(
            help="Folder of the DCAT-AP SHACL shapes (3.0.0/, 2.1.1/); else DCAT_AP_SHAPES."
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Validate only the first N records.")] = None,
    recommended: Annotated[
        bool, typer.Option(help="Also report missing recommended properties, as warnings.")
    ] = False,
) -> None:
    """Check the catalogue against the official DCAT-AP SHACL shapes; exits 1 on violations."""
    from sqlmodel import Session

    from registry.catalog_dump import catalogue_graph
    from schemas.dcat.validate import validate as shacl

    settings = _settings()
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            graph = catalogue_graph(
                session=session, settings=settings, profile=profile, limit=limit
            )
        report = shacl(graph, profile=profile, shapes=shapes, recommended=recommended)
    except (FileNotFoundError, ImportError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(f"{len(graph)} triples checked against the {profile} shapes")
    typer.echo(report.text())
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
def assets(
    force: Annotated[bool, typer.Option(help="Fetch again even if already there.")] = False,
    axe: Annotated[bool, typer.Option(help="Also fetch axe-core (the browser tests).")] = False,
) -> None:
    """Fetch GOV.UK Frontend (pinned, integrity-checked) into the assets folder."""
    from registry.web.assets import AXE_CORE, SITE, AssetsError, fetch

    root = _settings().assets_root
    for package in (*SITE, AXE_CORE) if axe else SITE:
        try:
            where = fetch(package, root, force=force)
        except AssetsError as exc:
            typer.echo(f"error: {package.name} {package.version}: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{package.name} {package.version} in {where}")


@app.command()
def speedups(
    check: Annotated[bool, typer.Option(help="Only say whether a build is in use.")] = False,
    force: Annotated[bool, typer.Option(help="Compile again even if built.")] = False,
    require: Annotated[
        bool, typer.Option(help="Fail when this machine cannot compile (for CI).")
    ] = False,
) -> None:
    """Compile the DCAT writing path with mypyc (a third fewer instructions, same output).

    The build is kept in the user's cache folder under a hash of the sources, so an edited
    source is never run from an old build. When this machine cannot compile (no mypyc, no C
    compiler) or the compile fails, the registry runs as pure Python: that is said, and is not
    an error unless --require (CI), so `registry speedups && registry demo` always serves."""
    from registry.speedups import SpeedupsFailed, SpeedupsUnavailable, build, status
    from schemas.dcat import compiled

    if check:
        found = status()
        active = "in use" if compiled.COMPILED else "not in use (REGISTRY_PURE is set)"
        typer.echo(f"compiled: {found.path} ({active})" if found else "not compiled")
        raise typer.Exit(0 if found else 1)
    try:
        made = build(force=force)
    except (SpeedupsUnavailable, SpeedupsFailed) as exc:
        # Unavailable (no mypyc, no compiler) is a note; a compile that failed, a warning.
        unavailable = isinstance(exc, SpeedupsUnavailable)
        level = "error" if require else "note" if unavailable else "warning"
        problem = f"cannot compile: {exc}" if unavailable else str(exc)
        typer.echo(f"{level}: {problem}\nthe registry runs as pure Python", err=True)
        raise typer.Exit(1 if require else 0) from None
    if made.seconds is None:
        typer.echo(f"already compiled for these sources: {made.path}")
    else:
        typer.echo(f"compiled {', '.join(compiled.MODULES)} in {made.seconds:.0f} s: {made.path}")


def _ensure_assets(settings: Settings) -> None:
    """Fetch the page assets when missing; without them (no network) pages are unstyled."""
    from registry.web.assets import ensure

    for problem in ensure(settings.assets_root):
        typer.echo(f"warning: {problem}", err=True)


def _log_config(settings: Settings) -> dict[str, Any]:
    from registry.http.logs import log_config

    return log_config(settings.log_level, settings.log_format)


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Serve the site and the API."""
    import uvicorn

    from registry.app import create_app

    settings = _settings()
    _ensure_assets(settings)
    uvicorn.run(create_app(settings), host=host, port=port, log_config=_log_config(settings))


@app.command()
def demo(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Harvest every known source from its recorded snapshot into the database, then serve."""
    import uvicorn
    from rich.console import Console
    from rich.table import Table

    from registry.app import create_app
    from registry.cli_harvest import _session, enabled_sources, harvest_all
    from registry.harvest.status import source_statuses

    settings = _settings().model_copy(update={"harvest_from": "snapshots"})
    _ensure_assets(settings)
    with _session(settings) as session:
        runs = harvest_all(session, settings, enabled_sources(session))
        table = Table("source", "run", "records", "failed items", box=None)
        for status in source_statuses(session=session):
            run = runs.get(status.name)
            table.add_row(
                status.name,
                run.status if run else "not run",
                str(status.records),
                str(run.counts.get("failed", 0)) if run else "",
            )
        Console().print(table)
        failed = [name for name, run in runs.items() if not run or run.status != "succeeded"]
        datasets = session.execute(text("SELECT count(*) FROM dataset")).scalar_one()
    typer.echo(f"{datasets} datasets from {len(runs)} sources; {len(failed)} sources failed")
    typer.echo(f"serving http://{host}:{port}/ (database {_safe_url(settings.database_url)})")
    uvicorn.run(create_app(settings), host=host, port=port, log_config=_log_config(settings))


@app.command()
def classify() -> None:
    """Read JSON Lines {title, description, keywords, columns} on stdin; write one line each:
    {"sectors": [...], "grades": [...], "attributes": [...]} (grades as harmonised levels)."""
    from harvesters.classify import classify_json_lines

    for line in classify_json_lines(sys.stdin):
        typer.echo(line)


@vocab_app.command("check")
def vocab_check() -> None:
    """Lint every vocabulary: unique notations, broader concepts resolve, labels present."""
    from vocab.check import check_all

    problems = check_all()
    for problem in problems:
        typer.echo(str(problem), err=True)
    errors = [p for p in problems if p.level == "error"]
    counts = ", ".join(f"{name} {len(vocab.load(name))}" for name in vocab.SCHEMES)
    typer.echo(f"{len(errors)} errors, {len(problems) - len(errors)} warnings ({counts})")
    if errors:
        raise typer.Exit(1)


@vocab_app.command("show")
def vocab_show(scheme: Annotated[str, typer.Argument(help="e.g. grade")]) -> None:
    """Print one vocabulary as an indented tree of notations and labels."""
    try:
        concepts = vocab.load(scheme)
    except vocab.UnknownScheme as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    base = _settings().base_uri
    typer.echo(f"{concepts.title} <{concepts.uri(base)}>")

    def show(notation: str, depth: int, path: tuple[str, ...]) -> None:
        concept = concepts.concepts[notation]
        extra = f"  [{', '.join(concept.alt_labels)}]" if concept.alt_labels else ""
        typer.echo(f"{'  ' * (depth + 1)}{notation}: {concept.pref_label}{extra}")
        for child in concept.narrower:
            if child not in path:
                show(child, depth + 1, (*path, child))

    for top in concepts.top_concepts:
        show(top, 0, (top,))


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
