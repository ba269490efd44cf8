"""Shared fixtures: small scenarios built in code, games over them, and the CLI in-process."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from exercise.engine import Game
from exercise.scenario.loading import Checked, check_text
from exercise.scenario.model import Scenario

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
# The five source reports live beside the repository in a development checkout; CI may not
# have them, and the verbatim-quote test then says so and skips.
REPORTS = Path(os.environ.get("EXERCISE_REPORTS", REPO.parent / "shared" / "reports"))

BASE: dict[str, Any] = {
    "id": "test",
    "title": "Test scenario",
    "summary": "A scenario built by a test.",
    "background": "Two delegations and a guarantor.",
    "rounds": 3,
    "parties": [
        {"id": "ukraine", "name": "Ukraine", "public_brief": "Wants guarantees."},
        {"id": "russia", "name": "Russia", "public_brief": "Wants territory."},
        {"id": "us", "name": "United States", "role": "guarantor", "public_brief": "Mediates."},
    ],
    "elements": [
        {"id": "dmz", "title": "Buffer zone", "summary": "A demilitarized zone."},
        {"id": "monitoring", "title": "US monitoring", "summary": "Drones and satellites."},
    ],
}


def scenario_data(**changes: Any) -> dict[str, Any]:
    """A deep copy of the base scenario with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def to_yaml(data: Any) -> str:
    """YAML text for data, as an author would write it."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def check(data: Any) -> Checked:
    """Check a scenario given as data."""
    return check_text(to_yaml(data), "test.yaml")


def load(data: Any) -> Scenario:
    """Load a scenario given as data; fail the test with every problem if it is invalid."""
    checked = check(data)
    assert checked.scenario is not None, "\n".join(map(str, checked.problems))
    return checked.scenario


def messages(data_or_text: Any) -> list[str]:
    """Every problem (as printed) for a scenario given as data or YAML text."""
    text = data_or_text if isinstance(data_or_text, str) else to_yaml(data_or_text)
    return [str(p) for p in check_text(text, "test.yaml").problems]


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Session logs go to a fresh folder per test, never to the user's data folder."""
    home = tmp_path_factory.mktemp("exercise-home")
    monkeypatch.setenv("EXERCISE_HOME", str(home))
    return home


@pytest.fixture
def make_game() -> Callable[..., Game]:
    """Build a game from scenario changes: ``make_game(rounds=2, elements=[...], seed=3)``."""

    def make(seed: int = 0, **changes: Any) -> Game:
        return Game(load(scenario_data(**changes)), seed)

    return make


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m exercise`` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "exercise", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        input=stdin,
        timeout=timeout,
    )
