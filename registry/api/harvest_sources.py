"""``/api/harvest/sources`` writes (admins): create, edit, disable, and preview a source, saved
or not, before it runs. A preview is a dry run of its first items: nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from registry.api.deps import AdminDep, SessionDep, SettingsDep
from registry.config import Settings
from registry.harvest import editing
from registry.harvest.process import Processed
from registry.harvest.run import SourceConfig, preview_config
from registry.harvest.sources import get_source, make_client
from schemas import HarvestSourceCreate, HarvestSourcePublic, HarvestSourceUpdate

router = APIRouter(prefix="/api/harvest", tags=["harvest"])
ERRORS: dict[int | str, dict] = {
    401: {"description": "No valid API token"},
    403: {"description": "Admins only"},
    422: {"description": "Unknown kind, bad URL or options the harvester refuses"},
}
ClientFactory = Callable[[Settings, str], httpx.Client]
Limit = Annotated[int, Query(ge=1, le=50, description="How many items")]


async def get_client_factory(request: Request) -> ClientFactory:
    """How a preview reaches a source: the app's (tests put a fake transport here)."""
    return getattr(request.app.state, "harvest_client", None) or make_client


ClientFactoryDep = Annotated[ClientFactory, Depends(get_client_factory)]


class PreviewItem(BaseModel):
    guid: str
    datasets: list[dict[str, Any]] = []
    organisations: list[dict[str, Any]] = []
    withdrawn: str | None = None
    not_modified: bool = False
    stage: str | None = None
    error: str | None = None
    notes: list[str] = []


class Preview(BaseModel):
    source: str
    items: list[PreviewItem]


@router.post(
    "/sources",
    response_model=HarvestSourcePublic,
    status_code=201,
    summary="Add a harvest source (admin)",
    responses={**ERRORS, 409: {"description": "A source with that name exists"}},
)
def create_source(body: HarvestSourceCreate, admin: AdminDep, session: SessionDep) -> Any:
    return editing.create_source(session=session, source=body, by=admin.name)


@router.patch(
    "/sources/{name}",
    response_model=HarvestSourcePublic,
    summary="Change a harvest source (admin)",
    responses={**ERRORS, 404: {"description": "No such source"}},
)
def update_source(
    name: str, body: HarvestSourceUpdate, admin: AdminDep, session: SessionDep
) -> Any:
    """A changed URL, title or options is kept: seeding from the sources file at the start of
    ``registry harvest`` no longer overwrites them."""
    return editing.update_source(session=session, name=name, changes=body, by=admin.name)


@router.post(
    "/sources/{name}/disable",
    response_model=HarvestSourcePublic,
    summary="Stop harvesting a source (admin); its records stay",
    responses={**ERRORS, 404: {"description": "No such source"}},
)
def disable_source(name: str, _admin: AdminDep, session: SessionDep) -> Any:
    return editing.update_source(
        session=session, name=name, changes=HarvestSourceUpdate(enabled=False)
    )


@router.post(
    "/sources/{name}/preview",
    response_model=Preview,
    summary="Dry-run a saved source's first items (admin)",
    responses={**ERRORS, 404: {"description": "No such source"}},
)
def preview_saved(
    name: str,
    _admin: AdminDep,
    session: SessionDep,
    settings: SettingsDep,
    client_factory: ClientFactoryDep,
    limit: Limit = 5,
) -> Preview:
    source = get_source(session=session, name=name)
    config = SourceConfig(name, source.kind, source.url, dict(source.options))
    return _preview(settings, config, client_factory, limit)


@router.post(
    "/preview",
    response_model=Preview,
    summary="Dry-run a source before saving it (admin)",
    responses=ERRORS,
)
def preview_unsaved(
    body: HarvestSourceCreate,
    _admin: AdminDep,
    settings: SettingsDep,
    client_factory: ClientFactoryDep,
    limit: Limit = 5,
) -> Preview:
    editing.check_source(body.kind, body.options)
    config = SourceConfig(body.name, body.kind, str(body.url), dict(body.options))
    return _preview(settings, config, client_factory, limit)


def _preview(
    settings: Settings, config: SourceConfig, client_factory: ClientFactory, limit: int
) -> Preview:
    with client_factory(settings, config.name) as client:
        found = preview_config(settings=settings, config=config, client=client, limit=limit)
    return Preview(source=config.name, items=[_item(p) for p in found])


def _item(processed: Processed) -> PreviewItem:
    records = processed.records
    return PreviewItem(
        guid=processed.guid,
        datasets=[
            d.model_dump(
                mode="json", exclude_none=True, exclude={"distributions": {"__all__": {"profile"}}}
            )
            for d in (records.datasets if records else [])
        ],
        organisations=[
            o.model_dump(mode="json", exclude_none=True)
            for o in (records.organisations if records else [])
        ],
        withdrawn=processed.withdrawn,
        not_modified=processed.not_modified,
        stage=processed.stage,
        error=processed.error,
        notes=processed.notes,
    )
