"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: the database answers and
its schema is at the newest migration). A load balancer routes only to ready processes; an
orchestrator restarts only dead ones."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from registry.migrate import current_revision, head_revision

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    """Always ``{"status": "ok"}`` while the process can answer; touches nothing else."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: the database answers and its schema is current",
    responses={503: {"description": "Not ready, with the reason"}},
)
def readyz(request: Request) -> JSONResponse:
    """200 when the database answers and its schema revision is the newest migration; else 503
    with the reason (``database unreachable: ...``, ``migrations behind: ...``)."""
    settings, engine = request.app.state.settings, request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revision(engine)
    except Exception as exc:  # any driver error means "not ready", said plainly
        reason = f"database unreachable: {exc.__class__.__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    head = getattr(request.app.state, "migration_head", None) or head_revision(settings)
    if current != head:
        reason = (
            f"migrations behind: database at {current or 'none'}, code at {head}; "
            "run `registry db upgrade`"
        )
        body = {"status": "unavailable", "reason": reason, "revision": current, "head": head}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "revision": current})
