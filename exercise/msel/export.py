"""A scenario's injects as MSEL rows, in the order of play; with a session log, what fired.

The order of play: injects timed ``at`` a round, by round (file order within a round),
then the conditional injects and the facilitator's ad-hoc cards, in file order. Import
reads the rows back in this order, so exporting and importing a scenario gives back its
injects (:func:`order_of_play` of them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from exercise.msel import columns as col
from exercise.scenario.model import Inject, Scenario

SCHEDULED, CONDITIONAL, AD_HOC = "scheduled", "conditional", "ad hoc"
FIRED, NOT_FIRED, UNUSED = "fired", "not fired", "ad hoc unused"


def order_of_play(injects: Sequence[Inject]) -> list[Inject]:
    """The injects as they come in play: timed ones by round, then the rest in file order."""
    return sorted(injects, key=lambda i: i.at.round if i.at is not None else math.inf)


def clock(minutes: float) -> str:
    """Minutes into the exercise as ``T+HH:MM``."""
    whole = round(minutes)
    return f"T+{whole // 60:02d}:{whole % 60:02d}"


def plain(value: Any) -> Any:
    """A model's dumped value as plain dicts, lists and scalars (for YAML)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def flow(value: Any) -> str:
    """A value in YAML flow syntax, on one line: ``{tracks: {escalation: 1}}``."""
    text = yaml.safe_dump(plain(value), default_flow_style=True, allow_unicode=True,
                          sort_keys=False, width=math.inf)
    return str(text).strip().removesuffix("...").strip()


def figure(number: float) -> str:
    """A number as a sheet shows it: 1, 0.5 (no trailing .0)."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def inject_cells(inject: Inject, scenario: Scenario) -> dict[str, str]:
    """One inject's cells, by column (our columns and its kept `msel:` ones)."""
    cells: dict[str, str] = dict(inject.msel)
    round_ = inject.at.round if inject.at is not None else None
    if inject.trigger == "at":
        trigger = SCHEDULED
        time = clock((round_ - 1) * scenario.round_minutes) \
            if round_ is not None and scenario.round_minutes else ""
    elif inject.trigger == "when":
        trigger, time = CONDITIONAL, ""
    else:
        trigger, time = AD_HOC, AD_HOC
    effects = plain(inject.effects.model_dump(exclude_defaults=True))
    audience = inject.audience if isinstance(inject.audience, str) else \
        ", ".join(inject.audience)
    cells.update({
        col.ID: inject.id,
        col.ROUND: str(round_) if round_ is not None else "",
        col.TIME: time,
        col.TRIGGER: trigger,
        col.CONDITION: flow(inject.when.model_dump(by_alias=True))
        if inject.when is not None else "",
        col.CHANCE: figure(inject.chance) if inject.chance != 1 else "",
        col.REPEAT: "yes" if inject.repeat else "",
        col.TO: audience,
        col.SUBJECT: inject.title,
        col.MESSAGE: inject.text,
        col.EXPECTED: "\n".join(inject.expected_actions),
        col.OBJECTIVES: ", ".join(inject.objectives),
        col.QUESTIONS: "\n".join(inject.questions),
        col.NOTES: inject.facilitator_note or "",
        col.SOURCE: inject.source.ref if inject.source is not None else "",
        col.QUOTE: inject.source.quote if inject.source is not None else "",
        col.EFFECTS: flow(effects) if effects else "",
    })
    return cells


@dataclass
class Firing:
    """What a session log says of one inject: the rounds it fired in and when."""

    rounds: list[int] = field(default_factory=list)
    minutes: list[float | None] = field(default_factory=list)  # since the session started


def firings(record: Any) -> dict[str, Firing]:
    """Each fired inject's rounds and times, from a session record (see
    :func:`exercise.sessions.reader.read_log`)."""
    started = _when(str(record.header.get("started", "")))
    times = {m.number: _when(m.time) for m in record.moves}
    out: dict[str, Firing] = {}
    for event in record.events:
        if event.get("event") != "inject_fired":
            continue
        firing = out.setdefault(str(event.get("inject")), Firing())
        firing.rounds.append(int(event.get("round", 0)))
        moment = started if int(event.get("n", 0)) == 0 else times.get(int(event.get("n", 0)))
        firing.minutes.append((moment - started).total_seconds() / 60
                              if moment is not None and started is not None else None)
    return out


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _status(inject: Inject, firing: Firing | None) -> str:
    if firing is not None and firing.rounds:
        return FIRED
    return UNUSED if inject.trigger == "ad_hoc" else NOT_FIRED


def msel_table(scenario: Scenario, fired: dict[str, Firing] | None = None
               ) -> tuple[list[str], list[list[str]]]:
    """The MSEL of a scenario: its header and one row per inject in the order of play; with
    ``fired`` (from a session log), the log's columns too."""
    injects = order_of_play(scenario.injects)
    extra: list[str] = []  # the kept columns no column of ours holds, first seen first
    for inject in injects:
        for name in inject.msel:
            # a kept column named like one of ours would be written twice: ours wins
            if name not in (*col.COLUMNS, *col.LOG_COLUMNS) and name not in extra:
                extra.append(name)
    header = [*col.COLUMNS, *extra]
    if fired is not None:
        header += col.LOG_COLUMNS
    rows = []
    for number, inject in enumerate(injects, start=1):
        cells = inject_cells(inject, scenario)
        cells[col.NUMBER] = str(number)
        if fired is not None:
            firing = fired.get(inject.id)
            cells[col.FIRED] = ", ".join(str(r) for r in firing.rounds) if firing else ""
            cells[col.ACTUAL_TIME] = ", ".join(
                clock(m) if m is not None else "?" for m in firing.minutes) if firing else ""
            cells[col.STATUS] = _status(inject, firing)
        rows.append([cells.get(name, "") for name in header])
    return header, rows
