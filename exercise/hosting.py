"""`exercise host SCENARIO`: one exercise for a class, each delegation on its own screen.

One process, one asyncio loop: the :class:`~exercise.room.Room` (the exercise, its
session log, the computer seats and the timer), the facilitator's dashboard in this
terminal, and the :class:`~exercise.host.server.Host` serving every other screen, over
SSH and in a browser, each an in-process app bound to one viewer. Every viewer has its
own join code (kept 0600 beside the log, so ``--resume`` hands out the same ones).

The room starts paused: students join and read their briefings, and the exercise
begins when the facilitator presses space. A seat named with ``--seat`` is a person's
from the start (the exercise waits for them); every other seat is the computer's until
a student joins it with its code.

The arguments are checked before anything heavy is imported, and every refusal is one
line and a non-zero status: 2 for a wrong argument, 1 for a file or a port that cannot
be used.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exercise import catalog
from exercise.scenario.problems import did_you_mean
from exercise.text import one_line

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App

    from exercise.conduct import Conductor
    from exercise.host.codes import JoinCodes
    from exercise.host.server import Host
    from exercise.room import Room
    from exercise.tui.dashboard import HostControls

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
STOPPED = ("The facilitator has stopped hosting. Your work is kept: when the host comes "
           "back, join again with the same code.")
COMMAND = "exercise host"


class HostingProblem(Exception):
    """Hosting cannot start; the message says what and why, and the exit status."""

    def __init__(self, message: str, status: int = EXIT_PROBLEMS, *, as_is: bool = False):
        """``as_is``: the message's lines are printed without the command's name (a
        scenario's problems, each already ``FILE:LINE:COLUMN: ...``)."""
        super().__init__(message)
        self.status = status
        self.as_is = as_is


def say(text: str) -> None:
    """A line for the person at the host's terminal (stderr: stdout stays clean)."""
    print(text, file=sys.stderr, flush=True)


def lan_addresses(bind: str) -> list[str]:
    """Where students reach a host bound to ``bind``: the address itself, or (bound to
    every interface) this computer's addresses on the room's network, best first."""
    if bind not in ("0.0.0.0", "::", ""):
        return [bind]
    found: list[str] = []
    # Connecting a UDP socket sends nothing; it only picks the outgoing interface.
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if address not in found and not address.startswith("127."):
                found.append(address)
    return found or ["127.0.0.1"]


def _url_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def join_lines(bind: str, web_port: int | None, ssh_port: int | None) -> list[str]:
    """How students join: the web address and the ssh command, for each address."""
    lines = []
    for address in lan_addresses(bind):
        if web_port is not None:
            lines.append(f"browser: http://{_url_host(address)}:{web_port}/")
        if ssh_port is not None:
            lines.append(f"terminal: ssh -p {ssh_port} student@{address}")
    if bind.startswith("127.") or bind == "localhost":
        lines.append("(this computer only: --bind 0.0.0.0 opens it to the room's network)")
    return lines


class Desk:
    """What the facilitator's dashboard may do with the host: codes, and stopping."""

    def __init__(self, host: Host, lines: list[str], stop: asyncio.Event):
        self.host = host
        self.lines = lines
        self._stop = stop

    def code_for(self, viewer: str) -> str:
        """The join code of ``viewer``."""
        return self.host.codes.code_for(viewer)

    def regenerate(self, viewer: str) -> str:
        """A new code for ``viewer`` (saved; whoever held the old one is dropped)."""
        return self.host.regenerate_code(viewer)

    def join_lines(self) -> list[str]:
        """How students join."""
        return list(self.lines)

    def stop(self) -> None:
        """Stop hosting."""
        self._stop.set()


# --- getting ready ------------------------------------------------------------------------


def _check_arguments(args: Any) -> None:
    if args.resume and args.log:
        raise HostingProblem("--log and --resume cannot go together: a resumed session goes "
                             "on writing its own log", EXIT_USAGE)
    if args.resume and args.seat:
        raise HostingProblem("--seat goes with a new session; a resumed one keeps the seats "
                             "its log records (the facilitator can change them)", EXIT_USAGE)
    if args.pace < 0 or args.grace < 0:
        raise HostingProblem("--pace and --grace are seconds, 0 or more", EXIT_USAGE)
    for name in ("ssh_port", "web_port"):
        port = getattr(args, name)
        if port is not None and not 0 <= port <= 65535:
            raise HostingProblem(f"--{name.replace('_', '-')}: {port} is not a port "
                                 "(0 to 65535; 0 picks a free one)", EXIT_USAGE)
    if args.ssh_port is None and args.web_port is None:
        raise HostingProblem("with neither SSH nor the web there is no way to join",
                             EXIT_USAGE)
    if not args.no_console and not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise HostingProblem("the facilitator's console needs an interactive terminal; "
                             "--no-console hosts without one (the facilitator then joins "
                             "with the facilitator's code, printed here)", EXIT_USAGE)


def _new_session(args: Any) -> tuple[Conductor, Path]:
    """A new exercise on SCENARIO with its log begun; (conductor, scenario path)."""
    from exercise.bots.personas import persona_for
    from exercise.conduct import Conductor, SeatPlan
    from exercise.scenario.loading import check_file
    from exercise.sessions.log import LogWriteError
    from exercise.sessions.restore import begin_log

    if not args.scenario:
        raise HostingProblem("give a SCENARIO to host, or --resume LOG", EXIT_USAGE)
    try:
        path = catalog.resolve(args.scenario)
    except catalog.UnknownScenario as exc:
        raise HostingProblem(str(exc), EXIT_USAGE) from None
    checked = check_file(path)
    if checked.scenario is None:
        raise HostingProblem("\n".join(str(p) for p in checked.errors), as_is=True)
    scenario = checked.scenario
    ids = [p.id for p in scenario.parties]
    for seat in args.seat or []:
        if seat not in ids:
            raise HostingProblem(f"--seat: unknown party '{seat}'{did_you_mean(seat, ids)}; "
                                 f"parties: {', '.join(ids)}", EXIT_USAGE)
    log_path = Path(args.log) if args.log else None
    if log_path is not None and (log_path.exists() or log_path.is_symlink()):
        raise HostingProblem(f"{log_path} already exists; choose a new --log path (to go on "
                             f"with that session: {COMMAND} --resume {log_path})", EXIT_USAGE)
    people = set(args.seat or [])
    plans = {p.id: SeatPlan(p.id, p.id in people, persona_for(p)) for p in scenario.parties}
    seed = args.seed if args.seed is not None else time.time_ns() % 100_000
    conductor = Conductor(scenario, plans, seed)
    try:
        begin_log(conductor, path, path=log_path, mode="host")
    except (LogWriteError, OSError) as exc:
        raise HostingProblem(f"the session log cannot be written: {exc}") from None
    return conductor, path


def _resumed_session(args: Any) -> tuple[Conductor, Path, list[dict[str, Any]]]:
    """The session of ``--resume LOG``, logging on; (conductor, scenario path, timers)."""
    from exercise.sessions.restore import RestoreError, resume

    try:
        restored = resume(args.resume, force=args.force, scenario=args.scenario_file)
    except RestoreError as exc:
        raise HostingProblem(str(exc)) from None
    for warning in restored.warnings:
        say(f"{COMMAND}: note: {one_line(warning)}")
    return restored.conductor, restored.scenario_path, restored.record.timers


def codes_path(log: Path) -> Path:
    """Where a hosted session's join codes are kept: beside its log."""
    return log.with_name(log.name.removesuffix(".jsonl") + ".codes.json")


def _codes(log: Path, conductor: Conductor, extra: str | None) -> JoinCodes:
    """The session's codes, kept beside its log (the same ones on a resume), and written
    to ``extra`` too when asked (``--codes FILE``)."""
    from exercise.conduct import FACILITATOR, PUBLIC
    from exercise.host.codes import CodeFileProblem, JoinCodes
    from exercise.sessions.reader import is_session_log

    viewers = [FACILITATOR, PUBLIC, *(p.id for p in conductor.scenario.parties)]
    try:
        codes = JoinCodes.kept_in(codes_path(log), viewers)
        if extra:
            if is_session_log(extra):
                raise HostingProblem(f"--codes: {extra} is a session log; the codes never "
                                     "overwrite one", EXIT_USAGE)
            codes.save(Path(extra))
    except (CodeFileProblem, ValueError) as exc:
        raise HostingProblem(str(exc)) from None
    return codes


# --- hosting ----------------------------------------------------------------------------------


def host_command(args: Any) -> int:
    """``exercise host``: returns the exit status."""
    conductor = None
    log_path: Path | None = None
    try:
        _check_arguments(args)
        timers: list[dict[str, Any]] = []
        if args.resume:
            conductor, scenario_path, timers = _resumed_session(args)
        else:
            conductor, scenario_path = _new_session(args)
        assert conductor.log is not None
        log_path = conductor.log.path
        codes = _codes(log_path, conductor, args.codes)
        return asyncio.run(_serve(args, conductor, scenario_path, timers, codes))
    except HostingProblem as exc:
        for line in str(exc).splitlines():
            say(one_line(line) if exc.as_is else f"{COMMAND}: {one_line(line)}")
        return exc.status
    except KeyboardInterrupt:
        say(f"{COMMAND}: interrupted")
        return 130
    finally:
        if conductor is not None and conductor.log is not None:
            conductor.log.close()
        if log_path is not None:
            say(f"Session log: {one_line(str(log_path))}  (to go on: {COMMAND} --resume "
                f"{one_line(str(log_path))})")


def make_room(args: Any, conductor: Conductor, scenario_path: Path,
              timers: list[dict[str, Any]]) -> Room:
    """The hosted room: paused until the facilitator starts it."""
    from exercise.conduct import FACILITATOR
    from exercise.guide import find_guide
    from exercise.room import Room

    room = Room(conductor, guide=find_guide(scenario_path), bot_delay=args.pace,
                grace=args.grace, hosted=True)
    if timers:
        room.restore_timer(timers)
    room.pause(FACILITATOR, True)
    return room


def app_factory(room: Room, desk: Callable[[], HostControls | None], lines: list[str],
                log_path: Path | None, theme: str = "textual-dark"
                ) -> Callable[[str, object], App[None]]:
    """What the host calls for each connection: the app of its viewer on ``room`` (the
    facilitator's with the host's controls and the log; the projector's with the address
    students join at, the first of ``lines`` once the host has started)."""
    from exercise.conduct import FACILITATOR, PUBLIC
    from exercise.station import Station
    from exercise.tui.room_app import RoomApp

    def make(viewer: str, session: object) -> App[None]:
        station = Station.for_viewer(room, viewer)
        if viewer == FACILITATOR:
            return RoomApp(station, controls=desk(), log_file=log_path, theme=theme)
        join = lines[0].split(": ", 1)[-1] if lines and viewer == PUBLIC else ""
        return RoomApp(station, join=join, theme=theme)

    return make


def room_presence(room: Room) -> dict[str, Any]:
    """The host's callbacks (``joined``, ``left``, ``touched``) that tell the room who is
    at which screen: a student joining a seat the computer holds takes it; a dropped seat
    waits its grace period; each key counts as the seat's last input."""
    seats = room.conductor.seats
    return {"joined": lambda session: room.connected(session.viewer),
            "left": lambda session, why: room.disconnected(session.viewer),
            "touched": lambda session: room.input_seen(session.viewer)
            if session.viewer in seats else None}


async def _serve(args: Any, conductor: Conductor, scenario_path: Path,
                 timers: list[dict[str, Any]], codes: JoinCodes) -> int:
    """Host until the facilitator stops (or a signal does); the exit status."""
    from exercise.conduct import FACILITATOR, PUBLIC
    from exercise.host.driver import share_process_streams
    from exercise.host.server import Host, HostProblem, tune_collector
    from exercise.host.ssh import HostKeyProblem
    from exercise.sessions.log import data_dir
    from exercise.station import Station
    from exercise.tui.room_app import RoomApp

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    room = make_room(args, conductor, scenario_path, timers)
    assert conductor.log is not None
    log_path = conductor.log.path
    lines: list[str] = []
    theme = "textual-light" if args.theme == "light" else "textual-dark"
    desk: Desk | None = None

    def the_desk() -> Desk | None:
        return desk

    host = Host(app_factory(room, the_desk, lines, log_path, theme), codes, bind=args.bind,
                ssh_port=args.ssh_port, web_port=args.web_port,
                key_folder=data_dir() / "host", codes_file=codes_path(log_path),
                title=conductor.scenario.title, **room_presence(room))
    try:
        await host.start()
    except (HostProblem, HostKeyProblem) as exc:
        raise HostingProblem(f"{exc}; choose other ports with --ssh-port/--web-port, or "
                             "another address with --bind") from None
    lines[:] = join_lines(args.bind, host.web_port, host.ssh_port)
    desk = Desk(host, lines, stop)
    room.subscribe(lambda change: stop.set() if change.kind == "stopped" and
                   args.no_console else None)
    room.start(loop)
    tune_collector()
    say(f"Hosting {one_line(conductor.scenario.title)}: paused until the facilitator starts "
        "it.")
    for line in lines:
        say(f"  {line}")
    say(f"  join codes: {codes_path(log_path)} (0600)" +
        (f" and {args.codes}" if args.codes else ""))
    if host.ssh_fingerprint:
        say(f"  SSH host key: {host.ssh_fingerprint}")
    status = EXIT_OK
    try:
        if args.no_console:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, stop.set)
            say(f"  facilitator's code: {codes.code_for(FACILITATOR)} (join with it to run the "
                f"room); projector's code: {codes.code_for(PUBLIC)}")
            say("Ctrl+C stops hosting.")
            await stop.wait()
        else:
            share_process_streams()
            console = RoomApp(Station.for_viewer(room, FACILITATOR), controls=desk,
                              log_file=log_path, theme=theme)
            running = asyncio.ensure_future(console.run_async())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not running.done():
                console.exit()
            await running
            stopping.cancel()
            status = console.return_code or EXIT_OK
    finally:
        await host.stop(STOPPED if room.stopped is None else
                        f"The session has stopped: {room.stopped}")
        room.close()
    if room.failure is not None:
        say(f"{COMMAND}: {one_line(str(room.failure))}")
        return EXIT_PROBLEMS
    return status
