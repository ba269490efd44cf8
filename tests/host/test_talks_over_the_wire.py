"""Side talks in network play (issue 13 items 1, 2, 3 and 6), over the wire.

A live Room of buffer-zone-2025 served on 127.0.0.1: Ukraine, Russia and Turkey are
played by people, each on a connection of their own (SSH or a browser's websocket); the
facilitator and the projector watch. Everything a person does is done by keys at their
own screen, and checked on what each screen was sent (:mod:`tests.host.rooms`) and in the
session log.

Once a dialog is open, the keys for it are sent in one burst, as a slow network delivers
them: each must still reach the widget the keys before it moved the focus to (the seat
driver hands the app one key at a time, see :mod:`exercise.host.driver`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exercise.conduct import FACILITATOR, PUBLIC
from exercise.engine import Phase
from exercise.room import Change

from .rooms import ENTER, ESC, Client, RoomRig, serve_room, until, wrapped_words

MARKUP = "[bold]x[/] [@click=app.quit]y"
"""What Ukraine writes to Russia: Rich markup and a Textual action, to be shown as typed."""

CSI = "\x9b"
"""The C1 control that opens an escape sequence in a terminal that honours C1 (xterm.js,
pyte): the one control character a pasted text reaches a text field with (Textual's
terminal parser takes an ESC in a paste as the start of a key)."""

TAB, DOWN, BACKSPACE, CTRL_O, CTRL_S = "\t", "\x1b[B", "\x7f", "\x0f", "\x13"
PASTE_OPEN, PASTE_CLOSE = "\x1b[200~", "\x1b[201~"
TALK_DIALOG = "talks — private to whom you choose"
STOPPED = "The session has stopped"


def log_records(path: Path) -> list[dict[str, Any]]:
    """The session log's records, in order (none when the file is gone)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def talk_moves(path: Path, kind: str) -> list[dict[str, Any]]:
    """The logged moves of one kind (say, offer, answer), with the events they set off."""
    records = log_records(path)
    found = []
    for record in records:
        if record.get("type") == "move" and kind in record["move"]:
            events = [r for r in records if r.get("type") == "event" and r["n"] == record["n"]]
            found.append({**record, "events": events})
    return found


async def to_the_discussion(rig: RoomRig, *seats: Client) -> None:
    """Each person leaves the briefing and reads round 1's news; the US (the computer)
    tables and the computer seats make their opening offers: the discussion is on."""
    for seat in seats:
        await seat.shows("Go to the table")
        await seat.press(ENTER)
    for seat in seats:
        await rig.read_cards(seat)
        await seat.shows("Round 1/6")
    game = rig.room.conductor.game
    await until(lambda: game.phase is Phase.DISCUSSION, "the discussion")
    await rig.settled()
    for seat in seats:
        await seat.shows("Discussion")


async def open_talk(seat: Client) -> None:
    """At ``seat``, press t and wait for the talk dialog."""
    await seat.press("t")
    await seat.shows(TALK_DIALOG)


def choose(rig: RoomRig, seat: Client, *to: str) -> str:
    """The keys that choose the delegations ``to`` in ``seat``'s talk dialog (↓ to each,
    space), from the first row."""
    talk_to = rig.room.view(seat.viewer).legal.talk_to
    keys, at = "", 0
    for party in sorted(to, key=talk_to.index):
        row = 1 + talk_to.index(party)  # the whole room is the first row
        keys += DOWN * (row - at) + " "
        at = row
    return keys


def never_shown(client: Client, text: str) -> bool:
    """``text`` is not on ``client``'s screen, was never on one line of it, and was never
    in what it was sent."""
    return text not in client.view.flat and not any(
        text in line for line in client.view.ever) and text not in client.received


async def test_a_private_message_reaches_its_channel_literally_and_no_one_else(
        tmp_path: Path) -> None:
    """Ukraine (SSH) presses t, chooses Russia and pastes a message holding a C1 CSI: the
    field drops the control as it arrives, nothing is logged, and not even Ukraine's own
    terminal is sent the control. Ukraine then writes markup and an action
    ("[bold]x[/] [@click=app.quit]y") and sends it. Russia's browser and the facilitator's
    show the words as typed (as does Ukraine's); Turkey (a third person, not in the
    channel) and the projector were never sent them, nor that Ukraine wrote to Russia.
    The log holds the message with its audience, and at every change the room announced
    the file on disk already held every message a view could show."""
    async with serve_room(tmp_path, people={"ukraine", "russia", "turkey"}, log=True) as rig:
        room = rig.room
        assert rig.log_path is not None
        log_path = rig.log_path
        checked: list[str] = []
        unlogged: list[str] = []

        def logged_before_shown(change: Change) -> None:
            # Called with every change, like each screen's own listener: whatever any
            # view could now show of a message must already be in the file.
            on_disk = {m["move"]["say"]["text"] for m in talk_moves(log_path, "say")}
            for viewer in ("russia", "ukraine", FACILITATOR):
                for item in room.view(viewer).feed:
                    if MARKUP in item.text:
                        checked.append(change.kind)
                        if MARKUP not in on_disk:
                            unlogged.append(f"{viewer} at {change.kind}: {item.text}")

        room.subscribe(logged_before_shown)
        ukraine = await rig.connect("ukraine", "ssh", width=120, height=40)
        russia = await rig.connect("russia", "web", width=120, height=40)
        turkey = await rig.connect("turkey", "ssh", width=120, height=40)
        projector = await rig.connect(PUBLIC, "web", width=120, height=40)
        facilitator = await rig.connect(FACILITATOR, "web", width=120, height=50)
        await to_the_discussion(rig, ukraine, russia, turkey)

        await open_talk(ukraine)
        sent_before = len(ukraine.view.received)
        await ukraine.press(PASTE_OPEN + f"x{CSI}31my" + PASTE_CLOSE)  # the dialog opens
        await ukraine.shows("x31my")  # on the message; the field drops the control
        assert CSI.encode() not in bytes(ukraine.view.received[sent_before:])
        assert talk_moves(log_path, "say") == []
        await ukraine.press(BACKSPACE * 5 + MARKUP + TAB + choose(rig, ukraine, "russia")
                            + CTRL_S)
        await ukraine.hides(TALK_DIALOG)

        line = f"Ukraine to Russia: “{MARKUP}”"
        await russia.shows(line)
        await facilitator.shows(line)
        await ukraine.shows(line)
        await rig.settled()
        for client in (turkey, projector):
            await rig.caught_up(client)
        for client in (turkey, projector):
            for secret in (MARKUP, "[@click", "Ukraine to Russia"):
                assert never_shown(client, secret), (client, secret)
        assert room.conductor.game.phase is Phase.DISCUSSION  # the action did not run

        said = talk_moves(log_path, "say")
        assert [(m["party"], m["by"], m["move"]["say"]) for m in said] == [
            ("ukraine", "human", {"party": "ukraine", "to": ["russia"], "text": MARKUP})]
        assert [(e["event"], e["audience"]) for e in said[0]["events"]] == [
            ("said", ["russia", "ukraine"])]
        assert checked, "no change was announced with the message in a view"
        assert unlogged == []


async def test_a_message_the_log_cannot_hold_reaches_no_screen(tmp_path: Path) -> None:
    """The session log is deleted under the running room; Ukraine then sends Russia a
    message by keys. The write fails, so the room stops: every screen says the session
    has stopped, and no screen, Russia's and the facilitator's included, is ever sent the
    message (it was never logged, so it is never shown)."""
    async with serve_room(tmp_path, people={"ukraine", "russia"}, log=True) as rig:
        assert rig.log_path is not None
        ukraine = await rig.connect("ukraine", "ssh", width=120, height=40)
        russia = await rig.connect("russia", "web", width=120, height=40)
        facilitator = await rig.connect(FACILITATOR, "web", width=120, height=50)
        await to_the_discussion(rig, ukraine, russia)
        await open_talk(ukraine)
        rig.log_path.unlink()
        await ukraine.press("never logged" + TAB + choose(rig, ukraine, "russia") + CTRL_S)
        for client in (ukraine, russia, facilitator):
            await client.shows(STOPPED)
        assert rig.room.stopped is not None and "deleted" in rig.room.stopped
        for client in (russia, facilitator):
            assert never_shown(client, "never logged"), client
        assert not rig.log_path.exists()


async def test_an_offer_over_the_wire_is_answered_by_key_and_kept_at_the_vote(
        tmp_path: Path) -> None:
    """Ukraine (SSH) offers Russia (browser), by keys: we accept the first element of the
    tabled package if you accept the second. Russia presses a, declining any earlier
    offer the computer made it, then accepts Ukraine's with y. Both feeds say Russia
    accepts it; Turkey is never sent the offer. The facilitator opens voting, both vote
    for everything by keys, and at the reveal both feeds say each promise was kept."""
    async with serve_room(tmp_path, people={"ukraine", "russia", "turkey"}, log=True) as rig:
        room = rig.room
        game = room.conductor.game
        assert rig.log_path is not None
        ukraine = await rig.connect("ukraine", "ssh", width=120, height=48)
        russia = await rig.connect("russia", "web", width=120, height=48)
        turkey = await rig.connect("turkey", "web", width=120, height=48)
        facilitator = await rig.connect(FACILITATOR, "web", width=120, height=50)
        await to_the_discussion(rig, ukraine, russia, turkey)

        elements = room.view("ukraine").legal.offer_elements
        give, want = game.session.tabled[:2]
        await open_talk(ukraine)
        first, second = sorted((elements.index(give), elements.index(want)))
        keys = {elements.index(give): "g", elements.index(want): "w"}
        await ukraine.press(  # the offer tab, at the terms: we accept give if you accept want
            CTRL_O + DOWN * first + keys[first] + DOWN * (second - first) + keys[second]
            + TAB + TAB + choose(rig, ukraine, "russia") + CTRL_O)  # past until, to Russia
        await ukraine.hides(TALK_DIALOG)
        offers = game.session.talks.offers
        ours = next(o for o in offers if o.party == "ukraine")
        assert ours.to == ("russia",) and ours.status == "open"
        await russia.shows(f"OFFER {ours.number}: Ukraine to Russia")

        while ours.answers.get("russia") is None:
            waiting = room.view("russia").legal.answer
            await russia.press("a")
            if len(waiting) > 1:  # which offer: the first is highlighted
                await russia.shows("Which offer do you answer?")
                await russia.press(ENTER)
            await russia.shows(f"Offer {waiting[0].number} to Russia")
            await russia.press("y" if waiting[0].number == ours.number else "n")
            await russia.hides(f"Offer {waiting[0].number} to Russia")
        assert ours.answers == {"russia": True}
        accepted = f"Russia accepts offer {ours.number}."
        await russia.shows(accepted)
        await ukraine.shows(accepted)

        await rig.settled()
        await facilitator.shows("o Open voting")
        await facilitator.press("o")
        await until(lambda: game.phase is Phase.VOTING, "voting")
        for seat in (ukraine, russia, turkey):
            lines = len(room.view(seat.viewer).legal.ballot_targets)
            await seat.shows("v Vote")
            await seat.press("v")
            await seat.shows("votes — secret until every ballot is in")
            await seat.press("a" * lines + "c")
        await until(lambda: game.round == 2, "the reveal")
        for seat, kept in ((russia, "PROMISE KEPT: Russia promised to accept"),
                           (ukraine, "PROMISE KEPT: Ukraine promised to accept")):
            await rig.read_cards(seat)  # round 2's news comes over the table
            await until(lambda s=seat, k=kept: any(k in item.text for item in
                                                   room.view(s.viewer).feed),
                        f"{kept!r} in {seat}'s feed")
            # On the screen: the seat's channel with the other (its feed may have moved on
            # under round 2's news, out of the rows it has room for).
            channels = [c.members for c in room.view(seat.viewer).channels]
            await seat.press("c")
            await seat.shows("Side talks of")
            await seat.press(DOWN * channels.index(("russia", "ukraine")))
            words = wrapped_words(kept)
            await seat.shows(lambda text, w=words: w.search(" ".join(text.split())) is not None,
                             f"{kept!r} in {seat}'s channel with the other")
            await seat.press(ESC)
            await seat.hides("Side talks of")
        for text in (f"OFFER {ours.number}", accepted, "PROMISE KEPT: Russia"):
            assert never_shown(turkey, text), text
        answers = talk_moves(rig.log_path, "answer")
        assert {"party": "russia", "offer": ours.number, "accept": True} in [
            m["move"]["answer"] for m in answers]
