"""Metadata quality on the data.europa.eu MQA points: one dataset's, explained point by point,
and summaries per publisher with what each could gain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from registry.api.deps import SessionDep
from registry.quality.assessments import dataset_quality
from registry.quality.publishers import SORTS, one_publisher_quality, publisher_quality

router = APIRouter(prefix="/api", tags=["quality"])


@router.get("/datasets/{dataset_id}/quality", summary="One dataset's metadata quality")
def dataset_quality_route(dataset_id: str, session: SessionDep) -> dict[str, Any]:
    """The dataset's MQA score (of 405), band (bad, sufficient, good, excellent), points per
    dimension, and every indicator with the points earned, why, and what would earn the rest.
    The two link indicators use the link checker's last answers (``registry check-links``);
    ``links`` lists each URL with its answer and date (null: never checked)."""
    return dataset_quality(session=session, dataset_id=dataset_id)


@router.get("/quality/publishers", summary="Metadata quality per publisher")
def publishers_quality(
    session: SessionDep,
    publisher: Annotated[str | None, Query(max_length=200)] = None,
    sort: Annotated[str, Query(pattern=f"^({'|'.join(SORTS)})$")] = "gain",
) -> dict[str, Any]:
    """For each publisher with active datasets: how many, mean and median MQA score, datasets
    per band, and the indicators ranked by the points they would gain (``points_to_gain``:
    summed over the datasets missing each; ``per_dataset``: that sum over all the publisher's
    datasets), each with its advice. ``sort``: ``gain`` (most to gain first), ``score``
    (lowest mean first), ``-score`` or ``name``."""
    found = publisher_quality(session=session, publisher=publisher, sort=sort)
    return {"total": len(found), "publishers": found}


@router.get("/quality/publishers/{publisher_id}", summary="One publisher's metadata quality")
def publisher_quality_route(publisher_id: str, session: SessionDep) -> dict[str, Any]:
    """The same summary for one organisation (404 if there is no such organisation)."""
    return one_publisher_quality(session=session, publisher=publisher_id)
