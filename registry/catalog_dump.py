"""The whole catalogue at once: JSON Lines or DCAT, streamed a batch of records at a time so
memory stays flat however large the catalogue; and as one graph, for SHACL validation."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph
from sqlalchemy import func, select
from sqlmodel import Session

from registry.config import Settings
from registry.feed import catalog_info
from registry.loading import export_lines
from registry.record_views import iter_record_views
from schemas import Dataset
from schemas.common import utc
from schemas.dcat import to_graph, write


def _pks(session: Session, limit: int | None = None) -> list[int]:
    statement = select(Dataset.pk).order_by(Dataset.pk)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.execute(statement).scalars())


def dump_lines(*, session: Session, settings: Settings, fmt: str, profile: str) -> Iterator[str]:
    """Every record, as JSON Lines (``jsonl``) or a DCAT catalogue in ``fmt``."""
    if fmt == "jsonl":
        for line in export_lines(session=session):
            yield line + "\n"
        return
    modified = utc(session.execute(select(func.max(Dataset.updated_at))).scalar())
    records = iter_record_views(session=session, pks=_pks(session))
    yield from write(
        records,
        fmt,
        base_uri=settings.base_uri,
        profile=profile,
        catalog=catalog_info(settings, modified),
    )


def catalogue_graph(
    *, session: Session, settings: Settings, profile: str, limit: int | None = None
) -> Graph:
    """The catalogue as one rdflib graph (the reference path; fine for validation)."""
    modified = utc(session.execute(select(func.max(Dataset.updated_at))).scalar())
    records = iter_record_views(session=session, pks=_pks(session, limit))
    return to_graph(
        records,
        base_uri=settings.base_uri,
        profile=profile,
        catalog=catalog_info(settings, modified),
    )
