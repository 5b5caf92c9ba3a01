"""Datasets suggested by the public: stored pending, reviewed by an editor, accepted as a
dataset record or rejected with a reason.

A pending suggestion lives only in its own table, so it is in no search, feed or gap cell until
it is accepted; accepting makes an ordinary dataset (``source_name`` ``suggestion``) whose
coverage statements are ``curated``. Functions are keyword-only and session-first, shared by
the API, the pages and the CLI; the caller commits.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlmodel import Session

from registry.errors import Conflict, NotFound, Unprocessable
from registry.store import upsert_datasets
from schemas import (
    CoverageCreate,
    Dataset,
    DatasetCreate,
    Organisation,
    Provenance,
    Suggestion,
    SuggestionCreate,
    SuggestionPublic,
    SuggestionStatus,
)
from schemas.common import now

SOURCE = "suggestion"  # the source_name of the datasets suggestions become
SLUG_MAX = 80


def create_suggestion(*, session: Session, record: SuggestionCreate) -> Suggestion:
    """Store a suggestion as pending. A publisher that names a known organisation (by id, or
    by name in any case) is linked to it; any other text is kept as written."""
    suggestion = Suggestion(
        title=record.title,
        link=str(record.link),
        publisher=record.publisher,
        publisher_id=_organisation_named(session, record.publisher),
        description=record.description,
        sectors=list(dict.fromkeys(record.sectors)),
        grades=list(dict.fromkeys(record.grades)),
        attributes=list(dict.fromkeys(record.attributes)),
        contact=str(record.contact) if record.contact else None,
    )
    session.add(suggestion)
    session.flush()
    return suggestion


def _organisation_named(session: Session, text: str) -> str | None:
    if session.get(Organisation, text) is not None:
        return text
    return session.execute(
        select(Organisation.id).where(func.lower(Organisation.name) == text.lower()).limit(1)  # type: ignore[arg-type]
    ).scalar_one_or_none()


def list_suggestions(
    *,
    session: Session,
    status: SuggestionStatus | None = SuggestionStatus.pending,
    limit: int = 100,
) -> list[SuggestionPublic]:
    """Suggestions with ``status`` (None: all), oldest first: the review queue's order."""
    query = select(Suggestion).order_by(Suggestion.created_at, Suggestion.id)  # type: ignore[arg-type]
    if status is not None:
        query = query.where(Suggestion.status == status.value)  # type: ignore[arg-type]
    rows = session.execute(query.limit(limit)).scalars()
    return [SuggestionPublic.model_validate(row, from_attributes=True) for row in rows]


def get_suggestion(*, session: Session, suggestion_id: int) -> SuggestionPublic:
    return SuggestionPublic.model_validate(
        _pending_or_any(session, suggestion_id), from_attributes=True
    )


def _pending_or_any(session: Session, suggestion_id: int, *, pending: bool = False) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFound(f"no suggestion {suggestion_id}")
    if pending and suggestion.status != SuggestionStatus.pending.value:
        raise Conflict(
            f"suggestion {suggestion_id} is already {suggestion.status}"
            + (f" (dataset {suggestion.dataset_id})" if suggestion.dataset_id else "")
        )
    return suggestion


def accept_suggestion(
    *, session: Session, suggestion_id: int, by: str, dataset_id: str | None = None
) -> SuggestionPublic:
    """Make the pending suggestion a dataset record (id ``dataset_id``, else one made from its
    title and number) and mark it accepted by ``by``. 409 when it is not pending or the id is
    taken."""
    suggestion = _pending_or_any(session, suggestion_id, pending=True)
    record = suggested_dataset(suggestion, by=by, dataset_id=dataset_id)
    if session.execute(select(Dataset.id).where(Dataset.id == record.id)).first():  # type: ignore[arg-type]
        raise Conflict(f"dataset {record.id!r} already exists; choose another id")
    upsert_datasets(
        session=session,
        records=[record],
        source_name=SOURCE,
        curated_by=by,  # the record's first version names the editor who accepted it
        reason=f"suggestion S-{suggestion_id} accepted",
    )
    _decide(suggestion, SuggestionStatus.accepted, by=by)
    suggestion.dataset_id = record.id
    session.add(suggestion)
    session.flush()
    return SuggestionPublic.model_validate(suggestion, from_attributes=True)


def reject_suggestion(
    *, session: Session, suggestion_id: int, by: str, reason: str
) -> SuggestionPublic:
    """Mark the pending suggestion rejected by ``by`` with ``reason``; nothing else changes."""
    reason = reason.strip()
    if not reason:
        raise Unprocessable("a rejection needs a reason")
    suggestion = _pending_or_any(session, suggestion_id, pending=True)
    _decide(suggestion, SuggestionStatus.rejected, by=by)
    suggestion.reason = reason[:1000]
    session.add(suggestion)
    session.flush()
    return SuggestionPublic.model_validate(suggestion, from_attributes=True)


def _decide(suggestion: Suggestion, status: SuggestionStatus, *, by: str) -> None:
    suggestion.status = status.value
    suggestion.decided_at = now()
    suggestion.decided_by = by


def suggested_dataset(
    suggestion: Suggestion, *, by: str, dataset_id: str | None = None
) -> DatasetCreate:
    """The dataset record a suggestion becomes: its title, its link as the landing page, its
    publisher when known (else the sender's words kept in the description), and a ``curated``
    coverage statement for each concept it names."""
    description = suggestion.description
    if suggestion.publisher_id is None:
        description += f"\n\nPublisher, as suggested: {suggestion.publisher}"
    note = f"suggestion {suggestion.id}, accepted by {by}"[:1000]
    coverage = [
        CoverageCreate(scheme=scheme, concept=concept, provenance=Provenance.curated, note=note)  # type: ignore[arg-type]
        for scheme, concepts in (
            ("sector", suggestion.sectors),
            ("grade", suggestion.grades),
            ("attribute", suggestion.attributes),
        )
        for concept in concepts
    ]
    return DatasetCreate(
        id=dataset_id or f"suggested-{slug(suggestion.title)}-{suggestion.id}",
        title=suggestion.title,
        description=description,
        landing_page=suggestion.link,  # type: ignore[arg-type]
        publisher=suggestion.publisher_id,
        coverage=coverage,
        source_record=f"{SOURCE}:{suggestion.id}",
    )


def slug(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (words[:SLUG_MAX].rstrip("-")) or "dataset"
