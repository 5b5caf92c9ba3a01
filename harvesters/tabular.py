"""Profile tabular distributions (CSV, TSV, XLSX, XLS, ODS): pure functions over bytes, no I/O.

:func:`profile_table` reads a downloaded file into a :class:`~schemas.TableProfile` and copes
with what public files look like (research notes section 5): UTF-8 with or without a BOM or
windows-1252 text, any of ``, ; TAB |`` as delimiter, title rows above the header, notes rows
below the data (Civil Service Statistics), blank-named columns and a leading index column
(organograms), suppression symbols such as ``[c]`` that must not turn a number column into text.
Work is bounded (:data:`MAX_ROWS`, :data:`MAX_CELLS`); a file that cannot be read as a table
raises :class:`TabularError`, never anything else. :func:`tabular_format` says whether a
distribution is a table this module can profile.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from datetime import date, datetime, time
from itertools import pairwise
from urllib.parse import urlsplit

from python_calamine import CalamineWorkbook

import vocab
from schemas.profile import MAX_DISTINCT, MAX_SAMPLE_ROWS, ColumnProfile, TableProfile

TABULAR_FORMATS = ("csv", "tsv", "xlsx", "xls", "ods")
SPREADSHEETS = ("xlsx", "xls", "ods")
# Cells that stand for a withheld or unavailable figure (Cabinet Office, DfE/EES, ONS ...).
SUPPRESSION_SYMBOLS = frozenset({"[c]", "c", "x", "z", "..", "-", "[x]", "[z]", "*"})
# The name given to a leading unnamed column holding 0, 1, 2 ... (a pandas index).
INDEX_COLUMN = "(index)"
MAX_ROWS = 200_000  # data rows read; past this the profile is marked truncated
MAX_CELLS = 4_000_000  # the same bound for very wide tables
MAX_COLUMNS = 2_000
MAX_SHEETS = 30
MAX_CELL_CHARS = 500  # longer values are cut in `values` and `sample`
HEADER_SEARCH_ROWS = 30
DIMENSION_SHARE = 0.2  # a text column with at most this share of distinct values is a dimension
FREE_TEXT_LENGTH = 100  # mean value length above which a text column is free text

_NUMBER = re.compile(
    r"^[-+(]?\s*[£$€]?\s*[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?\s*%?\)?$"
)
_DATES = (
    re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"),
    re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})$"),
    re.compile(
        r"^\d{1,2}[ -](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ -](\d{2}|\d{4})$"
    ),
)
_FOOTER_WORDS = frozenset(
    {"notes", "note", "footnotes", "source", "sources", "data source", "version", "data column"}
)
_LOOSE_SPACE = re.compile(r"\s\s|[^\S ]")  # runs of spaces, tabs or line breaks
_MAGIC_ZIP = b"PK\x03\x04"
_MAGIC_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TabularError(ValueError):
    """The file cannot be read as a table (binary junk, empty, not a spreadsheet ...)."""


def tabular_format(format_notation: str | None, media_type: str | None, url: str) -> str | None:
    """``csv``/``tsv``/``xlsx``/``xls``/``ods`` when the distribution is a profilable table.

    A known format notation decides; otherwise the URL's extension, then the media type (often
    vague: ``application/octet-stream``), each read through the ``format`` vocabulary.
    """
    if format_notation:
        known = vocab.match("format", format_notation)
        if known is not None:
            return known.notation if known.notation in TABULAR_FORMATS else None
    last = urlsplit(url or "").path.rsplit("/", 1)[-1]
    extension = "." + last.rsplit(".", 1)[-1] if "." in last else ""
    media = (media_type or "").split(";")[0].strip()
    for evidence in (extension, media):
        found = vocab.match("format", evidence) if evidence else None
        if found is not None and found.notation in TABULAR_FORMATS:
            return found.notation
    return None


def profile_table(
    content: bytes, *, format: str, encoding_hint: str | None = None, truncated: bool = False
) -> TableProfile:
    """Profile one downloaded table; :class:`TabularError` if it cannot be read as one."""
    fmt = (format or "").strip().lower()
    if fmt not in TABULAR_FORMATS:
        raise TabularError(f"{format!r} is not a tabular format ({', '.join(TABULAR_FORMATS)})")
    if not content or not content.strip():
        raise TabularError("the file is empty")
    if content.startswith((_MAGIC_ZIP, _MAGIC_OLE)):
        try:
            rows, sheet, capped = _read_workbook(content)
        except TabularError as exc:
            cut = " (the download was cut short: a workbook cannot be read in part)"
            raise TabularError(f"{exc}{cut if truncated else ''}") from None
        encoding = None
        fmt = "xls" if content.startswith(_MAGIC_OLE) else "xlsx"
        fmt = "ods" if b"opendocument.spreadsheet" in content[:200] else fmt
    else:
        text, encoding = _decode(content, encoding_hint, truncated)
        rows, capped = _read_text(text, fmt, truncated)
        fmt, sheet = ("csv" if fmt in SPREADSHEETS else fmt), None
    if not any(any(row) for row in rows):
        raise TabularError("the file holds no cells with a value")
    return _profile(rows, fmt=fmt, sheet=sheet, encoding=encoding, truncated=truncated or capped)


def _decode(content: bytes, hint: str | None, truncated: bool) -> tuple[str, str]:
    for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if content.startswith(bom):
            return _checked(content.decode(codec, errors="replace")), "utf-16"
    # Latin-1 and ASCII declarations mean windows-1252 in practice (as browsers read them).
    if hint and hint.strip().lower() in {"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii"}:
        hint = "cp1252"
    codecs = ["utf-8-sig", *([hint] if hint else []), "cp1252"]
    for codec in codecs:
        try:
            text = content.decode(codec)
        except UnicodeDecodeError as exc:
            # A download cut by the byte cap may end inside a multi-byte character.
            if not (truncated and codec == "utf-8-sig" and exc.start >= len(content) - 3):
                continue
            text = content[: exc.start].decode(codec)
        except LookupError:
            continue
        label = {"utf-8-sig": "utf-8", "cp1252": "windows-1252"}.get(codec, codec)
        return _checked(text), "utf-8-sig" if content.startswith(b"\xef\xbb\xbf") else label
    return _checked(content.decode("cp1252", errors="replace")), "windows-1252"


def _checked(text: str) -> str:
    """The text, unless it is binary data or a web page."""
    head = text[:65_536]
    odd = sum(1 for ch in head if (ch < " " and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    if odd > max(2, len(head) // 100):
        raise TabularError("binary data, not a text table (or an unknown encoding)")
    if head.lstrip()[:15].lower().startswith(("<!doctype html", "<html", "<?xml")):
        raise TabularError("an HTML or XML document, not a table")
    return text


def _delimiter(text: str, fmt: str) -> str:
    """The delimiter that splits the first lines most consistently into the most fields."""
    sample = "\n".join(text[:50_000].splitlines()[:60])
    order = ("\t", ",", ";", "|") if fmt == "tsv" else (",", ";", "\t", "|")
    best, best_score = order[0], (0.0, 0)
    for candidate in order:
        try:
            widths = [
                len(row)
                for row in csv.reader(io.StringIO(sample), delimiter=candidate)
                if any(cell.strip() for cell in row)
            ]
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (round(count / len(widths), 1), width) if width > 1 else (0.0, 1)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_text(text: str, fmt: str, truncated: bool) -> tuple[list[list[str]], bool]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, fmt))
    rows: list[list[str]] = []
    cells, capped = 0, False
    try:
        for row in reader:
            if len(rows) > MAX_ROWS or cells > MAX_CELLS:
                capped = True
                break
            rows.append([cell.strip() for cell in row[:MAX_COLUMNS]])
            cells += len(row)
    except csv.Error as exc:
        if len(rows) < 2:
            raise TabularError(f"not readable as CSV (line {reader.line_num}): {exc}") from None
        capped = True  # keep what was read before the damage
    if truncated and rows and not text.endswith(("\n", "\r")):
        rows.pop()  # the last line was cut by the byte cap
    return rows, capped


def _read_workbook(content: bytes) -> tuple[list[list[str]], str, bool]:
    """The first sheet that holds a table (else the first non-empty one), as text cells."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise TabularError(f"not a readable spreadsheet: {str(exc)[:200]}") from None
    fallback: tuple[list[list[str]], str, bool] | None = None
    for name in names[:MAX_SHEETS]:
        try:
            raw = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS + 2)
        except Exception:  # one damaged sheet should not hide the others
            continue
        rows = [[_cell_text(value) for value in row[:MAX_COLUMNS]] for row in raw]
        capped = len(rows) > MAX_ROWS + 1
        if not any(any(row) for row in rows):
            continue
        header = _find_header(rows)
        if any(_filled(row) for row in rows[header + 1 :]) and max(map(_filled, rows)) > 1:
            return rows, name, capped
        fallback = fallback or (rows, name, capped)
    if fallback is None:
        raise TabularError("the workbook has no sheet with any values")
    return fallback


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return _tidy(str(value))


def _tidy(cell: str) -> str:
    cell = cell.strip()
    return " ".join(cell.split()) if _LOOSE_SPACE.search(cell) else cell


def _filled(row: list[str]) -> int:
    return len(row) - row.count("")


def _is_suppressed(cell: str) -> bool:
    return cell in SUPPRESSION_SYMBOLS or (
        cell[:1] == "[" and cell.casefold() in SUPPRESSION_SYMBOLS
    )


def _is_number(cell: str) -> bool:
    return any(ch.isdigit() for ch in cell) and _NUMBER.match(cell) is not None


def _is_date(cell: str) -> bool:
    lowered = cell.casefold()
    return any(pattern.match(lowered) for pattern in _DATES)


def _find_header(rows: list[list[str]]) -> int:
    """The first row as wide as the table, mostly text, followed by a row about as wide."""
    head = [(i, row) for i, row in enumerate(rows[: HEADER_SEARCH_ROWS * 2]) if _filled(row)]
    if not head:
        return 0
    width = max(_filled(row) for _, row in head)
    wide = [(i, row) for i, row in head[:HEADER_SEARCH_ROWS] if _filled(row) * 2 >= width]
    for k, (i, row) in enumerate(head[:HEADER_SEARCH_ROWS]):
        filled = _filled(row)
        if filled * 2 < width:
            continue  # a title or a note above the table
        texts = sum(1 for cell in row if cell and not _is_number(cell) and not _is_suppressed(cell))
        after = head[k + 1][1] if k + 1 < len(head) else None
        if texts * 2 >= filled and (after is None or _filled(after) * 2 >= filled):
            return i
    return wide[0][0] if wide else head[0][0]


def _note_like(row: list[str], width: int) -> bool:
    """A notes or metadata row: text in the first one or two cells, nothing else."""
    limit = 2 if width >= 5 else 1
    if width < 3 or any(row[limit:]) or not any(row[:limit]):
        return False
    return not any(_is_number(cell) or _is_suppressed(cell) for cell in row[:limit] if cell)


def _footer_start(data: list[list[str]], width: int) -> int:
    """Where the trailing block of notes rows begins (``len(data)`` when there is none).

    Walking up from the end, rows of prose in the first cell or two are notes; so is everything
    from the first notes row that opens with a footer word ("Notes", "Data source", "Version").
    """
    start = len(data)
    while start > 0 and _note_like(data[start - 1], width) and _prose(data[start - 1]):
        start -= 1
    for k, row in enumerate(data[:start]):
        if _note_like(row, width) and vocab.normalise(row[0]) in _FOOTER_WORDS:
            start = k
            break
    # Notes need data above them: a table of nothing but sparse rows keeps its rows.
    return start if start > 0 else len(data)


def _prose(row: list[str]) -> bool:
    """A sentence rather than a label: long, several words, or opening with a footer word."""
    return vocab.normalise(row[0]) in _FOOTER_WORDS or any(
        len(cell) >= 25 or len(cell.split()) >= 4 for cell in row
    )


def _column_names(header: list[str], data: list[list[str]], width: int) -> list[str]:
    names: list[str] = []
    for j in range(width):
        name = _tidy(header[j] if j < len(header) else "")[:MAX_CELL_CHARS]
        if not name:
            name = INDEX_COLUMN if j == 0 and _is_index(data) else f"column_{j + 1}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _is_index(data: list[list[str]]) -> bool:
    """The first column counts 0, 1, 2 ... (or 1, 2, 3 ...) down the rows."""
    firsts = [row[0] if row else "" for row in data[:1000]]
    if not firsts or not all(cell.isdigit() for cell in firsts):
        return False
    numbers = [int(cell) for cell in firsts]
    return numbers[0] in (0, 1) and all(b - a == 1 for a, b in pairwise(numbers))


def _column(name: str, cells: list[str], rows: int) -> ColumnProfile:
    counts: Counter[str] = Counter()
    for cell, n in Counter(cells).items():  # tidy each distinct value once, not every cell
        counts[_tidy(cell)] += n
    missing = counts.pop("", 0)
    suppressed = sum(counts.pop(value) for value in list(counts) if _is_suppressed(value))
    if not counts:
        kind = "empty"
    elif all(_is_number(value) for value in counts):
        kind = "number"
    elif all(_is_date(value) for value in counts):
        kind = "date"
    else:
        kind = "text"
    values: list[str] = []
    if kind == "text":
        distinct, total = len(counts), sum(counts.values())
        mean_length = sum(len(v) * n for v, n in counts.items()) / total
        dimension = distinct <= MAX_DISTINCT or distinct <= DIMENSION_SHARE * rows
        if dimension and mean_length <= FREE_TEXT_LENGTH:
            values = [value[:MAX_CELL_CHARS] for value, _ in counts.most_common(MAX_DISTINCT)]
    return ColumnProfile(
        name=name,
        kind=kind,
        distinct_count=len(counts),
        values=values,
        missing=missing,
        suppressed=suppressed,
    )


def _profile(
    rows: list[list[str]], *, fmt: str, sheet: str | None, encoding: str | None, truncated: bool
) -> TableProfile:
    header_at = _find_header(rows)
    header = rows[header_at]
    data = [row for row in rows[header_at + 1 :] if _filled(row)]
    width = max([len(header), *map(len, data)])
    # Drop trailing columns with neither a name nor a value (trailing commas, styled cells).
    while (
        width > 1
        and not (width <= len(header) and header[width - 1])
        and not any(len(row) >= width and row[width - 1] for row in data)
    ):
        width -= 1
    start = _footer_start(data, width)
    footer, data = len(data) - start, data[:start]
    names = _column_names(header, data, width)
    columns = [
        _column(name, [row[j] if j < len(row) else "" for row in data], len(data))
        for j, name in enumerate(names)
    ]
    sample = [
        [_tidy(row[j] if j < len(row) else "")[:MAX_CELL_CHARS] for j in range(width)]
        for row in data[:MAX_SAMPLE_ROWS]
    ]
    return TableProfile(
        format=fmt,
        sheet=sheet,
        encoding=encoding,
        header_row=header_at,
        row_count=len(data),
        footer_rows_dropped=footer,
        truncated=truncated,
        columns=columns,
        sample=sample,
    )
