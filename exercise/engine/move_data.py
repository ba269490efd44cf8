"""Moves as data: the one reader of the form ``Move.to_data()`` writes.

A headless moves file and the session log hold moves in the same form, e.g.
``{"table": {"party": "ukraine", "elements": ["dmz"]}}``, ``{"inject": "strike"}`` or the
word ``ratify``, and both are read here, so the two cannot drift apart. A reader gets every
problem with the key path inside the move it is about; a moves file turns each into
FILE:line:column, the log into its line and field.

Each kind of move is one entry of :data:`SHAPES`: the move's class and how its body is read
(nothing, one value, or a mapping whose keys are the class's fields). Adding a kind of move
is adding its class to :mod:`exercise.engine.moves` and its entry here; a test checks that
every class of :data:`~exercise.engine.moves.Move` has one and reads back what it writes.

Whether a move is *legal* (a party or element that exists, its turn, a known persona) is the
engine's business, not this module's: here only its shape is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from exercise.engine.moves import (
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
from exercise.scenario.problems import did_you_mean

KeyPath = tuple[str | int, ...]

__all__ = ["KINDS", "SHAPES", "MoveDataError", "MoveProblem", "move_from_data", "read_move"]


@dataclass(frozen=True, slots=True)
class MoveProblem:
    """Something wrong with a move's data, and where inside the move it is."""

    path: KeyPath  # e.g. ("vote", "votes", "dmz"); () for the move as a whole
    message: str
    key: bool = False  # about the key at ``path`` (its name), not its value
    unknown_key: bool = False  # a key no move has: a typo in a file, or a newer program's


class MoveDataError(ValueError):
    """Data that is not a move; the message says what is wrong and ``path`` where."""

    def __init__(self, problem: MoveProblem):
        super().__init__(problem.message)
        self.path = problem.path


class _Refused(Exception):
    """A value that cannot be read: (path below the value, message) for each reason; none
    when the value is as good as missing (its part's ``missing`` message says it)."""

    def __init__(self, *problems: tuple[KeyPath, str]):
        super().__init__(problems)
        self.problems = problems


def _seg(key: Any) -> str | int:
    """A key as a step of a key path (a file's own key, so its position can be found)."""
    return key if isinstance(key, (str, int)) and not isinstance(key, bool) else _shown(key)


def _shown(value: Any) -> str:
    """A value from the file, short enough to quote in a message (never a huge repr)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        text = str(value).replace("\n", " ")
        return text if len(text) <= 40 else text[:39] + "…"
    return f"a {type(value).__name__}"


# --- how one value is read -----------------------------------------------------------------


def _ident(value: Any) -> str:
    """A non-blank text (an id); refused as if missing when it is not one."""
    if not isinstance(value, str) or not value.strip():
        raise _Refused()
    return str(value)


def _ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(e, str) and e.strip() for e in value):
        raise _Refused(((), "elements must be a list of element ids, e.g. [dmz, us-monitoring]"))
    return tuple(str(e) for e in value)


BALLOTS = tuple(b.value for b in Ballot)


def _ballots(value: Any) -> dict[str, Ballot]:
    if not isinstance(value, dict) or not value:
        raise _Refused(((), "votes must map each tabled element (or 'package') to accept, "
                            "reject or abstain"))
    bad = [((_seg(target),), f"'{_shown(choice)}' is not accept, reject or abstain"
            f"{did_you_mean(_shown(choice), BALLOTS)}")
           for target, choice in value.items() if choice not in BALLOTS]
    if bad:
        raise _Refused(*bad)
    return {str(target): Ballot(choice) for target, choice in value.items()}


PLAYERS = tuple(p.value for p in Player)


def _player(value: Any) -> Player:
    if value not in PLAYERS:
        raise _Refused(((), f"player must be one of: {', '.join(PLAYERS)}"
                            f"{did_you_mean(_shown(value), PLAYERS)}"))
    return Player(value)


_TRUTH = {"true": True, "false": False}  # YAML 1.2's booleans (a moves file keeps the text)


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUTH:
        return _TRUTH[value.lower()]
    raise _Refused(((), f"signs must be true (the party signs) or false (it refuses), not "
                        f"'{_shown(value)}'"))


def _persona(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Refused(((), "persona must be the id of a persona, e.g. hardliner"))
    return str(value)


def _reason(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return EndExercise().reason
    if not isinstance(value, str):
        raise _Refused(((), "end takes the reason the exercise ends, as text"))
    return str(value)


# --- the shapes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One value of a move's body: how it is read, and what to say when it is missing."""

    read: Callable[[Any], Any]
    missing: str | None = None  # None: optional (``read`` is given None)


PARTY = Part(_ident, "{kind} needs the party making it (party: ID)")


@dataclass(frozen=True, slots=True)
class Shape:
    """How one kind of move is written: nothing after its name (``ratify``), one value
    (``inject: ID``), or a mapping whose keys are the move class's fields."""

    move: type[Any]  # one of the classes of Move
    keys: Mapping[str, Part] = field(default_factory=dict)
    value: Part | None = None
    check: Callable[[dict[str, Any]], MoveProblem | None] | None = None  # across keys

    @property
    def bare(self) -> bool:
        """Written as its name alone."""
        return not self.keys and self.value is None


def _seat_check(values: dict[str, Any]) -> MoveProblem | None:
    if values.get("persona") is not None and values["player"] is Player.PERSON:
        return MoveProblem(("seat", "persona"), "a persona is for a computer player only")
    return None


SHAPES: dict[str, Shape] = {
    shape.move.kind: shape for shape in (
        Shape(Table, {"party": PARTY, "elements": Part(_ids, "elements must be a list of "
                                                             "element ids, e.g. [dmz, "
                                                             "us-monitoring]")}),
        Shape(Pass, {"party": PARTY}),
        Shape(Vote, {"party": PARTY,
                     "votes": Part(_ballots, "votes must map each tabled element (or "
                                             "'package') to accept, reject or abstain")}),
        Shape(FireInject, value=Part(_ident, "inject needs the id of the inject to fire")),
        Shape(CallRatification),
        Shape(EndExercise, value=Part(_reason)),
        Shape(SeatChanged, {"party": PARTY,
                            "player": Part(_player, "player must be one of: "
                                                    + ", ".join(PLAYERS)),
                            "persona": Part(_persona)}, check=_seat_check),
        Shape(CallVote),
        Shape(Sign, {"party": PARTY,
                     "signs": Part(_yes_no, "sign needs signs: true (the party signs) or "
                                            "false (it refuses)")}),
    )
}
KINDS = tuple(SHAPES)
BARE = tuple(kind for kind, shape in SHAPES.items() if shape.bare)


def read_move(data: Any) -> tuple[Move | None, list[MoveProblem]]:
    """Read a move from its data form.

    Returns:
        The move (None when it cannot be made) and every problem found. A key no move has
        is a problem too, but the move is still made (:attr:`MoveProblem.unknown_key`).
    """
    problems: list[MoveProblem] = []
    if isinstance(data, str):
        if data in BARE:
            return SHAPES[data].move(), problems
        problems.append(MoveProblem((), f"unknown move '{_shown(data)}'"
                                        f"{did_you_mean(_shown(data), KINDS)}; a move is one "
                                        f"of: {', '.join(KINDS)}"))
        return None, problems
    if not isinstance(data, dict) or len(data) != 1:
        problems.append(MoveProblem((), f"a move is a mapping with one key: {', '.join(KINDS)} "
                                        f"(or the word {' or '.join(BARE)})"))
        return None, problems
    kind, body = next(iter(data.items()))
    shape = SHAPES.get(kind) if isinstance(kind, str) else None
    if shape is None:
        problems.append(MoveProblem((_seg(kind),), f"unknown move '{_shown(kind)}'"
                                                     f"{did_you_mean(_shown(kind), KINDS)}",
                                    key=True))
        return None, problems
    move = _build(kind, shape, body, problems)
    return move, problems


def _build(kind: str, shape: Shape, body: Any, problems: list[MoveProblem]) -> Move | None:
    """The move of a known kind from its body (None, with problems, when it cannot be)."""
    def refused(where: KeyPath, part: Part, exc: _Refused) -> None:
        if not exc.problems:  # as good as missing
            problems.append(MoveProblem((kind,), str(part.missing).format(kind=kind)))
        problems.extend(MoveProblem((kind, *where, *sub), message)
                        for sub, message in exc.problems)

    if shape.bare:
        return shape.move()
    if shape.value is not None:
        part = shape.value
        if body is None and part.missing is not None:
            problems.append(MoveProblem((kind,), part.missing.format(kind=kind)))
            return None
        try:
            return shape.move(part.read(body))
        except _Refused as exc:
            refused((), part, exc)
            return None
    if not isinstance(body, dict):
        problems.append(MoveProblem((kind,), f"{kind} needs a mapping, e.g. "
                                             "{party: ukraine, ...}"))
        return None
    for key in body:
        if key not in shape.keys:
            problems.append(MoveProblem((kind, _seg(key)), f"unknown key '{_shown(key)}'"
                                        f"{did_you_mean(_shown(key), shape.keys)}", key=True,
                                        unknown_key=True))
    values: dict[str, Any] = {}
    for name, part in shape.keys.items():
        if body.get(name) is None and part.missing is not None:
            problems.append(MoveProblem((kind,), part.missing.format(kind=kind)))
            continue
        try:
            values[name] = part.read(body.get(name))
        except _Refused as exc:
            refused((name,), part, exc)
    if any(not p.unknown_key for p in problems):
        return None
    if shape.check is not None and (problem := shape.check(values)) is not None:
        problems.append(problem)
        return None
    return shape.move(**values)


def move_from_data(data: Any) -> Move:
    """A move from its data form, as a session log holds it (keys a newer program may have
    added are passed over, as everywhere in a log).

    Raises:
        MoveDataError: naming the first thing wrong with it, and where.
    """
    move, problems = read_move(data)
    fatal = [p for p in problems if not p.unknown_key]
    if fatal:
        raise MoveDataError(fatal[0])
    assert move is not None
    return move
