"""The small subcommands: list, validate, schema, handout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exercise import catalog
from exercise.scenario.problems import Severity, did_you_mean, listing, suggest
from exercise.text import one_line

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def list_scenarios() -> int:
    """Print the bundled scenarios as a table."""
    from exercise.scenario.loading import check_file

    entries = catalog.bundled()
    if not entries:
        print("no bundled scenarios are installed", file=sys.stderr)
        return EXIT_PROBLEMS
    rows = []
    loaded = [(entry, check_file(entry.path).scenario) for entry in entries]
    # The tutorial first, then the scenarios in the order of the moments they are set at.
    loaded.sort(key=lambda pair: (pair[0].name != "tutorial",
                                  pair[1].period if pair[1] else "~", pair[0].name))
    for entry, sc in loaded:
        if sc is None:
            rows.append((entry.name, "(invalid: run exercise validate)", "", "", ""))
            continue
        voters = len(sc.voters)
        rows.append((entry.name, sc.title, f"{voters}", f"{sc.rounds}", f"~{sc.minutes:.0f} min"))
    header = ("NAME", "TITLE", "PARTIES", "ROUNDS", "LENGTH")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"\nPlay one with: exercise run {entries[0].name} --bots all")
    return EXIT_OK


def validate(files: list[str], *, quiet: bool = False) -> int:
    """Check each file; print every problem; 0 when all are valid."""
    from exercise.scenario.loading import check_file

    status = EXIT_OK
    for name in files:
        try:
            path = catalog.resolve(name)
        except catalog.UnknownScenario:
            path = Path(name)  # check_file reports the missing file in the usual form
        checked = check_file(path)
        shown = [p for p in checked.problems
                 if not (quiet and p.severity is Severity.WARNING)]
        # The first SHOWN problems, then a count: a hostile file can hold 100,000 of them.
        for line in listing(suggest(shown)):
            print(line)
        n_err, n_warn = len(checked.errors), len(checked.warnings)
        name = one_line(str(path))
        if n_err:
            status = EXIT_PROBLEMS
            print(f"{name}: {n_err:,} error{'s' * (n_err != 1)}"
                  f"{f', {n_warn:,} warning' + 's' * (n_warn != 1) if n_warn else ''}",
                  file=sys.stderr)
        else:
            extra = f" ({n_warn} warning{'s' * (n_warn != 1)})" if n_warn else ""
            print(f"{name}: ok{extra}", file=sys.stderr)
    return status


def schema(output: str | None) -> int:
    """Print (or write) the JSON Schema."""
    from exercise.files import FileProblem, write_output
    from exercise.scenario.schema import schema_text

    text = schema_text()
    if output:
        try:
            write_output(output, text, mode=0o644)  # the schema is for every editor to read
        except FileProblem as exc:
            print(f"exercise schema: cannot write {output}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_OK
    sys.stdout.write(text)
    return EXIT_OK


def handout(args: argparse.Namespace) -> int:
    """Write a scenario's player handout or, with --facilitator, the facilitator's package."""
    from exercise.files import FileProblem, write_output
    from exercise.guide import find_guide
    from exercise.reports.html import render_html
    from exercise.reports.markdown import render_markdown
    from exercise.reports.package import facilitator_package, player_handout
    from exercise.scenario.loading import check_file
    from exercise.text import escape_controls

    seat: str | None = args.seat
    output: str | None = args.output
    if seat is not None and args.facilitator:
        print("exercise handout: --seat is for a player handout; the facilitator's package "
              "already holds every delegation's private brief", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = catalog.resolve(args.scenario)
    except catalog.UnknownScenario as exc:
        print(f"exercise handout: {exc}", file=sys.stderr)
        return EXIT_USAGE
    checked = check_file(path)
    if checked.scenario is None:
        for line in listing(suggest(checked.errors or checked.problems)):
            print(line, file=sys.stderr)
        print(f"exercise handout: {one_line(str(path))} is not a valid scenario "
              "(exercise validate lists every problem)", file=sys.stderr)
        return EXIT_PROBLEMS
    scenario = checked.scenario
    ids = [p.id for p in scenario.parties]
    if seat is not None and seat not in ids:
        print(f"exercise handout: no delegation '{one_line(seat)}' in {scenario.id}"
              f"{did_you_mean(seat, ids)}; its delegations: {', '.join(ids)}", file=sys.stderr)
        return EXIT_USAGE
    document = (facilitator_package(scenario, find_guide(path)) if args.facilitator
                else player_handout(scenario, seat))
    render = render_html if args.format == "html" else render_markdown
    text = escape_controls(render(document))
    if output:
        try:
            write_output(output, text)
        except FileProblem as exc:
            print(f"exercise handout: cannot write {one_line(output)}: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"Handout written to {one_line(output)}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
