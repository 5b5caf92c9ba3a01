"""Logging: one line per request with its request id, as text or as JSON lines.

Every request gets an id, the caller's ``X-Request-ID`` when it is sane (1-128 letters,
digits and ``.-_:``), else a new one; it is echoed in the response and stamped on every log
record made while the request runs (:class:`RequestIdFilter`), so one request's lines can be
found among many processes'. The access line carries the method, the path without its query
string (which may hold anything a caller typed), the status and the time taken.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
ACCESS = logging.getLogger("registry.access")


def request_id_from(header: str | None) -> str:
    """The caller's id when it is sane, else a fresh one."""
    if header and SANE_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Stamps ``record.request_id`` ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


def log_config(level: str = "info", fmt: str = "text") -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for the registry and uvicorn (``uvicorn.run``'s
    ``log_config``): one handler on stderr, text or JSON lines, request ids on every record."""
    formatter: dict[str, Any] = {"format": TEXT}
    if fmt == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    named = {"level": level.upper(), "handlers": ["default"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {
            "registry": named,
            "harvesters": named,
            "uvicorn": named,
            "uvicorn.error": {"level": level.upper()},
            # Our access line has the request id and no query string; uvicorn's is switched off.
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }
