"""The ``wtguidance`` command line (also ``python -m wtguidance``).

Exit codes (DESIGN §11): 0 ok; 1 findings or non-compliance where a command says so;
2 usage or input error, reported as one line on stderr — never a traceback.

Each command lives in its own module of this package, exposing ``register(commands)``;
a command imports its domain only when it runs, so ``--help`` and ``--version`` stay quick.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from wtguidance._version import __version__
from wtguidance.cli import annex_a, batch, cin_census, diff, evaluate, packs, protocol, serve
from wtguidance.cli._context import CliContext, Handler, Parser
from wtguidance.cli._output import STDOUT, guarded
from wtguidance.cli._startup import import_then_freeze, skip_pydantic_plugins
from wtguidance.errors import WtGuidanceError

__all__ = ["build_parser", "main"]


#: every command's module, in the order ``--help`` lists their commands
_MODULES = (evaluate, protocol, diff, cin_census, annex_a, batch, packs, serve)
#: each command and the module that registers it (tests/cli/test_startup.py checks it)
_REGISTERED_BY = {
    "evaluate": evaluate,
    "validate-protocol": protocol,
    "diff": diff,
    "cin-census": cin_census,
    "annex-a": annex_a,
    "batch": batch,
    "editions": packs,
    "schema": packs,
    "explain": packs,
    "lint-packs": packs,
    "serve": serve,
}


def build_parser(command: str | None = None) -> Parser:
    """The argument parser with every command registered; given the ``command`` a command
    line names, only the module that registers it, which is all such a line needs (building
    every command's parser is a few per cent of a cold ``evaluate``, docs/performance.md)."""
    parser = Parser(
        prog="wtguidance",
        description="Working Together to Safeguard Children as cited rule packs.",
    )
    parser.add_argument("--version", action="version", version=f"wtguidance {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    named = _REGISTERED_BY.get(command) if command is not None else None
    for module in (named,) if named is not None else _MODULES:
        module.register(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    if argv is None:  # started as a program (tests pass their arguments)
        skip_pydantic_plugins()
    if stdout is None or stderr is None:
        _never_fail_to_print()
    ctx = CliContext(stdout or sys.stdout, stderr or sys.stderr, stdin or sys.stdin)
    try:
        given = sys.argv[1:] if argv is None else list(argv)
        # the first argument names the command, if any: the only option before it is the
        # parser's own (--help, --version), answered by the full parser
        parser = build_parser(given[0] if given else None)
        args = parser.parse_args(given)
        if args.command is None:
            ctx.write(parser.format_help())
            return 2
        if argv is None and args.command in _EVALUATING:
            import_then_freeze()
        handler: Handler = args.handler
        code = handler(args, ctx)
        guarded(ctx.stdout).flush()  # a full disk often shows only here
        return code
    except WtGuidanceError as error:
        if error.code == "cannot-write" and _is_stdout(error):
            _detach_stdout(ctx)
        ctx.stderr.write(f"wtguidance: {_one_line(error)}\n")
        return 2
    except KeyboardInterrupt:
        ctx.stderr.write("wtguidance: interrupted\n")
        return 130


def _is_stdout(error: WtGuidanceError) -> bool:
    return error.location is not None and error.location.path == STDOUT


def _detach_stdout(ctx: CliContext) -> None:
    """After stdout failed (closed pipe, full disk), send what is left in it nowhere.

    Otherwise the interpreter's own final flush fails again and prints a second message.
    """
    try:
        fd = ctx.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def _one_line(error: WtGuidanceError) -> str:
    """The error on one line, with control and bidi-override characters made visible."""
    from wtguidance._render.visible import visible

    return visible(" ".join(error.one_line().splitlines()))


#: the commands that always evaluate cases (each imports the case models and the engine)
_EVALUATING = frozenset({"evaluate", "batch", "cin-census", "annex-a", "serve"})


def _never_fail_to_print() -> None:
    """A terminal that cannot show a character gets an escape, not a UnicodeEncodeError.

    Command output is escaped as ``\\uXXXX`` by :meth:`CliContext.write` (valid in JSON too);
    this is the last line of defence for anything else written, such as error lines.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
