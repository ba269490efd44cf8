"""`exercise play`: check the arguments without Textual, then open the terminal UI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from exercise import catalog
from exercise.scenario.problems import did_you_mean

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
    if not (sys.stdin.isatty() and sys.stderr.isatty()):  # Textual draws on stderr
        print("exercise play: the terminal UI needs an interactive terminal. For play without "
              "one, use 'exercise run SCENARIO --bots all' (see exercise run --help).",
              file=sys.stderr)
        return EXIT_USAGE
    log_path = Path(args.log) if getattr(args, "log", None) else None
    if log_path is not None and log_path.exists():
        print(f"exercise play: {log_path} already exists; choose a new --log path (to go on with "
              f"that session: exercise resume {log_path})", file=sys.stderr)
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
    try:
        app.run()
    finally:
        if app.conductor is not None and app.conductor.log is not None:
            app.conductor.log.close()
            print(f"Session log: {app.conductor.log.path}", file=sys.stderr)
    return EXIT_OK
