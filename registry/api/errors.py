"""One error shape for every failure: ``{"error": {"status", "message", "detail"}}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from registry.errors import RegistryError


def _body(status: int, message: str, detail: object = None) -> dict[str, object]:
    error: dict[str, object] = {"status": status, "message": message}
    if detail is not None:
        error["detail"] = detail
    return {"error": error}


async def registry_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RegistryError)
    return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=exc.headers)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """Name the parameter and the value: "page: must be >= 1 (got '0')"."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"] if p not in ("query", "path", "body"))
        value = error.get("input")
        got = "" if error["type"] == "missing" or value is None else f" (got {value!r})"
        problems.append(f"{where or 'request'}: {error['msg']}{got}")
    return JSONResponse(_body(422, "; ".join(problems), detail=problems), status_code=422)


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and message == "Not Found":
        message = "no such page or endpoint; see /docs for the API"
    return JSONResponse(
        _body(exc.status_code, message), status_code=exc.status_code, headers=exc.headers
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RegistryError, registry_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
