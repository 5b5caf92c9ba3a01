"""``registry gaps``: the coverage matrix in the terminal, or as CSV or JSON; and its
subcommands: organisation coverage, snapshots of the matrix and the trend between two."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from registry.cli_session import cli_session
from registry.config import Settings
from registry.csv_safe import safe_rows
from registry.gaps import GapQuery, gap_cells, gap_csv, gap_rows
from registry.gaps.priorities import priorities_for


class Output(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    html = "html"  # the printable report: `registry gaps --format html` only


def _tabular(value: Output) -> Output:
    """The subcommands print rows; the HTML report is the whole matrix's alone."""
    if value is Output.html:
        raise typer.BadParameter("html is for the report: `registry gaps --format html`")
    return value


Many = Annotated[list[str] | None, typer.Option(help="Repeat for several values.")]
Format = Annotated[Output, typer.Option("--format", help="table, csv or json", callback=_tabular)]
Report = Annotated[
    Output,
    typer.Option("--format", help="table, csv, json, or html (the printable report)"),
]

app = typer.Typer(
    help="The coverage matrix, organisation coverage and the trend (docs/gap-method.md).",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def gaps(
    ctx: typer.Context,
    sector: Many = None,
    grade: Many = None,
    attribute: Many = None,
    band: Many = None,
    grade_level: Annotated[str, typer.Option(help="harmonised, or all (sector grades)")] = (
        "harmonised"
    ),
    sort: Annotated[str, typer.Option(help="matrix (vocabulary order) or need")] = "need",
    limit: Annotated[int, typer.Option(help="Rows in the table (0: all).")] = 20,
    output: Report = Output.table,
    path: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the csv, json or html to this file."),
    ] = None,
    priorities: Annotated[
        Path | None,
        typer.Option(
            "--priorities", help="TOML file of priorities (default REGISTRY_GAP_PRIORITIES)."
        ),
    ] = None,
) -> None:
    """The coverage matrix: each sector x grade x attribute cell's score and band, the gaps
    that matter most first (the method: docs/gap-method.md); --format html is the printable
    report (heatmaps, top 20 gaps, organisation coverage, trend, method)."""
    if ctx.invoked_subcommand is not None:
        return  # `registry gaps compare ...`: the subcommand does the work
    if path is not None and output is Output.table:
        raise typer.BadParameter("--output needs --format csv, json or html", param_hint="-o")
    if output is Output.html:
        if band or grade_level != "harmonised":
            raise typer.BadParameter(
                "the report shows every band at the harmonised grades: drop --band and "
                "--grade-level"
            )
        _write(_report(priorities, sector=sector, grade=grade, attribute=attribute), path)
        return
    query = GapQuery.of(
        sector=sector,
        grade=grade,
        attribute=attribute,
        band=band,
        grade_level=grade_level,
        sort=sort,
    )
    with cli_session(exit_code=2) as session:
        weights = priorities_for(Settings(), priorities)
        rows = gap_rows(gap_cells(session=session, query=query, priorities=weights))
    if output is Output.csv:
        _write(gap_csv(rows), path)
    elif output is Output.json:
        _write(_dumps({"total": len(rows), "cells": rows}), path)
    else:
        table = Table(
            "sector", "grade", "attribute", "score", "band", "datasets", "need", "requests"
        )
        for row in rows[: limit or None]:
            table.add_row(
                *(str(row[k]) for k in ("sector", "grade", "attribute", "score", "band")),
                str(row["datasets"]),
                str(row["need"]),
                str(row["requests"]),
            )
        Console().print(table)
        typer.echo(f"{len(rows)} cells; showing {min(len(rows), limit or len(rows))}")


@app.command("organisations")
def organisations(
    organisation_type: Annotated[
        str | None, typer.Option(help="Only this organisation type.")
    ] = None,
    sector: Annotated[str | None, typer.Option(help="Only organisations in this sector.")] = None,
    without: Annotated[
        bool, typer.Option("--without", help="List the organisations without current data.")
    ] = False,
    output: Format = Output.table,
) -> None:
    """Per organisation type and sector: the share of live organisations with leader-level
    data published in the last 12 months, and (--without) those that have none."""
    from registry.gaps.organisations import organisation_coverage

    with cli_session(exit_code=2) as session:
        found = organisation_coverage(
            session=session, organisation_type=organisation_type, sector=sector
        )
    if output is Output.json:
        _json(found)
        return
    if without:
        columns = ("id", "name", "organisation_type", "sectors", "latest_leader_data")
        rows = [{**o, "sectors": " ".join(o["sectors"])} for o in found["without"]]
        _emit(output, columns, rows, title=f"without leader-level data since {found['since']}")
        return
    columns = ("dimension", "value", "organisations", "with_data", "share")
    rows = [{"dimension": "total", "value": "", **found["total"]}]
    rows += [
        {
            "dimension": "organisation_type",
            "value": r["organisation_type"] or "(none)",
            **_counts(r),
        }
        for r in found["by_type"]
    ]
    rows += [
        {"dimension": "sector", "value": r["sector"], **_counts(r)} for r in found["by_sector"]
    ]
    _emit(output, columns, rows, title=f"leader-level data since {found['since']}")
    if output is Output.table:
        typer.echo(f"{len(found['without'])} organisations without: see --without")


@app.command("snapshot")
def snapshot(output: Format = Output.table) -> None:
    """Take a snapshot of the matrix now (every harvest run takes one too)."""
    from registry.gaps.snapshots import take_snapshot

    with cli_session(exit_code=2) as session:
        taken = take_snapshot(session=session)
        summary = {
            "id": taken.id,
            "taken_at": taken.taken_at.isoformat(),
            "method": taken.method,
            "datasets": taken.datasets,
            "cells": len(taken.cells),
        }
    if output is Output.table:
        typer.echo(
            f"snapshot {summary['id']}: {summary['cells']} cells with evidence, "
            f"{summary['datasets']} active datasets, method {summary['method']}"
        )
    else:
        _emit(output, tuple(summary), [summary])


@app.command("snapshots")
def snapshots(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    output: Format = Output.table,
) -> None:
    """The stored snapshots of the matrix, newest first."""
    from registry.gaps.snapshots import list_snapshots

    with cli_session(exit_code=2) as session:
        found = list_snapshots(session=session, limit=limit)
    columns = ("id", "taken_at", "run_id", "source", "method", "datasets")
    _emit(output, columns, found, wrap=lambda rows: {"total": len(rows), "snapshots": rows})


@app.command("compare")
def compare(
    before: Annotated[
        int | None, typer.Argument(help="Snapshot id (default: the one before).")
    ] = None,
    after: Annotated[int | None, typer.Argument(help="Snapshot id (default: the latest).")] = None,
    output: Format = Output.table,
) -> None:
    """Cells that improved and worsened between two snapshots, and why."""
    from registry.gaps.trend import compare_snapshots

    with cli_session(exit_code=2) as session:
        found = compare_snapshots(session=session, before=before, after=after)
    if output is Output.json:
        _json(found)
        return
    columns = ("direction", "sector", "grade", "attribute", "before", "after", "why")
    rows = [
        {
            "direction": direction,
            "sector": r["sector"],
            "grade": r["grade"],
            "attribute": r["attribute"],
            "before": f"{r['before']['score']} {r['before']['band']}",
            "after": f"{r['after']['score']} {r['after']['band']}",
            "why": "; ".join(r["why"]),
        }
        for direction in ("improved", "worsened")
        for r in found[direction]
    ]
    b, a = found["before"], found["after"]
    _emit(output, columns, rows, title=f"snapshot {b['id']} -> {a['id']}")
    if output is Output.table:
        for name in ("before", "after"):
            counts = ", ".join(f"{n} {k}" for k, n in found["bands"][name].items())
            typer.echo(f"{name}: {counts}")
        if found["method_warning"]:
            typer.echo(f"warning: {found['method_warning']}", err=True)


def _emit(
    output: Output,
    columns: tuple[str, ...],
    rows: Iterable[dict[str, Any]],
    *,
    title: str | None = None,
    wrap: Callable[[list], Any] = list,
) -> None:
    """Rows as a table, CSV or JSON."""
    rows = list(rows)
    if output is Output.json:
        _json(wrap(rows))
    elif output is Output.csv:
        writer = csv.DictWriter(
            sys.stdout, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(safe_rows(rows))
    else:
        table = Table(*columns, title=title)
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row[c]) for c in columns))
        Console(width=160).print(table)


def _counts(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("organisations", "with_data", "share")}


def _report(priorities: Path | None, **filters: list[str] | None) -> str:
    from registry.gaps.report import gap_report, render_report_html

    with cli_session(exit_code=2) as session:
        weights = priorities_for(Settings(), priorities)
        return render_report_html(gap_report(session=session, priorities=weights, **filters))


def _write(text: str, path: Path | None) -> None:
    """To stdout, or to the file, said on stderr so that stdout stays clean."""
    if path is None:
        sys.stdout.write(text)
        return
    path.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {path} ({len(text.encode())} bytes)", err=True)


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=1, default=str) + "\n"


def _json(value: Any) -> None:
    sys.stdout.write(_dumps(value))
