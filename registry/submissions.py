"""What the public sends, taken in safely: a body read with a byte cap (413 past it, before the
whole of it is held), the client's rate limit checked before any work and counted after a
submission is stored. Shared by the JSON API (:mod:`registry.api.suggestions`) and the HTML
forms (:mod:`registry.web.suggest_pages`).

CSRF: these endpoints act for nobody. They read no cookie and no token, so a page on another
site that makes a visitor's browser post to them gains nothing it could not do by posting
itself; only the visitor's rate limit is spent. The JSON endpoints also take only
``application/json``, which a cross-site HTML form cannot send. They must stay that way: if a
signed-in editor's cookie ever changed what they do, they would need the editor pages' CSRF
token too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import ValidationError
from sqlmodel import Session

from registry.config import Settings
from registry.data_requests import cell_requests, create_data_request
from registry.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from registry.ratelimit import check_limit, client_address, client_key, record_submission
from registry.suggestions import create_suggestion
from schemas import (
    DataRequest,
    DataRequestCreate,
    Suggestion,
    SuggestionCreate,
    describe_errors,
)

Model = TypeVar("Model", SuggestionCreate, DataRequestCreate)
SUGGESTIONS = "suggestion"
DATA_REQUESTS = "data-request"


@dataclass(frozen=True)
class Limit:
    scope: str
    per_hour: int
    noun: str


def suggestion_limit(settings: Settings) -> Limit:
    return Limit(SUGGESTIONS, settings.suggestions_per_hour, "suggestions")


def data_request_limit(settings: Settings) -> Limit:
    return Limit(DATA_REQUESTS, settings.data_requests_per_hour, "data requests")


def client_of(request: Request, settings: Settings) -> str:
    return client_key(client_address(request, settings))


MAX_FIELDS = 200  # far more than any form has; a flood of fields is refused


def parse_form(body: bytes) -> dict[str, list[str]]:
    """An urlencoded body as each name's values, in order."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8", errors="replace"),
            keep_blank_values=True,
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:
        raise PayloadTooLarge(f"the form has more than {MAX_FIELDS} fields") from None
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return found


async def read_body(request: Request, *, limit: int) -> bytes:
    """The body, refused with 413 when its stated or actual length passes ``limit`` bytes;
    a chunked body is read only until it does."""
    stated = request.headers.get("content-length")
    if stated and stated.isdigit() and int(stated) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the request body is over {limit:,} bytes; send less")


def json_object(request: Request, body: bytes) -> dict[str, Any]:
    """The body as a JSON object: 415 for another media type, 422 for anything but an object."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise UnsupportedMediaType(
            f"send the body as application/json (got {kind or 'no content type'})"
        )
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unprocessable(f"body: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise Unprocessable("body: must be a JSON object")
    return data


def validated(model: type[Model], data: dict[str, Any]) -> Model:
    """The model, or 422 naming every field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = describe_errors(exc)
        raise Unprocessable("; ".join(problems), detail=problems) from None


def guard(*, session: Session, limit: Limit, client: str) -> None:
    """429 (with Retry-After) when the client has used its hour's allowance."""
    check_limit(
        session=session, scope=limit.scope, client=client, limit=limit.per_hour, noun=limit.noun
    )


def counted(*, session: Session, limit: Limit, client: str) -> None:
    """Count a submission against the client and commit: what a honeypot catch does too (a
    bot that keeps trying is then limited like anyone)."""
    record_submission(session=session, scope=limit.scope, client=client)
    session.commit()


def submit_suggestion(
    *, session: Session, record: SuggestionCreate, limit: Limit, client: str
) -> Suggestion:
    """Check the client's limit, store the suggestion as pending, count it, commit."""
    guard(session=session, limit=limit, client=client)
    suggestion = create_suggestion(session=session, record=record)
    counted(session=session, limit=limit, client=client)
    return suggestion


def submit_data_request(
    *, session: Session, record: DataRequestCreate, limit: Limit, client: str
) -> tuple[DataRequest, int]:
    """Check the client's limit, store the request, count it, commit; with the requests now
    counted for its cell."""
    guard(session=session, limit=limit, client=client)
    request = create_data_request(session=session, record=record)
    counted(session=session, limit=limit, client=client)
    total = cell_requests(
        session=session, sector=record.sector, grade=record.grade, attribute=record.attribute
    )
    return request, total
