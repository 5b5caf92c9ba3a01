"""The web pages: server-rendered HTML in the GOV.UK Design System's styles, usable without
JavaScript. :func:`install` adds them to an app built by ``create_app``.

    /                 home: what the registry holds, search box, browse, headline gaps
    /search           search with facets, filters, sort and paging (.csv and .json twins)
    /datasets/{id}    one dataset (its tables' profiles, a grade chart, related datasets),
                      when the client asks for HTML (registry.api.catalog negotiates;
                      RDF stays the default)
    /organisations/{id}  an organisation, its datasets, its leader-level data and coverage
    /gaps             the gap heatmap (rows, columns, attributes and filters chosen by a form)
    /gaps/cells/{sector}/{grade}/{attribute}  one cell's evidence, or its nearest evidence
    /gaps/organisations  organisation coverage, and the organisations without data
    /gaps/trend       the matrix compared between two snapshots
    /harvest          every harvest source and its last run
    /harvest/runs/{id}  one run, with its failed items and their messages
    /suggest          suggest a dataset (a form; pending until an editor accepts it)
    /request-data     ask for data you need (a form; counted per gap cell)
    /sign-in, /sign-out  editors sign in with their API token (registry.web.session)
    /datasets/{id}/edit  an editor's form: fields, coverage (with the classifier's
                      suggestions), withdraw or reinstate
    /datasets/{id}/history  every version, with its diff; an editor may restore one
    /review/suggestions  the public's suggestions, for an editor to accept or reject
    /assets/...       our stylesheet and the fetched GOV.UK Frontend files
"""

from __future__ import annotations

from fastapi import FastAPI

from registry.config import Settings
from registry.web import (
    edit_pages,
    gap_pages,
    harvest_pages,
    history_pages,
    pages,
    review_pages,
    sign_in_pages,
    static,
    suggest_pages,
)
from registry.web.session import server_secret
from registry.web.templating import make_environment


def install(app: FastAPI, settings: Settings) -> None:
    app.state.pages = make_environment(settings)
    app.state.session_secret = server_secret(settings)
    app.include_router(static.router)
    app.include_router(pages.router)
    app.include_router(gap_pages.router)
    app.include_router(harvest_pages.router)
    app.include_router(suggest_pages.router)
    app.include_router(sign_in_pages.router)
    app.include_router(edit_pages.router)
    app.include_router(history_pages.router)
    app.include_router(review_pages.router)
    app.include_router(pages.downloads)
