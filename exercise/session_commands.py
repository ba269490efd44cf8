"""`exercise resume`, `exercise replay` and `exercise report`: working from a session log."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from exercise.scenario.problems import ScenarioError

if TYPE_CHECKING:
    from exercise.sessions.restore import Restored

EXIT_OK, EXIT_BAD_FILE, EXIT_USAGE = 0, 1, 2


def _terminal_or_message(command: str) -> bool:
    if sys.stdin.isatty() and sys.stderr.isatty():
        return True
    print(f"exercise {command}: the terminal UI needs an interactive terminal; add --json to "
          "work without one", file=sys.stderr)
    return False


def _open(command: str, args: Any, *, keep_logging: bool = False) -> Restored | None:
    """The session a command works from, rebuilt from its log (resumed, to go on logging,
    with ``keep_logging``); None, after saying why, when the log cannot be used."""
    from exercise.sessions.restore import RestoreError, rebuild, resume

    try:
        restored = (resume if keep_logging else rebuild)(
            args.log, force=args.force, scenario=getattr(args, "scenario", None))
    except RestoreError as exc:
        print(f"exercise {command}: {exc}", file=sys.stderr)
        return None
    for warning in restored.warnings:
        print(f"exercise {command}: note: {warning}", file=sys.stderr)
    return restored


def resume_command(args: Any) -> int:
    """Continue a session from its log, in the terminal UI or (--json) headless."""
    if args.moves and not args.json:
        print("exercise resume: --moves goes with --json (headless); in the terminal UI the "
              "people at the screen make their own moves", file=sys.stderr)
        return EXIT_USAGE
    if not args.json and not _terminal_or_message("resume"):
        return EXIT_USAGE
    moves = []
    if args.moves:
        from exercise.headless import load_moves

        try:
            moves = load_moves(args.moves)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            return EXIT_BAD_FILE
    restored = _open("resume", args, keep_logging=True)
    if restored is None:
        return EXIT_BAD_FILE
    conductor = restored.conductor
    try:
        if args.json:
            from exercise.headless import drive, finish, headless_room
            from exercise.sessions.log import LogWriteError

            made = sum(1 for m in restored.record.moves if m.by in ("human", "facilitator"))
            try:
                illegal = drive(headless_room(conductor, restored.record.timers),
                                moves[made:])
            except LogWriteError as exc:
                print(f"exercise resume: {exc}", file=sys.stderr)
                return EXIT_BAD_FILE
            return finish(conductor.game, illegal, args.moves, as_json=True, verbose=False)
        from exercise.play import run_app
        from exercise.tui.app import ExerciseApp

        return run_app(ExerciseApp(restored=restored, bot_delay=args.pace), "exercise resume")
    finally:
        if conductor.log is not None:
            conductor.log.close()


def replay_command(args: Any) -> int:
    """Step through a session in the terminal UI, or print where it stands as JSON."""
    if not args.json and not _terminal_or_message("replay"):
        return EXIT_USAGE
    restored = _open("replay", args)
    if restored is None:
        return EXIT_BAD_FILE
    if args.json:
        print(json.dumps(restored.conductor.game.result(), indent=2))
        return EXIT_OK
    from exercise.play import run_app
    from exercise.tui.app import ExerciseApp

    return run_app(ExerciseApp(replay=restored), "exercise replay")


def _refuse_target(output: str, log: str) -> str | None:
    """Why the report must not be written to ``output``, or None."""
    from exercise.sessions.reader import is_session_log

    try:
        if os.path.exists(output) and os.path.samefile(output, log):
            return f"{output} is the session log itself; the report would overwrite it"
    except OSError:
        return None
    if is_session_log(output):
        return (f"{output} is a session log; a report never overwrites one (choose another "
                "name, e.g. report.md)")
    return None


def report_command(args: Any) -> int:
    """Write the after-action report of a session."""
    from exercise.files import FileProblem, write_output
    from exercise.reports import render_report
    from exercise.text import escape_controls

    if args.output:
        refused = _refuse_target(args.output, args.log)
        if refused:
            print(f"exercise report: {refused}", file=sys.stderr)
            return EXIT_USAGE
    restored = _open("report", args)
    if restored is None:
        return EXIT_BAD_FILE
    reveal = args.reveal or restored.conductor.game.is_over
    if not reveal:
        print("exercise report: note: this session has not ended, so the report shows only "
              "what the public table showed; --reveal adds the private briefs, values, private "
              "injects and the computer seats' reasons", file=sys.stderr)
    text = escape_controls(render_report(restored, args.format, reveal=reveal,
                                         table=getattr(args, "table", "votes")))
    if args.output:
        try:
            write_output(args.output, text)
        except FileProblem as exc:
            print(f"exercise report: cannot write {args.output}: {exc}", file=sys.stderr)
            return EXIT_BAD_FILE
        print(f"Report written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


__all__ = ["replay_command", "report_command", "resume_command"]
