"""``/api/3/action/{action}`` and ``/api/action/{action}``: CKAN's Action API, read-only.

Each action answers GET (query parameters) and POST (a JSON object, as ``ckanapi`` sends) in
CKAN's envelope ``{"help", "success", "result"}``, and fails as CKAN does: 404 ``Not Found
Error``, 409 ``Validation Error`` naming the field, 400 for an unknown action or a body that
is not a JSON object. Every response is built here, so the app's own error handlers (which
answer ``{"error": {"status", ...}}``) never reshape them. The work is in
:mod:`registry.ckan_compat`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from registry import ckan_compat as ckan
from registry.api.deps import SearchDep, SessionDep, SettingsDep
from registry.ckan_compat import CkanValidationError
from registry.config import Settings
from registry.errors import NotFound
from registry.search import Search

router = APIRouter(tags=["ckan"])
Params = dict[str, Any]
# package_search parameters CKAN takes that change nothing here (no private or draft datasets).
HARMLESS = frozenset(
    {"include_private", "include_drafts", "use_default_schema", "facet", "facet.mincount"}
)
SEARCH_PARAMS = HARMLESS | {
    "q", "fq", "fq_list", "sort", "rows", "start", "facet.field", "facet.limit",
    "include_deleted", "callback",
}  # fmt: skip


async def request_data(request: Request) -> Params | str:
    """The action's parameters: a POST's JSON object (or form) over the query string.

    A string instead says why the body could not be read (CKAN's 400).
    """
    query = request.query_params
    params: Params = {key: _one(query.getlist(key)) for key in query}
    body = await request.body() if request.method == "POST" else b""
    if not body.strip():
        return params
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {**params, **dict(parse_qsl(body.decode("utf-8", "replace")))}
    try:
        data = json.loads(body)
    except ValueError as exc:
        return f"JSON Error: Error decoding JSON data. Error: {exc}"
    except RecursionError:
        return "JSON Error: Error decoding JSON data. Error: nested too deeply"
    if not isinstance(data, dict):
        return f"JSON Error: Request data JSON decoded to {data!r} but it needs to be a dictionary."
    return {**params, **data}


def _one(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


@router.get("/api/3/action/{action}", summary="CKAN Action API (read-only), GET")
@router.post("/api/3/action/{action}", summary="CKAN Action API (read-only), POST a JSON object")
@router.get("/api/action/{action}", include_in_schema=False)
@router.post("/api/action/{action}", include_in_schema=False)
def ckan_action(
    action: str,
    data: Annotated[Params | str, Depends(request_data)],
    session: SessionDep,
    search: SearchDep,
    settings: SettingsDep,
) -> JSONResponse:
    """``package_search``, ``package_show``, ``package_list``, ``organization_list``,
    ``organization_show``, ``status_show`` and ``help_show``, answered as CKAN 2.10 answers
    them, so that ckanext-harvest's CKAN harvester and ``ckanapi`` read the registry."""
    help_url = f"{settings.base_uri}/api/3/action/help_show?name={quote(action)}"

    def fail(status: int, error: dict[str, Any]) -> JSONResponse:
        body = {"help": help_url, "success": False, "error": error}
        return JSONResponse(body, status_code=status)

    handler = ACTIONS.get(action)
    if handler is None:
        message = f"Bad request - Action name not known: {action}"
        return fail(400, {"__type": "Bad request - Action Error", "message": message})
    if isinstance(data, str):
        return fail(400, {"__type": "Bad request - JSON Error", "message": f"Bad request - {data}"})
    try:
        result = handler(data, session=session, search=search, settings=settings)
    except CkanValidationError as exc:
        return fail(409, {"__type": "Validation Error", **exc.errors})
    except NotFound:
        return fail(404, {"__type": "Not Found Error", "message": "Not found"})
    return JSONResponse({"help": help_url, "success": True, "result": result})


# -- the actions: CKAN's parameters, checked, to ckan_compat's keyword arguments ---------------


def package_search(p: Params, *, session: Session, search: Search, settings: Settings) -> Any:
    """Search datasets: q, fq (ANDed filters), sort, rows (at most 1000), start, facet.field,
    facet.limit, include_deleted. See the registry's docs/api.md for the fields."""
    unknown = sorted(k for k in p if k not in SEARCH_PARAMS and not k.startswith("ext_"))
    if unknown:
        raise CkanValidationError(unknown[0], "not a package_search parameter the registry takes")
    return ckan.package_search(
        session=session,
        search=search,
        base_uri=settings.base_uri,
        q=_text(p, "q"),
        fq=" ".join([_text(p, "fq"), _text(p, "fq_list")]).strip(),
        sort=_text(p, "sort") or ckan.DEFAULT_SORT,
        rows=_int(p, "rows", 10, high=ckan.ROWS_MAX),
        start=_int(p, "start", 0),
        facet_fields=_fields(p),
        facet_limit=_int(p, "facet.limit", 50, low=None),
        include_deleted=_bool(p, "include_deleted"),
    )


def package_show(p: Params, *, session: Session, settings: Settings, **_: Any) -> Any:
    """One dataset by id (or name); a withdrawn one has "state": "deleted"."""
    dataset_id = _text(p, "id") or _text(p, "name")
    if not dataset_id:
        raise CkanValidationError("id", "Missing value")
    return ckan.package_show(session=session, dataset_id=dataset_id, base_uri=settings.base_uri)


def package_list(p: Params, *, session: Session, **_: Any) -> Any:
    """Every active dataset's name, sorted; limit and offset page the list."""
    limit = _int(p, "limit", -1, low=-1)
    return ckan.package_list(
        session=session, limit=None if limit < 0 else limit, offset=_int(p, "offset", 0)
    )


def organization_list(p: Params, *, session: Session, **_: Any) -> Any:
    """Organisation names by title; all_fields gives their dicts; limit and offset page them."""
    limit = _int(p, "limit", -1, low=-1)
    return ckan.organization_list(
        session=session,
        all_fields=_bool(p, "all_fields"),
        limit=None if limit < 0 else limit,
        offset=_int(p, "offset", 0),
    )


def organization_show(p: Params, *, session: Session, search: Search, settings: Settings) -> Any:
    """One organisation by id (or name); include_datasets adds its packages."""
    org_id = _text(p, "id") or _text(p, "name")
    if not org_id:
        raise CkanValidationError("id", "Missing value")
    return ckan.organization_show(
        session=session,
        search=search,
        org_id=org_id,
        base_uri=settings.base_uri,
        datasets=_bool(p, "include_datasets"),
    )


def status_show(_p: Params, *, settings: Settings, **_: Any) -> Any:
    """The site: its title and URL, the CKAN version it answers as, its extensions."""
    return {
        "site_title": settings.title,
        "site_description": "Every known dataset about the people who lead UK public services.",
        "site_url": settings.base_uri,
        "ckan_version": ckan.CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "en",
        "extensions": ["registry-ckan-compat"],
    }


def help_show(p: Params, **_: Any) -> Any:
    """What an action does and takes (name=<action>)."""
    found = ACTIONS.get(_text(p, "name"))
    if found is None:
        raise NotFound("no such action")
    return " ".join((found.__doc__ or "").split())


ACTIONS: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (
        package_search,
        package_show,
        package_list,
        organization_list,
        organization_show,
        status_show,
        help_show,
    )
}


# -- parameters -------------------------------------------------------------------------------


def _text(p: Params, name: str) -> str:
    value = p.get(name)
    if value is None:
        return ""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value).strip()


def _int(
    p: Params, name: str, default: int, *, low: int | None = 0, high: int | None = None
) -> int:
    value = p.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CkanValidationError(name, "Invalid integer") from None
    if low is not None and number < low:
        raise CkanValidationError(name, f"Must be {low} or more")
    if high is not None and number > high:
        raise CkanValidationError(name, f"Must be {high} or less")
    return number


def _bool(p: Params, name: str) -> bool:
    value = p.get(name, False)
    text = str(value).strip().lower()
    if isinstance(value, bool) or text in ("true", "false", "1", "0", "yes", "no", ""):
        return value if isinstance(value, bool) else text in ("true", "1", "yes")
    raise CkanValidationError(name, "Invalid boolean")


def _fields(p: Params) -> tuple[str, ...]:
    """``facet.field``: a JSON list (as CKAN documents it), a list, or one name."""
    value = p.get("facet.field", [])
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip().startswith("[") else [value]
        except (ValueError, RecursionError):
            raise CkanValidationError("facet.field", "not a JSON list of field names") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CkanValidationError("facet.field", "give a list of field names")
    return tuple(v.strip() for v in value if v.strip())
