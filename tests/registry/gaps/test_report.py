"""The printable gap report on a small hand-made register and catalogue, read back through the
standard library's HTML parser: self-contained, accessible, and saying the same numbers as the
data functions it is drawn from; through the CLI and the API too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest
from builders import organisation
from typer.testing import CliRunner

import vocab
from registry.cli import app
from registry.gaps import GapQuery, gap_cells, method
from registry.gaps.matrix import axes
from registry.gaps.organisations import organisation_coverage
from registry.gaps.report import TOP_GAPS, gap_report, render_report_html
from registry.gaps.report_html import PALETTE
from registry.gaps.snapshots import take_snapshot
from registry.gaps.trend import compare_snapshots
from registry.store import withdraw_dataset

ON = date(2026, 12, 1)
HOSTILE = '<script>alert(1)</script>" onerror="x'
CSV = [{"access_url": "https://example.org/data.csv", "format": "csv"}]
PDF = [{"access_url": "https://example.org/data.pdf", "format": "pdf"}]


def record(ident, sector, grade, attribute, files=CSV, **fields):
    return {
        "type": "dataset",
        "id": ident,
        "title": ident.replace("-", " ").title(),
        "licence": "ogl-3",
        "accrual_periodicity": "annual",
        "granularity": "aggregate-by-grade",
        "distributions": files,
        "coverage": [
            {"scheme": "sector", "concept": sector, "provenance": "curated"},
            {"scheme": "grade", "concept": grade, "provenance": "curated"},
            {"scheme": "attribute", "concept": attribute, "provenance": "curated"},
        ],
        **fields,
    }


REGISTER = [
    organisation(
        "cabinet-office",
        name="Cabinet Office",
        organisation_type="ministerial_department",
        sectors=["civil-service"],
    ),
    organisation(
        "hostile-trust",
        name=f"Trust {HOSTILE}",
        organisation_type="executive_ndpb",
        sectors=["nhs"],
    ),
    organisation("met-police", name="Metropolitan Police Service", sectors=["police"]),
]
CATALOGUE = [
    record(
        "cs-sex",
        "civil-service",
        "scs2",
        "sex",
        publisher="cabinet-office",
        modified="2026-06-30T00:00:00Z",
    ),
    # Old, closed and PDF: the trust has no current leader-level data.
    record(
        "nhs-pay",
        "nhs",
        "executive",
        "pay",
        files=PDF,
        licence="other-closed",
        title=f"NHS pay {HOSTILE}",
        publisher="hostile-trust",
        modified="2024-01-01T00:00:00Z",
    ),
    record(
        "police-chiefs",
        "police",
        "chief-constable",
        "ethnicity",
        publisher="met-police",
        modified="2026-03-31",
    ),
]


@pytest.fixture
def catalogue(load):
    assert load(REGISTER + CATALOGUE).errors == []


# --- a small DOM from html.parser: enough to find elements and read their text -------------

VOID = {"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "wbr", "source"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.iter()
            if n.tag == tag and (cls is None or cls in (n.attrs.get("class") or "").split())
        ]

    def one(self, tag: str, cls: str | None = None) -> Node:
        (found,) = self.all(tag, cls)
        return found

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def kids(self, tag: str) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node) and c.tag == tag]


class Tree(HTMLParser):
    """Builds :class:`Node` s, and fails on a closing tag that does not close the open one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    tree = Tree()
    tree.feed(html)
    tree.close()
    assert tree.stack == [tree.root], "unclosed elements"
    return tree.root


def table_rows(table: Node) -> list[list[str]]:
    """The body rows' cell texts (header cells included)."""
    body = table.one("tbody")
    return [[c.text() for c in tr.children if isinstance(c, Node)] for tr in body.kids("tr")]


def label(scheme: str, notation: str) -> str:
    return vocab.load(scheme).get(notation).pref_label


def report_html(session, **filters) -> str:
    return render_report_html(gap_report(session=session, on=ON, **filters))


# --- the document ---------------------------------------------------------------------------


@pytest.mark.usefixtures("catalogue")
def test_the_document_is_self_contained_printable_and_accessible(session):
    html = report_html(session)
    doc = parse(html)
    assert doc.one("html").attrs["lang"] == "en"
    assert not doc.all("script") and not doc.all("link") and not doc.all("iframe")
    assert not [n for n in doc.iter() if "src" in n.attrs or "srcset" in n.attrs]
    # The only links are to the report's own sections.
    hrefs = [n.attrs.get("href") for n in doc.iter() if "href" in n.attrs]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert not [n for n in doc.iter() if "url(" in (n.attrs.get("style") or "")]
    style = doc.one("style").text()
    assert "@page { size: A4;" in style and "print-color-adjust: exact" in style
    assert "@import" not in style and "http" not in style
    assert "url(#hatch-" in html and "url(http" not in html

    assert len(doc.all("h1")) == 1
    assert [h.text() for h in doc.all("h2")] == [
        "Coverage matrix",
        "The gaps that matter most",
        "Organisation coverage",
        "Trend",
        "Method",
    ]
    for table in doc.all("table"):
        assert table.kids("caption") and table.one("caption").text()
        assert all(th.attrs.get("scope") in ("col", "row") for th in table.all("th"))
    summary = gap_report(session=session, on=ON)["counts"]
    assert summary == {"datasets": 3, "publishers": 3, "organisations": 3, "snapshots": 0}


@pytest.mark.usefixtures("catalogue")
def test_one_heatmap_per_attribute_each_with_a_table_of_the_same_scores(session):
    doc = parse(report_html(session))
    maps = doc.all("div", "heatmap")
    attributes = axes()["attribute"]
    assert [m.attrs["id"] for m in maps] == [f"heatmap-{a}" for a in attributes]
    sectors = [label("sector", s) for s in axes()["sector"]]
    grades = [label("grade", g) for g in axes()["grade"]]
    for attribute, box in zip(attributes, maps, strict=True):
        svg = box.one("svg")
        assert svg.attrs["role"] == "img"
        assert svg.one("title").text().startswith(label("attribute", attribute))
        assert "sectors (rows)" in svg.one("desc").text()
        table = box.one("table", "matrix")
        assert table.attrs["data-attribute"] == attribute
        head = [th.text() for th in table.one("thead").all("th")]
        assert head == ["Sector", *grades]
        cells = gap_cells(session=session, query=GapQuery.of(attribute=[attribute]), on=ON)
        expected = [
            [s, *(f"{c.score} {c.band}" for c in cells[i * len(grades) : (i + 1) * len(grades)])]
            for i, s in enumerate(sectors)
        ]
        assert table_rows(table) == expected
        # Without colour the map still says each cell's score and band, in the same order.
        shown = [g.one("text").text() for g in svg.all("g", "cell")]
        assert shown == [cell for row in expected for cell in row[1:]]
    # The story of this catalogue: the civil service's Director data counts for executives.
    sex = table_rows(maps[0].one("table"))
    assert sex[0][2].endswith("covered") and sex[0][1] == "0 gap"


@pytest.mark.usefixtures("catalogue")
def test_one_attribute_chosen(session):
    doc = parse(report_html(session, attribute="ethnicity", sector=["police", "nhs"]))
    (svg,) = doc.all("svg")
    assert svg.one("title").text() == "Ethnicity: coverage by sector and grade"
    rows = table_rows(doc.one("table", "matrix"))
    assert [r[0] for r in rows] == ["NHS", "Police"]  # vocabulary order
    assert rows[1][1].endswith("covered")  # chief constables: head of organisation


@pytest.mark.usefixtures("catalogue")
def test_the_top_gaps_are_the_cells_with_most_need(session):
    doc = parse(report_html(session))
    rows = table_rows(doc.one("table", "top-gaps"))
    top = gap_cells(session=session, query=GapQuery(sort="need"), on=ON)[:TOP_GAPS]
    assert len(rows) == TOP_GAPS
    assert [r[:8] for r in rows] == [
        [
            str(rank),
            label("sector", c.sector),
            label("grade", c.grade),
            label("attribute", c.attribute),
            str(c.score),
            c.band,
            f"{c.priority:g}",
            f"{c.need:g}",
        ]
        for rank, c in enumerate(top, 1)
    ]
    needs = [float(r[7]) for r in rows]
    assert needs == sorted(needs, reverse=True)
    # An empty cell names the nearest evidence: civil-service executives' sex data.
    cs_head_sex = next(
        r for r in rows if r[1:4] == ["Civil service", "Head of organisation", "Sex"]
    )
    (executive,) = gap_cells(
        session=session,
        query=GapQuery.of(sector=["civil-service"], grade=["executive"], attribute=["sex"]),
        on=ON,
    )
    assert cs_head_sex[8] == f"same sector: Executive scores {executive.score}"
    # ... even when the filters leave that grade out of the report.
    narrow = parse(
        report_html(session, sector="civil-service", grade="head-of-organisation", attribute="sex")
    )
    assert table_rows(narrow.one("table", "top-gaps")) == [["1", *cs_head_sex[1:]]]


@pytest.mark.usefixtures("catalogue")
def test_a_gap_with_evidence_names_its_best_dataset(session):
    doc = parse(report_html(session, sector="nhs", attribute="pay"))
    rows = table_rows(doc.one("table", "top-gaps"))
    assert len(rows) == 6  # every harmonised grade of one sector and attribute
    executive = next(r for r in rows if r[2] == "Executive")
    assert executive[8] == f"best: NHS pay {HOSTILE} (1 dataset)"


@pytest.mark.usefixtures("catalogue")
def test_organisation_coverage_says_the_same_numbers(session):
    doc = parse(report_html(session))
    found = organisation_coverage(session=session, on=ON)
    for cls, key in (("org-type", "by_type"), ("org-sector", "by_sector")):
        table = doc.one("table", cls)
        assert table_rows(table) == [
            [
                r["label"] or "type not stated",
                str(r["organisations"]),
                str(r["with_data"]),
                f"{r['share'] * 100:.1f}%",
            ]
            for r in found[key]
        ]
    total = found["total"]
    assert doc.one("strong", "org-total").text() == (
        f"{total['with_data']} of {total['organisations']} ({total['share'] * 100:.1f}%)"
    )
    without = table_rows(doc.one("table", "org-without"))
    assert [r[0] for r in without] == [o["name"] for o in found["without"]]
    assert without == [
        [f"Trust {HOSTILE}", "Executive non-departmental public body", "NHS", "2024-01-01"]
    ]


def test_the_trend_says_when_there_is_none_and_lists_the_cells_that_moved(session, load):
    assert load(REGISTER + CATALOGUE[:2]).errors == []
    take_snapshot(session=session, on=ON)
    doc = parse(report_html(session))
    assert (
        "Fewer than two snapshots of the matrix exist (1 stored)" in doc.one("p", "no-trend").text()
    )
    assert not doc.all("table", "trend-improved")

    assert load(CATALOGUE[2:]).errors == []  # police chiefs: the first evidence there
    assert withdraw_dataset(session=session, dataset_id="cs-sex", reason="test")
    session.commit()
    take_snapshot(session=session, on=ON)
    doc = parse(report_html(session))
    assert not doc.all("p", "no-trend")
    found = compare_snapshots(session=session)
    assert found["improved"] and found["worsened"]
    for direction in ("improved", "worsened"):
        assert table_rows(doc.one("table", f"trend-{direction}")) == [
            [
                label("sector", r["sector"]),
                label("grade", r["grade"]),
                label("attribute", r["attribute"]),
                f"{r['before']['score']} {r['before']['band']}",
                f"{r['after']['score']} {r['after']['band']}",
                f"{r['change']:+d}",
                "; ".join(r["why"]),
            ]
            for r in found[direction]
        ]
    assert any(
        "cs-sex is withdrawn" in r[6] for r in table_rows(doc.one("table", "trend-worsened"))
    )
    bands = table_rows(doc.one("table", "trend-bands"))
    assert bands == [
        [b, str(found["bands"]["before"][b]), str(found["bands"]["after"][b])]
        for b in ("covered", "partial", "gap")
    ]


@pytest.mark.usefixtures("catalogue")
def test_the_method_table_is_the_one_the_scorer_uses(session):
    doc = parse(report_html(session))
    assert table_rows(doc.one("table", "method-factors")) == [
        [f.name, str(f.points), f.question] for f in method.FACTORS
    ]
    assert table_rows(doc.one("table", "method-provenance")) == [
        [p, f"{w:g}"] for p, w in method.PROVENANCE.items()
    ]
    assert table_rows(doc.one("table", "method-bands")) == [
        ["covered", str(method.COVERED_FROM), "100"],
        ["partial", str(method.PARTIAL_FROM), str(method.COVERED_FROM - 1)],
        ["gap", "0", str(method.PARTIAL_FROM - 1)],
    ]
    (section,) = [s for s in doc.all("section") if s.attrs["id"] == "method"]
    assert "The method in full: docs/gap-method.md" in section.text()


@pytest.mark.usefixtures("catalogue")
def test_harvested_text_is_escaped(session):
    html = report_html(session, sector="nhs", attribute="pay")
    assert "<script" not in html and 'onerror="x' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34; onerror=&#34;x" in html
    doc = parse(html)
    assert not doc.all("script")
    assert not [n for n in doc.iter() if any(a.startswith("on") for a in n.attrs)]
    texts = [td.text() for td in doc.all("td")] + [th.text() for th in doc.all("th")]
    assert f"best: NHS pay {HOSTILE} (1 dataset)" in texts and f"Trust {HOSTILE}" in texts


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_cell_text_meets_wcag_aa_on_every_band_colour():
    for band, colours in PALETTE.items():
        backgrounds = [colours["fill"], *([colours["hatch"]] if "hatch" in colours else [])]
        for background in backgrounds:
            assert contrast(colours["text"], background) >= 4.5, band


@pytest.mark.usefixtures("catalogue")
def test_the_cli(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    out = runner.invoke(app, ["gaps", "--format", "html", "--attribute", "sex"])
    assert out.exit_code == 0, out.output
    doc = parse(out.stdout)
    assert len(doc.all("svg")) == 1 and doc.one("svg").attrs["data-attribute"] == "sex"

    written = tmp_path / "report.html"
    out = runner.invoke(app, ["gaps", "--format", "html", "-o", str(written)])
    assert out.exit_code == 0, out.output
    assert out.stdout == "" and f"wrote {written}" in out.stderr
    assert len(parse(written.read_text(encoding="utf-8")).all("svg")) == 17

    assert runner.invoke(app, ["gaps", "--format", "html", "--band", "gap"]).exit_code == 2
    assert runner.invoke(app, ["gaps", "--format", "html", "--sector", "nope"]).exit_code == 2
    assert runner.invoke(app, ["gaps", "snapshots", "--format", "html"]).exit_code == 2
    assert runner.invoke(app, ["gaps", "-o", str(written)]).exit_code == 2  # a table: stdout


@pytest.mark.usefixtures("catalogue")
def test_the_api(client):
    response = client.get("/api/gaps/report.html", params={"attribute": ["sex", "pay"]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    doc = parse(response.text)
    assert [s.attrs["data-attribute"] for s in doc.all("svg")] == ["sex", "pay"]
    assert len(table_rows(doc.one("table", "top-gaps"))) == TOP_GAPS
    assert client.get("/api/gaps/report.html", params={"sector": "nope"}).status_code == 400
    assert client.get("/api/gaps/report.html", params={"grade": "scs2"}).status_code == 400
