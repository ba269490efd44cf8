"""Messages up: what a screen asks of the app, as small dataclasses.

Screens never call the app's methods (that was an import cycle inside ``tui/``): they
post one of these, and the app, which owns the moves between screens, handles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from exercise.conduct import SeatPlan
    from exercise.scenario.model import Scenario
    from exercise.sessions.restore import Restored


@dataclass
class ScenarioChosen(Message):
    """The picker chose a scenario: seat assignment next."""

    path: Path
    scenario: Scenario


@dataclass
class SeatsChosen(Message):
    """Seat assignment is done: the exercise starts with these seats."""

    plans: dict[str, SeatPlan]


@dataclass
class ResumeChosen(Message):
    """A session rebuilt from its log, to go on with at the table."""

    restored: Restored


@dataclass
class BackToPicker(Message):
    """Back to the scenario picker (another exercise)."""


@dataclass
class BeginTable(Message):
    """The briefing is read: to the table."""


@dataclass
class ExerciseOver(Message):
    """The exercise has ended: to the debrief."""
