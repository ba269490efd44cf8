"""A built wheel carries the bundled scenarios and guides, and finds them from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built as `pip install .` builds it."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(REPO)],
        check=True, capture_output=True, text=True,
    )
    return next(dist.glob("exercise-*.whl"))


def test_wheel_contains_the_bundled_content(wheel):
    """Scenarios, their schema and the facilitator guides are inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {p.name for p in (REPO / "scenarios").glob("*.yaml")}
    assert bundled, "no bundled scenarios in the checkout"
    for name in bundled:
        assert f"exercise/_bundled/scenarios/{name}" in names
        assert f"exercise/_bundled/facilitator_notes/{Path(name).stem}.md" in names
    assert "exercise/_bundled/scenarios/scenario.schema.json" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_finds_bundled_scenarios_from_another_folder(wheel, tmp_path):
    """Installed non-editable, run from an unrelated folder: list and run find the scenarios."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True, text=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import exercise; print(exercise.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site)), "the test must run the installed copy"
    listed = subprocess.run([sys.executable, "-m", "exercise", "list"], cwd=elsewhere, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert "tutorial" in listed.stdout
    run = subprocess.run([sys.executable, "-m", "exercise", "run", "tutorial", "--bots", "all",
                          "--json"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert '"phase": "ended"' in run.stdout
