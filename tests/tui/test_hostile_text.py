"""Hostile text in the terminal UI: markup, links, HTML and control characters from a
scenario, a facilitator guide or a session log are shown as written and never act.

The hostile scenario is the tutorial with markup in every text field (party names,
element titles and summaries, briefs, inject titles and texts, track labels, sources,
facilitator notes, questions) and a facilitator guide beside it. The tours play it
through the UI from seat assignment to the debrief, opening every dialog on the way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import TabPane, Tabs

from exercise.engine import Phase
from exercise.scenario.loading import load_scenario
from exercise.scenario.model import Scenario
from exercise.sessions.restore import rebuild, resume
from exercise.text import escape_controls
from exercise.tui.app import ExerciseApp
from exercise.tui.dialogs import (
    HandOver,
    InfoDialog,
    ProposalDialog,
    SeatPick,
    SignDialog,
    VoteDialog,
)
from exercise.tui.facilitator import FacilitatorConsole
from exercise.tui.literal import md_escape
from exercise.tui.literal_markdown import literal_parser
from exercise.tui.replay import ReplayScreen
from exercise.tui.screens import BriefingScreen, DebriefScreen, SeatScreen
from exercise.tui.table import TableScreen

from .helpers import bundled_path, screen_text, settle

QUIT = "[@click=app.quit]Q[/]"
MARKUP = f"[/] [/bold] {QUIT} [b]B[/b] [link=https://example.org]L[/link]"
LINKS = "[x](javascript:alert(1)) [site](https://example.org) <script>alert(1)</script>"
ESCAPES = "\x1b]2;pwned\x07\x9b31m"
SHOWN_ESCAPES = "\\u001b]2;pwned\\u0007\\u009b31m"

GUIDE = f"""# Facilitator guide

## Round 1

Guide note {MARKUP} {LINKS}

## Inject: kyiv-protests

Card note [/bold] <b>bold?</b>
"""


def hostile_data() -> dict[str, Any]:
    """The tutorial, with markup, links and HTML in every text field (the Markdown fields
    made short, so that a screen shows them whole)."""
    data: dict[str, Any] = yaml.safe_load(bundled_path("tutorial").read_text(encoding="utf-8"))
    md = f"**Markdown** {MARKUP} {LINKS}\n"
    data["title"] = f"Tutorial {QUIT} [/]"
    data["rounds"] = 2  # enough for every screen, and quicker
    data["summary"] += f" {MARKUP}"
    data["background"] = md
    for objective in data["learning_objectives"]:
        objective["text"] += " [b]B[/b]"
    for source in data["sources"]:
        source["outlet"] += " [/]"
    data["tracks"][0]["label"] = "Escalation [/bold]"
    names = {"ukraine": ("Ukraine [/]", "[/]"), "russia": (f"Russia {QUIT}", "[b]"),
             "us": ("US [b]B[/b] [/bold]", "<s>")}
    for party in data["parties"]:
        party["name"], party["short"] = names[party["id"]]
        party["public_brief"] = md
        party["private_brief"] = md
    titles = {"freeze": "Freeze [/bold] the line", "nato-pause": f"NATO pause {QUIT}"}
    for element in data["elements"]:
        element["title"] = titles.get(element["id"], element["title"] + " [b]B[/b]")
        element["summary"] = md
        element["category"] = "[/]"
        element["source"]["quote"] += " [/bold]"
    for inject in data["injects"]:
        inject["title"] += " [/]"
        inject["text"] = md
        inject["facilitator_note"] = md
        inject["expected_actions"] = [a + " [/bold]" for a in inject["expected_actions"]]
        inject["questions"] = [q + f" {QUIT}" for q in inject["questions"]]
    data["injects"][0]["at"] = {"round": 2}
    data["debrief"]["questions"] = [q + " [/]" for q in data["debrief"]["questions"]]
    return data


def write_hostile(folder: Path) -> Path:
    """The hostile scenario as a file (it passes validation), with its guide beside it."""
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(hostile_data(), allow_unicode=True), encoding="utf-8")
    path.with_suffix(".md").write_text(GUIDE, encoding="utf-8")
    return path


TEXT_FIELDS = {"title", "summary", "background", "name", "short", "public_brief",
               "private_brief", "label", "text", "facilitator_note", "quote", "outlet",
               "category", "expected_actions", "questions"}


def with_controls(model: Any) -> Any:
    """``model`` with a terminal escape added to every text field (validation would refuse
    it, so the copy is made without it: the UI must hold even so)."""
    if isinstance(model, tuple):
        return tuple(with_controls(item) for item in model)
    if not isinstance(model, BaseModel):
        return model
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in TEXT_FIELDS and isinstance(value, str):
            update[name] = value + ESCAPES
        elif name in TEXT_FIELDS and isinstance(value, tuple):
            update[name] = tuple(v + ESCAPES for v in value)
        elif isinstance(value, BaseModel | tuple):
            update[name] = with_controls(value)
    return model.model_copy(update=update)


def hostile_app(path: Path, seats: list[str] | None, *, scenario: Scenario | None = None,
                **kwargs: Any) -> ExerciseApp:
    """An app on the hostile scenario: frozen clock, no computer pauses, no log by default."""
    options: dict[str, Any] = {"bot_delay": 0.0, "live_clock": False, "clock": lambda: 0.0,
                               "theme": "textual-dark", "keep_log": False, "seed": 2}
    options.update(kwargs)
    return ExerciseApp(path, scenario=scenario or load_scenario(path), seats=seats, **options)


def look(app: ExerciseApp) -> str:
    """The screen's text, after checking that nothing on it would reach the terminal as
    a control character."""
    svg = app.export_screenshot()
    for control in ("\x1b", "\x9b", "\x07"):
        assert control not in svg, f"a raw {control!r} reached the screen"
    return screen_text(app)


async def click_on(pilot: Pilot[Any], widget: Widget, words: str) -> int:
    """Click every cell where ``words`` are drawn in ``widget`` (where markup would have
    put an ``@click`` action or a link); returns how many cells were clicked."""
    size = widget.outer_size
    clicks = 0
    for y, strip in enumerate(widget.render_lines(Region(0, 0, size.width, size.height))):
        x = strip.text.find(words)
        for dx in range(len(words) if x >= 0 else 0):
            await pilot.click(widget, offset=(x + dx, y))
            clicks += 1
    return clicks


async def tour(pilot: Pilot[Any]) -> dict[str, list[str]]:
    """Play the exercise to the debrief with keys, opening every dialog once; return the
    text seen on each kind of screen."""
    app = pilot.app
    assert isinstance(app, ExerciseApp)
    seen: dict[str, list[str]] = {}
    opened: set[str] = set()
    # At the table, one at a time: an element's detail, the briefing card, help, a seat's
    # private view (at a shared screen), and the facilitator's console, firing a card.
    errands: list[tuple[str, ...]] = [("d",), ("b",), ("question_mark",), ("m",), ("f",)]

    last: list[object] = []

    def record(again: bool = False) -> None:
        conductor = app.conductor
        state = (app.screen, len(conductor.game.events) if conductor else 0)
        if again or last != [state]:  # not seen in this state yet
            last[:] = [state]
            seen.setdefault(type(app.screen).__name__, []).append(look(app))

    async def visit(*keys: str) -> None:
        await pilot.press(*keys)
        await settle(pilot)
        record(again=True)

    for _ in range(300):
        await settle(pilot)
        screen = app.screen
        record()
        if isinstance(screen, DebriefScreen | BriefingScreen):
            screen.query_one(Tabs).focus()  # a click may have moved the focus
            for _ in range(len(screen.query(TabPane)) - 1):  # every tab
                await visit("right")
            if isinstance(screen, DebriefScreen):
                return seen
            await pilot.press("enter")
        elif isinstance(screen, TableScreen) and errands:
            keys = errands.pop(0)
            if keys != ("m",) or app.conductor.hot_seat:
                for key in keys:
                    await visit(key)
        elif isinstance(screen, TableScreen):
            if screen.view.phase is Phase.DISCUSSION:
                await pilot.press("o")
            elif screen.check_action("vote", ()):
                await pilot.press("v")
            elif screen.check_action("propose", ()):
                await pilot.press("p")
            elif screen.check_action("sign", ()):
                await pilot.press("s")
        elif isinstance(screen, ProposalDialog):
            chosen = "proposal" not in opened
            opened.add("proposal")
            await pilot.press(*(("space", "t") if chosen else ("x",)))
            if isinstance(app.screen, ProposalDialog):  # the selection was not legal
                await pilot.press("x")
        elif isinstance(screen, VoteDialog):
            await pilot.press(*(["a"] * len(screen.targets)), "c")
        elif isinstance(screen, SignDialog):
            await pilot.press("y")
        elif isinstance(screen, SeatPick | HandOver):
            await pilot.press("enter")
        elif isinstance(screen, FacilitatorConsole) and "console" not in opened:
            opened.add("console")
            await pilot.press("i")  # fire the highlighted card
        else:  # a card: close it
            await pilot.press("escape")
    raise AssertionError(f"the tour did not reach the debrief; stuck on {app.screen!r}")


def everywhere(seen: dict[str, list[str]], *screens: str) -> str:
    """All the text seen on these kinds of screen."""
    return " ".join(text for name in screens for text in seen.get(name, []))


def hostile(folder: Path) -> tuple[Path, Scenario]:
    """The hostile scenario file and guide, and the scenario with a terminal escape added
    to every text field (as if validation had been skipped) and in its guide."""
    path = write_hostile(folder)
    path.with_suffix(".md").write_text(GUIDE.replace("Guide note", f"Guide{ESCAPES} note"),
                                       encoding="utf-8")
    return path, with_controls(load_scenario(path))


def shows_escapes(seen: dict[str, list[str]], *screens: str) -> None:
    """Every one of these screens showed the escaped form of the terminal escape."""
    for name in screens:
        assert SHOWN_ESCAPES in everywhere(seen, name), name


async def test_hostile_text_is_literal_from_seats_to_debrief_solo(tmp_path, monkeypatch):
    """Promise 4 (untrusted text is text): a solo exercise on a scenario with markup in
    every field runs from seat assignment to the debrief without a crash; every screen and
    dialog shows the markup as written (clicking a would-be ``@click`` does nothing),
    Markdown links are text (nothing opens when they are clicked), raw HTML is shown, not
    dropped, and a terminal escape in any field or in the guide shows as ``\\u001b...``:
    no raw control character is drawn."""
    path, scenario = hostile(tmp_path)
    opened: list[str] = []
    app = hostile_app(path, None, scenario=scenario, keep_log=True,
                      log_path=tmp_path / "[b]log[/b].jsonl")
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SeatScreen)
        text = look(app)
        assert f"Seats — Tutorial {QUIT} [/]{SHOWN_ESCAPES}" in text
        assert "Ukraine [/]" in text and f"Russia {QUIT}" in text
        assert await click_on(pilot, app.screen.query_one(".pane-title"), QUIT)
        assert app.is_running and isinstance(app.screen, SeatScreen)
        await pilot.press("s", "enter")  # solo as the highlighted delegation, Ukraine
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)
        text = look(app)
        assert "Recording" in text and "[b]log[/b].jsonl" in text  # the toast
        assert f"Markdown {MARKUP} [x](javascript:alert(1)) site (https://example.org) " \
               f"<script>alert(1)</script> {SHOWN_ESCAPES}" in text
        clicks = 0
        for paragraph in app.screen.query("MarkdownParagraph"):
            clicks += await click_on(pilot, paragraph, "site (https://example.org)")
            clicks += await click_on(pilot, paragraph, QUIT)
        assert clicks and opened == [] and app.is_running
        seen = await tour(pilot)
    assert not app.return_code  # no crash
    shows_escapes(seen, "BriefingScreen", "TableScreen", "InfoDialog", "FacilitatorConsole",
                  "ProposalDialog", "VoteDialog", "SignDialog", "DebriefScreen")
    briefing = everywhere(seen, "BriefingScreen")
    assert f"Russia {QUIT}{SHOWN_ESCAPES} (principal)" in briefing
    assert "Your private brief — Ukraine [/]" in briefing
    tables = everywhere(seen, "TableScreen")
    assert "Freeze [/bold] the line" in tables and "Escalation [/bold]" in tables
    cards = everywhere(seen, "InfoDialog")
    assert "Category: [/]" in cards and "site (https://example.org)" in cards
    assert "<script>alert(1)</script>" in cards
    console = everywhere(seen, "FacilitatorConsole")  # the solo player runs the room
    assert f"[/]{SHOWN_ESCAPES} (" in console  # the deck's public cards
    assert "Moscow signals" not in console  # Russia's private card is not Ukraine's to see
    assert "Ukraine [/]" in everywhere(seen, "VoteDialog")
    assert f"NATO pause {QUIT}" in everywhere(seen, "ProposalDialog")
    assert "Ukraine [/]" in everywhere(seen, "SignDialog")  # the tutorial lets people sign
    debrief = everywhere(seen, "DebriefScreen")
    assert "[b]log[/b].jsonl" in debrief  # the session log line
    assert "Reveal: private briefs and values" in debrief
    assert "What did each side have to give up" in debrief and "none? [/]" in debrief


async def test_hostile_text_is_literal_at_a_shared_screen(tmp_path):
    """Promise 4 (untrusted text is text): in a hot-seat exercise, from seat assignment to
    the debrief, the hand-over screens, the seat picker and each seat's private view show
    party names as written, escapes escaped; clicking the would-be
    ``[@click=app.quit]`` name on a hand-over does not quit."""
    path, scenario = hostile(tmp_path)
    app = hostile_app(path, None, scenario=scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space", "down", "space", "enter")  # Ukraine and Russia: people
        await settle(pilot)
        assert app.conductor is not None and app.conductor.hot_seat
        await pilot.press("r")  # private briefs, seat by seat
        await settle(pilot)
        assert isinstance(app.screen, HandOver)
        text = look(app)
        assert "Pass the keyboard to Ukraine" in text and f"[/]{SHOWN_ESCAPES}" in text
        await pilot.press("enter")
        await settle(pilot)
        assert f"Ukraine [/]{SHOWN_ESCAPES} only (private)" in look(app)  # the card
        await pilot.press("escape")  # the next delegation's hand-over
        await settle(pilot)
        text = look(app)
        assert "Pass the keyboard to Russia" in text and QUIT in text
        assert await click_on(pilot, app.screen.query_one(".handover-title"), QUIT)
        assert app.is_running
        while not isinstance(app.screen, BriefingScreen):
            await pilot.press("escape" if isinstance(app.screen, InfoDialog) else "enter")
            await settle(pilot)
        seen = await tour(pilot)
    assert not app.return_code  # no crash
    shows_escapes(seen, "HandOver", "SeatPick", "InfoDialog", "VoteDialog", "DebriefScreen",
                  "FacilitatorConsole")
    assert f"Russia {QUIT}" in everywhere(seen, "SeatPick")
    console = everywhere(seen, "FacilitatorConsole")  # after the facilitator's hand-over
    assert "Moscow signals flexibility" in console and f"[/]{SHOWN_ESCAPES} (private" in console
    assert f"Guide{SHOWN_ESCAPES} note" in console  # the guide, on round 1
    assert "Ukraine [/]" in everywhere(seen, "InfoDialog")  # a seat's private view
    assert "US [b]B[/b] [/bold]" in everywhere(seen, "DebriefScreen")


async def test_log_borne_text_is_literal_in_replay_and_resume(tmp_path):
    """Promise 4 (untrusted text is text): a computer seat's reason read back from a
    session log, holding markup and a terminal escape, shows as written (escaped) in the
    feed of `exercise replay` and of `exercise resume`."""
    path = write_hostile(tmp_path)
    log = tmp_path / "crafted.jsonl"
    app = hostile_app(path, ["ukraine"], keep_log=True, log_path=log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        assert app.conductor.game.history or app.conductor.game.tabled
    reason = f"Crafted {QUIT} [/]{ESCAPES}"
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record.get("type") == "move" and record.get("by") == "computer":
            record["reason"] = reason
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    shown = f"Crafted {QUIT} [/]{SHOWN_ESCAPES}"
    replay = ExerciseApp(replay=rebuild(log))
    async with replay.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(replay.screen, ReplayScreen)
        assert shown in look(replay)
    resumed = ExerciseApp(restored=resume(log), bot_delay=0.0, live_clock=False,
                          clock=lambda: 0.0)
    async with resumed.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(resumed.screen, TableScreen | VoteDialog | ProposalDialog)
        assert shown in look(resumed)
        assert resumed.is_running



@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
@example("     indented like code")
@example("1. looks like a numbered item")
def test_a_text_field_in_a_markdown_card_reads_exactly_as_written(text):
    """Promise 4 (untrusted text is text): a title or a name put into a Markdown card
    (headings, tables, lists) reads exactly as written, whatever punctuation it holds:
    nothing becomes emphasis, a link, a table cell, a list or HTML."""
    words = " ".join(["Name:", *escape_controls(text).split()])  # spacing as Markdown shows it
    for template in ("# Name: {}", "- Name: {}", "| Name: {} | x |\n|---|---|",
                     "**Name:** {}", "- {}"):
        expected = words if "Name:" in template else words.removeprefix("Name:").strip()
        if not expected:
            continue  # "- " alone is an empty list item: there is no text to read
        tokens = literal_parser().parse(template.format(md_escape(text)))
        inline = next(t for t in tokens if t.type == "inline")
        shown = "".join(child.content for child in inline.children or ()
                        if child.type in ("text", "softbreak"))
        assert " ".join(shown.split()) == expected, template
