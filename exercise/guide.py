"""A scenario's facilitator guide, cut into the sections the facilitator needs at a moment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from exercise import catalog

_HEADING = re.compile(r"^## (.+?)\s*$", flags=re.M)
_ROUND = re.compile(r"^round\s+(\d+)\b", flags=re.I)
_INJECT = re.compile(r"^inject:\s*`?([a-z][a-z0-9_-]*)`?", flags=re.I)


@dataclass
class Guide:
    """The guide's text, and its per-round and per-inject sections."""

    path: Path | None
    text: str = ""
    rounds: dict[int, str] = field(default_factory=dict)
    injects: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)  # every part, by lower-case title

    def for_round(self, number: int) -> str:
        """The notes for a round ('' if the guide has none)."""
        return self.rounds.get(number, "")

    def section(self, title: str) -> str:
        """The body of the part with this title, without its heading ('' if none)."""
        return self.sections.get(title.lower(), "")

    def for_inject(self, inject_id: str) -> str:
        """The guide's notes on an inject ('' if it has none)."""
        return self.injects.get(inject_id, "")


def parse_guide(text: str, path: Path | None = None) -> Guide:
    """Split a guide at its level-2 headings: '## Round N' and '## Inject: id'."""
    guide = Guide(path, text)
    heads = list(_HEADING.finditer(text))
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end():end].strip()
        title = head.group(1).strip()
        guide.sections[title.lower()] = body
        if m := _ROUND.match(title):
            guide.rounds[int(m.group(1))] = f"## {title}\n\n{body}"
        elif m := _INJECT.match(title):
            guide.injects[m.group(1)] = f"## {title}\n\n{body}"
    return guide


def find_guide(scenario_path: Path) -> Guide:
    """The guide for a scenario file: beside it, in a facilitator_notes folder, or bundled."""
    stem = scenario_path.stem
    candidates = [
        scenario_path.with_suffix(".md"),
        scenario_path.parent.parent / "facilitator_notes" / f"{stem}.md",
        scenario_path.parent / "facilitator_notes" / f"{stem}.md",
    ]
    bundled = catalog.notes_for(stem)
    if bundled is not None:
        candidates.append(bundled)
    for candidate in candidates:
        if candidate.is_file():
            try:
                return parse_guide(candidate.read_text(encoding="utf-8"), candidate)
            except (OSError, UnicodeDecodeError):
                continue
    return Guide(None)
