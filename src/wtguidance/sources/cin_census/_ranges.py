"""A census file cut into byte ranges of whole ``Child`` elements, each read on its own.

For ``--jobs N`` each worker process parses and maps its own range, so the parent no longer
reads the whole file. :func:`plan_ranges` finds the cuts by a cheap byte scan, and says
``None`` (read the file in one piece, as always) whenever the scan cannot be sure of them:

- a comment, CDATA section, document type or processing instruction anywhere (``<!``, and
  ``<?`` past the XML declaration): a ``<Child>`` inside one is not an element;
- an encoding other than UTF-8, a ``Child`` tag with attributes, spaces or a namespace
  prefix, ``Child`` tags that do not pair up, fewer than two top-level ``Child`` elements;
- a file that is not a regular file.

Each range is read as a document of its own: the bytes before the first top-level
``Child`` (the declaration, the root, the header, with their namespaces), a line end and
spaces that put the range at its own column, the range, and the end tags of the elements
still open; the reader adds the lines the document skips to every line it reports, so
each line and column is the file's own. What a range's reader cannot be sure of in
turn — a parse error, a file-level note, an identity that changed — is for the caller to
settle by reading the file in one piece (``caseload.census_ranges``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

__all__ = [
    "CensusRange",
    "RangeDocument",
    "RangePlan",
    "outside_document",
    "plan_ranges",
    "range_document",
]

_BLOCK = 1 << 20
#: the smallest range worth a task of its own (bytes)
_MIN_RANGE = 1 << 18
#: the largest: what comes back for a range is held in memory until it is written
_MAX_RANGE = 1 << 20
#: ranges per worker process, so that the work evens out between them
_RANGES_PER_JOB = 4

# "<!" (comment, CDATA, DOCTYPE), "<?" (a processing instruction), or a tag whose local
# name is Child, with or without a prefix; what follows the name is checked separately
_TOKEN = re.compile(rb"<[!?]|</?(?:[^\s<>/!?:]+:)?Child(?![\w.\-:\x80-\xff])")
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


@dataclass(frozen=True, slots=True)
class CensusRange:
    """Bytes ``start`` to ``end`` of the file: whole top-level ``Child`` elements."""

    start: int
    end: int
    line: int  # the 1-based line of ``start`` (CR, LF and CRLF each end a line, as in XML)
    column: int  # characters between the start of that line and ``start``
    children: int  # top-level Child elements before this range (its first is this + 1st)


@dataclass(frozen=True, slots=True)
class RangePlan:
    """Where a census file is cut, and what every range's document begins and ends with."""

    path: str
    identity: tuple[int, int, int, int]  # device, inode, size, modification time (ns)
    ranges: tuple[CensusRange, ...]
    prefix: bytes  # the file up to its first top-level Child
    closing: bytes  # the end tags of the elements open at the end of ``prefix``
    suffix_start: int  # where the bytes after the last top-level Child begin
    suffix_line: int
    suffix_column: int
    children: int  # top-level Child elements in the file


def file_identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _chars(data: bytes) -> int:
    """How many characters an XML parser counts in ``data`` (UTF-8)."""
    return len(data) if data.isascii() else len(data.decode("utf-8", "replace"))


def _breaks(data: bytes) -> int:
    """Line ends in ``data``: LF, CR and CRLF each count once."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _after_last_break(data: bytes) -> int:
    """Where the last line of ``data`` begins (0 when it holds no line end)."""
    return max(data.rfind(b"\n"), data.rfind(b"\r")) + 1


class _Scan:
    """The byte scan: top-level Child starts and ends, with their line and column."""

    def __init__(self, size: int, jobs: int) -> None:
        self.target = min(max(_MIN_RANGE, size // (jobs * _RANGES_PER_JOB)), _MAX_RANGE)
        self.depth = 0
        self.breaks = 0  # line ends before ``done``
        self.column = 0  # characters between the last line end and ``done``
        self.done = 0  # bytes accounted for
        # where each range starts: offset, line, column, top-level children before it
        self.starts: list[tuple[int, int, int, int]] = []
        self.children = 0
        self.last_end = -1
        self.end_line = self.end_column = 0

    def advance(self, data: bytes, offset: int, upto: int) -> None:
        """Count lines and columns over ``data[self.done - offset : upto - offset]``."""
        piece = data[self.done - offset : upto - offset]
        if not piece:
            return
        count = _breaks(piece)
        if count:
            self.breaks += count
            self.column = _chars(piece[_after_last_break(piece) :])
        else:
            self.column += _chars(piece)
        self.done = upto

    def token(self, data: bytes, offset: int, match: re.Match[bytes]) -> bool:
        """One token at ``offset + match.start()``; False when the scan cannot be sure."""
        tag = match.group()
        where = offset + match.start()
        if tag == b"<?":
            return where == 0 or (where == 3 and data[:3] == b"\xef\xbb\xbf")
        if tag == b"<!":
            return False
        if data[match.end() : match.end() + 1] != b">" or tag not in (b"<Child", b"</Child"):
            return False  # attributes, a space, a prefix or "/>": not for a byte scan
        if tag == b"<Child":
            if self.depth == 0 and (not self.starts or where - self.starts[-1][0] >= self.target):
                self.advance(data, offset, where)  # a range starts here
                self.starts.append((where, self.breaks + 1, self.column, self.children))
            self.depth += 1
            return True
        self.depth -= 1
        if self.depth < 0:
            return False
        if self.depth == 0:
            self.children += 1
            self.last_end = where + len(b"</Child>")
        return True


def plan_ranges(stream: IO[bytes], path: str, jobs: int) -> RangePlan | None:
    """The cuts for ``jobs`` workers, or ``None`` to read the file in one piece.

    ``stream`` is the open file, read through once and left at its start."""
    try:
        stat = os.fstat(stream.fileno())
        if not os.path.isfile(path) or file_identity(os.stat(path)) != file_identity(stat):
            return None
        stream.seek(0)
        plan = _scan(stream, path, stat, jobs)
        stream.seek(0)
    except (OSError, ValueError, AttributeError):
        return None
    return plan


def _scan(stream: IO[bytes], path: str, stat: os.stat_result, jobs: int) -> RangePlan | None:
    head = stream.read(_BLOCK)
    declared = _DECLARATION.match(head)
    if declared is not None:
        encoding = _ENCODING.search(declared.group())
        if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
            return None
    scan = _Scan(stat.st_size, jobs)
    offset = 0
    data = head
    while True:
        more = stream.read(_BLOCK) if data else b""
        final = not more
        # a token never holds "<": stop before the last one, unless the file ends here
        cut = len(data) if final else data.rfind(b"<")
        if cut < 0:
            cut = len(data)
        for match in _TOKEN.finditer(data, 0, cut):
            if not scan.token(data, offset, match):
                return None
        if final:
            scan.advance(data, offset, offset + len(data))
            break
        scan.advance(data, offset, offset + cut)
        data, offset = data[cut:] + more, offset + cut
    if scan.depth != 0 or scan.children < 2:
        return None
    return _plan(stream, path, stat, scan)


def _plan(stream: IO[bytes], path: str, stat: os.stat_result, scan: _Scan) -> RangePlan | None:
    first = scan.starts[0][0]
    stream.seek(0)
    prefix = stream.read(first)
    closing = _closing(prefix)
    if closing is None:
        return None
    ends = [start[0] for start in scan.starts[1:]] + [scan.last_end]
    ranges = [CensusRange(s[0], end, *s[1:]) for s, end in zip(scan.starts, ends, strict=True)]
    if len(ranges) < 2:
        return None
    # the line and column where the suffix starts: counted from the last range's start
    last = ranges[-1]
    stream.seek(last.start)
    body = stream.read(last.end - last.start)
    count = _breaks(body)
    line = last.line + count
    column = _chars(body[_after_last_break(body) :]) + (0 if count else last.column)
    return RangePlan(
        path=os.path.abspath(path),
        identity=file_identity(stat),
        ranges=tuple(ranges),
        prefix=prefix,
        closing=closing,
        suffix_start=scan.last_end,
        suffix_line=line,
        suffix_column=column,
        children=scan.children,
    )


def _closing(prefix: bytes) -> bytes | None:
    """The end tags of the elements ``prefix`` leaves open, innermost first (None when the
    prefix is not the well-formed start of a document)."""
    open_tags: list[str] = []
    parser = expat.ParserCreate()  # no namespaces: the names as written, prefixes and all
    parser.StartElementHandler = lambda name, _attributes: open_tags.append(name)
    parser.EndElementHandler = lambda _name: open_tags.pop()
    try:
        parser.Parse(prefix, False)
    except expat.ExpatError:
        return None
    if not open_tags:
        return None
    return "".join(f"</{name}>" for name in reversed(open_tags)).encode()


@dataclass(frozen=True, slots=True)
class RangeDocument:
    """A part of the file as a document of its own; from line ``shift[0]`` of ``text`` on,
    each line is ``shift[1]`` lines further on in the file."""

    text: bytes
    shift: tuple[int, int]


def _placed(plan: RangePlan, line: int, column: int, body: bytes) -> RangeDocument:
    """``body``, which stands at (``line``, ``column``) of the file, after the prefix: on
    the prefix's last line when it stands there too, else on the next line (after a CR,
    which never joins a CR or LF before it into one line end), at its column."""
    first = plan.ranges[0]
    if line == first.line:
        return RangeDocument(plan.prefix + b" " * (column - first.column) + body, (0, 0))
    text = plan.prefix + b"\r" + b" " * column + body
    return RangeDocument(text, (first.line + 1, line - first.line - 1))


def range_document(plan: RangePlan, index: int) -> RangeDocument | None:
    """Range ``index`` as a document of its own (see the module docs), or ``None`` when the
    file is no longer the one planned."""
    part = plan.ranges[index]
    with open(plan.path, "rb") as file:
        if file_identity(os.fstat(file.fileno())) != plan.identity:
            return None
        file.seek(part.start)
        body = file.read(part.end - part.start)
    return _placed(plan, part.line, part.column, body + plan.closing)


def outside_document(plan: RangePlan) -> RangeDocument | None:
    """The file without its top-level Child elements: the prefix, then the bytes after the
    last one (its end tags, a late header…), positions kept."""
    with open(plan.path, "rb") as file:
        if file_identity(os.fstat(file.fileno())) != plan.identity:
            return None
        file.seek(plan.suffix_start)
        suffix = file.read()
    return _placed(plan, plan.suffix_line, plan.suffix_column, suffix)
