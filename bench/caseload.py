"""Caseload benchmarks (DESIGN §13): throughput with --jobs 1 and 2, peak memory as files grow.

Measures; asserts nothing. Generated census files go to a temporary folder (never committed):

    .venv/bin/python bench/caseload.py throughput --episodes 20000
    .venv/bin/python bench/caseload.py memory --episodes 100000 1000000

``throughput`` times ``wtguidance cin-census FILE --format csv`` end to end (parse, evaluate,
summarise, write) with ``--jobs 1`` and ``--jobs 2`` and prints episodes per second, and per
run the CPU of the main process and of its workers and the speed-up that split allows on
two free cores.
``memory`` runs the same command on each size in a fresh process and prints its peak
resident memory (``ru_maxrss``), so the ratio between sizes shows whether memory stays flat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import JobsRun, describe, jobs_run, speedup_bound

AS_OF = "2024-03-31"


def _child(rng: random.Random, index: int) -> str:
    referral = dt.date(2023, 4, 1) + dt.timedelta(days=rng.randrange(360))
    parts = [f"<CINreferralDate>{referral}</CINreferralDate><ReferralSource>1A</ReferralSource>"]
    day = referral + dt.timedelta(days=rng.randrange(1, 10))
    parts.append(f"<Assessments><AssessmentActualStartDate>{day}</AssessmentActualStartDate>")
    if rng.random() < 0.8:
        done = day + dt.timedelta(days=rng.randrange(10, 70))
        parts.append(f"<AssessmentAuthorisationDate>{done}</AssessmentAuthorisationDate>")
    parts.append("</Assessments>")
    if rng.random() < 0.3:
        s47 = referral + dt.timedelta(days=rng.randrange(0, 5))
        icpc = s47 + dt.timedelta(days=rng.randrange(5, 30))
        target = s47 + dt.timedelta(days=21)
        parts.append(
            f"<Section47><S47ActualStartDate>{s47}</S47ActualStartDate>"
            f"<InitialCPCtarget>{target}</InitialCPCtarget>"
            f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>"
            "<ICPCnotRequired>false</ICPCnotRequired></Section47>"
        )
        parts.append("<ReferralNFA>false</ReferralNFA>")
        if rng.random() < 0.6:
            review = icpc + dt.timedelta(days=rng.randrange(80, 100))
            parts.append(
                f"<ChildProtectionPlans><CPPstartDate>{icpc}</CPPstartDate>"
                "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
                "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
                "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
                f"<Reviews><CPPreviewDate>{review}</CPPreviewDate></Reviews>"
                "</ChildProtectionPlans>"
            )
    else:
        parts.append("<ReferralNFA>false</ReferralNFA>")
    return (
        f"<Child><ChildIdentifiers><LAchildID>B{index:09d}</LAchildID>"
        "<PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        f"<CINdetails>{''.join(parts)}</CINdetails></Child>\n"
    )


def generate(path: Path, episodes: int, seed: int = 2024) -> Path:
    """A census file of ``episodes`` children with one episode each."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
            f"<ReferenceDate>{AS_OF}</ReferenceDate></CollectionDetails></Header><Children>\n"
        )
        for index in range(episodes):
            out.write(_child(rng, index))
        out.write("</Children></Message>\n")
    return path


def _run(path: Path, jobs: int) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one cin-census run in a fresh process."""
    command = [
        sys.executable,
        "-m",
        "wtguidance",
        "cin-census",
        str(path),
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        "--out",
        os.devnull,
        "--jobs",
        str(jobs),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"cin-census failed on {path}")
    return seconds, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("throughput", "memory"))
    parser.add_argument("--episodes", type=int, nargs="+", default=[20000])
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for episodes in args.episodes:
        path = generate(Path(args.dir) / f"wtguidance-cin-{episodes}.xml", episodes)
        size = path.stat().st_size / 2**20
        if args.what == "throughput":
            argv = ["cin-census", str(path), "--as-of", AS_OF, "--format", "csv"]
            argv += ["--out", os.devnull]
            _run(path, 1)  # warm the disk cache and the pack cache
            runs: dict[int, list[JobsRun]] = {1: [], 2: []}
            for _round in range(args.rounds):  # --jobs 1 and 2 in turn
                for jobs in (1, 2):
                    runs[jobs].append(jobs_run(sys.executable, [*argv, "--jobs", str(jobs)]))
                    print(f"  {describe(jobs, runs[jobs][-1])}")
                bound = speedup_bound(runs[1][-1], runs[2][-1])
                print(f"  split allows {bound:.2f}x on two free cores")
            for jobs, done in runs.items():
                seconds = statistics.median(r.wall for r in done)
                print(
                    f"{episodes} episodes ({size:.1f} MiB), --jobs {jobs}: {seconds:.1f} s, "
                    f"{episodes / seconds:.0f} episodes/s (median of {args.rounds})"
                )
            pairs = zip(runs[1], runs[2], strict=True)
            ratio = statistics.median(a.wall / b.wall for a, b in pairs)
            print(f"--jobs 2 speed-up: {ratio:.2f}x (goal >= 1.6x; load {os.getloadavg()[0]:.1f})")
        else:
            # the main process only: with --jobs 1 it parses, evaluates and summarises
            seconds, peak = _run(path, 1)
            print(
                f"{episodes} episodes ({size:.1f} MiB): peak RSS {peak / 1024:.0f} MiB, "
                f"{seconds:.0f} s, {episodes / seconds:.0f} episodes/s"
            )
        path.unlink()


if __name__ == "__main__":
    main()
