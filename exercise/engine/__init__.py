"""The rules engine: phases, the session, moves, events and outcomes. It never prints."""

from exercise.engine.errors import (
    EngineError,
    GameOverError,
    IllegalMoveError,
    InjectUnavailableError,
    InvalidBallotError,
    InvalidPackageError,
    NotYourTurnError,
    WrongPhaseError,
)
from exercise.engine.events import Event, EventKind
from exercise.engine.game import Game
from exercise.engine.moves import (
    FACILITATOR,
    PACKAGE,
    Ballot,
    CallRatification,
    CallVote,
    EndExercise,
    FireInject,
    Move,
    Pass,
    Player,
    SeatChanged,
    Sign,
    Table,
    Vote,
)
from exercise.engine.phases import Phase, Trigger
from exercise.engine.rulebook import Rulebook
from exercise.engine.session import Outcome, OutcomeKind, Status

__all__ = [
    "FACILITATOR",
    "PACKAGE",
    "Ballot",
    "CallRatification",
    "CallVote",
    "EndExercise",
    "EngineError",
    "Event",
    "EventKind",
    "FireInject",
    "Game",
    "GameOverError",
    "IllegalMoveError",
    "InjectUnavailableError",
    "InvalidBallotError",
    "InvalidPackageError",
    "Move",
    "NotYourTurnError",
    "Outcome",
    "OutcomeKind",
    "Pass",
    "Phase",
    "Player",
    "Rulebook",
    "SeatChanged",
    "Sign",
    "Status",
    "Table",
    "Trigger",
    "Vote",
    "WrongPhaseError",
]
