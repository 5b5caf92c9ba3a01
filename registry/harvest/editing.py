"""Harvest sources made and changed by people (admins), checked before they are saved: the
kind must name a harvester, and the options must be ones that harvester accepts."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

import harvesters
from registry.errors import Conflict, Unprocessable
from registry.harvest.sources import get_source
from schemas import HarvestSource, HarvestSourceCreate, HarvestSourceUpdate, describe_errors
from schemas.common import now


def check_source(kind: str, options: dict[str, Any]) -> None:
    """422 unless ``kind`` is a harvester and ``options`` validate against its options."""
    try:
        harvester = harvesters.load(kind)
    except harvesters.UnknownHarvester as exc:
        raise Unprocessable(f"kind: {exc}") from None
    try:
        harvester.Options.model_validate(options)
    except ValidationError as exc:
        problems = [f"options.{p}" for p in describe_errors(exc)]
        raise Unprocessable("; ".join(problems), detail=problems) from None


def create_source(
    *, session: Session, source: HarvestSourceCreate, by: str | None = None
) -> HarvestSource:
    if session.get(HarvestSource, source.name) is not None:
        raise Conflict(f"there is already a harvest source named {source.name!r}")
    check_source(source.kind, source.options)
    row = HarvestSource(
        name=source.name,
        kind=source.kind,
        url=str(source.url),
        title=source.title,
        options=source.options,
        enabled=source.enabled,
        edited_by=by,
        edited_at=now() if by else None,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def update_source(
    *, session: Session, name: str, changes: HarvestSourceUpdate, by: str | None = None
) -> HarvestSource:
    """Change a source; a person's change (``by``) of its URL, title or options is marked, so
    seeding from the sources file never undoes it (:func:`~registry.harvest.sources.seed_sources`).
    """
    row = get_source(session=session, name=name)
    values = changes.model_dump(exclude_unset=True)
    if values.get("url") is not None:
        values["url"] = str(changes.url)
    for key in ("url", "title", "options", "enabled"):
        if key in values and values[key] is None:
            raise Unprocessable(f"{key}: may not be null")
    check_source(row.kind, values.get("options", row.options))
    for key, value in values.items():
        setattr(row, key, value)
    if by and values.keys() & {"url", "title", "options"}:
        row.edited_by, row.edited_at = by, now()
    session.add(row)
    session.commit()
    session.refresh(row)
    return row
