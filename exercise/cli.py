"""The ``exercise`` command: subcommands, each importing only what it needs.

``exercise --help`` must answer in well under 0.15 s, so this module imports
argparse and nothing heavy: pydantic, YAML and the engine load inside the
subcommand that uses them, and Textual only inside ``play``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from exercise import __version__

EXIT_OK = 0
EXIT_PROBLEMS = 1  # a file is invalid
EXIT_USAGE = 2  # a wrong flag, an unknown scenario, an illegal move

DESCRIPTION = """\
A tabletop negotiation exercise in the terminal: delegations meet over timed
rounds and accept or reject the elements of a security-guarantee plan, while
injects drawn from real news reports land mid-exercise.
"""

EPILOG = """\
examples:
  exercise                                    the terminal UI: pick a scenario and play
  exercise play tutorial --seat ukraine       play Ukraine against the computer
  exercise list                               the bundled scenarios
  exercise validate my-scenario.yaml          every problem, with file:line:column
  exercise run tutorial --bots all --seed 3   a whole exercise, computer players only
  exercise run berlin-2025 --moves moves.yaml --bots russia,us --json
  exercise simulate buffer-zone-2025 -n 10000  how thousands of computer-only games end
  exercise schema > scenario.schema.json      the JSON Schema for editors
  exercise host buffer-zone-2025 --bind 0.0.0.0  a class, each delegation on its own laptop
  exercise resume LOG                         continue a session from its log
  exercise report LOG --format html -o r.html the after-action report
  exercise handout tutorial --seat russia --format html -o russia.html
                                              a player handout with Russia's private brief
  exercise msel export berlin-2025 -o msel.xlsx  the inject schedule as a spreadsheet
  exercise msel import msel.xlsx --into mine.yaml  a spreadsheet's injects into a scenario

SCENARIO is a path to a .yaml file or the name of a bundled scenario.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error names the subcommand's help."""

    def error(self, message: str) -> Any:  # pragma: no cover - exercised through main()
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n"
                              f"Run '{self.prog} --help' for the options.\n")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 0, got {value}")
    return value


def _port(text: str) -> int | None:
    if text.strip().lower() == "off":
        return None
    value = _whole_number(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535 or 'off', got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = _Parser(
        prog="exercise",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"exercise {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser(
        "list",
        help="list the bundled scenarios",
        description="List the bundled scenarios: name, parties, rounds and length.",
    )

    v = sub.add_parser(
        "validate",
        help="check scenario files and list every problem",
        description=(
            "Check scenario files against the format and its cross-references. Every "
            "problem is listed at once, as FILE:LINE:COLUMN: severity: key.path: message. "
            "Exit status 0 when every file is valid (warnings allowed), 1 otherwise."
        ),
    )
    v.add_argument("files", nargs="+", metavar="FILE", help="scenario files (or bundled names)")
    v.add_argument("-q", "--quiet", action="store_true", help="print errors only, no warnings")

    s = sub.add_parser(
        "schema",
        help="print the scenario format's JSON Schema",
        description=(
            "Print the JSON Schema (draft-07) of scenario files, generated from the model. "
            "Point your editor at it with a first line "
            "'# yaml-language-server: $schema=PATH'."
        ),
    )
    s.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")

    p = sub.add_parser(
        "play",
        help="play in the terminal UI (the default command)",
        description=(
            "Open the terminal UI. Without SCENARIO: the scenario picker. With SCENARIO: seat "
            "assignment, or with --seat the briefing, with the named delegations played by "
            "people at this screen and the rest by the computer."
        ),
    )
    p.add_argument("scenario", metavar="SCENARIO", nargs="?",
                   help="a scenario file or bundled name (default: choose in the picker)")
    p.add_argument("--seat", action="append", metavar="PARTY", default=None,
                   help="a delegation played by a person here (repeat for a shared screen)")
    p.add_argument("--seed", type=_positive_int, default=None,
                   help="random seed (default: from the clock; the debrief shows it)")
    p.add_argument("--theme", choices=("dark", "light"), default="dark", help="colour theme")
    p.add_argument("--pace", type=float, default=0.8, metavar="SECONDS",
                   help="how long a computer delegation visibly takes to move (default 0.8)")
    _log_options(p)

    r = sub.add_parser(
        "run",
        help="play a scenario headless, from a moves file and computer players",
        description=(
            "Play a scenario without the terminal UI. Moves come from a YAML moves file "
            "(see scenario-format.md, 'Headless moves'); seats named in --bots move by "
            "themselves whenever it is their turn. An illegal move stops the run with exit "
            "status 2, naming the move's index and what was expected."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "a moves file:\n"
            "  - table: {party: ukraine, elements: [dmz, us-monitoring]}\n"
            "  - vote: {party: russia, votes: {dmz: reject, us-monitoring: accept}}\n"
            "  - pass: {party: ukraine}\n"
            "  - inject: sloviansk-strike\n"
            "  - ratify\n"
            '  - end: "Facilitator stopped the exercise"\n'
            "  - seat: {party: russia, player: computer, persona: hardliner}\n"
        ),
    )
    r.add_argument("scenario", metavar="SCENARIO", help="a scenario file or bundled name")
    r.add_argument("--moves", metavar="FILE", help="the moves file (omit when every seat is a bot)")
    r.add_argument(
        "--bots",
        metavar="IDS",
        default="",
        help="comma-separated party ids played by the computer, or 'all'",
    )
    r.add_argument("--seed", type=_positive_int, default=0, help="random seed (default 0)")
    r.add_argument(
        "--personas",
        nargs="+",
        metavar="PARTY=PERSONA",
        default=[],
        help="override computer personas: hardliner, pragmatist or cooperative "
        "(PARTY may be 'all')",
    )
    r.add_argument("--json", action="store_true", help="print the result as JSON")
    r.add_argument("-v", "--verbose", action="store_true",
                   help="print every event and the computer players' reasons")
    _log_options(r)

    sm = sub.add_parser(
        "simulate",
        help="play thousands of computer-only games and show how they end",
        description=(
            "Play many computer-only games of a scenario with the same rules and computer "
            "players as play and run, and show what an author needs to balance it: outcome "
            "rates with 95% confidence intervals, rounds played, each element's adoption, "
            "rejections and who withheld consent, each delegation's signing rate and score "
            "against its walk-away, how often each inject fired, where the tracks ended, "
            "and the deal analysis for comparison, with warnings an author can act on. "
            "Game i is played with seed SEED+i: replay it with 'exercise run SCENARIO "
            "--bots all --seed SEED+i'. The results do not depend on --jobs."
        ),
    )
    sm.add_argument("scenario", metavar="SCENARIO", help="a scenario file or bundled name")
    sm.add_argument("-n", "--games", type=_whole_number, default=1000, metavar="GAMES",
                    help="how many games (default 1000)")
    sm.add_argument("--seed", type=_positive_int, default=0,
                    help="the first game's seed (default 0)")
    sm.add_argument("--personas", nargs="+", metavar="PARTY=PERSONA", default=[],
                    help="override computer personas: hardliner, pragmatist or cooperative "
                    "(PARTY may be 'all')")
    sm.add_argument("--jobs", type=_positive_int, default=1, metavar="K",
                    help="processes to share the games out to (default 1; 0: one per core)")
    sm.add_argument("--json", action="store_true", help="print the findings as JSON")
    sm.add_argument("--no-talks", action="store_true",
                    help="play the games without side talks (no offers, no promises), and set "
                         "them beside the same games with talks, the default: what "
                         "bargaining does to agreement and scores")
    sm.add_argument("-q", "--quiet", action="store_true",
                    help="no progress bar and no timing line on stderr")

    h = sub.add_parser(
        "host",
        help="host a class: each delegation joins from its own laptop or browser",
        description=(
            "Host one exercise for a class on this computer. The facilitator's dashboard\n"
            "runs in this terminal; every delegation joins from its own laptop, in a\n"
            "browser (http://ADDRESS:WEB-PORT/) or with ssh (ssh -p SSH-PORT\n"
            "student@ADDRESS), by typing its seat's join code; the projector joins with\n"
            "the room's code and shows the public table. Seats named with --seat are\n"
            "people's from the start; the computer holds every other seat until a\n"
            "student joins it. The exercise starts paused: press space on the dashboard\n"
            "when the class is ready."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "the codes are kept beside the session log (LOG.codes.json, readable by you "
            "alone);\n'exercise host --resume LOG' goes on after a crash with the same codes."
        ),
    )
    h.add_argument("scenario", metavar="SCENARIO", nargs="?",
                   help="a scenario file or bundled name (not with --resume)")
    h.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                   help="the address to listen on (default 127.0.0.1: this computer only; "
                        "0.0.0.0 opens it to the room's network)")
    h.add_argument("--ssh-port", type=_port, default=2222, metavar="PORT",
                   help="the SSH port (default 2222; 0 picks a free one; 'off': no SSH)")
    h.add_argument("--web-port", type=_port, default=8000, metavar="PORT",
                   help="the web port (default 8000; 0 picks a free one; 'off': no web)")
    h.add_argument("--seat", action="append", metavar="PARTY", default=None,
                   help="a delegation played by a person from the start (repeat); the rest "
                        "are the computer's until a student joins them")
    h.add_argument("--log", metavar="PATH",
                   help="write the session log here (default: a new file in the data folder)")
    h.add_argument("--resume", metavar="LOG",
                   help="go on with a hosted session from its log, with the same join codes")
    h.add_argument("--codes", metavar="FILE",
                   help='also write the join codes to FILE as JSON {"facilitator": ..., '
                        '"room": ..., "<party>": ...} (mode 0600)')
    h.add_argument("--no-console", action="store_true",
                   help="no dashboard in this terminal (a lab server): the facilitator joins "
                        "with the facilitator's code, which is printed")
    h.add_argument("--seed", type=_positive_int, default=None,
                   help="random seed (default: from the clock)")
    h.add_argument("--pace", type=float, default=0.8, metavar="SECONDS",
                   help="how long a computer delegation visibly takes to move (default 0.8)")
    h.add_argument("--grace", type=float, default=60.0, metavar="SECONDS",
                   help="how long a dropped seat waits for its person before the facilitator "
                        "is asked to choose (default 60)")
    h.add_argument("--theme", choices=("dark", "light"), default="dark", help="colour theme")
    h.add_argument("--force", action="store_true",
                   help="with --resume: go on even if the scenario file changed since")
    h.add_argument("--scenario", dest="scenario_file", metavar="PATH",
                   help="with --resume: the scenario file, when it is no longer where the "
                        "log says")

    rs = sub.add_parser(
        "resume",
        help="continue a session from its log",
        description=(
            "Continue an exercise exactly where its session log stops: same phase, same votes "
            "cast, same random state. Opens the terminal UI; with --json, plays on headless "
            "(computer seats move, --moves supplies the people's moves) and prints the result. "
            "A log cut short by a crash is repaired (the move being written is dropped, with a "
            "message); a log another program is writing is refused, naming it; a log whose "
            "scenario changed since is refused unless --force."
        ),
    )
    rs.add_argument("log", metavar="LOG", help="the session log (.jsonl)")
    rs.add_argument("--force", action="store_true",
                    help="resume even if the scenario file changed since the session was logged")
    rs.add_argument("--json", action="store_true",
                    help="play on headless and print the result as JSON (as exercise run does)")
    rs.add_argument("--moves", metavar="FILE",
                    help="with --json: the people's moves, the same file the session started "
                         "with (moves already in the log are skipped)")
    rs.add_argument("--pace", type=float, default=0.8, metavar="SECONDS",
                    help="how long a computer delegation visibly takes to move (default 0.8)")
    _scenario_option(rs)

    rp = sub.add_parser(
        "replay",
        help="step through a finished or unfinished session",
        description=(
            "Step through a session round by round, forwards and back, in the terminal UI. "
            "With --json, print the same JSON as exercise run for where the log stops."
        ),
    )
    rp.add_argument("log", metavar="LOG", help="the session log (.jsonl)")
    rp.add_argument("--json", action="store_true", help="print the final state as JSON")
    rp.add_argument("--force", action="store_true",
                    help="replay even if the scenario file changed since the session")
    _scenario_option(rp)

    rt = sub.add_parser(
        "report",
        help="write the after-action report of a session",
        description=(
            "Write an after-action report from a session log: overview, learning objectives, "
            "a round-by-round timeline, element outcomes, track charts, scores against "
            "walk-aways, the reveal, a deal analysis, the debrief questions and the "
            "facilitator's observations. md and html read well; json is all of it as data; "
            "csv is one table, chosen by --table: the votes (one row per party per vote, for "
            "grading, each tied to the promises it kept or broke), the side talks' messages, "
            "or their offers."
        ),
    )
    rt.add_argument("log", metavar="LOG", help="the session log (.jsonl)")
    rt.add_argument("--format", choices=("md", "html", "csv", "json"), default="md",
                    help="the report's format (default md)")
    rt.add_argument("--table", choices=("votes", "talks", "offers"), default="votes",
                    help="with --format csv, which table: votes (default; one row per party "
                         "per vote, then the promises the ballot kept or broke), talks (one "
                         "row per message: round, phase, from, to, channel, text) or offers "
                         "(one row per offer: terms, until, status, answers, each promise and "
                         "how it came out)")
    rt.add_argument("-o", "--output", metavar="PATH", help="write to PATH (default: stdout)")
    rt.add_argument("--force", action="store_true",
                    help="report even if the scenario file changed since the session")
    rt.add_argument("--reveal", action="store_true",
                    help="for a session that has not ended: include what only the seats and "
                         "the facilitator saw (private briefs, values, private injects, the "
                         "computer seats' reasons); a finished session's report always does")
    _scenario_option(rt)

    ho = sub.add_parser(
        "handout",
        help="write a scenario's player handout or the facilitator's package",
        description=(
            "Write the exercise package of a scenario, for printing.\n\n"
            "By default, the player handout (a situation manual): how the talks run, ground\n"
            "rules, a note on teaching a live war, the background, the learning objectives,\n"
            "every delegation's public brief, the plan elements with their public stances\n"
            "and sources, the tracks, a glossary and the sources. With --seat PARTY, also\n"
            "that delegation's private brief, walk-away and points: print one per delegation\n"
            "and hand each its own.\n\n"
            "With --facilitator, the facilitator's package: the inject schedule with expected\n"
            "actions and the guide's notes for each round, evaluation criteria for each\n"
            "objective with a P/S/M/U rating, hot wash questions, a feedback form, ground\n"
            "rules, the sensitivity note, the grading rubric, every private brief, a glossary\n"
            "and (when the scenario has one) its epilogue.\n\n"
            "html is one self-contained page laid out for printing; md gives the same words.\n"
            "Exit status 1 when the scenario does not validate (its problems are listed), 2\n"
            "for a usage error (an unknown scenario or delegation)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  exercise handout berlin-2025 --format html -o berlin.html\n"
            "  exercise handout berlin-2025 --seat ukraine --format html -o ukraine.html\n"
            "  exercise handout berlin-2025 --facilitator --format html -o facilitator.html\n"
            "open the .html file in a browser and print it (the page is laid out for paper)."
        ),
    )
    ho.add_argument("scenario", metavar="SCENARIO", help="a scenario file or bundled name")
    ho.add_argument("--seat", metavar="PARTY",
                    help="add this delegation's private brief (a handout for that seat only)")
    ho.add_argument("--facilitator", action="store_true",
                    help="the facilitator's package instead of the player handout")
    ho.add_argument("--format", choices=("md", "html"), default="md",
                    help="md or html (default md)")
    ho.add_argument("-o", "--output", metavar="PATH",
                    help="write to PATH (mode 0600; default: stdout)")
    _msel_parsers(sub)
    return parser


def _msel_parsers(sub: Any) -> None:
    ms = sub.add_parser(
        "msel",
        help="export a scenario's injects as an MSEL spreadsheet, or import one",
        description=(
            "A Master Scenario Events List (MSEL): the spreadsheet, a row per inject, that\n"
            "exercise designers keep. 'export' writes a scenario's injects as one (CSV or\n"
            "XLSX), with what fired when given a session log; 'import' reads one (ours, or\n"
            "an HSEEP-, OpenAEV- or Conducttr-style sheet) into a scenario. See docs/msel.md."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    msub = ms.add_subparsers(dest="msel_command", metavar="ACTION", parser_class=_Parser,
                             required=True)
    ex = msub.add_parser(
        "export",
        help="write a scenario's injects as an MSEL (CSV or XLSX)",
        description=(
            "Write a scenario's injects as an MSEL, one row per inject in the order of play: "
            "No., ID, Round, Time (T+HH:MM from the round and round_minutes), Trigger, "
            "Condition, Chance, Repeat, Inject Type, Delivery Method, From, To, Subject, "
            "Message, Expected Action, Objectives, Discussion Questions, Facilitator Notes, "
            "Source, Source Quote, Effects (condition and effects in YAML flow syntax), then "
            "any column the injects keep under msel:. With --log, also what happened: "
            "Fired (round), Actual Time and Status (fired, not fired, ad hoc unused). CSV is "
            "UTF-8 with a BOM (spreadsheet programs then show accents right)."
        ),
    )
    ex.add_argument("scenario", metavar="SCENARIO", help="a scenario file or bundled name")
    ex.add_argument("--log", metavar="LOG", help="a session log of this scenario: add what "
                    "fired, in which round and when")
    ex.add_argument("-o", "--output", metavar="FILE",
                    help="write FILE.csv or FILE.xlsx (the name chooses; default: CSV on stdout)")
    im = msub.add_parser(
        "import",
        help="read an MSEL (CSV or XLSX) into a scenario's injects",
        description=(
            "Read an MSEL spreadsheet into the injects of a scenario. Headers are matched "
            "whatever their case and spacing, under their common names (Seq No, Recipient, "
            "Content, Expected Outcome, Scenario time ...). Times become rounds (Round 2, R2, "
            "Move 2, T+HH:MM, D+1 H+3 M+45; a warning where a time falls inside a round); a "
            "blank time or 'ad hoc'/'contingency' makes an ad-hoc card; recipients become "
            "party ids. Columns with no key in the format are kept in each inject's msel: "
            "mapping, so that export writes them back. The scenario's other injects are "
            "replaced; the rest of the file is kept as written (comments, order). Every "
            "problem is listed at once as FILE:ROW:COLUMN: message, and then nothing is "
            "written (exit status 1)."
        ),
    )
    im.add_argument("file", metavar="FILE", help="the sheet: a .csv or .xlsx file")
    im.add_argument("--into", required=True, metavar="SCENARIO",
                    help="the scenario the injects go into (its other keys are kept)")
    im.add_argument("-o", "--output", metavar="OUT.yaml",
                    help="write the scenario here (default: over the --into file; a bundled "
                         "scenario needs -o)")
    im.add_argument("--sheet", metavar="NAME", help="the XLSX sheet to read (default: the first)")
    im.add_argument("--minutes-per-round", type=float, metavar="N", default=None,
                    help="minutes in a round, to map times to rounds (default: the scenario's "
                         "round_minutes)")


def _scenario_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", metavar="PATH",
                        help="the scenario file, when it is no longer where the log says "
                             "(it is still checked against the log's hash)")


def _log_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--log", metavar="PATH",
                       help="write the session log here (default: a new file in the user's "
                            "data folder; the path is shown)")
    group.add_argument("--no-log", action="store_true", help="keep no session log")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Everything printed goes through :class:`exercise.text.EscapingStream`: no file a
    command reads can make it write a terminal escape sequence.
    """
    from exercise.text import EscapingStream

    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(sys.stdout), EscapingStream(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command
    if command == "report" and args.table != "votes" and args.format != "csv":
        parser.error(f"--table {args.table} chooses a table of the csv report: add --format "
                     f"csv (the md, html and json reports hold the side talks already)")
    try:
        if command is None:
            from exercise.play import play_command

            return play_command(parser.parse_args(["play"]))
        if command == "play":
            from exercise.play import play_command

            return play_command(args)
        if command == "list":
            from exercise.commands import list_scenarios

            return list_scenarios()
        if command == "validate":
            from exercise.commands import validate

            return validate(args.files, quiet=args.quiet)
        if command == "handout":
            from exercise.commands import handout

            return handout(args)
        if command == "schema":
            from exercise.commands import schema

            return schema(args.output)
        if command == "run":
            from exercise.headless import run_command

            return run_command(args)
        if command == "simulate":
            from exercise.simulate.command import simulate_command

            return simulate_command(args)
        if command == "host":
            from exercise.hosting import host_command

            return host_command(args)
        if command == "msel":
            from exercise.msel import command as msel

            if args.msel_command == "export":
                return msel.export_command(args)
            return msel.import_command(args)
        if command in ("resume", "replay", "report"):
            from exercise import session_commands

            return int(getattr(session_commands, f"{command}_command")(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    parser.error(f"unknown command {command!r}")  # pragma: no cover
    return EXIT_USAGE  # pragma: no cover


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
