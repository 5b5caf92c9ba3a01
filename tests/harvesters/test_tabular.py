"""Profiles of real tabular files (tests/fixtures/tabular) and of awkward ones made here."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from harvesters import tabular
from harvesters.tabular import (
    INDEX_COLUMN,
    MAX_ROWS,
    TabularError,
    profile_table,
    tabular_format,
)
from schemas import ColumnProfile, TableProfile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"
UNGROUPED = "Responsibility_level_ungrouped.csv"
ETHNICITY = "Ethnicity__Responsibility_level_grouped__Sex.csv"
DISABILITY = "Disability__Responsibility_level_grouped.csv"
CSL_SENIOR = "civil_service_learning-2011-09-30-senior.csv"
CSL_JUNIOR = "civil_service_learning-2011-09-30-junior.csv"
NHSLA_SENIOR = "060413-NHSLA-organogram-ver4-senior.csv"
NHSLA_JUNIOR = "060413-NHSLA-organogram-ver4-junior.csv"

Cell = str | int | float | None
JUNK = random.Random(7).randbytes(4000)


def profile(name: str, **kwargs: object) -> TableProfile:
    return profile_table((FIXTURES / name).read_bytes(), format="csv", **kwargs)  # type: ignore[arg-type]


def column(table: TableProfile, name: str) -> ColumnProfile:
    return next(c for c in table.columns if c.name == name)


# -- Civil Service Statistics ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows", "footer", "grade_column"),
    [
        (UNGROUPED, 36, 21, "Responsibility_level_ungrouped"),
        (ETHNICITY, 459, 24, "Responsibility_level_grouped"),
        (DISABILITY, 96, 23, "Responsibility_level_grouped"),
    ],
)
def test_civil_service_statistics_footer_rows_are_dropped(
    name: str, rows: int, footer: int, grade_column: str
) -> None:
    table = profile(name)
    assert (table.format, table.encoding, table.header_row) == ("csv", "utf-8", 0)
    assert (table.row_count, table.footer_rows_dropped, table.truncated) == (rows, footer, False)
    assert [c.name for c in table.columns][:2] == ["Status", "Year"]
    assert column(table, grade_column).kind == "text"
    assert "SCS level" in column(table, grade_column).values
    # No note leaks into the data: every Status value is a real status.
    assert set(column(table, "Status").values) == {
        "In post",
        "New entrant CS",
        "Leaver CS",
        "Leaver Dept.",
    }
    assert not any(
        row[0] in {"Notes", "Data source", "Version", "Data column"} for row in table.sample
    )


def test_responsibility_levels_are_the_values_of_a_dimension_column() -> None:
    table = profile(UNGROUPED)
    levels = column(table, "Responsibility_level_ungrouped")
    assert sorted(levels.values) == [
        "AA",
        "AO",
        "EO",
        "G6",
        "G7",
        "HEO",
        "SCS level",
        "SEO",
        "Unknown",
    ]
    assert levels.distinct_count == 9 and levels.missing == levels.suppressed == 0
    assert column(table, "Year").kind == "number" and column(table, "Year").values == []


def test_suppressed_cells_are_counted_and_keep_numbers_numeric() -> None:
    table = profile(ETHNICITY)
    for name in ("Headcount", "FTE", "Mean_salary", "Median_salary"):
        figures = column(table, name)
        assert figures.kind == "number", name
        assert figures.suppressed > 0 and figures.values == []
        assert "[c]" not in figures.values
    assert column(table, "FTE").suppressed == 375
    assert column(table, "Sex").values == ["Female", "Male", "Unknown"]
    assert column(table, "Ethnicity").values[:5] == [
        "Asian",
        "Black",
        "Mixed",
        "Other ethnicity",
        "White",
    ]


def test_the_header_is_found_below_title_rows() -> None:
    original = (FIXTURES / UNGROUPED).read_bytes()
    titled = b"Civil Service Statistics 2023: staff by responsibility level\n\n" + original
    table = profile_table(titled, format="csv")
    assert table.header_row == 2
    assert (table.row_count, table.footer_rows_dropped) == (36, 21)
    assert [c.name for c in table.columns] == [c.name for c in profile(UNGROUPED).columns]
    padded = b'"Table 7","","","","","",""\n"Source: ACSES","","","","","",""\n' + original
    assert profile_table(padded, format="csv").header_row == 2


def test_sample_holds_the_first_data_rows_as_strings() -> None:
    table = profile(UNGROUPED)
    assert len(table.sample) == 36
    assert table.sample[0] == ["In post", "2023", "AA", "18705", "16930", "22200", "22180"]


# -- organograms -------------------------------------------------------------------------------


def test_senior_organogram_names_its_blank_column_and_keeps_grades() -> None:
    table = profile(CSL_SENIOR)
    assert (table.header_row, table.row_count, table.footer_rows_dropped) == (0, 5, 0)
    names = [c.name for c in table.columns]
    assert names[15] == "column_16" and column(table, "column_16").kind == "empty"
    assert column(table, "Grade (or equivalent)").values == ["SCS1", "SCS2"]
    assert column(table, "Actual Pay Floor (£)").kind == "number"
    assert column(table, "Name").values == ["N/D", "Jerry Arnott"]
    # Long free text is not a dimension even in a small table.
    assert column(table, "Job/Team Function").values == []


def test_leading_index_column_is_kept_and_marked() -> None:
    table = profile(NHSLA_SENIOR)
    assert table.columns[0].name == INDEX_COLUMN and table.columns[0].kind == "number"
    assert table.columns[1].name == "Post Unique Reference"
    assert [c.name for c in table.columns].index("column_17") == 16
    assert column(table, "Grade").values == ["SCS1", "SCS2"]
    assert table.row_count == 13 and table.sample[0][0] == "0"


def test_junior_organograms_list_their_grades() -> None:
    nhsla = profile(NHSLA_JUNIOR)
    assert nhsla.columns[0].name == INDEX_COLUMN and nhsla.row_count == 79
    assert set(column(nhsla, "Grade").values) >= {"Band 8C", "Band 5", "Band 2"}
    assert column(nhsla, "Payscale Minimum (£)").kind == "number"
    csl = profile(CSL_JUNIOR)
    assert csl.columns[0].name == "Parent Department" and csl.row_count == 28
    assert set(column(csl, "Grade").values) == {"Grade 6", "Grade 7", "SEO", "HEO", "HEO-D", "EO"}


def test_a_header_without_rows_gives_empty_columns() -> None:
    table = profile("DERIVED_header_from_DownloadResult.csv")
    assert table.row_count == 0 and table.sample == []
    assert len(table.columns) == 27 and {c.kind for c in table.columns} == {"empty"}


# -- encodings and delimiters ------------------------------------------------------------------


def test_windows_1252_text_is_read() -> None:
    text = (
        "Grade,Pay range,Headcount\n"
        'SCS1,"£75,000 \u2013 £117,800",[c]\n'
        'SCS2,"£95,000 \u2013 £162,500",40\n'
    )
    table = profile_table(text.encode("cp1252"), format="csv")
    assert table.encoding == "windows-1252"
    assert column(table, "Pay range").values[0] == "£75,000 \u2013 £117,800"
    headcount = column(table, "Headcount")
    assert (headcount.kind, headcount.suppressed, headcount.distinct_count) == ("number", 1, 1)


def test_a_latin_1_hint_still_reads_windows_1252() -> None:
    table = profile_table(
        "Grade,Note\nSCS1,a \u2013 b\n".encode("cp1252"), format="csv", encoding_hint="ISO-8859-1"
    )
    assert table.sample == [["SCS1", "a \u2013 b"]]


def test_utf8_bom_and_semicolons() -> None:
    text = "\ufeffGrade;Headcount;Snapshot\nSCS1;10;31/03/2023\nG7;x;31/03/2023\nG6;..;30/09/2023\n"
    table = profile_table(text.encode("utf-8"), format="csv")
    assert table.encoding == "utf-8-sig"
    assert [c.name for c in table.columns] == ["Grade", "Headcount", "Snapshot"]
    assert column(table, "Headcount").suppressed == 2
    assert column(table, "Snapshot").kind == "date"


def test_tab_separated() -> None:
    table = profile_table(b"Grade\tHeadcount\nSCS1\t10\nG7\t-\n", format="tsv")
    assert table.format == "tsv" and [c.kind for c in table.columns] == ["text", "number"]


def test_a_download_cut_by_the_byte_cap() -> None:
    cut = (FIXTURES / UNGROUPED).read_bytes()[:3000]
    table = profile_table(cut, format="csv", truncated=True)
    assert table.truncated and table.row_count == 36
    assert all(len(row) == 7 for row in table.sample)


def test_work_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 1000)
    lines = ["grade,headcount"] + [f"G{i % 7},{i}" for i in range(5000)]
    table = profile_table("\n".join(lines).encode(), format="csv")
    assert table.truncated and 990 <= table.row_count <= 1000
    assert column(table, "grade").values == [f"G{i}" for i in range(7)]
    assert tabular.MAX_ROWS == 1000 and MAX_ROWS == 200_000


# -- spreadsheets ------------------------------------------------------------------------------


SHEETS: list[tuple[str, list[list[Cell]]]] = [
    ("Cover", [["Staff in post by grade"], ["Source: a test"]]),
    (
        "Table 1",
        [
            ["Table 1: staff in post"],
            [],
            ["Grade", "Headcount", "Snapshot"],
            ["SCS1", 10, "2023-03-31"],
            ["SCS2", "[c]", "2023-03-31"],
            ["G7", 2.5, None],
        ],
    ),
]


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_workbooks_profile_their_first_table(kind: str) -> None:
    content = _xlsx(SHEETS) if kind == "xlsx" else _ods(SHEETS)
    table = profile_table(content, format=kind)
    assert (table.format, table.sheet, table.encoding) == (kind, "Table 1", None)
    assert (table.header_row, table.row_count) == (2, 3)
    assert [c.name for c in table.columns] == ["Grade", "Headcount", "Snapshot"]
    assert [c.kind for c in table.columns] == ["text", "number", "date"]
    assert column(table, "Headcount").suppressed == 1
    assert table.sample[0] == ["SCS1", "10", "2023-03-31"]
    assert table.sample[2] == ["G7", "2.5", ""]


def test_a_workbook_behind_a_csv_label_is_still_read() -> None:
    assert profile_table(_xlsx(SHEETS), format="csv").format == "xlsx"


def test_a_workbook_of_text_only_falls_back_to_its_first_non_empty_sheet() -> None:
    table = profile_table(_xlsx([("Empty", []), ("Notes", [["Just a note"]])]), format="xlsx")
    assert table.sheet == "Notes" and table.row_count == 0


# -- unreadable input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        (JUNK, "csv", "binary"),
        (JUNK, "xlsx", "binary"),
        (b"", "csv", "empty"),
        (b" \r\n\r\n", "csv", "empty"),
        (b"\xef\xbb\xbf", "csv", "no cells"),
        (b"PK\x03\x04 not really a zip", "xlsx", "spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 damaged", "xls", "spreadsheet"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "csv", "HTML"),
        (b"a,b\n1,2\n", "pdf", "not a tabular format"),
    ],
)
def test_unreadable_files_raise_tabular_error(content: bytes, kind: str, message: str) -> None:
    with pytest.raises(TabularError, match=message):
        profile_table(content, format=kind)
    assert issubclass(TabularError, ValueError)


def test_odd_but_readable_text_never_raises() -> None:
    for content in (
        b"x",
        b'"unclosed,quote\n1,2',
        b",,,\n,,,\n1,,,\n",
        b"a;b\n" * 3,
        b"\n\n\nh\n1\n",
    ):
        assert isinstance(profile_table(content, format="csv"), TableProfile)


# -- tabular_format ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notation", "media_type", "url", "expected"),
    [
        ("csv", None, "https://example.org/download", "csv"),
        ("ods", "application/octet-stream", "https://example.org/a", "ods"),
        ("pdf", None, "https://example.org/table.csv", None),
        (None, "text/csv; charset=utf-8", "https://example.org/a", "csv"),
        (None, "application/octet-stream", "https://example.org/Data.XLSX?dl=1", "xlsx"),
        (None, "text/plain", "https://example.org/data.tsv", "tsv"),
        (None, "application/vnd.ms-excel", "https://example.org/", "xls"),
        (None, "application/vnd.oasis.opendocument.spreadsheet", "", "ods"),
        (None, "text/html", "https://example.org/page", None),
        (None, None, "https://example.org/report.pdf", None),
    ],
)
def test_tabular_format(
    notation: str | None, media_type: str | None, url: str, expected: str | None
) -> None:
    assert tabular_format(notation, media_type, url) == expected


# -- workbook writers (standard library only) --------------------------------------------------


def _xlsx(sheets: list[tuple[str, list[list[Cell]]]]) -> bytes:
    """The smallest SpreadsheetML workbook python-calamine reads (inline strings, no styles)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    numbers = range(1, len(sheets) + 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                f'ContentType="{ct}.worksheet+xml"/>'
                for i in numbers
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _) in zip(numbers, sheets, strict=True)
            )
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{rel}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in numbers
            )
            + "</Relationships>",
        )
        for i, (_, rows) in zip(numbers, sheets, strict=True):
            body = "".join(
                f'<row r="{r}">'
                + "".join(_xlsx_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
                + "</row>"
                for r, row in enumerate(rows, start=1)
            )
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<worksheet xmlns="{main}"><sheetData>{body}</sheetData></worksheet>',
            )
    return buffer.getvalue()


def _xlsx_cell(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _ods(sheets: list[tuple[str, list[list[Cell]]]]) -> bytes:
    """The smallest OpenDocument spreadsheet python-calamine reads (mimetype, manifest, content)."""
    office = "urn:oasis:names:tc:opendocument:xmlns"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            f'<manifest:manifest xmlns:manifest="{office}:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        tables = "".join(
            f'<table:table table:name="{escape(name)}">'
            + "".join(
                "<table:table-row>" + "".join(map(_ods_cell, row)) + "</table:table-row>"
                for row in rows
            )
            + "</table:table>"
            for name, rows in sheets
        )
        z.writestr(
            "content.xml",
            f'<office:document-content xmlns:office="{office}:office:1.0" '
            f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0" '
            f'office:version="1.2"><office:body><office:spreadsheet>{tables}'
            "</office:spreadsheet></office:body></office:document-content>",
        )
    return buffer.getvalue()


def _ods_cell(value: Cell) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
        "</table:table-cell>"
    )
