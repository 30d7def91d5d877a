"""What a start of the command line spares itself: pydantic's plugin discovery (a scan of
every installed distribution's entry points), unless the user asked for plugins, and
cyclic garbage collection over what an evaluating command imports and loads at start
(paused, then frozen)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from _helpers import EXAMPLES, ROOT, run_cli

PROGRAM = """
import contextlib, gc, io, os, sys
from pydantic.plugin import _loader
from wtguidance.cli import main
sys.argv = ["wtguidance", *sys.argv[1:]]
if os.environ.get("TEST_GC_OFF"):
    gc.disable()
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        code = main()
    except SystemExit as done:  # argparse's --help
        code = done.code
print(code, repr(os.environ.get("PYDANTIC_DISABLE_PLUGINS")), _loader._plugins is None)
print(out.getvalue().count("obligations"))
print(gc.isenabled(), gc.get_freeze_count() > 0)
"""


def _run(environment: dict[str, str], *argv: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env.update(environment)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout.split("\n")


CASE = str(EXAMPLES / "cases" / "s17-met.json")


@pytest.mark.parametrize(
    "argv",
    [
        ("evaluate", CASE, "--as-of", "2024-03-01", "--format", "json"),
        ("evaluate", CASE, "--as-of", "2024-03-01"),
        ("editions",),
    ],
)
def test_a_start_skips_the_plugin_scan(argv: tuple[str, ...]) -> None:
    status, shown = _run({}, *argv)[:2]
    assert status == "0 '__all__' True"
    if argv[-1] == "json":
        assert shown == "1"


@pytest.mark.parametrize(("value", "scanned"), [("", "False"), ("__all__", "True"), ("x", "False")])
def test_a_value_the_user_set_is_kept(value: str, scanned: str) -> None:
    status = _run({"PYDANTIC_DISABLE_PLUGINS": value}, "evaluate", CASE, "--as-of", "2024-03-01")[0]
    assert status == f"0 {value!r} {scanned}"


def test_calling_main_with_arguments_changes_no_environment() -> None:
    program = (
        "import os; from wtguidance.cli import main; main(['editions']); "
        "print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines()[-1] == "None"


BATCH = str(EXAMPLES / "batch" / "cases.jsonl")


@pytest.mark.parametrize(
    ("argv", "frozen"),
    [
        (("evaluate", CASE, "--as-of", "2024-03-01", "--format", "json"), "True"),
        (("batch", BATCH, "--as-of", "2024-03-01"), "True"),
        (("editions",), "False"),  # evaluates nothing: imports nothing more
        (("evaluate", "--help"), "False"),  # the parser answers before the start
    ],
)
def test_an_evaluating_start_is_frozen_and_collection_stays_on(
    argv: tuple[str, ...], frozen: str
) -> None:
    lines = _run({}, *argv)
    assert lines[2] == f"True {frozen}"


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    lines = _run({"TEST_GC_OFF": "1"}, "evaluate", CASE, "--as-of", "2024-03-01")
    assert lines[0].startswith("0 ")
    assert lines[2] == "False False"


def test_a_frozen_start_gives_the_same_output() -> None:
    program = (
        "import contextlib, io, sys; from wtguidance.cli import main; "
        "sys.argv = ['wtguidance', *sys.argv[1:]]; main()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    argv = ["evaluate", CASE, "--as-of", "2024-03-01", "--format", "json"]
    started = subprocess.run(
        [sys.executable, "-c", program, *argv], capture_output=True, text=True, env=env, check=True
    )
    code, out, _err = run_cli(*argv)
    assert code == 0
    assert started.stdout == out
