"""The public forms: "Suggest a dataset" (``/suggest``) and "Ask for data you need"
(``/request-data``), plain HTML forms that work without JavaScript.

Each POST takes the same path as the JSON API (:mod:`registry.submissions`): the client's rate
limit first (429 page with Retry-After), the body under its byte cap (413 page), the same
models' validation. A mistake re-renders the form, 422, with the GOV.UK error summary and
each field's message beside it and what was typed kept; success shows a confirmation page.
A filled-in honeypot field is counted against the client and thanked, and nothing is stored.
Why there is no CSRF token on these forms: :mod:`registry.submissions`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

import vocab
from registry.api.deps import SessionDep, SettingsDep
from registry.gaps.matrix import levels
from registry.submissions import (
    client_of,
    counted,
    data_request_limit,
    guard,
    parse_form,
    read_body,
    submit_data_request,
    submit_suggestion,
    suggestion_limit,
)
from registry.web.routing import PageRoute
from registry.web.search_view import cell_phrase
from registry.web.templating import render
from schemas import DataRequestCreate, SuggestionCreate
from schemas.suggestion import DESCRIPTION_MAX, LINK_MAX, REQUEST_TEXT_MAX

router = APIRouter(route_class=PageRoute, include_in_schema=False)

HONEYPOT = "website"

SUGGESTION_FIELDS = ("title", "link", "publisher", "description", "contact")
SUGGESTION_LISTS = ("sectors", "grades", "attributes")
REQUEST_FIELDS = ("sector", "grade", "attribute", "text")

# What each field says when it is left empty or is not valid, in the Design System's words.
EMPTY = {
    "title": "Enter the title of the dataset",
    "link": "Enter a link to the data",
    "publisher": "Enter who publishes the data",
    "description": "Enter what the data covers",
    "sector": "Choose a sector",
    "grade": "Choose a grade",
    "attribute": "Choose what you need to know about them",
}
INVALID = {
    "link": "Enter a link that starts with http:// or https://",
    "contact": "Enter an email address in the correct format, like name@example.com",
    "sectors": "Select sectors from the list",
    "grades": "Select grades from the list",
    "attributes": "Select attributes from the list",
    "sector": "Choose a sector from the list",
    "grade": "Choose a grade from the list",
    "attribute": "Choose an attribute from the list",
}
NAMES = {
    "title": "Title",
    "link": "Link",
    "publisher": "Publisher",
    "description": "What it covers",
    "contact": "Email address",
    "text": "What you need it for",
}
TOO_LONG = {"link": LINK_MAX, "description": DESCRIPTION_MAX, "text": REQUEST_TEXT_MAX}


def _options(*, all_grades: bool = False) -> dict[str, list[tuple[str, str]]]:
    grades = vocab.load("grade")
    return {
        "sector": [(c.notation, c.pref_label) for c in vocab.load("sector")],
        "grade": [
            (c.notation, c.pref_label)
            for c in grades
            if all_grades or c.notation in grades.top_concepts
        ],
        "attribute": [(c.notation, c.pref_label) for c in vocab.load("attribute")],
    }


def _one(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def field_errors(exc: ValidationError, order: tuple[str, ...]) -> dict[str, str]:
    """The first problem of each field, in the form's order, in words for people."""
    found: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else "form"
        if name in found:
            continue
        kind, message = error["type"], error["msg"].removeprefix("Value error, ")
        empty = kind in ("missing", "string_too_short") or error.get("input") == ""
        if empty and name in EMPTY:
            found[name] = EMPTY[name]
        elif kind == "string_too_long" or ("at most" in message and name in TOO_LONG):
            most = error.get("ctx", {}).get("max_length") or TOO_LONG.get(name)
            found[name] = f"{NAMES.get(name, name)} must be {most:,} characters or fewer"
        else:
            found[name] = INVALID.get(name, message)
    return {n: found[n] for n in (*order, *found) if n in found}


@router.get("/suggest", response_class=HTMLResponse)
def suggest_form(request: Request) -> HTMLResponse:
    return render(
        request,
        "suggest.html.j2",
        errors={},
        values={
            **dict.fromkeys(SUGGESTION_FIELDS, ""),
            **{name: [] for name in SUGGESTION_LISTS},
        },
        options=_options(),
    )


@router.post("/suggest", response_class=HTMLResponse)
async def suggest_send(
    request: Request, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    limit, client = suggestion_limit(settings), client_of(request, settings)
    await run_in_threadpool(lambda: guard(session=session, limit=limit, client=client))
    form = parse_form(await read_body(request, limit=settings.submission_max_bytes))
    if _one(form, HONEYPOT):
        await run_in_threadpool(lambda: counted(session=session, limit=limit, client=client))
        return render(request, "suggest_done.html.j2", reference=None)
    values: dict[str, Any] = {name: _one(form, name).strip() for name in SUGGESTION_FIELDS}
    values.update({name: form.get(name, []) for name in SUGGESTION_LISTS})
    try:
        record = SuggestionCreate.model_validate({**values, "contact": values["contact"] or None})
    except ValidationError as exc:
        return render(
            request,
            "suggest.html.j2",
            status_code=422,
            errors=field_errors(exc, (*SUGGESTION_FIELDS[:4], *SUGGESTION_LISTS, "contact")),
            values=values,
            options=_options(),
        )
    stored = await run_in_threadpool(
        lambda: submit_suggestion(session=session, record=record, limit=limit, client=client)
    )
    return render(request, "suggest_done.html.j2", reference=f"S-{stored.id}")


@router.get("/request-data", response_class=HTMLResponse)
def request_form(
    request: Request, sector: str = "", grade: str = "", attribute: str = ""
) -> HTMLResponse:
    """The form, with the cell a gap page linked from chosen (unknown values are ignored)."""
    options = _request_options(grade)
    chosen = {"sector": sector, "grade": grade, "attribute": attribute}
    values = {
        name: value if value in {v for v, _ in options[name]} else ""
        for name, value in chosen.items()
    }
    return render(
        request, "data_request.html.j2", errors={}, values={**values, "text": ""}, options=options
    )


def _request_options(grade: str) -> dict[str, list[tuple[str, str]]]:
    """The harmonised grades, and a sector grade too when one is asked for (a drill-down
    cell's page links here with it)."""
    options = _options()
    concept = vocab.load("grade").get(grade) if grade else None
    if concept is not None and grade not in dict(options["grade"]):
        options["grade"].append((grade, concept.pref_label))
    return options


@router.post("/request-data", response_class=HTMLResponse)
async def request_send(
    request: Request, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    limit, client = data_request_limit(settings), client_of(request, settings)
    await run_in_threadpool(lambda: guard(session=session, limit=limit, client=client))
    form = parse_form(await read_body(request, limit=settings.submission_max_bytes))
    if _one(form, HONEYPOT):
        await run_in_threadpool(lambda: counted(session=session, limit=limit, client=client))
        return render(request, "data_request_done.html.j2", requests=0, phrase="", cell_href="")
    values = {name: _one(form, name).strip() for name in REQUEST_FIELDS}
    try:
        record = DataRequestCreate.model_validate(values)
    except ValidationError as exc:
        return render(
            request,
            "data_request.html.j2",
            status_code=422,
            errors=field_errors(exc, REQUEST_FIELDS),
            values=values,
            options=_request_options(values["grade"]),
        )
    _stored, total = await run_in_threadpool(
        lambda: submit_data_request(session=session, record=record, limit=limit, client=client)
    )
    level = next(iter(levels(record.grade)), record.grade)
    return render(
        request,
        "data_request_done.html.j2",
        requests=total,
        phrase=cell_phrase(record.sector, level, record.attribute),
        cell_href=f"/gaps/cells/{record.sector}/{level}/{record.attribute}",
    )
