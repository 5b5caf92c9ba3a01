"""Fixtures the browser tests share: the page assets, one chromium per module, a served app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from browsing import CHROMIUM
from serving import serving

from registry.app import create_app
from registry.config import Settings
from registry.web.assets import AXE_CORE, GOVUK_FRONTEND, fetch


@pytest.fixture(scope="session")
def assets_root() -> Path:
    root = Settings().assets_root
    for package in (GOVUK_FRONTEND, AXE_CORE):
        fetch(package, root)  # a no-op when `registry assets --axe` already ran
    return root


@pytest.fixture
def serve_app(settings, assets_root) -> Callable[[], AbstractContextManager[str]]:
    """``with serve_app() as base``: the app on 127.0.0.1, its pages' assets installed."""

    def serve() -> AbstractContextManager[str]:
        return serving(
            lambda base: create_app(
                settings.model_copy(update={"base_uri": base, "assets_dir": assets_root})
            )
        )

    return serve


@pytest.fixture
def served(serve_app) -> Iterator[str]:
    with serve_app() as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI and this machine run as root, where chromium's sandbox cannot start.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
