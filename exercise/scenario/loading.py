"""Read a scenario file into a frozen :class:`Scenario`, or every problem with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from exercise.files import FileProblem, read_input
from exercise.scenario.checks import check_references
from exercise.scenario.model import Scenario
from exercise.scenario.problems import Problem, ScenarioError, Severity, suggest
from exercise.scenario.translate import translate
from exercise.scenario.yaml_source import MAX_BYTES, Document, read_yaml


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one file: the scenario (when it loads) and all problems."""

    name: str
    scenario: Scenario | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that stop the file from loading."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems worth a look that do not stop the file from loading."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def check_document(doc: Document) -> Checked:
    """Validate a read document against the format and its cross-references."""
    problems = list(doc.problems)
    if doc.data is None:
        return Checked(doc.name, None, tuple(sorted(problems, key=Problem.sort_key)))
    if not isinstance(doc.data, dict):
        problems.append(
            doc.problem((), "a scenario file is a mapping of keys (id:, title:, parties:, ...)")
        )
        return Checked(doc.name, None, tuple(problems))
    data = doc.data
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(translate(exc, doc, Scenario, doc.empty, data))
    problems.extend(check_references(doc))
    problems = suggest(sorted(problems, key=Problem.sort_key))
    if any(p.severity is Severity.ERROR for p in problems):
        scenario = None
    return Checked(doc.name, scenario, tuple(problems))


def check_text(source: bytes | str, name: str = "<scenario>") -> Checked:
    """Check a scenario given as bytes or text."""
    return check_document(read_yaml(source, name))


def check_file(path: str | Path) -> Checked:
    """Check the scenario file at ``path``; a missing, special or unreadable file is a
    problem too (see :mod:`exercise.files`)."""
    name = str(path)
    try:
        raw = read_input(path, MAX_BYTES)
    except FileProblem as exc:
        return Checked(name, None, (Problem(name, None, None, "", str(exc)),))
    return check_text(raw, name)


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file, raising :class:`ScenarioError` with every problem if it is bad."""
    checked = check_file(path)
    if checked.scenario is None:
        raise ScenarioError(checked.errors or checked.problems)
    return checked.scenario
