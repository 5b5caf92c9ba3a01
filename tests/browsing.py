"""Shared by the browser tests: a page that fails on any Content-Security-Policy refusal, and
axe-core's serious and critical findings."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from registry.web.assets import AXE_CORE, folder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# A browser test module's ``pytestmark``.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does)",
    ),
]

# WCAG 2.2 AA and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def serious_findings(page, assets_root: Path) -> list[str]:
    # Evaluated, not added as an inline <script> (which the page's CSP would rightly refuse).
    source = (folder(assets_root, AXE_CORE) / "axe.min.js").read_text(encoding="utf-8")
    page.evaluate(f"() => {{ {source}\n}}")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@contextmanager
def watched_page(browser, *, javascript: bool = True) -> Iterator:
    """A new page; on leaving, fails if the page's Content-Security-Policy refused anything
    it loads (every page is served with one)."""
    context = browser.new_context(java_script_enabled=javascript)
    opened = context.new_page()
    refused: list[str] = []
    opened.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        yield opened
    finally:
        context.close()
    assert refused == []
