"""Beyond one machine: the docs/caseloads.md recipe on Dask's local cluster.

Skips, saying so, when the optional extra ``dask`` (``dask[distributed]``) is not installed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from wtguidance.case import Case
from wtguidance.caseload import evaluate_cases, evaluate_partition

ROOT = Path(__file__).resolve().parents[2]


def records() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n in range(40):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=3 * n)
        out.append(
            {
                "case_id": f"D{n}",
                "child": {},
                "events": [
                    {"type": "referral", "date": day.isoformat()},
                    {"type": "strategy_discussion", "date": day.isoformat(), "initiates_s47": True},
                ],
            }
        )
    out.append({"case_id": "broken", "child": {}, "events": [{"type": "referral"}]})
    return out


def test_dask_local_cluster_gives_the_local_outcomes() -> None:
    pytest.importorskip("dask.bag", reason="the optional extra 'dask' is not installed")
    distributed = pytest.importorskip(
        "distributed", reason="the optional extra 'dask' (dask[distributed]) is not installed"
    )
    import dask.bag as db

    # the recipe, as docs/caseloads.md gives it
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        bag = db.from_sequence(records(), npartitions=4)
        results = bag.map_partitions(evaluate_partition, as_of="2024-06-30").compute()
        assert len(client.scheduler_info()["workers"]) == 2

    good = [Case.model_validate(r) for r in records()[:-1]]
    local = [o.model_dump(mode="json") for o in evaluate_cases(good, as_of=dt.date(2024, 6, 30))]
    assert [r["outcome"] for r in results[:-1]] == local
    assert results[-1]["rejected"]["child_id"] == "broken"
    assert json.dumps(results)  # plain JSON all the way


def test_the_docs_show_this_recipe() -> None:
    text = (ROOT / "docs" / "caseloads.md").read_text(encoding="utf-8")
    assert "bag.map_partitions(evaluate_partition" in text
    assert "LocalCluster" in text
