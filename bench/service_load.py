"""A bounded load test of the HTTP service (DESIGN §15). Measures; asserts nothing.

Starts ``wtguidance serve`` on a free loopback port (127.0.0.1 only), sends a fixed
number of ``POST /v1/evaluate`` requests of realistic generated cases at each level of
concurrency, checks every answer is a 200, and prints requests per second and latency
percentiles. Then stops the server. Nothing is sent anywhere but loopback, and the run
is bounded in count (``--requests``) and time (``--deadline``).

    .venv/bin/python bench/service_load.py [--requests 1000] [--concurrency 1,8,32]
                                           [--workers 1] [--seed 2024]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import AS_OF, realistic_case  # the cases bench/run.py measures


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(base: str, process: subprocess.Popen[bytes], limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited before answering")
        try:
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {limit:.0f} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_level(base: str, bodies: list[bytes], concurrency: int, deadline: float) -> dict[str, Any]:
    """Send every body once, ``concurrency`` at a time; time each request."""
    clients = [httpx.Client(base_url=base, timeout=60.0) for _ in range(concurrency)]
    headers = {"content-type": "application/json"}

    def send(index: int) -> tuple[float, int]:
        if time.monotonic() > deadline:
            return 0.0, -1  # over the time bound: not sent
        client = clients[index % concurrency]
        start = time.perf_counter()
        status = client.post("/v1/evaluate", content=bodies[index], headers=headers).status_code
        return time.perf_counter() - start, status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(send, range(len(bodies))))
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    sent = [(t, s) for t, s in results if s != -1]
    latencies = [t * 1000 for t, _ in sent]
    return {
        "concurrency": concurrency,
        "requests": len(sent),
        "not_200": sum(1 for _, s in sent if s != 200),
        "rps": len(sent) / elapsed,
        "p50": percentile(latencies, 0.50),
        "p90": percentile(latencies, 0.90),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
        "mean": statistics.fmean(latencies),
    }


COLUMNS = {
    "conc.": "concurrency",
    "requests": "requests",
    "req/s": "rps",
    "p50 ms": "p50",
    "p90 ms": "p90",
    "p99 ms": "p99",
    "max ms": "max",
    "not 200": "not_200",
}
WHOLE = {"concurrency", "requests", "rps", "not_200"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per level")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated levels")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds, whole run")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = [realistic_case(rng, i) for i in range(args.requests)]
    bodies = [json.dumps({"case": c, "as_of": AS_OF.isoformat()}).encode("utf-8") for c in cases]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "wtguidance", "serve", "--port", str(port)]
    command += ["--workers", str(args.workers)]
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"server: wtguidance serve --workers {args.workers} on {base}; client: httpx, threads")
    print(
        f"body: one generated 2023-era case (mean {statistics.fmean(map(len, bodies)):.0f} bytes)"
    )
    deadline = time.monotonic() + args.deadline
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=log, stderr=log)
        try:
            wait_until_up(base, server)
            run_level(base, bodies[:50], 1, deadline)  # warm up
            print(" ".join(f"{title:>8}" for title in COLUMNS))
            for level in (int(x) for x in args.concurrency.split(",")):
                r = run_level(base, bodies, level, deadline)
                print(
                    " ".join(f"{r[key]:>8.{0 if key in WHOLE else 1}f}" for key in COLUMNS.values())
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
