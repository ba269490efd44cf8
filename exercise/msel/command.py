"""`exercise msel export` and `exercise msel import`."""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from exercise import catalog
from exercise.files import FileProblem, read_input, write_output
from exercise.scenario.model import Scenario
from exercise.scenario.problems import Problem, Severity, listing, suggest
from exercise.text import escape_controls, one_line

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
_WIDE = ("Message", "Expected Action", "Discussion Questions", "Facilitator Notes",
         "Source Quote", "Condition", "Effects")


def _say(command: str, message: str) -> None:
    print(f"exercise msel {command}: {message}", file=sys.stderr)


def _scenario(command: str, name: str) -> tuple[Path, object] | int:
    """The scenario file a command works on, checked; or the exit status after saying why."""
    from exercise.scenario.loading import check_file

    try:
        path = catalog.resolve(name)
    except catalog.UnknownScenario as exc:
        _say(command, str(exc))
        return EXIT_USAGE
    checked = check_file(path)
    if checked.scenario is None:
        for line in listing(suggest(checked.errors or checked.problems)):
            print(line, file=sys.stderr)
        _say(command, f"{one_line(str(path))} is not a valid scenario (exercise validate lists "
             "every problem)")
        return EXIT_PROBLEMS
    return path, checked.scenario


def export_command(args: argparse.Namespace) -> int:
    """Write a scenario's injects as an MSEL (CSV or XLSX), with what fired given a log."""
    from exercise.msel.export import firings, msel_table
    from exercise.msel.sheets import csv_bytes, xlsx_bytes

    output: str | None = args.output
    if output and not output.lower().endswith((".csv", ".xlsx")):
        _say("export", f"-o {one_line(output)}: the name must end in .csv or .xlsx (the format "
             "follows it)")
        return EXIT_USAGE
    found = _scenario("export", args.scenario)
    if isinstance(found, int):
        return found
    path, scenario = found
    assert isinstance(scenario, Scenario)
    fired = None
    if args.log:
        from exercise.sessions.reader import LogError, read_log

        try:
            record = read_log(args.log)
        except LogError as exc:
            _say("export", str(exc))
            return EXIT_PROBLEMS
        logged = record.header.get("scenario", {})
        if logged.get("id") != scenario.id:
            played = one_line(str(logged.get("id")))
            _say("export", f"{one_line(args.log)} is a session of '{played}', not of "
                 f"'{scenario.id}' ({one_line(str(path))})")
            return EXIT_PROBLEMS
        digest = "sha256:" + hashlib.sha256(read_input(path, 1 << 26)).hexdigest()
        if logged.get("hash") and logged.get("hash") != digest:
            _say("export", f"note: {one_line(str(path))} changed since the session was played; "
                 "the log's firings are matched to the injects by id")
        fired = firings(record)
    header, cells = msel_table(scenario, fired)
    # A second line of defence: the scenario's text was validated, and holds no control
    # character but newlines and tabs (see exercise.text).
    rows = [[escape_controls(cell) for cell in row] for row in cells]
    if output is None:
        data = csv_bytes(header, rows)
        if sys.stdout.isatty():  # for reading: no BOM or carriage returns on a terminal
            sys.stdout.write(data.decode("utf-8-sig").replace("\r\n", "\n"))
        else:  # the exact file, for a pipe or a redirection
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        return EXIT_OK
    data = xlsx_bytes(header, rows, wide=_WIDE) if output.lower().endswith(".xlsx") \
        else csv_bytes(header, rows)
    try:
        write_output(output, data, mode=0o644)
    except FileProblem as exc:
        _say("export", f"cannot write {one_line(output)}: {exc}")
        return EXIT_PROBLEMS
    _say("export", f"{len(rows)} inject{'s' * (len(rows) != 1)} of {scenario.id} written to "
         f"{one_line(output)}")
    return EXIT_OK


def import_command(args: argparse.Namespace) -> int:
    """Read an MSEL (CSV or XLSX) into a scenario's injects; write the scenario."""
    if args.minutes_per_round is not None and args.minutes_per_round <= 0:
        _say("import", "--minutes-per-round must be more than 0")
        return EXIT_USAGE
    found = _scenario("import", args.into)
    if isinstance(found, int):
        return found
    target_path, scenario = found
    assert isinstance(scenario, Scenario)
    output = args.output
    if output is not None and not output.lower().endswith((".yaml", ".yml")):
        _say("import", f"-o {one_line(output)}: a scenario file's name ends in .yaml")
        return EXIT_USAGE
    if output is None:
        if target_path.resolve().is_relative_to(catalog.scenarios_dir().resolve()):
            _say("import", f"'{one_line(args.into)}' is a bundled scenario: give -o OUT.yaml "
                 "(a bundled scenario is not changed in place)")
            return EXIT_USAGE
        output = str(target_path)
    result = import_sheet(args.file, target_path, scenario, output, sheet=args.sheet,
                          per_round=args.minutes_per_round)
    for line in listing(suggest(result.problems)):
        print(line, file=sys.stderr)
    if result.text is None or result.scenario is None:
        _say("import", f"nothing written: {result.why}")
        return EXIT_PROBLEMS
    text, new, where = result.text, result.scenario, result.where
    for note in result.notes:
        _say("import", f"note: {note}")
    try:
        mode = Path(output).stat().st_mode & 0o777  # a file updated keeps its permissions
    except OSError:
        mode = 0o644  # a scenario is for sharing
    try:
        write_output(output, text, mode=mode)
    except FileProblem as exc:
        _say("import", f"cannot write {one_line(output)}: {exc}")
        return EXIT_PROBLEMS
    counts = {kind: sum(1 for i in new.injects if i.trigger == kind)
              for kind in ("at", "when", "ad_hoc")}
    _say("import", f"{len(new.injects)} injects from {where} written into {one_line(output)} "
         f"({counts['at']} scheduled, {counts['when']} conditional, {counts['ad_hoc']} ad hoc); "
         f"the rest of {one_line(str(target_path))} is kept as it was. Check it with: "
         f"exercise validate {one_line(output)}")
    return EXIT_OK


@dataclass
class ImportResult:
    """What importing a sheet gives: every problem, and the scenario text to write (None,
    with why, when nothing may be written)."""

    problems: list[Problem]
    text: str | None = None
    scenario: Scenario | None = None
    why: str = ""
    where: str = ""
    notes: list[str] = field(default_factory=list)


def import_sheet(file: str | Path, target_path: Path, scenario: Scenario, output: str, *,
                 sheet: str | None = None, per_round: float | None = None) -> ImportResult:
    """Read the MSEL at ``file`` into the injects of the scenario at ``target_path``
    (already checked: ``scenario``); the text to write at ``output``, or every problem."""
    from exercise.msel.importer import check_imported, has_header, read_injects
    from exercise.msel.sheets import SheetProblem, read_sheet
    from exercise.msel.yaml_out import with_injects
    from exercise.scenario.loading import check_text
    from exercise.scenario.yaml_source import MAX_BYTES, read_yaml

    name = one_line(str(file))
    try:
        grid, names = read_sheet(file, sheet)
    except SheetProblem as exc:
        return ImportResult([Problem(name, None, None, "", str(exc))],
                            why=f"{name} cannot be read as an MSEL")
    if sheet is None and len(names) > 1 and not has_header(grid):
        for other in names[1:]:  # the first sheet is often a cover page: take the MSEL's
            candidate, _ = read_sheet(file, other)
            if has_header(candidate):
                grid = candidate
                break
    where = f"{name} (sheet '{grid.title}')" if grid.title else name
    imported = read_injects(grid, name, scenario, per_round or scenario.round_minutes or None)
    source = read_input(target_path, MAX_BYTES)
    target_doc = read_yaml(source, str(target_path))
    checked = check_imported(imported, name, target_doc, one_line(str(target_path)))
    problems = sorted([*imported.problems, *checked.problems],
                      key=lambda p: (p.file != name, *Problem.sort_key(p)))
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors or checked.scenario is None:
        return ImportResult(problems, why=f"{len(errors)} problem{'s' * (len(errors) != 1)} "
                            f"in {where} (each shown as FILE:ROW:COLUMN)", where=where)
    new = checked.scenario
    text = with_injects(source.decode("utf-8-sig"), imported.injects)
    written = check_text(text, output)
    if written.scenario is None or written.scenario.injects != new.injects:
        return ImportResult([*problems, *written.errors], where=where,
                            why="the scenario as it would be written does not read back as "
                            "the sheet's injects (please report this)")
    before = {inject.id: inject for inject in scenario.injects}
    changed = [inject.id for inject in new.injects
               if inject.id in before and before[inject.id] != inject]
    notes = []
    if changed:
        notes.append(f"changed by the sheet: {', '.join(changed)}; the values that changed "
                     "are written afresh (a comment beside one of them is not kept), the rest "
                     "of the file as it was")
    return ImportResult(problems, text, new, where=where, notes=notes)
