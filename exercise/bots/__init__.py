"""Computer players: personas, seeded noise, and a reason for every decision."""

from exercise.bots.personas import DEFAULT_PERSONA, PERSONAS, Persona
from exercise.bots.player import ComputerPlayer, Decision

__all__ = ["DEFAULT_PERSONA", "PERSONAS", "ComputerPlayer", "Decision", "Persona"]
