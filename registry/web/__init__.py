"""The web pages: server-rendered HTML in the GOV.UK Design System's styles, usable without
JavaScript. :func:`install` adds them to an app built by ``create_app``.

    /                 home: what the registry holds, search box, browse, headline gaps
    /search           search with facets, filters, sort and paging (.csv and .json twins)
    /datasets/{id}    one dataset, when the client asks for HTML (registry.api.catalog
                      negotiates; RDF stays the default)
    /organisations/{id}  an organisation and its datasets
    /assets/...       our stylesheet and the fetched GOV.UK Frontend files
"""

from __future__ import annotations

from fastapi import FastAPI

from registry.config import Settings
from registry.web import pages, static
from registry.web.templating import make_environment


def install(app: FastAPI, settings: Settings) -> None:
    app.state.pages = make_environment(settings)
    app.include_router(static.router)
    app.include_router(pages.router)
    app.include_router(pages.downloads)
