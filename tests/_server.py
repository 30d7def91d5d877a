"""Start the real service for a test: ``wtguidance serve`` on a free loopback port.

The server is a subprocess running the real command (uvicorn and all), so the tests see
what a case system sees. It is stopped when the ``with`` block ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

START_TIMEOUT = 60.0  # seconds; loading and compiling every pack takes a second or two


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(*flags: str) -> Iterator[str]:
    """Yield the base URL of a freshly started ``wtguidance serve`` on 127.0.0.1."""
    port = free_port()
    with tempfile.TemporaryFile() as log:  # not a pipe: a full pipe would stall the server
        yield from _serve(port, log, flags)


def _serve(port: int, log: IO[bytes], flags: tuple[str, ...]) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "wtguidance", "serve", "--port", str(port), *flags],
        stdout=log,
        stderr=log,
        env={**os.environ, "NO_COLOR": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server exited: {log.read().decode()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer within {START_TIMEOUT} s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
