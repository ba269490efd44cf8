"""Problems found in a scenario or moves file, each pinned to a file, line, column and key path.

A hostile file can hold a hundred thousand problems; nobody reads past the first screenful.
So a list of problems is shown up to :data:`SHOWN` of them, then "… and N more problems",
and a "did you mean" suggestion (a :mod:`difflib` search over every candidate id) is
worked out only for the problems that are shown (see :func:`suggest`).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from exercise.text import one_line

SHOWN = 100  # problems printed for one file; the rest are counted
CANDIDATES = 1_000  # a suggestion looks at most at this many (a valid file has fewer ids)


class Severity(StrEnum):
    """How bad a problem is: errors stop a file from loading, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Hint:
    """A suggestion still to be made: the closest of ``choices`` to ``word``, then ``after``
    (the rest of the message, which follows the suggestion)."""

    word: str
    choices: Collection[str]
    after: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, where it is, and what to do about it."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: Severity = Severity.ERROR
    # A "did you mean" still to be worked out and added to the message (see suggest).
    hint: Hint | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        """The problem as one line of output; control characters (from the file name or the
        file itself) are escaped, so printing a problem never writes an escape sequence."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f"{self.path}: " if self.path else ""
        rest = self.hint.after if self.hint is not None else ""
        return one_line(f"{where}: {self.severity}: {key}{self.message}{rest}")

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order problems as a reader meets them in the file."""
        return (self.file, self.line or 0, self.column or 0, self.message)


def suggest(problems: Sequence[Problem], shown: int = SHOWN) -> list[Problem]:
    """The problems, with the "did you mean" of the first ``shown`` worked out (the rest keep
    their message without one: they are counted, not printed)."""
    out = list(problems)
    for i, problem in enumerate(out[:shown]):
        hint = problem.hint
        if hint is not None:
            message = problem.message + did_you_mean(hint.word, hint.choices) + hint.after
            out[i] = replace(problem, message=message, hint=None)
    return out


def listing(problems: Sequence[Problem], shown: int = SHOWN) -> list[str]:
    """Problems as printed lines: the first ``shown``, then "… and N more problems"."""
    lines = [str(p) for p in problems[:shown]]
    if len(problems) > shown:
        more = len(problems) - shown
        lines.append(f"… and {more:,} more problem{'s' * (more != 1)}")
    return lines


class ScenarioError(Exception):
    """A file could not be loaded; carries every problem found, not just the first (its
    message shows the first :data:`SHOWN`)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = suggest(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(listing(self.problems)))

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the file from loading."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    word = str(word)
    # A ratio of 0.6 needs lengths within a factor of 7/3 of each other: a cheap filter
    # before difflib (which is what costs) looks at a candidate.
    low, high = len(word) * 3 / 7, len(word) * 7 / 3
    near = [str(c) for c in choices if low <= len(str(c)) <= high][:CANDIDATES]
    close = difflib.get_close_matches(word, near, n=1, cutoff=0.6)
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
