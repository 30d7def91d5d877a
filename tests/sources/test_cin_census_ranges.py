"""``cin-census --jobs N``: workers parse their own byte ranges of the file, and the report is
the one reading the file in one piece gives, byte for byte, exit code and stderr included,
whatever the file holds and wherever the ranges fall; when the byte scan cannot be sure of
the cuts, or a range's reading could differ, the file is read in one piece after all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from _helpers import run_cli
from cin_builder import HEADER, assessment, census, child, episode
from wtguidance.sources.cin_census import _ranges, plan_ranges, read_census_range

AS_OF = "2024-03-31"


def _kids(count: int, first: int = 0, referral: str = "2024-01-08") -> list[str]:
    return [
        child(episode(referral, assessment("2024-01-09", "2024-02-01")), child_id=f"C{i}")
        for i in range(first, first + count)
    ]


def _report(path: Path, jobs: int, fmt: str = "json") -> tuple[int, str, str]:
    argv = ["cin-census", str(path), "--as-of", AS_OF, "--format", fmt, "--jobs", str(jobs)]
    return run_cli(*argv)


def _same(tmp_path: Path, data: bytes, *, ranged: bool, jobs: tuple[int, ...] = (2, 3)) -> str:
    """The report with --jobs 1 and with each of ``jobs``: identical (JSON and CSV). Returns
    the JSON report. ``ranged`` says whether the scan is expected to cut the file."""
    path = tmp_path / "census.xml"
    path.write_bytes(data)
    with path.open("rb") as stream:
        planned = plan_ranges(stream, str(path), 2)
    assert (planned is not None and len(planned.ranges) > 1) == ranged
    for fmt in ("json", "csv"):
        one = _report(path, 1, fmt)
        for n in jobs:
            assert _report(path, n, fmt) == one, (fmt, n)
    return _report(path, 1)[1]


@pytest.fixture(autouse=True)
def _small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    # ranges of a single child or two, so that every test file is cut many times
    monkeypatch.setattr(_ranges, "_MIN_RANGE", 1)


def test_a_plain_file_is_cut_and_reads_the_same(tmp_path: Path) -> None:
    _same(tmp_path, census(*_kids(9)), ranged=True)


@pytest.mark.parametrize("where", [0, 3, 4, 8])
def test_a_bad_record_at_a_range_boundary(tmp_path: Path, where: int) -> None:
    kids = _kids(9)
    kids[where] = child(episode("2024-02-30"), child_id=f"C{where}")  # no such day
    report = _same(tmp_path, census(*kids), ranged=True)
    assert "2024-02-30" in report


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"])
def test_crlf_and_cr_files(tmp_path: Path, ending: bytes) -> None:
    kids = _kids(6)
    kids[4] = child(episode("2024-13-01"), child_id="C4")
    data = census(*kids).replace(b"\n", ending)
    report = _same(tmp_path, data, ranged=True)
    assert '"line":' in report


def test_one_line_with_characters_of_several_bytes(tmp_path: Path) -> None:
    """A file on one line: every range starts mid-line, after names in Welsh and Greek, so
    each column the parser reports depends on counting characters, not bytes."""
    kids = _kids(6)
    kids = [k.replace("<Sex>F</Sex>", "<Sex>F</Sex><Forename>Siôn Ωμέγα</Forename>") for k in kids]
    kids[5] = child(episode("2024-02-31"), child_id="Ωμέγα")
    data = census(*kids).replace(b"\n", b"")
    report = _same(tmp_path, data, ranged=True)
    assert '"column":' in report


def test_a_file_with_one_child_is_read_in_one_piece(tmp_path: Path) -> None:
    _same(tmp_path, census(*_kids(1)), ranged=False)


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "census.xml"
    path.write_bytes(b"")
    assert _report(path, 2) == _report(path, 1)
    assert _report(path, 1)[0] == 2


@pytest.mark.parametrize(
    "hidden",
    [
        "<!-- <Child> an old child, commented out </Child> -->",
        "<![CDATA[ <Child> </Child> ]]>",
        "<?note <Child>?>",
    ],
)
def test_a_child_tag_in_a_comment_cdata_or_instruction(tmp_path: Path, hidden: str) -> None:
    kids = _kids(6)
    kids.insert(3, hidden)
    _same(tmp_path, census(*kids), ranged=False)


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ('<Child id="1">', "</Child>"),
        ("<Child >", "</Child >"),
        ("<Child>", "</Child\n>"),
        ("<x:Child>", "</x:Child>"),
    ],
)
def test_child_tags_a_byte_scan_leaves_alone(tmp_path: Path, opening: str, closing: str) -> None:
    kids = _kids(6)
    kids[2] = kids[2].replace("<Child>", opening).replace("</Child>", closing)
    root = 'Message xmlns:x="urn:x"'
    data = census(*kids, root=root).replace(f"</{root}>".encode(), b"</Message>")
    assert f"{opening}\n<ChildIdentifiers>".encode() in data
    assert f"</CINdetails>\n{closing}".encode() in data
    _same(tmp_path, data, ranged=False)


@pytest.mark.parametrize("where", [1, 4, 7])
def test_a_file_that_stops_being_well_formed(tmp_path: Path, where: int) -> None:
    kids = _kids(9)
    kids[where] = kids[where].replace("</ChildIdentifiers>", "</ChildIdentifier>")
    report = _same(tmp_path, census(*kids), ranged=True)
    assert "not well-formed" in report


def test_a_file_cut_short(tmp_path: Path) -> None:
    data = census(*_kids(9))
    _same(tmp_path, data[: len(data) - 40], ranged=False)


def test_junk_after_the_root(tmp_path: Path) -> None:
    _same(tmp_path, census(*_kids(6)) + b"<Message/>\n", ranged=True)


@pytest.mark.parametrize("second", [1, 5, 8])
def test_a_child_seen_again_in_a_later_range(tmp_path: Path, second: int) -> None:
    kids = _kids(9)
    kids[second] = kids[0].replace("2024-01-08", "2024-01-15")  # C0 again, another episode
    report = _same(tmp_path, census(*kids), ranged=True)
    assert "duplicate-child" in report


def test_an_episode_seen_again_in_a_later_range(tmp_path: Path) -> None:
    kids = _kids(9)
    kids[7] = kids[2]  # the same child and episode, five children on
    report = _same(tmp_path, census(*kids), ranged=True)
    assert "C2/2024-01-08#2" in report


def test_a_second_header_between_children(tmp_path: Path) -> None:
    kids = _kids(8)
    kids.insert(5, HEADER.replace("2024-03-31", "2023-03-31"))
    report = _same(tmp_path, census(*kids), ranged=True)
    assert "a second Header" in report


def test_an_episode_outside_any_child_between_children(tmp_path: Path) -> None:
    kids = _kids(8)
    kids.insert(4, episode("2024-01-10"))
    report = _same(tmp_path, census(*kids), ranged=True)
    assert "stands outside any Child" in report


def test_text_and_other_elements_between_children(tmp_path: Path) -> None:
    kids = _kids(8)
    kids.insert(2, "stray text")
    kids.insert(6, "<Note>kept out</Note>")
    _same(tmp_path, census(*kids), ranged=True)


def test_the_header_after_the_children(tmp_path: Path) -> None:
    body = census(*_kids(6), header=None)
    data = body.replace(b"</Children>", b"</Children>\n" + HEADER.encode())
    _same(tmp_path, data, ranged=True)


def test_a_child_in_a_child_and_an_unexpected_root(tmp_path: Path) -> None:
    kids = _kids(8)
    kids[3] = kids[3].replace("</Child>", kids[4] + "\n</Child>")
    _same(tmp_path, census(*kids, root="Return"), ranged=True)


def test_namespaces_declared_on_the_root(tmp_path: Path) -> None:
    kids = [k.replace("<LAchildID>", '<LAchildID xsi:type="t">') for k in _kids(6)]
    root = 'Message xmlns="http://www.dfes.gov.uk/schemas/CIN" xmlns:xsi="urn:xsi"'
    data = census(*kids, root=root).replace(f"</{root}>".encode(), b"</Message>")
    _same(tmp_path, data, ranged=True)


@pytest.mark.parametrize(
    ("prolog", "ranged"),
    [
        ('<?xml version="1.0" encoding="UTF-8"?>\n', True),
        ('\ufeff<?xml version="1.0"?>\n', True),
        ('<?xml version="1.0" encoding="ISO-8859-1"?>\n', False),
    ],
)
def test_declarations(tmp_path: Path, prolog: str, ranged: bool) -> None:
    _same(tmp_path, census(*_kids(6), prolog=prolog), ranged=ranged)


def test_a_range_of_a_changed_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "census.xml"
    path.write_bytes(census(*_kids(6)))
    with path.open("rb") as stream:
        plan = plan_ranges(stream, str(path), 2)
    assert plan is not None
    assert read_census_range(plan, 1, "f") is not None
    path.write_bytes(census(*_kids(6, first=10)))
    assert read_census_range(plan, 1, "f") is None


def test_a_stream_that_is_not_the_named_file_is_not_planned(tmp_path: Path) -> None:
    path = tmp_path / "census.xml"
    path.write_bytes(census(*_kids(6)))
    assert plan_ranges(io.BytesIO(path.read_bytes()), str(path), 2) is None
    other = tmp_path / "other.xml"
    other.write_bytes(census(*_kids(6)))
    with other.open("rb") as stream:
        assert plan_ranges(stream, str(path), 2) is None


def test_lines_far_into_the_file(tmp_path: Path) -> None:
    """Ranges thousands of lines in: every line a rejection or a case names is the file's."""
    kids = _kids(400)
    for where in (57, 201, 399):
        kids[where] = child(episode("2024-04-31"), child_id=f"C{where}")
    data = census(*kids)
    report = _same(tmp_path, data, ranged=True, jobs=(2,))
    lines = data.decode().splitlines()
    # each bad date is named at its own line of the file
    bad = [n for n, text in enumerate(lines, 1) if "2024-04-31" in text]
    assert len(bad) == 3
    assert bad[-1] > 3000
    for number in bad:
        assert f'"line": {number},' in report


def test_ranges_are_bounded_in_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ranges, "_MIN_RANGE", 1 << 12)
    monkeypatch.setattr(_ranges, "_MAX_RANGE", 1 << 14)
    path = tmp_path / "census.xml"
    path.write_bytes(census(*_kids(600)))
    with path.open("rb") as stream:
        plan = plan_ranges(stream, str(path), 2)
    assert plan is not None
    longest_child = max(len(k) for k in _kids(600)) + 2
    assert all(r.end - r.start <= (1 << 14) + longest_child for r in plan.ranges)
    assert len(plan.ranges) >= path.stat().st_size // ((1 << 14) + longest_child)
    assert plan.ranges[0].children == 0
    befores = [r.children for r in plan.ranges]
    assert befores == sorted(set(befores))  # each range starts past the last one's children
    assert all(a.end == b.start for a, b in zip(plan.ranges, plan.ranges[1:], strict=False))
    assert plan.children == 600
