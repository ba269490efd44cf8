"""The engine's exceptions: an illegal move names what was expected and changes nothing."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class IllegalMoveError(EngineError, ValueError):
    """A move that is not legal now; the game is unchanged.

    Attributes:
        move: the refused move.
        reason: what is wrong with it, in plain words.
        expected: what the engine was waiting for, in plain words.
    """

    def __init__(self, message: str, *, move: Any = None, expected: str = ""):
        self.move = move
        self.reason = message
        self.expected = expected
        text = message if not expected else f"{message}; expected {expected}"
        super().__init__(text)


class GameOverError(IllegalMoveError):
    """The exercise has ended; no move is legal."""


class WrongPhaseError(IllegalMoveError):
    """The move belongs to another phase of the round."""


class NotYourTurnError(IllegalMoveError):
    """Another party (or the facilitator) is the one to move."""


class InvalidPackageError(IllegalMoveError):
    """The tabled elements cannot be tabled together now."""


class InvalidBallotError(IllegalMoveError):
    """A vote that is incomplete, repeated, or names the wrong things."""


class InjectUnavailableError(IllegalMoveError):
    """The inject does not exist or has already been played."""
