"""A dataset's history page (``/datasets/{id}/history``): every version, newest first, with who,
when, why and what changed, field by field; an editor may restore an earlier version (a new
curated version, with a reason, made against the version the page showed)."""

from __future__ import annotations

from math import ceil
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from registry import history, queries
from registry.api.deps import SessionDep, SettingsDep
from registry.config import Settings
from registry.curation.restore import restore
from registry.errors import NotFound, PreconditionFailed, Unprocessable
from registry.records import label
from registry.web.edit_view import NAMES, reason_error
from registry.web.routing import PageRoute
from registry.web.session import editor_form, one, signed_in
from registry.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 10
ACTIONS = {
    "create": "Created",
    "update": "Changed",
    "withdraw": "Withdrawn",
    "reinstate": "Reinstated",
}
VOCABULARY_FIELDS = {"licence": "licence", "accrual_periodicity": "frequency"}


def change_rows(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """A version's diff as rows for a summary list: what, before, after (in words)."""
    rows = []
    for name, change in diff.items():
        what = NAMES.get(name, name.replace("_", " ").capitalize())
        if name == "coverage":
            added = [_statement(s) for s in change.get("added", [])]
            removed = [_statement(s) for s in change.get("removed", [])]
            rows.append({"what": "Coverage", "added": added, "removed": removed})
        elif name == "distributions":
            added = [d.get("title") or d.get("access_url") or d.get("id") for d in change["added"]]
            removed = [
                d.get("title") or d.get("access_url") or d.get("id") for d in change["removed"]
            ]
            changed = [
                f"{d}: {', '.join(fields)}" for d, fields in change.get("changed", {}).items()
            ]
            rows.append({"what": what, "added": added, "removed": removed, "changed": changed})
        else:
            rows.append(
                {
                    "what": what,
                    "old": _value(name, change.get("old")),
                    "new": _value(name, change.get("new")),
                }
            )
    return rows


def _statement(s: dict[str, Any]) -> str:
    text = f"{s['scheme']} {label(s['scheme'], s['concept'])} ({s['provenance']})"
    return text + (f": {s['note']}" if s.get("note") else "")


def _value(name: str, value: Any) -> Any:
    if name in VOCABULARY_FIELDS and isinstance(value, str):
        return label(VOCABULARY_FIELDS[name], value)
    return value


def history_page(
    request: Request,
    *,
    session: Session,
    settings: Settings,
    dataset_id: str,
    page: int,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    record = queries.get_dataset(session=session, dataset_id=dataset_id, base_uri=settings.base_uri)
    found = history.history(session=session, dataset_id=dataset_id, page=page, size=PAGE_SIZE)
    pages = max(1, ceil(found.total / PAGE_SIZE))
    response = render(
        request,
        "history.html.j2",
        status_code=status_code,
        record=record,
        found=found,
        pages=pages,
        current=history.current_version(session=session, dataset_id=dataset_id),
        versions=[
            {
                "v": v,
                "action": ACTIONS.get(v.action, v.action.capitalize()),
                "rows": change_rows(v.diff),
                "field": f"restore-{v.version}",
            }
            for v in found.versions
        ],
        who=signed_in(request),
        errors=errors or {},
        kept=kept or {},
        restored=request.query_params.get("restored"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/datasets/{dataset_id}/history", response_class=HTMLResponse)
def history_view(
    dataset_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    return history_page(
        request, session=session, settings=settings, dataset_id=dataset_id, page=page
    )


@router.post("/datasets/{dataset_id}/restore", response_class=HTMLResponse)
async def restore_version(
    dataset_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    who, form = await editor_form(request)
    target, reason, loaded = one(form, "target"), one(form, "reason"), one(form, "version")
    page = int(one(form, "page")) if one(form, "page").isdigit() else 1
    field = f"restore-{target}"
    problem = reason_error(reason)
    if not target.isdigit() or len(target) > 12:
        raise NotFound("there is no such version to restore")

    def run() -> Response:
        errors: dict[str, str] = {}
        if problem:
            errors[field] = problem
        else:
            try:
                version = restore(
                    session=session,
                    dataset_id=dataset_id,
                    version=int(target),
                    actor=who.name,
                    expected_version=int(loaded) if loaded.isdigit() and len(loaded) < 12 else 0,
                    reason=reason,
                )
            except PreconditionFailed:
                session.rollback()
                errors["stale"] = (
                    "Someone else changed this record since you opened it: reload the page "
                    "to see their change"
                )
            except Unprocessable as exc:
                session.rollback()
                errors[field] = exc.message
            else:
                return RedirectResponse(
                    f"/datasets/{dataset_id}/history?restored={version}", status_code=303
                )
        return history_page(
            request,
            session=session,
            settings=settings,
            dataset_id=dataset_id,
            page=page,
            errors=errors,
            kept={field: reason},
            status_code=412 if "stale" in errors else 422,
        )

    return await run_in_threadpool(run)
