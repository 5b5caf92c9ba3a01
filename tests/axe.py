"""axe-core in a Playwright page: the serious and critical findings, for every browser test."""

from __future__ import annotations

from pathlib import Path

from registry.web.assets import AXE_CORE, folder

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
