"""``wtguidance serve``: the HTTP service (DESIGN §15; needs the extra ``server``)."""

from __future__ import annotations

import argparse
import os

from wtguidance._install_hint import install_command
from wtguidance.cli._context import CliContext, Commands
from wtguidance.errors import UsageError

__all__ = ["register"]


def _cmd_serve(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        import uvicorn

        from wtguidance.service.app import MAX_BODY_ENV, ServiceSettings, create_app
    except ImportError as exc:
        raise UsageError(
            f"the HTTP service needs the 'server' extra ({exc.name} is not installed): "
            f"{install_command('server')}",
            code="missing-extra",
        ) from None
    if args.workers < 1:
        raise UsageError("--workers: must be at least 1", code="bad-flag")
    if args.max_body_bytes < 1:
        raise UsageError("--max-body-bytes: must be at least 1", code="bad-flag")
    settings = ServiceSettings(max_body_bytes=args.max_body_bytes)
    ctx.stderr.write(
        f"wtguidance: serving on http://{args.host}:{args.port} "
        f"({args.workers} worker{'s' if args.workers > 1 else ''}, "
        f"bodies up to {settings.max_body_bytes} bytes); Ctrl-C stops\n"
    )
    if args.workers == 1:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    else:  # each worker process builds its own application from the environment
        os.environ[MAX_BODY_ENV] = str(settings.max_body_bytes)
        uvicorn.run(
            "wtguidance.service.app:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="info",
        )
    return 0


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def register(commands: Commands) -> None:
    """Add ``serve`` to the CLI."""
    serve = commands.add_parser(
        "serve",
        help="serve the library over HTTP (needs the 'server' extra)",
        description="Serve evaluate, validate-protocol, diff, editions and explain over HTTP; "
        "every response is the JSON the matching command prints. Listens on loopback "
        "unless --host says otherwise.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_whole_number, default=8000, help="port to listen on")
    serve.add_argument(
        "--workers", type=_whole_number, default=1, help="worker processes (default 1)"
    )
    serve.add_argument(
        "--max-body-bytes",
        type=_whole_number,
        default=1_048_576,
        help="refuse request bodies larger than this with 413 (default 1 MiB)",
    )
    serve.set_defaults(handler=_cmd_serve)
