"""The gap report as one self-contained HTML file: CSS and SVG inline, no scripts, fonts or
images, so it opens offline and prints on A4; readable without colour.

Jinja2 with autoescape on: harvested text (dataset titles, organisation names) is untrusted,
and the template marks nothing safe. The SVG geometry is worked out here, the markup is all
in ``templates/gap-report.html.j2``.
"""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

import vocab

TEMPLATE = "gap-report.html.j2"

# Band colours run light to dark (a gap is white and hatched), so the bands stay apart in
# greyscale and for colour-blind readers; each text colour meets WCAG AA (4.5:1) on its fill,
# the hatch included. The cells also say their band in words.
PALETTE: dict[str, dict[str, str]] = {
    "covered": {"fill": "#08519c", "text": "#ffffff"},
    "partial": {"fill": "#9ecae1", "text": "#000000"},
    "gap": {"fill": "#ffffff", "text": "#000000", "hatch": "#d0d0d0"},
}
# Heatmap geometry in SVG user units; the viewBox scales it to the page width.
LABEL_WIDTH = 180
CELL_WIDTH = 92
CELL_HEIGHT = 26
HEAD_HEIGHT = 46
HEAD_WRAP = 13  # characters per line of a grade label over its column
LINE_HEIGHT = 14
TEXT_DROP = 17  # from a row's top to its text's baseline


def render_report_html(report: dict[str, Any]) -> str:
    """The report gathered by :func:`registry.gaps.report.gap_report` as an HTML document."""
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            report=report,
            heatmaps=[_heatmap_view(h, report["axes"]["grade"]) for h in report["heatmaps"]],
            palette=PALETTE,
        )
    )


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("registry.gaps", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["label"] = label
    env.filters["percent"] = percent
    env.filters["number"] = number
    return env


def _heatmap_view(heatmap: dict[str, Any], grades: list[str]) -> dict[str, Any]:
    """Where each label and cell of one attribute's heatmap goes."""
    columns = [
        {
            "x": LABEL_WIDTH + i * CELL_WIDTH + CELL_WIDTH // 2,
            "lines": (lines := textwrap.wrap(label(g, "grade"), HEAD_WRAP)),
            # one line sits just above the cells, two lines start higher
            "y": HEAD_HEIGHT - 10 - LINE_HEIGHT * (len(lines) - 1),
        }
        for i, g in enumerate(grades)
    ]
    rows = [
        {
            **row,
            "y": (y := HEAD_HEIGHT + j * CELL_HEIGHT),
            "text_y": y + TEXT_DROP,
            "placed": [
                {**cell, "x": (x := LABEL_WIDTH + i * CELL_WIDTH), "text_x": x + CELL_WIDTH // 2}
                for i, cell in enumerate(row["cells"])
            ],
        }
        for j, row in enumerate(heatmap["rows"])
    ]
    return {
        **heatmap,
        "rows": rows,
        "columns": columns,
        "width": LABEL_WIDTH + len(grades) * CELL_WIDTH,
        "height": HEAD_HEIGHT + len(rows) * CELL_HEIGHT,
        "cell_width": CELL_WIDTH,
        "cell_height": CELL_HEIGHT,
        "label_width": LABEL_WIDTH,
        "line_height": LINE_HEIGHT,
    }


def label(notation: str | None, scheme: str) -> str:
    """A concept's preferred label (the notation itself when the vocabulary lacks it)."""
    if not notation:
        return "none stated"
    concept = vocab.load(scheme).get(notation)
    return concept.pref_label if concept else notation


def percent(share: float | None) -> str:
    return "no organisations" if share is None else f"{share * 100:.1f}%"


def number(value: float) -> str:
    return f"{value:g}"
