"""Writes to dataset records by people (editors and admins), and every record's history.

Every write but a create needs ``If-Match`` with the ETag from ``GET /api/datasets/{id}``
(428 without; 412 when the record changed since, and nothing is written). Each answers with
the record as it now stands and its new ETag.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registry import history, queries
from registry.api.deps import EditorDep, IfMatchDep, SessionDep, SettingsDep, UserDep, etag
from registry.curation import edits
from registry.curation.restore import restore
from schemas import (
    CoverageScheme,
    DatasetCreate,
    DatasetPublic,
    DatasetUpdate,
    DistributionCreate,
    DistributionUpdate,
    HistoryPage,
    RecordStatus,
    Role,
    VersionDetail,
)

router = APIRouter(prefix="/api", tags=["curation"])
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ReasonQuery = Annotated[Reason, Query(description="Why (kept in the record's history)")]
WRITE_ERRORS: dict[int | str, dict] = {
    401: {"description": "No valid API token"},
    403: {"description": "The token's user may not edit records"},
    404: {"description": "No such dataset"},
    412: {"description": "The dataset changed since the If-Match version; nothing written"},
    422: {"description": "The change does not validate"},
    428: {"description": "No If-Match"},
}


class DatasetNew(DatasetCreate):
    reason: Reason | None = None


class DatasetPatch(DatasetUpdate):
    reason: Reason | None = None


class DistributionNew(DistributionCreate):
    reason: Reason | None = None


class DistributionPatch(DistributionUpdate):
    reason: Reason | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason


class CoverageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scheme: CoverageScheme
    concept: str = Field(max_length=100)
    reason: Reason
    note: str | None = Field(default=None, max_length=1000)


class RestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    reason: Reason


class Me(BaseModel):
    name: str
    role: Role


def _answer(session, settings, response: Response, dataset_id: str, version: int):
    response.headers["ETag"] = etag(version)
    return queries.get_dataset(session=session, dataset_id=dataset_id, base_uri=settings.base_uri)


@router.get("/me", response_model=Me, summary="Who the token belongs to", tags=["accounts"])
def me(user: UserDep) -> Me:
    return Me(name=user.name, role=Role(user.role))


@router.post(
    "/datasets",
    response_model=DatasetPublic,
    status_code=201,
    summary="Add a dataset (editor)",
    responses={**WRITE_ERRORS, 409: {"description": "A dataset with that id exists"}},
)
def create_dataset(
    body: DatasetNew,
    user: EditorDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    """A record made by a person: its fields and coverage are curated (provenance ``curated``)."""
    record = DatasetCreate.model_validate(body.model_dump(exclude={"reason"}, exclude_unset=True))
    version = edits.create_dataset(
        session=session, record=record, actor=user.name, reason=body.reason
    )
    response.headers["Location"] = f"{settings.base_uri}/api/datasets/{record.id}"
    return _answer(session, settings, response, record.id, version)


@router.patch(
    "/datasets/{dataset_id}",
    response_model=DatasetPublic,
    summary="Change a dataset's fields (editor)",
    responses=WRITE_ERRORS,
)
def update_dataset(
    dataset_id: str,
    body: DatasetPatch,
    user: EditorDep,
    expected: IfMatchDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    """The fields given become curated: a harvest keeps the source's value beside them but never
    shows it in their place. ``null`` clears a field."""
    changes = DatasetUpdate.model_validate(body.model_dump(exclude={"reason"}, exclude_unset=True))
    version = edits.update_dataset(
        session=session,
        dataset_id=dataset_id,
        changes=changes,
        actor=user.name,
        expected_version=expected,
        reason=body.reason,
    )
    return _answer(session, settings, response, dataset_id, version)


def _status_route(status: RecordStatus):
    def change(
        dataset_id: str,
        body: StatusChange,
        user: EditorDep,
        expected: IfMatchDep,
        session: SessionDep,
        settings: SettingsDep,
        response: Response,
    ) -> DatasetPublic:
        version = edits.set_status(
            session=session,
            dataset_id=dataset_id,
            status=status,
            actor=user.name,
            expected_version=expected,
            reason=body.reason,
        )
        return _answer(session, settings, response, dataset_id, version)

    return change


router.post(
    "/datasets/{dataset_id}/withdraw",
    response_model=DatasetPublic,
    summary="Withdraw a dataset (editor); it stays withdrawn whatever a harvest finds",
    responses=WRITE_ERRORS,
)(_status_route(RecordStatus.withdrawn))
router.post(
    "/datasets/{dataset_id}/reinstate",
    response_model=DatasetPublic,
    summary="Make a withdrawn dataset active again (editor)",
    responses=WRITE_ERRORS,
)(_status_route(RecordStatus.active))


@router.post(
    "/datasets/{dataset_id}/distributions",
    response_model=DatasetPublic,
    status_code=201,
    summary="Add a distribution (editor)",
    responses=WRITE_ERRORS,
)
def add_distribution(
    dataset_id: str,
    body: DistributionNew,
    user: EditorDep,
    expected: IfMatchDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    """The dataset's distributions become curated as a whole (the source's list is kept
    beside them)."""
    distribution = DistributionCreate.model_validate(
        body.model_dump(exclude={"reason"}, exclude_unset=True)
    )
    version = edits.add_distribution(
        session=session,
        dataset_id=dataset_id,
        distribution=distribution,
        actor=user.name,
        expected_version=expected,
        reason=body.reason,
    )
    return _answer(session, settings, response, dataset_id, version)


@router.patch(
    "/datasets/{dataset_id}/distributions/{distribution_id}",
    response_model=DatasetPublic,
    summary="Change a distribution (editor)",
    responses=WRITE_ERRORS,
)
def update_distribution(
    dataset_id: str,
    distribution_id: str,
    body: DistributionPatch,
    user: EditorDep,
    expected: IfMatchDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    changes = DistributionUpdate.model_validate(
        body.model_dump(exclude={"reason"}, exclude_unset=True)
    )
    version = edits.update_distribution(
        session=session,
        dataset_id=dataset_id,
        distribution_id=distribution_id,
        changes=changes,
        actor=user.name,
        expected_version=expected,
        reason=body.reason,
    )
    return _answer(session, settings, response, dataset_id, version)


@router.delete(
    "/datasets/{dataset_id}/distributions/{distribution_id}",
    response_model=DatasetPublic,
    summary="Remove a distribution (editor)",
    responses=WRITE_ERRORS,
)
def remove_distribution(
    dataset_id: str,
    distribution_id: str,
    reason: ReasonQuery,
    user: EditorDep,
    expected: IfMatchDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    version = edits.remove_distribution(
        session=session,
        dataset_id=dataset_id,
        distribution_id=distribution_id,
        actor=user.name,
        expected_version=expected,
        reason=reason,
    )
    return _answer(session, settings, response, dataset_id, version)


@router.post(
    "/datasets/{dataset_id}/coverage",
    response_model=DatasetPublic,
    status_code=201,
    summary="Add a coverage statement (editor; provenance curated)",
    responses=WRITE_ERRORS,
)
def add_coverage(
    dataset_id: str,
    body: CoverageIn,
    user: EditorDep,
    expected: IfMatchDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    version = edits.add_coverage(
        session=session,
        dataset_id=dataset_id,
        scheme=body.scheme.value,
        concept=body.concept,
        note=body.note,
        reason=body.reason,
        actor=user.name,
        expected_version=expected,
    )
    return _answer(session, settings, response, dataset_id, version)


@router.delete(
    "/datasets/{dataset_id}/coverage/{scheme}/{concept}",
    response_model=DatasetPublic,
    summary="Remove a coverage statement (editor); a harvest never brings it back",
    responses=WRITE_ERRORS,
)
def remove_coverage(
    dataset_id: str,
    scheme: CoverageScheme,
    concept: str,
    reason: ReasonQuery,
    user: EditorDep,
    expected: IfMatchDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    version = edits.remove_coverage(
        session=session,
        dataset_id=dataset_id,
        scheme=scheme.value,
        concept=concept,
        reason=reason,
        actor=user.name,
        expected_version=expected,
    )
    return _answer(session, settings, response, dataset_id, version)


@router.get(
    "/datasets/{dataset_id}/history",
    response_model=HistoryPage,
    summary="A dataset's versions, newest first",
)
def dataset_history(
    dataset_id: str,
    session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HistoryPage:
    """Every change, harvested or curated: who (a user, or ``harvest:<source>`` with the run),
    when, why, and what changed, field by field."""
    return history.history(session=session, dataset_id=dataset_id, page=page, size=size)


@router.get(
    "/datasets/{dataset_id}/history/{version}",
    response_model=VersionDetail,
    summary="One version of a dataset, with the record as it then stood",
)
def dataset_version(dataset_id: str, version: int, session: SessionDep) -> VersionDetail:
    return history.get_version(session=session, dataset_id=dataset_id, version=version)


@router.post(
    "/datasets/{dataset_id}/restore",
    response_model=DatasetPublic,
    summary="Restore an earlier version (editor), as a new curated version",
    responses=WRITE_ERRORS,
)
def restore_version(
    dataset_id: str,
    body: RestoreIn,
    user: EditorDep,
    expected: IfMatchDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> DatasetPublic:
    version = restore(
        session=session,
        dataset_id=dataset_id,
        version=body.version,
        actor=user.name,
        expected_version=expected,
        reason=body.reason,
    )
    return _answer(session, settings, response, dataset_id, version)
