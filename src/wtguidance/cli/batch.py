"""``wtguidance batch``: JSON Lines of case records in, JSON Lines of outcomes out.

Each non-blank input line gives one output line, in the same order: the outcome (as
``evaluate --format json`` prints it, on one line) or ``{"rejected": {...}}`` naming the
line, column, field and reason. The counts go to stderr. Exit 0 when every line was read
(rejected lines included), 2 when the input cannot be read.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import IO, TYPE_CHECKING

from wtguidance.cli._caseload import add_run_options, progress, run_options, run_protocol
from wtguidance.cli._context import CliContext, Commands
from wtguidance.cli._output import check_out, open_out
from wtguidance.errors import UsageError

if TYPE_CHECKING:
    from wtguidance.caseload import Settings

__all__ = ["register"]


#: the most numbered lines per task sent to a worker process with ``--jobs`` above 1
LINES_PER_TASK = 256
#: and the most characters: a task is closed at whichever comes first (bounded memory)
CHARS_PER_TASK = 1 << 20


def _cmd_batch(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance.caseload import Settings
    from wtguidance.sources.jsonl import numbered_lines

    as_of, edition, jobs = run_options(args)
    check_out(args.out, ctx, [args.cases])
    overlay = run_protocol(args, ctx)  # refused before any record is read
    # Undecodable bytes are kept as surrogates, so that read_jsonl rejects the one line that
    # holds them (with its column) and reads the rest.
    if args.cases == "-":
        stream = ctx.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="surrogateescape")
        name = "<stdin>"
    else:
        name = args.cases
        try:
            stream = open(args.cases, encoding="utf-8", errors="surrogateescape")  # noqa: SIM115
        except FileNotFoundError:
            raise UsageError(f"{name}: no such cases file", code="missing-file") from None
        except OSError as exc:
            raise UsageError(f"{name}: cannot read ({exc.strerror})", code="missing-file") from None
    try:
        settings = Settings(as_of, edition, overlay=overlay)
        lines = progress(numbered_lines(stream), ctx, total=None, position=lambda: 0)
        with open_out(args.out, ctx, [args.cases]) as out:
            outcomes, records = _write(lines, out, name, settings, jobs)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text ({exc.reason})", code="invalid-input") from None
    finally:
        if isinstance(stream, io.TextIOWrapper) and args.cases == "-":
            stream.detach()  # leave the caller's stdin open
        elif stream is not ctx.stdin and stream is not sys.stdin:
            stream.close()
    rejected = records - outcomes
    ctx.stderr.write(f"wtguidance: {records} records: {outcomes} outcomes, {rejected} rejected\n")
    return 0


Line = tuple[int, str, bool]  # number, text, whether it fitted (sources.jsonl.numbered_lines)


def _write(
    lines: Iterable[Line], out: IO[str], name: str, settings: Settings, jobs: int
) -> tuple[int, int]:
    """Every line's answer written to ``out`` in input order: (outcomes, records)."""
    outcomes = records = 0
    if jobs == 1:
        for evaluated, text in map(_writer(name, settings), lines):
            outcomes += evaluated
            records += 1
            out.write(text + "\n")
        return outcomes, records
    from wtguidance.caseload.run import evaluator_for, ordered_map

    # Workers read, evaluate and encode their lines (forked from this process when that is
    # safe, so they start with the evaluator built here); this process only reads the lines
    # and writes each task's answers, one text per task, in input order.
    evaluator_for(settings.overlay)
    work = partial(_written_task, name=name, settings=settings)
    for counted, rows, text in ordered_map(work, _tasks(lines), jobs):
        outcomes += counted
        records += rows
        out.write(text)
    return outcomes, records


def _tasks(lines: Iterable[Line]) -> Iterator[list[Line]]:
    """The lines in tasks of at most :data:`LINES_PER_TASK` lines and, past the first line,
    :data:`CHARS_PER_TASK` characters."""
    task: list[Line] = []
    size = 0
    for line in lines:
        if task and (len(task) >= LINES_PER_TASK or size + len(line[1]) > CHARS_PER_TASK):
            yield task
            task, size = [], 0
        task.append(line)
        size += len(line[1])
    if task:
        yield task


def _writer(name: str, settings: Settings) -> Callable[[Line], tuple[bool, str]]:
    """What ``batch`` writes for one numbered line: (evaluated, one line of JSON): the
    outcome, or ``{"rejected": {...}}`` naming the line, column, field and reason."""
    from wtguidance._render.documents import json_line
    from wtguidance.case import Rejected
    from wtguidance.caseload.run import judge_one
    from wtguidance.sources.jsonl import read_line

    def written(item: Line) -> tuple[bool, str]:
        # a record the engine cannot evaluate is rejected at its line, the run goes on
        found = read_line(*item, name=name, sourced=True)
        judged = found if isinstance(found, Rejected) else judge_one(found, settings)
        if isinstance(judged, Rejected):
            row = {"rejected": judged.model_dump(mode="json", exclude_none=True)}
            return False, json_line(row)
        return True, json_line(judged.outcome)  # from the structs, once

    return written


def _written_task(chunk: list[Line], *, name: str, settings: Settings) -> tuple[int, int, str]:
    """A worker's task: a few numbered lines, each as :func:`_writer` writes it, as
    (outcomes, lines, the text to write: one JSON line each)."""
    answers = list(map(_writer(name, settings), chunk))
    text = "".join([line + "\n" for _, line in answers])
    return sum(evaluated for evaluated, _ in answers), len(answers), text


def register(commands: Commands) -> None:
    """Add ``batch`` to the CLI."""
    parser = commands.add_parser(
        "batch", help="evaluate JSON Lines of case records ('-' = stdin) into JSON Lines"
    )
    parser.add_argument("cases", help="JSON Lines file, one case per line, or - for stdin")
    add_run_options(parser, as_of_required=False)
    parser.set_defaults(handler=_cmd_batch)
