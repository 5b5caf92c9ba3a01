"""The editor's review of the public's suggestions: list the pending ones, accept one as a
dataset record, or reject one with a reason (:mod:`registry.suggestions`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registry.api.deps import EditorDep, SessionDep
from registry.suggestions import accept_suggestion, list_suggestions, reject_suggestion
from schemas import SuggestionPublic, SuggestionStatus
from schemas.common import Identifier

router = APIRouter(prefix="/api/suggestions", tags=["suggestions"])
ERRORS: dict[int | str, dict] = {
    401: {"description": "No valid API token"},
    403: {"description": "The token's user may not review suggestions"},
    404: {"description": "No such suggestion"},
    409: {"description": "Already decided, or the dataset id is taken"},
    422: {"description": "The body does not validate"},
}


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset_id: Identifier | None = Field(
        default=None, description="The new dataset's id (default: made from its title)"
    )


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


@router.get(
    "",
    response_model=list[SuggestionPublic],
    summary="Suggestions to review (editor); pending by default, oldest first",
    responses=ERRORS,
)
def suggestions(
    _editor: EditorDep,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(pending|accepted|rejected|all)$")] = "pending",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[SuggestionPublic]:
    chosen = None if status == "all" else SuggestionStatus(status)
    return list_suggestions(session=session, status=chosen, limit=limit)


@router.post(
    "/{suggestion_id}/accept",
    response_model=SuggestionPublic,
    summary="Accept a pending suggestion as a dataset record (editor)",
    responses=ERRORS,
)
def accept(
    suggestion_id: int, editor: EditorDep, session: SessionDep, body: AcceptIn | None = None
) -> SuggestionPublic:
    done = accept_suggestion(
        session=session,
        suggestion_id=suggestion_id,
        by=editor.name,
        dataset_id=body.dataset_id if body else None,
    )
    session.commit()
    return done


@router.post(
    "/{suggestion_id}/reject",
    response_model=SuggestionPublic,
    summary="Reject a pending suggestion, with a reason (editor)",
    responses=ERRORS,
)
def reject(
    suggestion_id: int, body: RejectIn, editor: EditorDep, session: SessionDep
) -> SuggestionPublic:
    done = reject_suggestion(
        session=session, suggestion_id=suggestion_id, by=editor.name, reason=body.reason
    )
    session.commit()
    return done
