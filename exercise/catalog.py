"""Where the bundled scenarios and facilitator guides are, installed or in a checkout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exercise.scenario.problems import did_you_mean

_PACKAGE = Path(__file__).resolve().parent
_SUFFIXES = (".yaml", ".yml")


def _bundled(name: str) -> Path:
    # A wheel carries the folders inside the package (see pyproject.toml); a source
    # checkout or an editable install has them at the top of the repository.
    inside = _PACKAGE / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def scenarios_dir() -> Path:
    """The folder of bundled scenarios."""
    return _bundled("scenarios")


def notes_dir() -> Path:
    """The folder of facilitator guides."""
    return _bundled("facilitator_notes")


def schema_path() -> Path:
    """The committed JSON Schema that bundled scenarios point their editors at."""
    return scenarios_dir() / "scenario.schema.json"


@dataclass(frozen=True)
class Entry:
    """A bundled scenario file and the name it is known by (its file stem)."""

    name: str
    path: Path


def bundled() -> list[Entry]:
    """Every bundled scenario, tutorial first, then by name."""
    folder = scenarios_dir()
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file()]
    entries = [Entry(p.stem, p) for p in files]
    return sorted(entries, key=lambda e: (e.name != "tutorial", e.name))


class UnknownScenario(LookupError):
    """Neither a file nor a bundled scenario has that name."""


def resolve(name: str) -> Path:
    """A scenario argument as a path: an existing file, or a bundled scenario's name.

    Raises:
        UnknownScenario: with a "did you mean" over the bundled names.
    """
    path = Path(name)
    try:
        if path.is_file():
            return path
        present = path.exists() or path.is_symlink()
    except OSError:
        return path  # a name too long, a folder we may not search: the reader says which
    entries = {e.name: e.path for e in bundled()}
    if name in entries:
        return entries[name]
    stem = path.stem if path.suffix in _SUFFIXES else name
    if stem in entries and not present:
        return entries[stem]
    if present:
        return path  # a folder, a FIFO, a dangling link: reading it says what is wrong
    known = ", ".join(entries) or "(none installed)"
    hint = did_you_mean(stem, entries)
    raise UnknownScenario(
        f"no scenario file or bundled scenario named '{name}'{hint}; bundled: {known}"
    )


def notes_for(scenario_name: str) -> Path | None:
    """The facilitator guide for a bundled scenario, if there is one."""
    path = notes_dir() / f"{scenario_name}.md"
    return path if path.is_file() else None
