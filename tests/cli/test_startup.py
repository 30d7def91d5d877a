"""What a start of the command line spares itself: pydantic's plugin discovery (a scan of
every installed distribution's entry points), unless the user asked for plugins, and
cyclic garbage collection over what an evaluating command imports and loads at start
(paused, then frozen)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _helpers import EXAMPLES, ROOT, run_cli
from wtguidance.errors import WtGuidanceError

cli_main = importlib.import_module("wtguidance.cli.main")  # (wtguidance.cli.main is main())

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


# What a cold `evaluate` must not import (each was a measured share of its start):
# importlib.metadata (pydantic's plugin loader and the install hint imported it, with email,
# zipfile, socket ...), PyYAML and the pack validator once the shipped packs are in the
# cache, importlib.resources (zipfile ...) for a package installed as files, and
# for JSON output the Markdown and HTML helpers of the renderers.
MODULES = """
import contextlib, io, sys
from wtguidance.cli import main
sys.argv = ["wtguidance", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        code = main()
    except SystemExit as done:
        code = done.code
print(code, len(out.getvalue()) > 0)
shown = (
    "importlib.metadata",
    "yaml",
    "email",
    "html",
    "wtguidance._render.text",
    "importlib.resources",
    "wtguidance._pack.validate",
)
print(" ".join(m for m in shown if m in sys.modules))
"""


def _modules(tmp_path: Path, *argv: str, **environment: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env.update(environment)
    env["WTGUIDANCE_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", MODULES, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout.split("\n")


@pytest.mark.parametrize(
    "argv",
    [
        ("evaluate", CASE, "--as-of", "2024-03-01", "--format", "json"),
        ("evaluate", CASE, "--as-of", "2024-03-01", "--format", "markdown"),
        ("batch", BATCH, "--as-of", "2024-03-01"),
        ("editions",),
    ],
)
def test_a_start_with_the_packs_cached_imports_neither_metadata_nor_yaml(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    first = _modules(tmp_path, *argv)  # fills the pack cache: PyYAML parses the packs
    assert first[0] == "0 True"
    assert "importlib.metadata" not in first[1]
    again = _modules(tmp_path, *argv)
    assert again[0] == "0 True"
    assert "importlib.metadata" not in again[1]
    for module in ("yaml", "importlib.resources", "wtguidance._pack.validate"):
        assert module not in again[1].split()
    if argv[-1] == "json" or argv[0] == "batch":  # JSON: no Markdown or HTML helpers
        assert again[1] == ""


def test_without_the_cache_the_packs_are_parsed_and_still_no_metadata(tmp_path: Path) -> None:
    argv = ("evaluate", CASE, "--as-of", "2024-03-01", "--format", "json")
    for _ in range(2):
        lines = _modules(tmp_path, *argv, WTGUIDANCE_NO_CACHE="1")
        assert lines[:2] == ["0 True", "yaml wtguidance._pack.validate"]


@pytest.mark.parametrize("value", ["", "x"])
def test_plugins_the_user_asked_for_are_looked_up(tmp_path: Path, value: str) -> None:
    """With plugins on, pydantic's own loader runs (and reads the entry points)."""
    lines = _modules(
        tmp_path, "evaluate", CASE, "--as-of", "2024-03-01", PYDANTIC_DISABLE_PLUGINS=value
    )
    assert lines[0] == "0 True"
    assert "importlib.metadata" in lines[1]


def test_the_stand_in_hands_over_to_pydantic_when_plugins_are_turned_on() -> None:
    program = (
        "import os, sys; from wtguidance.cli._startup import skip_pydantic_plugins; "
        "skip_pydantic_plugins(); from pydantic.plugin import _loader as stand_in; "
        "print(tuple(stand_in.get_plugins()), 'importlib.metadata' in sys.modules); "
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = ''; "
        "stand_in.get_plugins(); from pydantic.plugin import _loader; "
        "print(_loader is stand_in, _loader._plugins is not None, "
        "'importlib.metadata' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines() == ["() False", "False True True"]


@pytest.mark.parametrize("name", ["rules", "schemas", "examples"])
def test_the_package_data_is_found_without_importlib_resources(name: str) -> None:
    program = (
        "import sys; from wtguidance._resources import data_dir; "
        f"found = data_dir({name!r}); "
        "print(found.is_dir(), any(True for _ in found.iterdir()), "
        "'importlib.resources' in sys.modules); "
        "from wtguidance._resources import Traversable; print(Traversable.__name__)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines() == ["True True False", "Traversable"]


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def test_each_command_is_registered_by_the_module_named_for_it() -> None:
    full = _choices(cli_main.build_parser())
    assert set(full) == set(cli_main._REGISTERED_BY)
    for name in full:
        narrowed = _choices(cli_main.build_parser(name))
        assert name in narrowed
        assert len(narrowed) < len(full)


def _outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            parsed: object = vars(parser.parse_args(argv))
        except SystemExit as done:
            parsed = done.code
        except WtGuidanceError as refused:
            parsed = refused.one_line()
    if isinstance(parsed, dict):
        parsed = {k: v for k, v in parsed.items() if k != "handler"}
    return parsed, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", sorted(cli_main._REGISTERED_BY))
@pytest.mark.parametrize("tail", [["--help"], ["--no-such-option"], [], ["a", "b", "c", "d"]])
def test_a_command_line_parses_alike_with_only_its_command_registered(
    name: str, tail: list[str]
) -> None:
    argv = [name, *tail]
    assert _outcome(cli_main.build_parser(name), argv) == _outcome(cli_main.build_parser(), argv)


def test_main_builds_only_the_named_command(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str | None] = []
    real = cli_main.build_parser

    def recording(command: str | None = None) -> argparse.ArgumentParser:
        built.append(command)
        return real(command)

    monkeypatch.setattr(cli_main, "build_parser", recording)
    for argv in (["editions"], ["--version"], [], ["no-such-command"]):
        with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
            cli_main.main(argv, stdout=io.StringIO(), stderr=io.StringIO())
    assert built == ["editions", "--version", None, "no-such-command"]
    assert set(_choices(real("no-such-command"))) == set(cli_main._REGISTERED_BY)
