"""The pages' Jinja2 environment (autoescape on: titles, descriptions and names are harvested,
untrusted text, and no template marks any of it safe) and the one way pages are rendered."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from registry.config import Settings
from registry.gaps.report_html import percent
from registry.records import label
from registry.web.assets import GOVUK_FRONTEND, installed
from registry.web.chart import count_text, share_text
from registry.web.session import signed_in


def make_environment(settings: Settings) -> Environment:
    env = Environment(
        loader=PackageLoader("registry.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["service_name"] = settings.title
    env.globals["govuk_version"] = GOVUK_FRONTEND.version
    env.filters["json_script"] = json_script
    env.filters["filesize"] = filesize
    env.filters["percent"] = percent  # as the printable gap report writes shares
    env.filters["count"] = count_text
    env.filters["share"] = share_text
    env.filters["sentence"] = lambda text: text[:1].upper() + text[1:]
    env.filters["long_date"] = long_date
    env.filters["shown"] = shown
    env.globals["concept_label"] = label
    env.globals["signed_in"] = signed_in  # the header names who is signed in
    env.globals["assets_installed"] = lambda: installed(settings.assets_root, GOVUK_FRONTEND)
    return env


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.pages
    body = env.get_template(template).render(request=request, **context)
    return HTMLResponse(body, status_code=status_code)


def long_date(value: str | date) -> str:
    """An ISO date as GOV.UK writes dates: "2 December 2025"."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


def json_script(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: a harvested ``</script>`` in
    a title must not end the element, so ``<``, ``>`` and ``&`` are written as \\u escapes
    (still the same JSON)."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def filesize(size: int | None) -> str:
    if size is None:
        return "size not given"
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def shown(value: Any) -> str:
    """A field's value in words: lists joined, nothing as "nothing"."""
    if value is None or value == "" or value == []:
        return "nothing"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", []))
    return str(value)
