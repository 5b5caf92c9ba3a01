"""``/api/organisations``: the publishers and the bodies whose leaders the data describes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

import vocab
from registry import queries
from registry.api.deps import SessionDep
from registry.errors import UnknownFilter
from schemas import OrganisationPublic

router = APIRouter(prefix="/api", tags=["organisations"])


@router.get("/organisations", response_model=list[OrganisationPublic], summary="Organisations")
def list_organisations(
    session: SessionDep,
    sector: Annotated[str | None, Query(max_length=100, description="a sector notation")] = None,
    organisation_type: Annotated[
        str | None, Query(max_length=100, description="a GOV.UK organisation type")
    ] = None,
) -> list[OrganisationPublic]:
    """Every organisation, by name, with how many active datasets each publishes."""
    if sector and sector not in vocab.load("sector"):
        raise UnknownFilter(f"sector {sector!r} is not in the sector vocabulary")
    if organisation_type and organisation_type not in vocab.load("organisation-type"):
        raise UnknownFilter(
            f"organisation_type {organisation_type!r} is not in the organisation-type vocabulary"
        )
    return queries.list_organisations(
        session=session, sector=sector, organisation_type=organisation_type
    )


@router.get(
    "/organisations/{organisation_id}", response_model=OrganisationPublic, summary="Organisation"
)
def get_organisation(organisation_id: str, session: SessionDep) -> OrganisationPublic:
    return queries.get_organisation(session=session, organisation_id=organisation_id)
