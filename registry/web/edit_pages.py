"""The editor's pages for one dataset: ``/datasets/{id}/edit`` (its fields, its coverage with the
classifier's suggestions, withdraw or reinstate), each form posting to the curation functions
the API uses (:mod:`registry.curation.edits`) with the signed-in editor's name and a reason.

Every form carries the version the page was loaded at: a record changed since gets the error
summary "Someone else changed this record since you opened it" (412) and nothing is written.
A mistake re-renders the page, 422, with the error summary, inline messages and what was typed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from registry import history, queries
from registry.api.deps import SessionDep, SettingsDep
from registry.config import Settings
from registry.curation import edits
from registry.errors import NotFound, PreconditionFailed, Unprocessable
from registry.web import edit_view
from registry.web.routing import PageRoute
from registry.web.session import SignedIn, editor_form, one, require_editor
from registry.web.templating import render
from schemas import DatasetCuration, DatasetUpdate, RecordStatus

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STALE = "Someone else changed this record since you opened it"


def edit_page(
    request: Request,
    *,
    session: Session,
    settings: Settings,
    dataset_id: str,
    who: SignedIn,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    status_code: int = 200,
    stale: bool = False,
) -> HTMLResponse:
    """The edit page; ``values`` are the field form's (the record's when None), ``kept`` what
    was typed in the other forms, ``stale`` adds the reload link."""
    public = queries.get_dataset(session=session, dataset_id=dataset_id, base_uri=settings.base_uri)
    record = edits.stored_record(session, dataset_id)
    curation = session.get(DatasetCuration, dataset_id)
    errors = dict(errors or {})
    href = f"/datasets/{dataset_id}/edit"
    links = {}
    if stale:
        errors = {"stale": STALE + ": reload the page to see their change", **errors}
        links["stale"] = href
    response = render(
        request,
        "edit.html.j2",
        status_code=status_code,
        record=public,
        version=history.current_version(session=session, dataset_id=dataset_id),
        values=values if values is not None else edit_view.form_values(record),
        errors=errors,
        links=links,
        kept=kept or {},
        options=edit_view.options(),
        coverage=edit_view.coverage_rows(record),
        suggestions=edit_view.classifier_suggestions(record, curation),
        names=edit_view.NAMES,
        who=who,
        saved=request.query_params.get("saved"),
        href=href,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/datasets/{dataset_id}/edit", response_class=HTMLResponse)
def edit_form(
    dataset_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    who = require_editor(request)
    return edit_page(request, session=session, settings=settings, dataset_id=dataset_id, who=who)


def _version(form: dict[str, list[str]]) -> int:
    """The version the form was loaded at (0, never current, when missing or garbled: a form
    that cannot say which version it edits is treated as stale)."""
    text = one(form, "version")
    return int(text) if text.isdigit() and len(text) < 12 else 0


async def _write(
    request: Request,
    session: Session,
    settings: Settings,
    dataset_id: str,
    who: SignedIn,
    write: Any,
    *,
    values: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    error_field: str = "title",
) -> Response:
    """Run one write; success goes back to the edit page with a banner (303), a stale version
    or a change that does not validate re-renders the page with what was typed."""

    def run() -> Response:
        try:
            version = write()
        except PreconditionFailed:
            session.rollback()
            return edit_page(
                request,
                session=session,
                settings=settings,
                dataset_id=dataset_id,
                who=who,
                values=values,
                kept=kept,
                status_code=412,
                stale=True,
            )
        except (Unprocessable, NotFound) as exc:
            session.rollback()  # a dataset that is gone: edit_page's own read answers 404
            return edit_page(
                request,
                session=session,
                settings=settings,
                dataset_id=dataset_id,
                who=who,
                values=values,
                kept=kept,
                errors={error_field: exc.message},
                status_code=exc.status_code,
            )
        return RedirectResponse(f"/datasets/{dataset_id}/edit?saved={version}", status_code=303)

    return await run_in_threadpool(run)


@router.post("/datasets/{dataset_id}/edit", response_class=HTMLResponse)
async def edit_save(
    dataset_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    who, form = await editor_form(request)
    values = edit_view.posted_values(form)
    reason = one(form, "reason")
    values["reason"] = reason
    record = await run_in_threadpool(lambda: edits.stored_record(session, dataset_id))
    changes, errors = edit_view.form_changes(values, record)
    if problem := edit_view.reason_error(reason):
        errors["reason"] = problem
    if not errors and not changes:
        errors["title"] = "You have not changed anything: change a field, or cancel"
    if errors:
        return await run_in_threadpool(
            lambda: edit_page(
                request,
                session=session,
                settings=settings,
                dataset_id=dataset_id,
                who=who,
                values=values,
                errors=errors,
                status_code=422,
            )
        )
    version = _version(form)
    return await _write(
        request,
        session,
        settings,
        dataset_id,
        who,
        lambda: edits.update_dataset(
            session=session,
            dataset_id=dataset_id,
            changes=DatasetUpdate.model_validate(changes),
            actor=who.name,
            expected_version=version,
            reason=reason,
        ),
        values=values,
    )


@router.post("/datasets/{dataset_id}/coverage/add", response_class=HTMLResponse)
async def coverage_add(
    dataset_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    who, form = await editor_form(request)
    chosen, reason = one(form, "concept"), one(form, "coverage_reason")
    scheme, _, concept = chosen.partition(":")
    kept = {"concept": chosen, "coverage_reason": reason}
    errors = {}
    if scheme not in edit_view.SCHEMES or not concept:
        errors["concept"] = "Choose a sector, grade or attribute"
    if problem := edit_view.reason_error(reason):
        errors["coverage_reason"] = problem
    if errors:
        return await _rerender(request, session, settings, dataset_id, who, errors, kept)
    version = _version(form)
    return await _write(
        request,
        session,
        settings,
        dataset_id,
        who,
        lambda: edits.add_coverage(
            session=session,
            dataset_id=dataset_id,
            scheme=scheme,
            concept=concept,
            reason=reason,
            actor=who.name,
            expected_version=version,
        ),
        kept=kept,
        error_field="concept",
    )


@router.post("/datasets/{dataset_id}/coverage/remove", response_class=HTMLResponse)
async def coverage_remove(
    dataset_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    who, form = await editor_form(request)
    scheme, concept, reason = one(form, "scheme"), one(form, "concept"), one(form, "reason")
    field = f"remove-{scheme}-{concept}"
    if problem := edit_view.reason_error(reason):
        errors = {field: problem}
        return await _rerender(request, session, settings, dataset_id, who, errors, {})
    version = _version(form)
    return await _write(
        request,
        session,
        settings,
        dataset_id,
        who,
        lambda: edits.remove_coverage(
            session=session,
            dataset_id=dataset_id,
            scheme=scheme,
            concept=concept,
            reason=reason,
            actor=who.name,
            expected_version=version,
        ),
        error_field=field,
    )


@router.post("/datasets/{dataset_id}/status", response_class=HTMLResponse)
async def status_change(
    dataset_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    who, form = await editor_form(request)
    action, reason = one(form, "action"), one(form, "status_reason")
    status = RecordStatus.withdrawn if action == "withdraw" else RecordStatus.active
    if problem := edit_view.reason_error(reason):
        errors = {"status_reason": problem}
        return await _rerender(request, session, settings, dataset_id, who, errors, {})
    version = _version(form)
    return await _write(
        request,
        session,
        settings,
        dataset_id,
        who,
        lambda: edits.set_status(
            session=session,
            dataset_id=dataset_id,
            status=status,
            actor=who.name,
            expected_version=version,
            reason=reason,
        ),
        kept={"status_reason": reason},
        error_field="status_reason",
    )


async def _rerender(
    request: Request,
    session: Session,
    settings: Settings,
    dataset_id: str,
    who: SignedIn,
    errors: dict[str, str],
    kept: dict[str, str],
) -> Response:
    return await run_in_threadpool(
        lambda: edit_page(
            request,
            session=session,
            settings=settings,
            dataset_id=dataset_id,
            who=who,
            errors=errors,
            kept=kept,
            status_code=422,
        )
    )
