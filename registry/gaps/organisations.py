"""Organisation coverage: which live organisations publish current data about their own leaders.

For each organisation type and each sector of the organisations register, the share of live
organisations with *leader-level* data published in the last 12 months, and the list of those
without. Read in two plain queries (the register, and one row per publisher of leader-level
data), whatever the number of organisations. For one organisation's page: whether it has such
data (:func:`leader_data`) and the matrix cells its datasets cover (:func:`organisation_cells`).
The definitions are in ``docs/gap-method.md``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import exists, func, select
from sqlmodel import Session

import vocab
from registry.errors import UnknownFilter
from registry.gaps import GapQuery, gap_cells, gap_rows, today
from registry.gaps.cache import CatalogueCache
from registry.gaps.facts import read_facts
from registry.gaps.matrix import Priorities, levels, placements
from schemas import Coverage, Dataset, Organisation, RecordStatus

# The harmonised levels whose data is about leaders: a grade statement rolling up to one of
# them makes a dataset leader-level (middle managers and the workforce do not).
LEADERSHIP_LEVELS: tuple[str, ...] = (
    "head-of-organisation",
    "executive",
    "board-non-executive",
    "senior-manager",
)
# "Published in the last 12 months": the dataset's latest date is at most this old.
CURRENT_WITHIN_DAYS = 365
LIVE = "live"  # the organisation's GOV.UK status


@cache
def leadership_grades() -> tuple[str, ...]:
    """Every grade concept (levels and sector grades) that rolls up to a leadership level."""
    return tuple(
        c.notation
        for c in vocab.load("grade")
        if any(level in LEADERSHIP_LEVELS for level in levels(c.notation))
    )


def organisation_coverage(
    *,
    session: Session,
    on: date | None = None,
    organisation_type: str | None = None,
    sector: str | None = None,
) -> dict[str, Any]:
    """Shares of live organisations with current leader-level data, in total, per type and per
    sector, and the organisations without (with the date of their latest leader-level data
    when they have some, older than 12 months)."""
    _check(organisation_type, sector)
    on = on or today()
    since = on - timedelta(days=CURRENT_WITHIN_DAYS)
    organisations = [
        row
        for row in session.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.organisation_type,
                Organisation.sectors,
            ).where(Organisation.status == LIVE)
        ).all()
        if (organisation_type is None or row.organisation_type == organisation_type)
        and (sector is None or sector in (row.sectors or []))
    ]
    latest = _latest_leader_data(session)
    current = {o.id for o in organisations if (latest.get(o.id) or date.min) >= since}

    by_type: dict[str | None, list[str]] = {}
    by_sector: dict[str, list[str]] = {}
    for o in organisations:
        by_type.setdefault(o.organisation_type, []).append(o.id)
        for s in dict.fromkeys(o.sectors or []):
            by_sector.setdefault(s, []).append(o.id)
    without = sorted(
        (o for o in organisations if o.id not in current), key=lambda o: (o.name.lower(), o.id)
    )
    return {
        "on": on.isoformat(),
        "since": since.isoformat(),
        "filters": {"organisation_type": organisation_type, "sector": sector},
        "leadership_levels": list(LEADERSHIP_LEVELS),
        "total": _share([o.id for o in organisations], current),
        "by_type": [
            {
                "organisation_type": t,
                "label": _label("organisation-type", t),
                **_share(ids, current),
            }
            for t, ids in _in_vocabulary_order("organisation-type", by_type)
        ],
        "by_sector": [
            {"sector": s, "label": _label("sector", s), **_share(ids, current)}
            for s, ids in _in_vocabulary_order("sector", by_sector)
        ],
        "without": [
            {
                "id": o.id,
                "name": o.name,
                "organisation_type": o.organisation_type,
                "sectors": list(o.sectors or []),
                "latest_leader_data": d.isoformat() if (d := latest.get(o.id)) else None,
            }
            for o in without
        ],
    }


def leader_data(
    *, session: Session, organisation_id: str, on: date | None = None
) -> dict[str, Any]:
    """Whether one organisation has leader-level data published in the last 12 months (the
    test :func:`organisation_coverage` applies to every live organisation), and the date of
    its latest."""
    on = on or today()
    since = on - timedelta(days=CURRENT_WITHIN_DAYS)
    latest = _latest_leader_data(session, publisher=organisation_id).get(organisation_id)
    return {
        "on": on.isoformat(),
        "since": since.isoformat(),
        "latest": latest.isoformat() if latest else None,
        "current": latest is not None and latest >= since,
        "leadership_levels": list(LEADERSHIP_LEVELS),
    }


def organisation_cells(
    *,
    session: Session,
    organisation_id: str,
    on: date | None = None,
    priorities: Priorities | None = None,
    cache: CatalogueCache | None = None,
) -> list[dict[str, Any]]:
    """The gap matrix cells (harmonised grades) the organisation's active datasets are
    evidence for, in matrix order: each with the whole matrix's score and band, and how many
    of its datasets are behind it. The placements are the matrix's own
    (:func:`registry.gaps.matrix.placements`), so a page and the heatmap agree."""
    pks = session.execute(
        select(Dataset.pk).where(
            Dataset.publisher_id == organisation_id,
            Dataset.status == RecordStatus.active.value,
        )
    ).scalars()
    own: dict[tuple[str, str, str], int] = {}
    for facts in read_facts(session=session, pks=list(pks)):
        for key in dict.fromkeys(key for key, _, _ in placements(facts)):
            own[key] = own.get(key, 0) + 1
    if not own:
        return []
    cells = gap_cells(session=session, query=GapQuery(), on=on, priorities=priorities, cache=cache)
    return [
        {**gap_rows([c])[0], "own_datasets": own[(c.sector, c.grade, c.attribute)]}
        for c in cells
        if (c.sector, c.grade, c.attribute) in own
    ]


def _latest_leader_data(session: Session, publisher: str | None = None) -> dict[str, date]:
    """Each publisher's (or one publisher's) latest date (modified, issued or end of period)
    over its active leader-level datasets: one grouped query."""
    leader_level = exists().where(
        Coverage.dataset_id == Dataset.id,
        Coverage.scheme == "grade",
        Coverage.concept.in_(leadership_grades()),  # type: ignore[attr-defined]
    )
    rows = session.execute(
        select(
            Dataset.publisher_id,
            func.max(Dataset.modified),
            func.max(Dataset.issued),
            func.max(Dataset.temporal_end),
        )
        .where(
            Dataset.status == RecordStatus.active.value,
            Dataset.publisher_id.is_not(None)  # type: ignore[union-attr]
            if publisher is None
            else Dataset.publisher_id == publisher,
            leader_level,
        )
        .group_by(Dataset.publisher_id)
    ).all()
    found = {}
    for publisher, *values in rows:
        days = [_day(v) for v in values if v is not None]
        if days:
            found[publisher] = max(days)
    return found


def _share(ids: list[str], current: set[str]) -> dict[str, Any]:
    with_data = sum(1 for i in ids if i in current)
    return {
        "organisations": len(ids),
        "with_data": with_data,
        "share": round(with_data / len(ids), 3) if ids else None,
    }


def _in_vocabulary_order(scheme: str, groups: dict) -> list[tuple[Any, list[str]]]:
    """Groups in the vocabulary's order; values it lacks (or none) after, by name."""
    order = {c.notation: i for i, c in enumerate(vocab.load(scheme))}
    return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0] or "~"))


def _label(scheme: str, notation: str | None) -> str | None:
    concept = vocab.load(scheme).get(notation) if notation else None
    return concept.pref_label if concept else notation


def _check(organisation_type: str | None, sector: str | None) -> None:
    for scheme, value in (("organisation-type", organisation_type), ("sector", sector)):
        if value is not None and value not in vocab.load(scheme):
            raise UnknownFilter(f"{scheme} {value!r} is not in the {scheme} vocabulary")


def _day(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
