"""What ``batch``'s processes do: each numbered line read, judged and encoded, and the
lines in tasks for worker processes with ``--jobs`` above 1."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from wtguidance.caseload import Settings

__all__ = ["CHARS_PER_TASK", "LINES_PER_TASK", "write_answers"]

#: the most numbered lines per task sent to a worker process with ``--jobs`` above 1
LINES_PER_TASK = 256
#: and the most characters: a task is closed at whichever comes first (bounded memory)
CHARS_PER_TASK = 1 << 20


Line = tuple[int, str, bool]  # number, text, whether it fitted (sources.jsonl.numbered_lines)


def write_answers(
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
