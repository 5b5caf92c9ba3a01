"""``registry check-links``: ask every access and download URL whether it answers, for the MQA
accessibility points; the answers are kept with their date."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer
from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine
from registry.errors import RegistryError
from registry.harvest.sources import url_guard
from registry.quality.links import LinkPolicy, LinkSummary, check_links, link_client


def check_links_command(
    max_age_days: Annotated[
        float | None,
        typer.Option(help="Skip URLs checked within this many days (default 7)."),
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Links checked at once (default 8).")
    ] = None,
    per_host: Annotated[
        int | None, typer.Option(help="Links checked at once on one host (default 2).")
    ] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds per request (default 15).")] = None,
    force: Annotated[bool, typer.Option(help="Check every URL, however fresh.")] = False,
    publisher: Annotated[
        str | None, typer.Option(help="Only this organisation's datasets (its id).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Check at most N URLs, never-checked and oldest first.")
    ] = None,
) -> None:
    """Check the access and download URLs of active datasets (HEAD, else a GET never read),
    store each answer with its date, and print what was found. Broken links are findings, not
    failures: the command exits 0 unless it could not run. Defaults come from the
    REGISTRY_LINK_CHECK_* settings."""
    settings = Settings()
    policy = LinkPolicy(
        timeout=timeout if timeout is not None else settings.link_check_timeout,
        concurrency=concurrency if concurrency is not None else settings.link_check_concurrency,
        per_host=per_host if per_host is not None else settings.link_check_per_host,
    )
    days = max_age_days if max_age_days is not None else settings.link_check_max_age_days
    engine = make_engine(settings)
    try:
        with Session(engine) as session:

            async def run() -> LinkSummary:
                async with link_client(policy, url_guard(settings)) as client:
                    return await check_links(
                        session=session,
                        client=client,
                        max_age=timedelta(days=days),
                        concurrency=policy.concurrency,
                        per_host=policy.per_host,
                        timeout=policy.timeout,
                        force=force,
                        publisher=publisher,
                        limit=limit,
                    )

            summary = asyncio.run(run())
    except RegistryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(
        f"{summary.urls} URLs: {summary.checked} checked, {summary.ok} ok, "
        f"{summary.broken} broken; {summary.skipped_fresh} skipped as fresh "
        f"(checked within {days:g} days)"
    )
    for kind, count in summary.errors.most_common():
        typer.echo(f"  {kind}: {count}")
