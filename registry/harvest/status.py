"""Reading harvest state: sources with their latest run, and one run with its items."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from registry.errors import NotFound
from schemas import (
    HarvestItem,
    HarvestItemPublic,
    HarvestRecord,
    HarvestRun,
    HarvestRunPublic,
    HarvestSource,
    HarvestSourcePublic,
)


class SourceStatus(HarvestSourcePublic):
    last_run: HarvestRunPublic | None = None
    last_success: HarvestRunPublic | None = None
    records: int = 0


class RunDetail(HarvestRunPublic):
    items: list[HarvestItemPublic]
    items_total: int


def source_statuses(*, session: Session) -> list[SourceStatus]:
    records = dict(
        session.execute(
            select(HarvestRecord.source_name, func.count())
            .where(HarvestRecord.status == "active")
            .group_by(HarvestRecord.source_name)
        ).all()
    )
    out = []
    for source in session.execute(select(HarvestSource).order_by(HarvestSource.name)).scalars():
        out.append(
            SourceStatus(
                **HarvestSourcePublic.model_validate(source, from_attributes=True).model_dump(),
                last_run=_latest(session, source.name, None),
                last_success=_latest(session, source.name, "succeeded"),
                records=records.get(source.name, 0),
            )
        )
    return out


def _latest(session: Session, name: str, status: str | None) -> HarvestRunPublic | None:
    statement = select(HarvestRun).where(HarvestRun.source_name == name)
    if status:
        statement = statement.where(HarvestRun.status == status)
    run = session.execute(statement.order_by(HarvestRun.id.desc())).scalar()
    return HarvestRunPublic.model_validate(run, from_attributes=True) if run else None


def run_detail(
    *, session: Session, run_id: int, state: str | None = None, limit: int = 1000
) -> RunDetail:
    run = session.get(HarvestRun, run_id)
    if run is None:
        raise NotFound(f"no harvest run {run_id}")
    statement = select(HarvestItem).where(HarvestItem.run_id == run_id)
    if state:
        statement = statement.where(HarvestItem.state == state)
    total = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    items = session.execute(statement.order_by(HarvestItem.id).limit(limit)).scalars()
    return RunDetail(
        **HarvestRunPublic.model_validate(run, from_attributes=True).model_dump(),
        items=[HarvestItemPublic.model_validate(i) for i in items],
        items_total=total,
    )


def dataset_sources(*, session: Session, dataset_id: str) -> list[HarvestRecord]:
    """Where a dataset was harvested from: each source's record of it (guid, first and last
    seen, last run), newest sighting first; empty for loaded records."""
    return list(
        session.execute(
            select(HarvestRecord)
            .where(HarvestRecord.dataset_id == dataset_id)
            .order_by(HarvestRecord.last_seen_at.desc())
        ).scalars()
    )
