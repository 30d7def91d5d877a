"""The built wheel carries the rule packs, schemas and examples, and works without the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import wtguidance
from _helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (dev extra) builds the wheel")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("wtguidance-*.whl")
    return built


def test_wheel_ships_packs_schemas_examples_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "wtguidance/py.typed" in names
    assert "wtguidance/_data/schemas/case.schema.json" in names
    assert "wtguidance/_data/schemas/rule-pack.schema.json" in names
    for pack in sorted(p.name for p in (ROOT / "rules").iterdir() if p.is_dir()):
        assert f"wtguidance/_data/rules/{pack}/pack.yaml" in names


def test_unpacked_wheel_loads_every_edition_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = (
        "import wtguidance, wtguidance.editions as e; "
        "from wtguidance._resources import data_dir; "
        "print(data_dir('rules')); print(','.join(e.load_editions().ids))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    where, ids = result.stdout.splitlines()
    assert str(tmp_path / "site") in where
    assert "_data" in where
    shipped = sorted(p.name for p in (ROOT / "rules").iterdir() if p.is_dir())
    assert sorted(ids.split(",")) == shipped


# -- the built distributions, installed as a user would ----------------------------------------
OFFLINE_REASON = (
    "building in isolation and installing the wheel with its dependencies needs a package "
    "index; WTGUIDANCE_OFFLINE=1 is set (run it online, or deselect with -m 'not network')"
)
INPUTS = {
    "case.json": ROOT / "examples" / "cases" / "cp-pathway.json",
    "census.xml": ROOT / "tests" / "data" / "cin" / "CIN_Census_2024.xml",
    "annex-a.xlsx": ROOT / "tests" / "annex_a" / "Annex_A_2024_Jan.xlsx",
}
#: the commands a user runs, with the output compared with the checkout's byte for byte
COMMANDS = {
    "evaluate": ["evaluate", "case.json", "--as-of", "2025-12-15", "--format", "json"],
    "cin-census": ["cin-census", "census.xml", "--as-of", "2024-03-31", "--format", "json"],
    "annex-a": ["annex-a", "annex-a.xlsx", "--as-of", "2021-03-31", "--format", "json"],
}


def _offline() -> bool:
    return os.environ.get("WTGUIDANCE_OFFLINE", "") not in ("", "0")


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if _offline():
        pytest.skip(OFFLINE_REASON)
    pytest.importorskip("build", reason="the 'build' package (dev extra) builds the wheel")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = out.glob("wtguidance-*-py3-none-any.whl")
    (sdist,) = out.glob("wtguidance-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.mark.network
def test_build_makes_a_wheel_and_sdist_that_twine_accepts(
    distributions: dict[str, Path],
) -> None:
    pytest.importorskip("twine", reason="twine (dev extra) checks the distributions")
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, distributions.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout


@pytest.mark.network
def test_the_built_wheel_ships_the_packs_schemas_and_examples(
    distributions: dict[str, Path],
) -> None:
    names = set(zipfile.ZipFile(distributions["wheel"]).namelist())
    shipped = {
        f"wtguidance/_data/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
        for folder in ("rules", "schemas", "examples")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
    }
    assert shipped <= names, sorted(shipped - names)[:5]
    assert "wtguidance/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "bench/"))]


@pytest.mark.network
def test_the_wheel_in_a_fresh_venv_runs_every_command_outside_the_checkout(
    distributions: dict[str, Path], tmp_path: Path
) -> None:
    import shutil

    from _server import free_port

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    wheel = distributions["wheel"]
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"{wheel}[server,annex-a]"],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    work = tmp_path / "elsewhere"  # not the checkout, and the checkout not on any path
    work.mkdir()
    for name, source in INPUTS.items():
        shutil.copyfile(source, work / name)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"}
    command = venv / "bin" / "wtguidance"
    where = subprocess.run(
        [str(python), "-c", "import wtguidance; print(wtguidance.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(venv) in where
    assert str(ROOT) not in where
    # the code under test (whatever PYTHONPATH or editable install this run uses)
    this_checkout = {**os.environ, "PYTHONPATH": str(Path(wtguidance.__file__).parents[1])}
    for name, argv in COMMANDS.items():
        done = subprocess.run(
            [str(command), *argv], cwd=work, env=env, capture_output=True, timeout=300
        )
        assert done.returncode in (0, 1), (name, done.stderr[-2000:])
        mine = subprocess.run(
            [sys.executable, "-m", "wtguidance", *argv],
            cwd=work,
            env=this_checkout,
            capture_output=True,
            timeout=300,
        )
        assert done.stdout == mine.stdout, name  # the same bytes as from the checkout
        assert done.stdout.strip(), name

    port = free_port()
    server = subprocess.Popen(
        [str(command), "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        import httpx

        answer = None
        for _ in range(300):
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/v1/evaluate",
                    content=b'{"case": '
                    + (work / "case.json").read_bytes()
                    + b', "as_of": "2025-12-15"}',
                    timeout=30,
                )
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    break
                import time

                time.sleep(0.2)
        assert answer is not None, server.stderr.read().decode() if server.stderr else ""
        assert answer.status_code == 200
        evaluated = subprocess.run(
            [sys.executable, "-m", "wtguidance", *COMMANDS["evaluate"]],
            cwd=work,
            env=this_checkout,
            capture_output=True,
            check=False,
        )
        assert answer.content == evaluated.stdout
        docs = httpx.get(f"http://127.0.0.1:{port}/docs/assets/swagger-ui-bundle.js", timeout=30)
        assert docs.status_code == 200  # the docs page's assets ship with the server extra
    finally:
        server.terminate()
        assert server.wait(timeout=30) is not None


# -- what each make target installs, and the release workflow ---------------------------------
def _make_variable(name: str) -> str:
    import re

    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name} := (.+)$", text, re.MULTILINE)
    assert match, name
    return match.group(1).strip()


def _metadata(wheel: Path) -> Any:
    """The wheel's METADATA (this checkout's pyproject, as built)."""
    from email.parser import Parser

    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(archive.read(name).decode("utf-8"))


def _requirements(wheel: Path, extra: str) -> set[str]:
    """The distributions an extra adds."""
    from packaging.requirements import Requirement

    found = set()
    for line in _metadata(wheel).get_all("Requires-Dist") or ():
        requirement = Requirement(line)
        marker = requirement.marker
        if (
            marker is not None
            and marker.evaluate({"extra": extra})
            and not marker.evaluate({"extra": ""})
        ):
            found.add(requirement.name.lower().replace("_", "-"))
    return found


def test_make_demo_installs_what_the_readme_runs_and_nothing_needing_a_compiler(
    wheel: Path,
) -> None:
    demo = set(_make_variable("DEMO_EXTRAS").split(","))
    assert demo == {"server", "report", "annex-a"}
    installed = set().union(*(_requirements(wheel, extra) for extra in demo))
    assert "durable-rules" not in installed  # builds from source: needs a C compiler
    assert not installed & {"mypy", "ruff", "playwright", "dask", "hypothesis", "mkdocs-material"}
    assert {"fastapi", "uvicorn", "fastapi-offline", "matplotlib", "openpyxl"} <= installed


def test_make_test_installs_every_extra_but_the_bench_peers(wheel: Path) -> None:
    every = set(_metadata(wheel).get_all("Provides-Extra") or ())
    assert set(_make_variable("TEST_EXTRAS").split(",")) == every - {"bench"}
    assert "durable-rules" in _requirements(wheel, "durable")
    assert {"build", "twine"} <= _requirements(wheel, "dev")


def test_ci_runs_make_test_and_make_test_requires_durable() -> None:
    assert "\nmake test\n" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "WTGUIDANCE_REQUIRE_DURABLE=1 $(BIN)/python -m pytest" in makefile
    assert "demo: $(DEMO_STAMP)\n" in makefile


def test_the_release_workflow_builds_checks_and_publishes_by_trusted_publishing() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    commands = "\n".join(step.get("run", "") for step in build["steps"])
    assert "python -m build" in commands
    assert "twine check --strict" in commands
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}  # OIDC, no stored token
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert any(u.startswith("pypa/gh-action-pypi-publish@") for u in uses)
    assert not any("password" in (step.get("with") or {}) for step in publish["steps"])
    assert workflow["permissions"] == {"contents": "read"}
