"""Personas: how a computer player weighs value, the room, time and danger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exercise.scenario.model import Party


@dataclass(frozen=True, slots=True)
class Persona:
    """A negotiating temperament; numbers are in units of the party's typical element value.

    Attributes:
        name: hardliner, pragmatist or cooperative.
        threshold: how much an element must be worth to accept it.
        social: weight on the other parties' public support.
        concession: how far the bar drops as the rounds run out.
        caution: weight on pushing a track toward its collapse line.
        ambition: what a package must promise before this persona tables it.
        noise: spread of the seeded noise on each judgement.
        description: one line for seat assignment and help screens.
        fidelity: the most a promise may cost it (in units of its typical element value)
            for it still to keep it at the vote; beyond that it votes its own interest.
        forgives: how many broken promises it forgives a party before it declines that
            party's offers.
    """

    name: str
    threshold: float
    social: float
    concession: float
    caution: float
    ambition: float
    noise: float
    description: str
    fidelity: float = 1.0
    forgives: int = 1


PERSONAS: dict[str, Persona] = {
    "hardliner": Persona(
        name="hardliner",
        threshold=0.6,
        social=0.2,
        concession=0.8,
        caution=0.6,
        ambition=0.8,
        noise=0.4,
        description="wants clear gains, concedes late and little, shrugs off the room",
        fidelity=0.0,
        forgives=0,
    ),
    "pragmatist": Persona(
        name="pragmatist",
        threshold=0.0,
        social=0.6,
        concession=1.4,
        caution=1.0,
        ambition=0.2,
        noise=0.5,
        description="takes what is worth taking, bends as time runs out if the deal still pays",
        fidelity=1.0,
        forgives=1,
    ),
    "cooperative": Persona(
        name="cooperative",
        threshold=-0.6,
        social=1.0,
        concession=2.0,
        caution=1.6,
        ambition=-0.2,
        noise=0.5,
        description="builds consensus, accepts small losses for a deal, fears escalation",
        fidelity=float("inf"),
        forgives=2,
    ),
}

DEFAULT_PERSONA = "pragmatist"


def persona_for(party: Party, override: str | None = None) -> str:
    """A party's persona: the override, else the scenario's ``bot.persona`` hint, else the
    default."""
    if override:
        return override
    hint = party.bot
    return hint.persona if hint and hint.persona else DEFAULT_PERSONA
