"""What people set on one dataset, as its page and the API show it: each curated field with
the source's own value beside it, and the coverage statements a person removed."""

from __future__ import annotations

from sqlmodel import Session

from registry.curation.overlay import EDITABLE, STATUS
from schemas import CuratedField, DatasetCuration, SuppressedStatement


def curation_details(
    *, session: Session, dataset_id: str
) -> tuple[list[CuratedField], list[SuppressedStatement]]:
    curation = session.get(DatasetCuration, dataset_id)
    if curation is None:
        return [], []
    fields = [
        CuratedField(
            field=name,
            value=value,
            harvested=curation.harvested.get(name),
            from_source=name in curation.harvested,
        )
        for name, value in sorted(curation.fields.items())
        if name in EDITABLE or name == STATUS
    ]
    suppressed = [SuppressedStatement(scheme=s, concept=c) for s, c in curation.suppressed]
    return fields, suppressed
