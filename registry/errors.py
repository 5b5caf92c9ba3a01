"""Errors that carry their HTTP status and a message for people.

    RegistryError (500)
     ├── BadRequest (400)       a query the registry cannot answer as asked
     │    └── UnknownFilter     a filter name or value the registry does not know
     ├── Unauthorized (401)     no valid token on a write (with WWW-Authenticate: Bearer)
     ├── Forbidden (403)        a valid token whose user's role may not do this
     ├── NotFound (404)         no such dataset, organisation, vocabulary or page
     ├── NotAcceptable (406)    no representation in the asked-for format
     ├── Conflict (409)         a record with that id or name already exists, or a change its
     │                          state does not allow (a decided suggestion)
     ├── PreconditionFailed (412)   If-Match names a version that is no longer current
     ├── PayloadTooLarge (413)  a request body over its endpoint's cap
     ├── UnsupportedMediaType (415)  a body in a format the endpoint does not read
     ├── Unprocessable (422)    a record or parameter that fails validation
     ├── PreconditionRequired (428) a write without If-Match
     └── TooManyRequests (429)  a client over its rate limit (with Retry-After)

The API turns each into ``{"error": {"status": ..., "message": ..., "detail": ...}}``; the CLI
prints the message and exits non-zero.
"""

from __future__ import annotations

from typing import Any


class RegistryError(Exception):
    status_code = 500
    headers: dict[str, str] | None = None  # response headers the status calls for

    def __init__(self, message: str, *, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status_code, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return {"error": body}


class BadRequest(RegistryError):
    status_code = 400


class UnknownFilter(BadRequest):
    pass


class NotFound(RegistryError):
    status_code = 404


class NotAcceptable(RegistryError):
    status_code = 406


class Conflict(RegistryError):
    status_code = 409


class Unprocessable(RegistryError):
    status_code = 422


class PayloadTooLarge(RegistryError):
    status_code = 413


class UnsupportedMediaType(RegistryError):
    status_code = 415


class TooManyRequests(RegistryError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, detail={"retry_after": retry_after})
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class Unauthorized(RegistryError):
    status_code = 401
    headers = {"WWW-Authenticate": 'Bearer realm="registry"'}


class Forbidden(RegistryError):
    status_code = 403


class PreconditionFailed(RegistryError):
    status_code = 412


class PreconditionRequired(RegistryError):
    status_code = 428
