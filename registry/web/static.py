"""``/assets``: our own stylesheet and script (in the package), and the GOV.UK Frontend files
fetched by ``registry assets`` (in the assets folder; only the files listed as wanted)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from registry.web.assets import GOVUK_FRONTEND, MISSING, folder, installed

router = APIRouter(include_in_schema=False)
OWN = Path(__file__).parent / "static"
OWN_FILES = {"registry.css": "text/css", "registry.js": "text/javascript"}
VENDOR_FILES = {
    name: "text/css" if name.endswith(".css") else "text/javascript"
    for _, name in GOVUK_FRONTEND.files
    if name.endswith((".css", ".js"))
}
CACHE = {"Cache-Control": "public, max-age=3600"}


@router.get("/assets/{name}")
def own_asset(name: str) -> Response:
    if name not in OWN_FILES:
        return PlainTextResponse(f"no asset {name!r}", status_code=404)
    return FileResponse(OWN / name, media_type=OWN_FILES[name], headers=CACHE)


@router.get("/assets/govuk/{name}")
def govuk_asset(name: str, request: Request) -> Response:
    root = request.app.state.settings.assets_root
    if name not in VENDOR_FILES:
        return PlainTextResponse(f"no asset {name!r}", status_code=404)
    if not installed(root, GOVUK_FRONTEND):
        message = MISSING.format(version=GOVUK_FRONTEND.version, folder=root)
        return PlainTextResponse(message, status_code=404)
    return FileResponse(
        folder(root, GOVUK_FRONTEND) / name, media_type=VENDOR_FILES[name], headers=CACHE
    )
