"""`exercise play`: check the arguments without Textual, then open the terminal UI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exercise import catalog
from exercise.scenario.problems import did_you_mean
from exercise.text import one_line

if TYPE_CHECKING:
    from exercise.tui.app import ExerciseApp

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def play_command(args: Any) -> int:
    """Validate the scenario and seats, then run the app; returns the exit status."""
    scenario = None
    path: Path | None = None
    if args.scenario:
        from exercise.scenario.loading import check_file

        try:
            path = catalog.resolve(args.scenario)
        except catalog.UnknownScenario as exc:
            print(f"exercise play: {exc}", file=sys.stderr)
            return EXIT_USAGE
        checked = check_file(path)
        if checked.scenario is None:
            for problem in checked.errors:
                print(problem, file=sys.stderr)
            return EXIT_PROBLEMS
        scenario = checked.scenario
    seats = args.seat
    if seats:
        if scenario is None:
            print("exercise play: --seat needs a SCENARIO", file=sys.stderr)
            return EXIT_USAGE
        ids = [p.id for p in scenario.parties]
        for seat in seats:
            if seat not in ids:
                print(f"exercise play: --seat: unknown party '{seat}'{did_you_mean(seat, ids)}; "
                      f"parties: {', '.join(ids)}", file=sys.stderr)
                return EXIT_USAGE
    if args.pace < 0:
        print("exercise play: --pace must be 0 or more seconds", file=sys.stderr)
        return EXIT_USAGE
    log_path = Path(args.log) if getattr(args, "log", None) else None
    if log_path is not None and (log_path.exists() or log_path.is_symlink()):
        print(f"exercise play: {log_path} already exists; choose a new --log path (to go on with "
              f"that session: exercise resume {log_path})", file=sys.stderr)
        return EXIT_USAGE
    if not (sys.stdin.isatty() and sys.stderr.isatty()):  # Textual draws on stderr
        print("exercise play: the terminal UI needs an interactive terminal. For play without "
              "one, use 'exercise run SCENARIO --bots all' (see exercise run --help).",
              file=sys.stderr)
        return EXIT_USAGE
    from exercise.tui.app import ExerciseApp

    app = ExerciseApp(
        path,
        scenario=scenario,
        seats=seats,
        seed=args.seed,
        bot_delay=args.pace,
        theme="textual-light" if args.theme == "light" else "textual-dark",
        log_path=log_path,
        keep_log=not getattr(args, "no_log", False),
    )
    return run_app(app, "exercise play")


def run_app(app: ExerciseApp, command: str) -> int:
    """Run the terminal UI to its end and return the exit status for ``command``.

    After the app has closed: the session log is closed and its path printed; if the
    session stopped because its log could not be written, that one line is printed
    instead and the status is non-zero; so it is if the app crashed (its return code).
    """
    try:
        app.run()
    finally:
        conductor = app.conductor
        if conductor is not None and conductor.log is not None:
            conductor.log.close()
            print(f"Session log: {one_line(str(conductor.log.path))}", file=sys.stderr)
    if app.log_failure is not None:
        print(f"{command}: {one_line(str(app.log_failure))}", file=sys.stderr)
        return app.return_code or EXIT_PROBLEMS
    return app.return_code or EXIT_OK
