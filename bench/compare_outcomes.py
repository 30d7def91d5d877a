"""Old engine vs new: the same generated evaluations through two source trees, compared
outcome by outcome (every byte of the JSON, trace included). Measures; asserts nothing.

    git archive BASE src | tar -x -C /tmp/old        # the tree to compare against
    .venv/bin/python bench/compare_outcomes.py --old /tmp/old/src --count 50000

Each tree runs in its own process (``PYTHONPATH`` = that tree) and writes one SHA-256 per
evaluation; the script prints how many evaluations were compared and the first that
differ (with what was evaluated, so it can be replayed). The evaluations vary, seeded:
realistic case histories from ``tests/_helpers.py`` dated across every edition and its
changeover (a case may start in one edition and run into the next), some with events
dropped or dates swapped (out-of-order records), ``edition="auto"``
or a pinned edition, no protocol or one of ``examples/protocols`` (their closure days
and local duties included), no evidence, the CIN census's or Annex A's, with and without
the trace, and several ``as_of`` dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = ("exampleshire-2023.yaml", "exampleshire-2023-local-obligations.yaml",
             "oxfordshire-style-2013.yaml")  # fmt: skip
#: the editions' in-force dates (changeovers): cases are started around them
CHANGEOVERS = ("2010-03-17", "2013-04-15", "2015-03-26", "2018-07-04", "2023-12-15", "2026-03-18")


def plan(count: int, seed: int) -> list[dict[str, Any]]:
    """What to evaluate: ``count`` specifications (generated here, the same in both runs)."""
    rng = random.Random(seed)
    specs = []
    for index in range(count):
        pivot = dt.date.fromisoformat(rng.choice(CHANGEOVERS))
        first = pivot - dt.timedelta(days=rng.randrange(0, 400))
        reviews = rng.choice([None, None, None, 0, 2, 8, 30])
        specs.append(
            {
                "seed": rng.randrange(2**31),
                "index": index,
                "first": first.isoformat(),
                "days": rng.choice([30, 120, 365, 720]),
                "reviews": reviews,
                "edition": rng.choice(["auto"] * 6 + ["2010", "2013", "2015", "2018", "2023"]),
                "protocol": rng.choice([None, None, *PROTOCOLS]),
                "evidence": rng.choice([None, None, "cin", "annex"]),
                "trace": rng.random() < 0.7,
                "as_of": (pivot + dt.timedelta(days=rng.randrange(-200, 900))).isoformat(),
                # out of order: some events dropped, some dates swapped (order findings,
                # satisfiers before clocks, joined episodes)
                "drop": [rng.randrange(40) for _ in range(rng.choice([0, 0, 0, 1, 2]))],
                "swap": [rng.randrange(40) for _ in range(rng.choice([0, 0, 0, 2, 4]))],
            }
        )
    return specs


def run(count: int, seed: int, out: Path) -> None:
    """In the tree under test: evaluate every specification, write one digest per line."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _helpers import RandomChooser, realistic_case
    from wtguidance.case import Case
    from wtguidance.case.source import SourceEvidence
    from wtguidance.errors import WtGuidanceError
    from wtguidance.evaluation import Evaluator
    from wtguidance.protocol import protocol_overlay, validate_protocol
    from wtguidance.sources.annex_a._import import ANNEX_A_SOURCE, LATEST_ONLY, NEVER_RECORDED
    from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE

    evidences = {
        None: None,
        "cin": CIN_CENSUS_EVIDENCE,
        "annex": SourceEvidence.of(ANNEX_A_SOURCE, NEVER_RECORDED, LATEST_ONLY),
    }
    evaluators = {None: Evaluator.create()}
    for name in PROTOCOLS:
        report = validate_protocol(ROOT / "examples" / "protocols" / name)
        evaluators[name] = Evaluator.create(overlay=protocol_overlay(report))
    with out.open("w", encoding="utf-8") as sink:
        for spec in plan(count, seed):
            pick = RandomChooser(random.Random(spec["seed"]))
            record = realistic_case(
                pick,
                spec["index"],
                reviews=spec["reviews"],
                first=dt.date.fromisoformat(spec["first"]),
                days=spec["days"],
            )
            events = record["events"]
            for index in spec["drop"]:
                if len(events) > 1:
                    events.pop(index % len(events))
            pairs = spec["swap"]
            for a, b in zip(pairs[::2], pairs[1::2], strict=True):
                a, b = a % len(events), b % len(events)
                events[a]["date"], events[b]["date"] = events[b]["date"], events[a]["date"]
            case = Case.model_validate(record)
            try:
                outcome = evaluators[spec["protocol"]].evaluate(
                    case,
                    edition=spec["edition"],
                    as_of=dt.date.fromisoformat(spec["as_of"]),
                    evidence=evidences[spec["evidence"]],
                    trace=spec["trace"],
                )
                text = outcome.model_dump_json()
            except WtGuidanceError as error:  # refused the same way in both, or a difference
                text = f"error {error.code}: {error}"
            sink.write(hashlib.sha256(text.encode()).hexdigest() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the src folder of the tree to compare")
    parser.add_argument("--new", default=str(ROOT / "src"))
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--run", help=argparse.SUPPRESS)  # internal: the digest file to write
    args = parser.parse_args()
    if args.run:
        run(args.count, args.seed, Path(args.run))
        return
    digests = []
    for label, tree in (("old", args.old), ("new", args.new)):
        target = Path(os.environ.get("TMPDIR", "/tmp")) / f"wtguidance-compare-{label}.txt"
        env = {**os.environ, "PYTHONPATH": tree, "WTGUIDANCE_NO_CACHE": "1"}
        command = [sys.executable, __file__, "--old", args.old, "--count", str(args.count)]
        command += ["--seed", str(args.seed), "--run", str(target)]
        subprocess.run(command, env=env, check=True)
        digests.append(target.read_text().splitlines())
        target.unlink()
    old, new = digests
    specs = plan(args.count, args.seed)
    differ = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    same = len(old) - len(differ)
    print(f"{len(old)} evaluations compared; {same} identical, {len(differ)} differ")
    for index in differ[:5]:
        print(f"  differs: {specs[index]}")


if __name__ == "__main__":
    main()
