"""Annex A workbooks are read by what they hold, never by what they declare (issue 19 item 3).

- a declared ``<dimension>`` (up to the whole grid, ``A1:XFD1048576``) is not trusted: only
  the rows the file holds are read, and a row holds only its own cells (D6);
- a source holding more than ``max_records`` data rows is refused, one line, exit 2 (D7);
- a list file in a CSV folder that is not a regular file is reported, never skipped (D12);
- rejected rows keep their sheet and row in every format (D13);
- a shared-string index outside the table rejects its row, naming it (D19).
"""

from __future__ import annotations

import functools
import io
import json
import os
from pathlib import Path

import pytest

import wtguidance.sources.annex_a as annex_a_module
from annex_a_helpers import (
    HEADERS,
    csv_folder,
    raw_row,
    raw_workbook,
    referral,
    referral_cells,
)
from wtguidance.cli.main import main
from wtguidance.sources.annex_a import MAX_RECORDS, AnnexAError, read_annex_a
from wtguidance.sources.annex_a._sheets import _Shared, _workbook_rows

AS_OF = "2021-03-31"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.StringIO())
    return code, out.getvalue(), err.getvalue()


def _sparse(path: Path, rows: list[int], dimension: str | None, *, far: int = 1) -> Path:
    """A header and data rows at ``rows``, each with its last cell at column ``far``."""
    data = raw_row(1, HEADERS[3])
    for number in rows:
        data += raw_row(number, referral_cells(f"C{number}"))
        if far > len(HEADERS[3]):
            data = data[: -len("</row>")] + (
                f'<c r="{_col(far)}{number}" t="inlineStr"><is><t>x</t></is></c></row>'
            )
    return raw_workbook(path, data, dimension=dimension)


def _col(number: int) -> str:
    from annex_a_helpers import column_letter

    return column_letter(number)


def _rows_read(path: Path) -> list[tuple[int, int]]:
    """(row number, cells) of every row the reader yields for the workbook's one sheet."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [(n, len(c)) for n, c, _, _ in _workbook_rows(sheet, _Shared(), formulas=False)]
    finally:
        book.close()


@pytest.mark.parametrize(
    ("rows", "dimension"),
    [
        ([2, 1_048_576], "A1:XFD1048576"),
        ([2, 700_001], "A1:XFD1048576"),
        ([2, 3], "A1:XFD1048576"),
        ([2, 500_000], "A1:ZZ500000"),
        ([2, 999_999], None),
        ([5, 60_000, 1_000_000], "B2:K1048576"),
    ],
)
def test_declared_dimension_is_not_trusted(
    rows: list[int], dimension: str | None, tmp_path: Path
) -> None:
    book = _sparse(tmp_path / "sparse.xlsx", rows, dimension)
    read = _rows_read(book)
    assert [n for n, _ in read] == [1, *rows]  # no row is made up, whatever is declared
    assert max(width for _, width in read) == len(HEADERS[3])  # no row is padded
    annex = read_annex_a(book)
    assert [r.number for t in annex_a_source_rows(book) for r in t] == rows
    assert len(annex.items) == len(rows)
    code, out, err = _run("annex-a", str(book), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["summary"]["counts"]["records"] == len(rows)


def annex_a_source_rows(book: Path) -> list[tuple[object, ...]]:
    from wtguidance.sources.annex_a._sheets import read_source

    return [t.rows for t in read_source(book).tables]


@pytest.mark.parametrize("far", [200, 5_000, 16_384])
def test_a_far_cell_neither_pads_nor_disappears(far: int, tmp_path: Path) -> None:
    """A value far right of the header makes the row held to the header's width, and the
    row is rejected (it holds something the importer cannot place), never silently kept."""
    book = _sparse(tmp_path / "far.xlsx", [2, 3], "A1:XFD3", far=far)
    from wtguidance.sources.annex_a._sheets import read_source

    (table,) = read_source(book).tables
    assert all(len(row.values) <= len(HEADERS[3]) for row in table.rows)
    annex = read_annex_a(book)
    assert len(annex.rejected) == 2
    assert all(r.sheet == "List 3" and r.row in {2, 3} for r in annex.rejected)
    assert annex.reconciles


def test_blank_rows_between_data_are_still_counted(tmp_path: Path) -> None:
    book = _sparse(tmp_path / "gaps.xlsx", [2, 10, 11], "A1:K100000")
    (count,) = read_annex_a(book).counts
    assert (count.rows, count.blank_rows) == (3, 7)  # rows 3–9; nothing after row 11


@pytest.mark.parametrize(("limit", "rows"), [(1, 2), (3, 4), (10, 11)])
def test_more_rows_than_the_limit_are_refused(limit: int, rows: int, tmp_path: Path) -> None:
    data = raw_row(1, HEADERS[3]) + "".join(
        raw_row(n, referral_cells(f"C{n}")) for n in range(2, rows + 2)
    )
    book = raw_workbook(tmp_path / "many.xlsx", data)
    with pytest.raises(AnnexAError) as caught:
        read_annex_a(book, max_records=limit)
    assert caught.value.code == "input-too-large"
    assert f"more than {limit:,} data rows" in str(caught.value)
    assert len(read_annex_a(book, max_records=rows).items) == rows


def test_the_limit_counts_every_list_and_csv_folders_too(tmp_path: Path) -> None:
    folder = csv_folder(
        tmp_path / "lists",
        {
            "list_01.csv": [
                ["Child Unique ID", "Date of Contact"],
                *[[f"A{n}", "01/01/2021"] for n in range(3)],
            ],
            "list_03.csv": [HEADERS[3], *[referral(f"C{n}", "04/01/2021") for n in range(3)]],
        },
    )
    with pytest.raises(AnnexAError, match="more than 5 data rows"):
        read_annex_a(folder, max_records=5)
    assert read_annex_a(folder, max_records=6).reconciles


def test_the_limit_is_one_line_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = raw_row(1, HEADERS[3]) + "".join(
        raw_row(n, referral_cells(f"C{n}")) for n in range(2, 8)
    )
    book = raw_workbook(tmp_path / "many.xlsx", data)
    limited = functools.partial(annex_a_module.read_annex_a, max_records=5)
    monkeypatch.setattr(annex_a_module, "read_annex_a", limited)
    code, out, err = _run("annex-a", str(book), "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert "error[input-too-large]" in err
    assert "'List 3' row 7" in err


def test_the_documented_limit_is_the_one_applied() -> None:
    import inspect

    assert inspect.signature(read_annex_a).parameters["max_records"].default == MAX_RECORDS
    docs = (Path(__file__).parents[2] / "docs" / "annex-a.md").read_text(encoding="utf-8")
    assert f"{MAX_RECORDS:,}" in docs


# -- shared strings (D19) -----------------------------------------------------------------


@pytest.mark.parametrize("index", [-1, -7, 3, 4, 99, 2**31])
@pytest.mark.parametrize("column", [0, 1, 10])  # the child id, the gender, the worker
def test_a_shared_string_index_outside_the_table_rejects_its_row(
    index: int, column: int, tmp_path: Path
) -> None:
    shared = ["C1", "C2", "a) Male"]  # indexes 0–2
    bad = referral_cells(("s", 1))
    bad[column] = ("s", index)
    data = (
        raw_row(1, HEADERS[3])
        + raw_row(2, referral_cells(("s", 0)))
        + raw_row(3, bad)
        + raw_row(4, referral_cells("C3"))
    )
    book = raw_workbook(tmp_path / "strings.xlsx", data, shared=shared)
    annex = read_annex_a(book)
    assert annex.reconciles
    (rejected,) = annex.rejected
    assert (rejected.sheet, rejected.row, rejected.column) == ("List 3", 3, column + 1)
    assert f"shared string #{index}" in rejected.reason
    ids = {e.child_id for e in annex.episodes}
    assert "C1" in ids
    assert "C3" in ids
    assert "a) Male" not in ids  # -1 is never "the last string"


# -- CSV folders (D12) --------------------------------------------------------------------


def _folder(tmp: Path) -> Path:
    return csv_folder(tmp / "lists", {"list_03.csv": [HEADERS[3], referral("C1", "04/01/2021")]})


def _dangling(entry: Path) -> None:
    entry.symlink_to(entry.parent / "unmounted-share" / entry.name)


def _fifo(entry: Path) -> None:
    os.mkfifo(entry)


def _directory(entry: Path) -> None:
    entry.mkdir()


def _loop(entry: Path) -> None:
    entry.symlink_to(entry.name)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_dangling, "symbolic link to nothing"),
        (_fifo, "named pipe"),
        (_directory, "folder"),
        (_loop, "not readable"),
    ],
)
@pytest.mark.parametrize("name", ["list_04.csv", "List 5.CSV", "notes"])
def test_a_folder_entry_that_is_not_a_file_is_reported(
    make: object, words: str, name: str, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    make(folder / name)  # type: ignore[operator]
    annex = read_annex_a(folder)
    (finding,) = [f for f in annex.findings if name in f.message]
    assert words in finding.message
    assert finding.severity == ("warning" if name.lower().endswith(".csv") else "info")
    code, out, err = _run("annex-a", str(folder), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert name in out


def test_a_folder_whose_only_list_is_a_dangling_link_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    _dangling(folder / "list_03.csv")
    code, _, err = _run("annex-a", str(folder), "--as-of", AS_OF)
    assert code == 2
    assert "list_03.csv" in err
    assert "symbolic link to nothing" in err


def test_an_oversized_csv_field_names_its_file(tmp_path: Path) -> None:
    folder = csv_folder(
        tmp_path / "lists",
        {"list_03.csv": [HEADERS[3], referral("C1" + "x" * 140_000, "04/01/2021")]},
    )
    code, _, err = _run("annex-a", str(folder), "--as-of", AS_OF)
    assert code == 2
    assert "list_03.csv line 2" in err


# -- rejected rows keep their place in every format (D13) ---------------------------------


@pytest.mark.parametrize("fmt", ["csv", "text", "html", "json"])
@pytest.mark.parametrize(("sheet_row", "cell"), [(2, "31/02/2021"), (5, "#N/A"), (9, "2021")])
def test_rejected_rows_keep_sheet_and_row(
    fmt: str, sheet_row: int, cell: str, tmp_path: Path
) -> None:
    data = raw_row(1, HEADERS[3]) + raw_row(sheet_row, referral_cells("C7", cell))  # type: ignore[arg-type]
    data += raw_row(sheet_row + 1, referral_cells("C8"))
    book = raw_workbook(tmp_path / "bad.xlsx", data, sheet_name="Referrals 3")
    code, out, err = _run("annex-a", str(book), "--as-of", AS_OF, "--format", fmt)
    assert code == 0, err
    if fmt == "json":
        (rejected,) = json.loads(out)["rejected"]
        assert (rejected["sheet"], rejected["row"]) == ("Referrals 3", sheet_row)
        return
    shown = out.replace("&#x27;", "'").replace("&#39;", "'")
    assert f"sheet 'Referrals 3' row {sheet_row}" in shown
    assert "Date of Referral" in shown


@pytest.mark.parametrize("fmt", ["csv", "text", "html"])
def test_rejected_census_and_batch_records_keep_their_line(fmt: str, tmp_path: Path) -> None:
    census = tmp_path / "census.xml"
    census.write_text(
        "<Message><Children><Child><ChildIdentifiers><LAchildID>X1</LAchildID>"
        "<PersonBirthDate>2015-02-30</PersonBirthDate></ChildIdentifiers>"
        "<CINdetails><CINreferralDate>2023-01-02</CINreferralDate></CINdetails></Child>"
        "</Children></Message>",
        encoding="utf-8",
    )
    code, out, err = _run("cin-census", str(census), "--as-of", "2024-03-31", "--format", fmt)
    assert code == 0, err
    assert "line 1" in out


# -- numbers that are no day (found by the fuzz harness) ----------------------------------


@pytest.mark.parametrize(
    "value", [float("inf"), float("-inf"), float("nan"), 1e308, -1e-9, 2958466.5, 10**30]
)
def test_a_number_that_is_no_day_rejects_the_row(value: float) -> None:
    from wtguidance.sources.annex_a._cells import CellError, as_date

    with pytest.raises(CellError, match="not an Excel day number"):
        as_date(value)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), 1e308])
def test_an_infinite_date_cell_in_a_workbook_is_rejected(value: float, tmp_path: Path) -> None:
    from annex_a_helpers import D, lists

    book = lists(tmp_path / "inf.xlsx", {3: [referral("C1", value), referral("C2", D(2021, 1, 4))]})
    annex = read_annex_a(book)
    assert annex.reconciles
    (rejected,) = annex.rejected
    assert (rejected.sheet, rejected.row, rejected.field) == ("List 3", 2, "Date of Referral")
