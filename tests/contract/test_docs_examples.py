"""Every code example in the documentation runs, and shows what it really prints.

Fenced ``python`` blocks run as scripts from the root of the checkout and must exit 0
(their ``assert`` lines are the checks). Fenced ``console`` blocks are sessions: each
``$ command`` runs in a shell (``.venv/bin/`` in front of a program, the path after
``make demo``, runs the test's own environment's) and its output must match the lines
shown under it, where
``...`` stands for anything (a whole line of it: any number of lines). Examples that talk
to the HTTP service get a real one, started on a free loopback port in place of
``127.0.0.1:8000``. Two kinds of command cannot run inside the test suite and are
checked instead: ``make TARGET`` with ``make -n`` (the target exists; running ``make test``
here would recurse), and ``pip install 'wtguidance[extra]'`` against pyproject's extras.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GENERATED = {"editions", "changes", "codes", "reference"}  # tested by test_generate
EXAMPLE_ADDRESS = "127.0.0.1:8000"
BIN = str(Path(sys.executable).parent)


class Block(NamedTuple):
    page: str
    line: int
    language: str
    text: str


def hand_written_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if p.relative_to(DOCS).parts[0] not in GENERATED)


def code_blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^```(\w+)\s*$", lines[index])
        if not opening:
            index += 1
            continue
        end = lines.index("```", index + 1)
        body = "\n".join(lines[index + 1 : end]) + "\n"
        yield Block(str(path.relative_to(ROOT)), index + 1, opening.group(1), body)
        index = end + 1


BLOCKS = [b for page in hand_written_pages() for b in code_blocks(page)]
RUNNABLE = [b for b in BLOCKS if b.language in ("python", "console")]


def test_the_docs_have_examples_to_run() -> None:
    pages = {b.page for b in RUNNABLE}
    assert {"docs/quickstart.md", "docs/concepts.md", "docs/service.md"} <= pages
    assert not [b for b in BLOCKS if b.language in ("sh", "bash", "shell", "py", "pycon")], (
        "use ```python or ```console so the example runs as a test"
    )


@pytest.fixture(scope="module")
def service() -> Iterator[Callable[[], str]]:
    """The address of a real service, started the first time an example needs one."""
    from _server import running_server

    stack = ExitStack()
    started: list[str] = []

    def address() -> str:
        if not started:
            base = stack.enter_context(running_server())
            started.append(base.removeprefix("http://"))
        return started[0]

    with stack:
        yield address


def _pattern(expected: list[str]) -> re.Pattern[str]:
    parts = []
    for line in expected:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.split("...")) + r"\n")
    return re.compile("".join(parts), re.DOTALL)


def _session(text: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before any command: {line!r}"
            steps[-1][1].append(line)
    return steps


def _extras() -> set[str]:
    return set(importlib.metadata.metadata("wtguidance").get_all("Provides-Extra") or ())


def _run_command(command: str, expected: list[str], service: Callable[[], str]) -> None:
    # the docs show the path that works after `make demo`; here the test's own venv runs it
    command = re.sub(r"(?<![\w/.])\.venv/bin/", "", command)
    words = shlex.split(command)
    if words[0] == "make":
        done = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True)
        assert done.returncode == 0, done.stderr
        return
    if words[:2] == ["pip", "install"]:
        extras = set(re.findall(r"\[([\w,-]+)\]", command)[0].split(","))
        assert extras <= _extras(), command
        return
    if words[:2] == ["wtguidance", "serve"]:
        from _server import running_server

        flags, rest = [], iter(words[2:])
        for word in rest:  # the test picks a free port
            if word == "--port":
                next(rest)
            else:
                flags.append(word)
        with running_server(*flags):  # it starts and answers /healthz
            return
    if EXAMPLE_ADDRESS in command:
        command = command.replace(EXAMPLE_ADDRESS, service())
    env = {**os.environ, "NO_COLOR": "1", "PATH": BIN + os.pathsep + os.environ["PATH"]}
    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    if expected:
        output = done.stdout if done.stdout.endswith("\n") else done.stdout + "\n"
        assert _pattern(expected).fullmatch(output), (
            f"{command}\n--- expected\n" + "\n".join(expected) + f"\n--- got\n{output}"
        )


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: f"{b.page}:{b.line}")
def test_example_runs(block: Block, service: Callable[[], str], tmp_path: Path) -> None:
    if block.language == "console":
        for command, expected in _session(block.text):
            _run_command(command, expected, service)
        return
    source = block.text
    if EXAMPLE_ADDRESS in source:
        source = source.replace(EXAMPLE_ADDRESS, service())
    script = tmp_path / "example.py"
    script.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{block.page}:{block.line}\n{done.stderr}"


def test_the_output_matcher_can_fail() -> None:
    assert _pattern(["a", "...", "c ... e"]).fullmatch("a\nb\nb\nc d e\n")
    assert not _pattern(["a", "c"]).fullmatch("a\nb\nc\n")
    assert not _pattern(["a ... z"]).fullmatch("a b\n")
