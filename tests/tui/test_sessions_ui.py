"""Sessions in the terminal UI: recorded as played, resumed exactly, replayed, reported."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from textual.keys import Keys
from textual.widgets import Static

from exercise.engine import Phase
from exercise.play import run_app
from exercise.sessions.reader import read_log
from exercise.sessions.restore import rebuild, resume
from exercise.tui.app import ExerciseApp
from exercise.tui.dialogs import InfoDialog
from exercise.tui.help import HelpScreen
from exercise.tui.picker import PickerScreen
from exercise.tui.replay import ReplayScreen
from exercise.tui.screens import DebriefScreen
from exercise.tui.sessions import ResumeList
from exercise.tui.table import TableScreen
from exercise.tui.widgets import ElementsTable

from .helpers import make_app, play_out, screen_text, settle, table


async def test_a_terminal_session_is_logged_with_the_facilitators_notes(tmp_path):
    """Every move goes to the log as it is made; a facilitator's note is timestamped there."""
    log = tmp_path / "ui.jsonl"
    app = make_app("tutorial", ["ukraine"], seed=2, keep_log=True, log_path=log)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any(n.startswith("Recording: Session log:") for n in app.notices)
        await pilot.press("enter")
        await settle(pilot, 5)
        await pilot.press("f", "n")
        await settle(pilot)
        await pilot.press(*"Russia stalls on the freeze", "enter")
        await settle(pilot, 4)
        game = app.conductor.game
        record = read_log(log)
        assert record.notes[-1]["text"] == "Russia stalls on the freeze"
        assert record.notes[-1]["round"] == game.round
        assert record.notes[-1]["phase"] == str(game.phase)
        # One move record per move the engine accepted: tablings, passes, calls, votes,
        # and the computer delegations' offers and answers.
        moves = [e for e in game.events if e.kind in ("tabled", "passed", "voting_opened",
                                                      "vote_cast", "offer_made",
                                                      "offer_answered")]
        assert len(record.moves) == len(moves)
        assert [e for e in record.events if e["n"] > 0] == [
            {"type": "event", "n": e["n"], **e} for e in record.events if e["n"] > 0]


async def test_resume_in_the_terminal_continues_exactly_where_the_log_stops(tmp_path):
    """A session cut off mid-vote resumes at the same round and phase, with the same votes cast."""
    log = tmp_path / "cut.jsonl"
    app = make_app("tutorial", ["ukraine"], seed=3, keep_log=True, log_path=log)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        game = app.conductor.game
        while game.phase is not Phase.VOTING:
            await pilot.press("o" if game.phase is Phase.DISCUSSION else "p")
            await settle(pilot, 4)
            if game.phase is Phase.PROPOSAL and not isinstance(app.screen, TableScreen):
                await pilot.press("x")
                await settle(pilot, 4)
        before = (game.round, game.phase, game.voted(), dict(game.session.attempts))
    # The app is gone, as after a closed laptop lid; the log is all that is left.
    restored = resume(log)
    again = ExerciseApp(restored=restored, bot_delay=0.0, live_clock=False, clock=lambda: 0.0)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table(again)
        game = again.conductor.game
        after = (game.round, game.phase, game.voted(), dict(game.session.attempts))
        assert after[:2] == before[:2]
        assert set(before[2]) <= set(after[2])  # computer seats may have voted since
        assert any(n.startswith("Resumed: Resumed cut.jsonl") for n in again.notices)
    assert read_log(log).records[-1]["type"] in ("resumed", "move", "event")


def typed(key: str) -> str:
    """What a terminal sends for a key Textual names (``right_square_bracket`` is ``]``)."""
    if len(key) == 1:
        return key
    try:
        return unicodedata.lookup(key.upper().replace("_", " "))
    except KeyError:
        return key  # a named key: left, home, …


async def test_every_key_in_the_replay_footer_does_what_it_says(tmp_path):
    """`exercise replay`: each key its footer shows, typed as a terminal sends it, does what
    the footer says: moves one move, lands on the first move of the next or previous round,
    goes to the start or the end, opens the element, opens help, quits. The line above the
    table tells each move in words, with names and who made it."""
    log = tmp_path / "done.jsonl"
    app = make_app("tutorial", ["ukraine"], seed=4, keep_log=True, log_path=log)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await play_out(pilot)
        assert isinstance(app.screen, DebriefScreen)
    restored = rebuild(log)
    moves = restored.record.moves
    total, rounds = len(moves), [m.round for m in moves]
    assert {m.by for m in moves} >= {"human", "computer", "facilitator"} and rounds[-1] > 2
    viewer = ExerciseApp(replay=restored)
    async with viewer.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = viewer.screen
        assert isinstance(screen, ReplayScreen)
        assert screen.position == total and screen.conductor.game.is_over
        footer = {key.action: key.key for key in screen.query("FooterKey")}
        assert set(footer) == {"step(-1)", "step(1)", "round(-1)", "round(1)", "jump(0)",
                               "jump(-1)", "details", "help", "app.quit"}
        for key in footer.values():  # each one a key a terminal sends: a name, or a character
            assert key in {k.value for k in Keys} or len(typed(key)) == 1, key

        async def press(action: str) -> str:
            await pilot.press(typed(footer[action]))
            await settle(pilot)
            return str(screen.query_one("#replay-position", Static).content)

        assert (await press("jump(0)")).startswith("The start")
        assert screen.position == 0 and screen.conductor.game.round == 1
        line = await press("step(1)")
        assert screen.position == 1
        first = moves[0]
        assert line.startswith(f"Move 1 of {total} · round 1 · ")
        assert screen.conductor.narrator.move(first.move, first.by) in line
        assert "{" not in line and "(the computer)" in line and "United States" in line
        await press("step(1)")
        assert screen.position == 2
        await press("step(-1)")
        assert screen.position == 1
        for number in range(2, rounds[-1] + 1):  # each round's first move, in turn
            line = await press("round(1)")
            assert screen.position == rounds.index(number) + 1, number
            assert f" · round {number} · " in line
        await press("round(-1)")
        assert screen.position == rounds.index(rounds[-1] - 1) + 1
        await press("jump(-1)")
        assert screen.position == total
        assert f"Move {total} of {total}" in screen_text(viewer)
        await press("round(-1)")
        assert screen.position == rounds.index(rounds[-1] - 1) + 1
        await press("jump(0)")
        await press("round(-1)")  # from the start, nowhere earlier
        assert screen.position == 0
        await press("round(1)")
        assert screen.position == 1
        await press("details")
        assert isinstance(viewer.screen, InfoDialog)
        shown = screen.query_one(ElementsTable).selected_element
        assert screen.scenario.element(str(shown)).title in screen_text(viewer)
        await pilot.press("escape")
        await press("help")
        assert isinstance(viewer.screen, HelpScreen)
        assert "Round back" in screen_text(viewer)
        await pilot.press("escape")
        assert viewer.screen is screen
        await pilot.press(typed(footer["app.quit"]))
        await settle(pilot)
        assert not viewer.is_running


async def test_the_debrief_writes_the_report_beside_the_log(tmp_path):
    """`w` on the debrief writes the Markdown and HTML report next to the session log."""
    log = tmp_path / "reported.jsonl"
    app = make_app("tutorial", ["ukraine"], seed=2, keep_log=True, log_path=log)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        await pilot.press("f", "r", "y")
        await settle(pilot, 5)
        assert isinstance(app.screen, DebriefScreen)
        assert f"Session log: {log}" in screen_text(app)
        await pilot.press("w")
        await settle(pilot)
    assert Path(str(log.with_suffix(".report.md"))).read_text().startswith("# After-action")
    assert log.with_suffix(".report.html").read_text().startswith("<!DOCTYPE html>")


async def test_the_picker_offers_unfinished_sessions(private_home):
    """An unfinished session in the data folder shows as 'Resume…' in the picker."""
    app = make_app("tutorial", ["ukraine"], seed=2, keep_log=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 4)
    picker = ExerciseApp(bot_delay=0.0, live_clock=False, clock=lambda: 0.0, keep_log=False)
    async with picker.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(picker.screen, PickerScreen)
        assert "Resume an unfinished session (1)" in screen_text(picker)
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(picker.screen, ResumeList)
        await pilot.press("enter")
        await settle(pilot, 5)
        assert isinstance(picker.screen, TableScreen)


async def test_a_bad_log_in_the_sessions_folder_is_listed_not_fatal(private_home):
    """Promise 7 (any log): a damaged or crafted file among the sessions does not stop the
    picker; the resume list shows it as unreadable, with why, and it cannot be chosen."""
    folder = private_home / "sessions"
    folder.mkdir(parents=True)
    (folder / "20260101-000000-crafted.jsonl").write_text(
        '{"type":"header","format":"exercise-session","version":1,"scenario":{"id":"x"},'
        '"seed":"[/]","seats":{}}\n', encoding="utf-8")
    (folder / "20260101-000001-deep.jsonl").write_text("[" * 100_000, encoding="utf-8")
    picker = ExerciseApp(bot_delay=0.0, live_clock=False, clock=lambda: 0.0, keep_log=False)
    async with picker.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(picker.screen, PickerScreen)
        shown = screen_text(picker)
        assert "Resume an unfinished session (0)" in shown and "2 unreadable files" in shown
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(picker.screen, ResumeList)
        text = screen_text(picker)
        assert "20260101-000000-crafted.jsonl" in text and "unreadable" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(picker.screen, ResumeList)


def test_a_crashed_terminal_ui_gives_a_non_zero_exit_status():
    """Promise 9 (every command exits non-zero when its UI crashed): resume and replay return
    the app's own exit status, so a crash inside the UI is never reported as success."""
    class Broken(ExerciseApp):
        def on_mount(self) -> None:
            raise RuntimeError("a bug in a screen")

        def run(self, **options: object) -> None:  # headless: CI has no terminal
            super().run(headless=True)

    assert run_app(Broken(replay=None), "exercise replay") == 1
