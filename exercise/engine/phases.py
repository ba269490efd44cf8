"""The phases of a round and the triggers between them, as one table of data.

::

    setup ─start─▶ briefing ─close_briefing─▶ proposal ─table─▶ discussion ─call_vote─▶ voting
                     ▲  │                       │  ▲                  │                    │
                     │  │                       │  └──── retract ─────┴────────────────────┤
                     │  │                   pass_turn                                 close_vote
                     │  │                       │                                          ▼
                     └──┼───── next round ◀─────┴─────────── conclude_round ─────────── resolution
                        │
                        └─▶ ratification ─seal─▶ ended

    last round, or nothing left open ▸ ratification;  a track at its collapse line ▸ ended
    proposal / discussion / voting ─ratify─▶ ratification   (the facilitator calls it)
    proposal / discussion / voting ─stop / collapse─▶ ended (the facilitator ends it; an inject)

Briefing, resolution and ratification are passed through within one move: their
``on_enter`` rules run and fire the trigger that leaves them. The one exception: with
``ratification: {signing: choice}`` and something adopted, ratification waits for each
party's choice to sign (or for the facilitator to stop the exercise). Where a trigger has
several rows for one source, the first whose guards hold is taken; the last row of
each such group has no guard, so a listed trigger always moves. Every pair not
listed is refused by the machine (``MachineError``): there are no wildcards.

The rules named in ``on_enter`` and ``conditions`` are functions of
:mod:`exercise.engine.rules`; :mod:`exercise.engine.machine` binds them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Phase(StrEnum):
    """Where a session stands."""

    SETUP = "setup"
    BRIEFING = "briefing"
    PROPOSAL = "proposal"
    DISCUSSION = "discussion"
    VOTING = "voting"
    RESOLUTION = "resolution"
    RATIFICATION = "ratification"
    ENDED = "ended"


class Trigger(StrEnum):
    """What moves a session from one phase to another."""

    START = "start"
    CLOSE_BRIEFING = "close_briefing"
    TABLE = "table"
    PASS_TURN = "pass_turn"
    CALL_VOTE = "call_vote"
    CLOSE_VOTE = "close_vote"
    CONCLUDE_ROUND = "conclude_round"
    RETRACT = "retract"
    RATIFY = "ratify"
    SEAL = "seal"
    STOP = "stop"
    COLLAPSE = "collapse"


# Phases a move can be made in: the facilitator's moves are legal in all of them.
LIVE = (Phase.PROPOSAL, Phase.DISCUSSION, Phase.VOTING)

# What each phase does on entry (names of functions in rules.py).
ON_ENTER: dict[Phase, tuple[str, ...]] = {
    Phase.BRIEFING: ("begin_round",),
    Phase.VOTING: ("open_voting",),
    Phase.RESOLUTION: ("resolve_round",),
    Phase.RATIFICATION: ("ratify",),
    Phase.ENDED: ("finish",),
}

T, P = Trigger, Phase

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": T.START, "source": P.SETUP, "dest": P.BRIEFING},
    {"trigger": T.CLOSE_BRIEFING, "source": P.BRIEFING, "dest": P.ENDED,
     "conditions": ["collapsed"]},
    {"trigger": T.CLOSE_BRIEFING, "source": P.BRIEFING, "dest": P.RATIFICATION,
     "conditions": ["nothing_open"]},
    {"trigger": T.CLOSE_BRIEFING, "source": P.BRIEFING, "dest": P.PROPOSAL},
    {"trigger": T.TABLE, "source": P.PROPOSAL, "dest": P.DISCUSSION},
    {"trigger": T.PASS_TURN, "source": P.PROPOSAL, "dest": P.RATIFICATION,
     "conditions": ["talks_exhausted"]},
    {"trigger": T.PASS_TURN, "source": P.PROPOSAL, "dest": P.BRIEFING},
    {"trigger": T.CALL_VOTE, "source": P.DISCUSSION, "dest": P.VOTING},
    {"trigger": T.CLOSE_VOTE, "source": P.VOTING, "dest": P.RESOLUTION},
    {"trigger": T.CONCLUDE_ROUND, "source": P.RESOLUTION, "dest": P.ENDED,
     "conditions": ["collapsed"]},
    {"trigger": T.CONCLUDE_ROUND, "source": P.RESOLUTION, "dest": P.RATIFICATION,
     "conditions": ["talks_exhausted"]},
    {"trigger": T.CONCLUDE_ROUND, "source": P.RESOLUTION, "dest": P.BRIEFING},
    {"trigger": T.RETRACT, "source": P.DISCUSSION, "dest": P.PROPOSAL},
    {"trigger": T.RETRACT, "source": P.VOTING, "dest": P.PROPOSAL},
    {"trigger": T.RATIFY, "source": P.PROPOSAL, "dest": P.RATIFICATION},
    {"trigger": T.RATIFY, "source": P.DISCUSSION, "dest": P.RATIFICATION},
    {"trigger": T.RATIFY, "source": P.VOTING, "dest": P.RATIFICATION},
    {"trigger": T.SEAL, "source": P.RATIFICATION, "dest": P.ENDED},
    {"trigger": T.STOP, "source": P.PROPOSAL, "dest": P.ENDED},
    {"trigger": T.STOP, "source": P.DISCUSSION, "dest": P.ENDED},
    {"trigger": T.STOP, "source": P.VOTING, "dest": P.ENDED},
    {"trigger": T.STOP, "source": P.RATIFICATION, "dest": P.ENDED},
    {"trigger": T.COLLAPSE, "source": P.PROPOSAL, "dest": P.ENDED},
    {"trigger": T.COLLAPSE, "source": P.DISCUSSION, "dest": P.ENDED},
    {"trigger": T.COLLAPSE, "source": P.VOTING, "dest": P.ENDED},
]
