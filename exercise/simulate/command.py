"""``exercise simulate``: read the arguments, run the games, print the findings."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from exercise import catalog
from exercise.headless import UsageError, parse_personas
from exercise.scenario.problems import ScenarioError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
MAX_GAMES = 10_000_000
MAX_JOBS = 256


def _fail(message: str) -> int:
    print(f"exercise simulate: {message}", file=sys.stderr)
    return EXIT_USAGE


def simulate_command(args: Any) -> int:
    """Run ``exercise simulate``; return the exit status."""
    from exercise.engine.rulebook import Rulebook
    from exercise.files import FileProblem, read_input
    from exercise.scenario.loading import check_text
    from exercise.scenario.problems import Problem
    from exercise.scenario.yaml_source import MAX_BYTES
    from exercise.simulate.report import personas_in_play, render, summarise, talks_effect
    from exercise.simulate.runner import simulate

    if not 1 <= args.games <= MAX_GAMES:
        return _fail(f"-n/--games must be between 1 and {MAX_GAMES:,}, got {args.games:,}")
    jobs = args.jobs if args.jobs else (os.cpu_count() or 1)
    if not 1 <= jobs <= MAX_JOBS:
        return _fail(f"--jobs must be between 1 and {MAX_JOBS} (0: one per core), "
                     f"got {args.jobs}")
    try:
        path = catalog.resolve(args.scenario)
    except catalog.UnknownScenario as exc:
        return _fail(str(exc))
    try:
        source = read_input(path, MAX_BYTES)
    except FileProblem as exc:
        print(Problem(str(path), None, None, "", str(exc)), file=sys.stderr)
        return EXIT_PROBLEMS
    checked = check_text(source, str(path))
    if checked.scenario is None:
        print(ScenarioError(checked.errors or checked.problems), file=sys.stderr)
        return EXIT_PROBLEMS
    scenario = checked.scenario
    try:
        overrides = parse_personas(args.personas, scenario)
    except UsageError as exc:
        return _fail(str(exc))
    book = Rulebook(scenario)
    personas = personas_in_play(book, overrides)

    started = time.perf_counter()
    no_talks = getattr(args, "no_talks", False)
    passes = 2 if no_talks and book.talks_enabled else 1
    with _progress(args.games * passes,
                   enabled=not args.quiet and sys.stderr.isatty()) as advance:
        tally = simulate(book, args.games, args.seed, personas=overrides, jobs=jobs,
                         source=(source, str(path)), on_progress=advance, talks=not no_talks)
        if passes == 2:
            # the same games with talks (the default), to show what bargaining does
            talked = simulate(book, args.games, args.seed, personas=overrides, jobs=jobs,
                              source=(source, str(path)), talks=True,
                              on_progress=advance and (lambda d: advance(args.games + d)))
    took = time.perf_counter() - started
    summary = summarise(book, tally, seed=args.seed, personas=personas, talks=not no_talks)
    if passes == 2:
        with_talks = summarise(book, talked, seed=args.seed, personas=personas)
        summary["talks_effect"] = talks_effect(summary, with_talks)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(render(summary), end="")
    sys.stdout.flush()
    if not args.quiet:
        rate = args.games * passes / took if took > 0 else float("inf")
        print(f"{args.games * passes:,} games in {took:.2f} s ({rate:,.0f} games/s, "
              f"{jobs} process{'es' if jobs != 1 else ''})", file=sys.stderr)
    return EXIT_OK


class _progress:
    """A progress bar on stderr (when it is a terminal), advanced with games done."""

    def __init__(self, total: int, *, enabled: bool):
        self.total = total
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        # The bar draws with escape codes of its own: it writes to the real stderr, not to
        # the escaping stream the command's text goes through (its text is all ours).
        self._progress = Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(),
                                  TimeRemainingColumn(), console=Console(file=sys.__stderr__),
                                  transient=True)
        self._progress.start()
        self._task = self._progress.add_task("games", total=self.total)
        return self._advance

    def _advance(self, done: int) -> None:
        self._progress.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


__all__ = ["simulate_command"]
