"""Headless play: ``exercise run`` — a moves file, computer seats, and the result.

The rules are the engine's; this module only reads the moves file, lets computer
seats move whenever they are awaited, opens voting as soon as a package is tabled
(the contract's headless rule) and prints the result.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercise import catalog
from exercise.bots import PERSONAS
from exercise.bots.personas import persona_for
from exercise.conduct import Conductor, SeatPlan
from exercise.engine import (
    FACILITATOR,
    Event,
    EventKind,
    Game,
    IllegalMoveError,
    Move,
    SeatChanged,
    Vote,
)
from exercise.engine.move_data import read_move
from exercise.engine.moves import TALK_MOVES, Offer
from exercise.files import FileProblem, read_input
from exercise.narration import Narrator, outcome_reason, private_mark
from exercise.room import Room
from exercise.scenario.model import Scenario
from exercise.scenario.problems import Problem, ScenarioError, did_you_mean
from exercise.scenario.yaml_source import MAX_BYTES, Document, read_yaml

EXIT_OK, EXIT_PROBLEMS, EXIT_ILLEGAL = 0, 1, 2


class UsageError(Exception):
    """A wrong argument; the message says what is wrong."""


@dataclass(frozen=True)
class ScriptedMove:
    """A move read from a moves file, with where it was written."""

    index: int
    line: int | None
    move: Move


# --- reading a moves file --------------------------------------------------------------------


def _parse_item(doc: Document, i: int, item: Any, problems: list[Problem]) -> Move | None:
    """The move at index ``i`` (read as a session log's moves are), or None with its
    problems, each at its place in the file. A moves file may name only personas there are."""
    move, found = read_move(item)
    for problem in found:
        problems.append(doc.problem((i, *problem.path), problem.message, key=problem.key))
    if found:
        return None
    if isinstance(move, SeatChanged) and move.persona is not None and \
            move.persona not in PERSONAS:
        problems.append(doc.problem((i, "seat", "persona"), f"unknown persona '{move.persona}'"
                                    f"{did_you_mean(move.persona, PERSONAS)}; one of: "
                                    + ", ".join(PERSONAS)))
        return None
    return move


def read_moves(source: bytes | str, name: str) -> list[ScriptedMove]:
    """Parse a moves file.

    Raises:
        ScenarioError: with every problem in the file (file:line:column each).
    """
    doc = read_yaml(source, name)
    problems = list(doc.problems)
    moves: list[ScriptedMove] = []
    if doc.data is not None and not isinstance(doc.data, list):
        problems.append(doc.problem((), "a moves file is a list of moves (- table: ..., - vote: "
                                         "..., - pass: ..., - inject: ID, - ratify, - end: TEXT, "
                                         "- seat: ..., - call_vote)"))
    elif isinstance(doc.data, list):
        # ``- end:`` with nothing after it: the YAML reader leaves the key out of the item
        # (an empty optional key); the move's data has it, with nothing as its value.
        blank: dict[int, list[str | int]] = {}
        for path in doc.empty:
            if len(path) == 2 and isinstance(path[0], int):
                blank.setdefault(path[0], []).append(path[1])
        for i, item in enumerate(doc.data):
            if isinstance(item, dict) and i in blank:
                item = {**dict.fromkeys(blank[i]), **item}
            move = _parse_item(doc, i, item, problems)
            if move is not None:
                mark = doc.where((i,))
                moves.append(ScriptedMove(i, mark.line if mark else None, move))
    if problems:
        raise ScenarioError(problems)
    return moves


def load_moves(path: str) -> list[ScriptedMove]:
    """Read and parse a moves file from disk (a regular file, within the YAML size bound)."""
    try:
        raw = read_input(path, MAX_BYTES)
    except FileProblem as exc:
        raise ScenarioError([Problem(path, None, None, "", str(exc))]) from None
    return read_moves(raw, path)


# --- choosing seats ----------------------------------------------------------------------------


def parse_bots(spec: str, scenario: Scenario) -> tuple[str, ...]:
    """The seats named in ``--bots``: a comma-separated list of party ids, or ``all``."""
    ids = [p.id for p in scenario.parties]
    if spec.strip() == "all":
        return tuple(p.id for p in scenario.voters)
    seats = [s.strip() for s in spec.split(",") if s.strip()]
    for seat in seats:
        if seat not in ids:
            raise UsageError(f"--bots: unknown party '{seat}'{did_you_mean(seat, ids)}; "
                             f"parties: {', '.join(ids)}")
    return tuple(dict.fromkeys(seats))


def parse_personas(items: Iterable[str], scenario: Scenario) -> dict[str, str]:
    """``PARTY=PERSONA`` overrides (PARTY may be ``all``)."""
    ids = [p.id for p in scenario.parties]
    out: dict[str, str] = {}
    for item in items:
        party, sep, persona = item.partition("=")
        party, persona = party.strip(), persona.strip()
        if not sep or not party or not persona:
            raise UsageError(f"--personas: expected PARTY=PERSONA, got '{item}'")
        if persona not in PERSONAS:
            raise UsageError(f"--personas: unknown persona '{persona}'"
                             f"{did_you_mean(persona, PERSONAS)}; one of: {', '.join(PERSONAS)}")
        if party == "all":
            out.update(dict.fromkeys(ids, persona))
        elif party in ids:
            out[party] = persona
        else:
            raise UsageError(f"--personas: unknown party '{party}'{did_you_mean(party, ids)}")
    return out


# --- the run ----------------------------------------------------------------------------------


@dataclass
class RunResult:
    """The game at the end of a run, and the illegal move that stopped it, if any."""

    game: Game
    illegal: tuple[ScriptedMove, IllegalMoveError] | None = None
    conductor: Conductor | None = None


def seat_plan(scenario: Scenario, bots: Iterable[str],
              personas: dict[str, str] | None = None) -> dict[str, SeatPlan]:
    """Seats for a headless run: the ``bots`` are computer players, everyone else a person."""
    computers = set(bots)
    personas = personas or {}
    plans = {}
    for party in scenario.parties:
        plans[party.id] = SeatPlan(party.id, party.id not in computers,
                                   persona_for(party, personas.get(party.id)))
    return plans


def drive(
    room: Room,
    moves: Iterable[ScriptedMove] = (),
    *,
    on_event: Callable[[Event], None] | None = None,
    on_reason: Callable[[str, str, Move | None], None] | None = None,
) -> tuple[ScriptedMove, IllegalMoveError] | None:
    """Play on from where the room stands: scripted moves, and what the room does itself.

    The facilitator's scripted moves apply the moment the script reaches them; the room's
    automatic steps (computer seats, reactions, opening the vote) run whenever they are
    due; a scripted party move waits for its party's turn.

    Returns:
        The illegal scripted move that stopped the run, or None.
    """
    game = room.conductor.game
    seen = len(game.events)

    def flush() -> None:
        """Pass on the events the last move set off."""
        nonlocal seen
        if on_event:
            for event in game.events[seen:]:
                on_event(event)
        seen = len(game.events)

    def automatic() -> bool:
        """One automatic step of the room's; False when the script must move."""
        stepped = room.step()
        if stepped is None:
            return False
        if on_reason:
            for party, line in stepped.reactions:
                on_reason(party, line, None)
            for party, decision in stepped.talks:
                on_reason(party, decision.reason, decision.move)
            if stepped.kind == "computer":
                on_reason(stepped.party or "", stepped.reason, stepped.move)
        flush()
        return True

    def scripted_move() -> tuple[ScriptedMove, IllegalMoveError] | None:
        """Make the next scripted move; the move and why, if it is illegal."""
        scripted = queue.popleft()
        move = scripted.move
        try:
            room.act(FACILITATOR if move.actor == FACILITATOR else move.actor, move)
        except IllegalMoveError as exc:
            return scripted, exc
        flush()
        return None

    queue = deque(moves)
    while not game.is_over:
        # The facilitator's moves and the talks (a statement, an offer, an answer) are not
        # turns: they happen the moment the script reaches them.
        while queue and (queue[0].move.actor == FACILITATOR or
                         isinstance(queue[0].move, TALK_MOVES)) and not game.is_over:
            if illegal := scripted_move():
                return illegal
        if game.is_over:
            break
        if automatic():
            continue
        if not queue:
            break
        if illegal := scripted_move():
            return illegal
    # Moves left after the end: the first is illegal now, and the run says so.
    return scripted_move() if queue else None


def headless_room(conductor: Conductor, timers: list[dict[str, Any]] | None = None) -> Room:
    """The room a script plays in: no pauses, no timer, voting opens once a package is
    tabled (the contract's headless rule). ``timers``: a resumed session's timer records
    (a discussion already begun is not begun again)."""
    room = Room(conductor, bot_delay=0, auto_vote=True, timer=False)
    if timers is not None:
        room.restore_timer(timers)
    return room


def play(
    scenario: Scenario,
    moves: Iterable[ScriptedMove] = (),
    *,
    bots: Iterable[str] = (),
    seed: int = 0,
    personas: dict[str, str] | None = None,
    on_event: Callable[[Event], None] | None = None,
    on_reason: Callable[[str, str, Move | None], None] | None = None,
    log: Callable[[Conductor], object] | None = None,
) -> RunResult:
    """Play a scenario from scripted moves, with computer players in the ``bots`` seats.

    Args:
        scenario: the scenario.
        moves: the scripted moves (see :func:`drive` for their order).
        bots: seats the computer plays.
        seed: the game's seed (its random source and the players' noise).
        personas: persona overrides per party.
        on_event: called with every event as it happens.
        on_reason: called with (party, reason, move) for each computer decision, and with
            move None for each reaction to a tabled package.
        log: called with the conductor before play, to attach a session log.

    Returns:
        The game, stopped at its end, when the moves ran out, or at an illegal move.
    """
    conductor = Conductor(scenario, seat_plan(scenario, bots, personas), seed)
    if log is not None:
        log(conductor)
    if on_event:  # the opening briefing happened when the game was made
        for event in conductor.game.events:
            on_event(event)
    illegal = drive(headless_room(conductor), moves, on_event=on_event, on_reason=on_reason)
    return RunResult(conductor.game, illegal, conductor)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _number(value: float) -> str:
    return f"{value:g}"


def summary(game: Game) -> str:
    """A readable account of where the game stands."""
    sc = game.scenario
    s = game.session
    out = []
    outcome = game.outcome()
    if outcome:
        out.append(f"{sc.title}: {outcome.kind} in round {outcome.round} "
                   f"({outcome_reason(sc, outcome)})")
    else:
        out.append(f"{sc.title}: not finished; round {game.round}, {game.phase}, "
                   f"waiting for {game.expected()}")
    out.append("")
    out.append("Elements")
    width = max(len(e.title) for e in sc.elements)
    for e in sc.elements:
        status = s.status[e.id]
        extra = f" (round {s.adopted_in[e.id]})" if e.id in s.adopted_in else ""
        rej = f", rejected {s.rejections[e.id]}×" if s.rejections[e.id] else ""
        out.append(f"  {e.title.ljust(width)}  {status}{extra}{rej}")
    out.append("")
    out.append("Parties (score / walk-away)")
    for p in sc.voters:
        sign = "signed" if s.signed[p.id] else ("did not sign" if outcome and outcome.kind in (
            "agreement", "no_agreement") else "")
        out.append(f"  {p.name.ljust(width)}  {_number(s.scores[p.id])} / "
                   f"{_number(s.walk_away[p.id])}  {sign}".rstrip())
    if sc.tracks:
        out.append("")
        out.append("Tracks")
        for t in sc.tracks:
            line = f" (collapse at {_number(t.collapse_at)})" if t.collapse_at is not None else ""
            out.append(f"  {t.label.ljust(width)}  {_number(s.tracks[t.id])} of "
                       f"{_number(t.min)}–{_number(t.max)}{line}")
    out.append("")
    fired = ", ".join(s.fired) or "none"
    out.append(f"Injects fired: {fired}")
    return "\n".join(out)


def run_command(args: Any) -> int:
    """``exercise run``: returns the exit status."""
    from exercise.scenario.loading import load_scenario

    try:
        path = catalog.resolve(args.scenario)
    except catalog.UnknownScenario as exc:
        print(f"exercise run: {exc}", file=sys.stderr)
        return EXIT_ILLEGAL
    try:
        scenario = load_scenario(path)
        moves = load_moves(args.moves) if args.moves else []
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        bots = parse_bots(args.bots, scenario)
        personas = parse_personas(args.personas, scenario)
    except UsageError as exc:
        print(f"exercise run: {exc}", file=sys.stderr)
        return EXIT_ILLEGAL
    if not args.moves and set(p.id for p in scenario.voters) - set(bots):
        humans = sorted(set(p.id for p in scenario.voters) - set(bots))
        print(f"exercise run: --moves is needed unless every seat is a computer player "
              f"(--bots all); no one would move for {', '.join(humans)}", file=sys.stderr)
        return EXIT_ILLEGAL

    verbose = args.verbose and not args.json
    log_path = Path(args.log) if args.log else None
    if log_path is not None and log_path.exists():
        print(f"exercise run: {log_path} already exists; choose a new --log path (to go on with "
              f"that session: exercise resume {log_path})", file=sys.stderr)
        return EXIT_ILLEGAL
    opened: list[Any] = []

    def start_log(conductor: Conductor) -> None:
        from exercise.sessions.restore import begin_log

        try:
            opened.append(begin_log(conductor, path, path=log_path, mode="run"))
        except FileExistsError:
            raise UsageError(f"{log_path} already exists; choose a new --log path") from None
        print(f"Session log: {opened[0].path}", file=sys.stderr)

    from exercise.sessions.log import LogWriteError

    on_event, on_reason = narration(scenario, bots) if verbose else (None, None)
    try:
        result = play(scenario, moves, bots=bots, seed=args.seed, personas=personas,
                      on_event=on_event, on_reason=on_reason,
                      log=None if args.no_log else start_log)
    except (UsageError, LogWriteError) as exc:
        print(f"exercise run: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        for log in opened:
            log.close()
    return finish(result.game, result.illegal, args.moves, as_json=args.json, verbose=verbose)


def narration(scenario: Scenario, bots: Iterable[str]) -> tuple[
        Callable[[Event], None], Callable[[str, str, Move | None], None]]:
    """Callbacks that tell a headless run in plain words (for --verbose)."""
    narrator = Narrator(scenario)
    computers = set(bots)

    def tell(event: Event) -> None:
        if event.kind in (EventKind.TABLED, EventKind.PASSED) and \
                event.data["party"] in computers:
            return  # the computer player's reason line has said it, and why
        line = narrator.line(event)
        if line and event.audience is not None:
            line = private_mark([narrator.party(p) for p in event.audience]) + line
        if line:
            print(("\n" if event.kind is EventKind.ROUND_STARTED else "") + line)

    def explain(party: str, reason: str, move: Move | None) -> None:
        if isinstance(move, Offer):  # the talks' reasons are the offer's parties' only
            print("  " + private_mark([narrator.party(p) for p in (move.party, *move.to)])
                  + reason)
        elif isinstance(move, TALK_MOVES):
            print("  " + private_mark([]) + reason)
        elif not isinstance(move, Vote):  # reactions, proposals; the votes are revealed later
            print(f"  {reason}")

    return tell, explain


def finish(game: Game, illegal: tuple[ScriptedMove, IllegalMoveError] | None,
           moves_file: str | None, *, as_json: bool, verbose: bool) -> int:
    """Print the result of a headless run (and the illegal move that stopped it)."""
    if illegal:
        scripted, error = illegal
        nth = _ordinal(scripted.index + 1)
        where = f", {moves_file} line {scripted.line}" if scripted.line else ""
        print(f"exercise run: the move at index {scripted.index} (the {nth}{where}) is illegal: "
              f"{error}. Nothing was changed; the run stops here.", file=sys.stderr)
    if as_json:
        print(json.dumps(game.result(), indent=2))
    else:
        print(("\n" if verbose else "") + summary(game))
    return EXIT_ILLEGAL if illegal else EXIT_OK
