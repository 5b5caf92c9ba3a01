"""``registry gaps``: the coverage matrix in the terminal, or as CSV or JSON."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine
from registry.errors import RegistryError
from registry.gaps import GapQuery, gap_cells, gap_csv, gap_rows


class Output(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


Many = Annotated[list[str] | None, typer.Option(help="Repeat for several values.")]


def gaps(
    sector: Many = None,
    grade: Many = None,
    attribute: Many = None,
    band: Many = None,
    grade_level: Annotated[str, typer.Option(help="harmonised, or all (sector grades)")] = (
        "harmonised"
    ),
    sort: Annotated[str, typer.Option(help="matrix (vocabulary order) or need")] = "need",
    limit: Annotated[int, typer.Option(help="Rows in the table (0: all).")] = 20,
    output: Annotated[Output, typer.Option("--format", help="table, csv or json")] = Output.table,
) -> None:
    """The coverage matrix: each sector x grade x attribute cell's score and band, the gaps
    that matter most first (the method: docs/gap-method.md)."""
    query = GapQuery.of(
        sector=sector,
        grade=grade,
        attribute=attribute,
        band=band,
        grade_level=grade_level,
        sort=sort,
    )
    with Session(make_engine(Settings())) as session:
        try:
            rows = gap_rows(gap_cells(session=session, query=query))
        except RegistryError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    if output is Output.csv:
        sys.stdout.write(gap_csv(rows))
    elif output is Output.json:
        sys.stdout.write(json.dumps({"total": len(rows), "cells": rows}, indent=1) + "\n")
    else:
        table = Table("sector", "grade", "attribute", "score", "band", "datasets", "need")
        for row in rows[: limit or None]:
            table.add_row(
                *(str(row[k]) for k in ("sector", "grade", "attribute", "score", "band")),
                str(row["datasets"]),
                str(row["need"]),
            )
        Console().print(table)
        typer.echo(f"{len(rows)} cells; showing {min(len(rows), limit or len(rows))}")
