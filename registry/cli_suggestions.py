"""``registry suggestions``: the review queue of datasets suggested by the public, from the
terminal (the editor's API and pages wrap the same functions in :mod:`registry.suggestions`)."""

from __future__ import annotations

import getpass
import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from registry.cli_session import cli_session
from registry.suggestions import accept_suggestion, list_suggestions, reject_suggestion
from schemas import SuggestionStatus

app = typer.Typer(help="Datasets suggested by the public: review, accept, reject.")


class Shown(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    all = "all"


class Output(StrEnum):
    table = "table"
    json = "json"


By = Annotated[str | None, typer.Option(help="Who decides (recorded); default: the login name.")]


@app.command("list")
def list_command(
    status: Annotated[Shown, typer.Option(help="pending, accepted, rejected or all")] = (
        Shown.pending
    ),
    limit: Annotated[int, typer.Option(min=1, help="At most this many, oldest first.")] = 100,
    output: Annotated[Output, typer.Option("--format", help="table or json")] = Output.table,
) -> None:
    """The suggestions with a status (pending by default), oldest first."""
    chosen = None if status is Shown.all else SuggestionStatus(status.value)
    with cli_session() as session:
        found = list_suggestions(session=session, status=chosen, limit=limit)
    if output is Output.json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in found], indent=1))
        return
    table = Table("id", "status", "title", "link", "publisher", "covers", "sent")
    for s in found:
        covers = ", ".join([*s.sectors, *s.grades, *s.attributes])
        table.add_row(
            str(s.id),
            s.status,
            s.title,
            s.link,
            s.publisher,
            covers,
            s.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    Console(width=200).print(table)
    typer.echo(f"{len(found)} suggestion{'' if len(found) == 1 else 's'}")


@app.command("accept")
def accept_command(
    suggestion_id: Annotated[int, typer.Argument(help="The suggestion's number.")],
    by: By = None,
    dataset_id: Annotated[
        str | None, typer.Option("--id", help="The new dataset's id (default: from its title).")
    ] = None,
) -> None:
    """Make a pending suggestion a dataset record (curated coverage, source "suggestion")."""
    with cli_session() as session:
        done = accept_suggestion(
            session=session,
            suggestion_id=suggestion_id,
            by=by or getpass.getuser(),
            dataset_id=dataset_id,
        )
    typer.echo(f"suggestion {done.id} accepted as dataset {done.dataset_id}")


@app.command("reject")
def reject_command(
    suggestion_id: Annotated[int, typer.Argument(help="The suggestion's number.")],
    reason: Annotated[str, typer.Option(help="Why (recorded with the decision).")],
    by: By = None,
) -> None:
    """Reject a pending suggestion, with a reason; no record is made."""
    with cli_session() as session:
        done = reject_suggestion(
            session=session, suggestion_id=suggestion_id, by=by or getpass.getuser(), reason=reason
        )
    typer.echo(f"suggestion {done.id} rejected: {done.reason}")
