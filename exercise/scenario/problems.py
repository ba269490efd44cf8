"""Problems found in a scenario or moves file, each pinned to a file, line, column and key path."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors stop a file from loading, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, where it is, and what to do about it."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f"{self.path}: " if self.path else ""
        return f"{where}: {self.severity}: {key}{self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order problems as a reader meets them in the file."""
        return (self.file, self.line or 0, self.column or 0, self.message)


class ScenarioError(Exception):
    """A file could not be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the file from loading."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def format_path(path: Iterable[str | int]) -> str:
    """Render a key path the way an author reads it: ``parties[2].walk_away``."""
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out += f".{seg}" if out else str(seg)
    return out
