"""The side talks in the terminal UI: `t` to say something or make an offer, `a` to answer
one, the facilitator's console pausing the talks; a student's words shown literally."""

from __future__ import annotations

from exercise.engine import EventKind, Phase
from exercise.tui.facilitator import FacilitatorConsole
from exercise.tui.table import TableScreen
from exercise.tui.talk_dialogs import AnswerDialog, TalkDialog

from .helpers import make_app, screen_text, settle


async def _at_discussion(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """Past the briefing and the news, to round 1's discussion (the US tables first)."""
    await settle(pilot)
    await pilot.press("enter")
    for _ in range(10):
        await settle(pilot, 5)
        if isinstance(app.screen, TableScreen) and app.conductor.game.phase is Phase.DISCUSSION:
            return
        await pilot.press("enter")
    raise AssertionError("never reached the discussion")


async def test_a_solo_seat_talks_privately_and_its_words_stay_literal():
    """Solo as Ukraine: `t`, choose Russia, type words that look like markup, enter: the
    message reaches Russia's channel only, and the feed shows the words as typed."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TalkDialog)
        await pilot.press("down", "space")  # the first delegation after the room: Russia
        app.screen.query_one("#text").focus()
        await pilot.press(*"[b]Moscow[/b] listen")
        await pilot.press("enter")
        await settle(pilot)
        said = [e for e in app.conductor.game.events if e.kind is EventKind.SAID]
        assert [(e.data["text"], e.audience) for e in said] == [
            ("[b]Moscow[/b] listen", ("russia", "ukraine"))]
        assert "[b]Moscow[/b] listen" in screen_text(app)


async def test_a_solo_seat_answers_a_computer_offer_with_a_key():
    """A computer delegation's offer to Ukraine waits for an answer: `a` opens it, `y`
    accepts it, and the offer binds."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        offers = app.conductor.game.session.talks.offers
        waiting = [o for o in offers if "ukraine" in o.to and o.status == "open"]
        assert waiting, "no computer offer to Ukraine in this game"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AnswerDialog)
        assert f"Offer {waiting[0].number}" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert waiting[0].answers == {"ukraine": True}


async def test_the_console_pauses_and_resumes_the_talks():
    """`f` then `t` in the console pauses the side talks; again resumes them."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        talks = app.conductor.game.session.talks
        for expected in (True, False):
            await pilot.press("f")
            await settle(pilot)
            assert isinstance(app.screen, FacilitatorConsole)
            await pilot.press("t")
            await settle(pilot)
            assert talks.paused is expected


async def test_the_console_closes_a_channel():
    """`f`, `c`, then a channel the runner can see: it is closed for good, and a message on
    it is refused from then on."""
    from exercise.engine import IllegalMoveError, Say

    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        room = app.conductor
        app.room.act("ukraine", Say("ukraine", ("russia",), "before"))
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert "Close which channel?" in screen_text(app)
        await pilot.press("down", "enter")  # the room first, then Russia and Ukraine
        await settle(pilot)
        assert ("russia", "ukraine") in room.game.session.talks.closed
        try:
            app.room.act("ukraine", Say("ukraine", ("russia",), "after"))
        except IllegalMoveError as exc:
            assert "closed the channel" in str(exc)
        else:
            raise AssertionError("a message on a closed channel was let through")


async def test_hot_seat_a_private_message_waits_behind_its_hand_over():
    """Two people at one screen: a private message to Russia is not on the shared table;
    the screen says something private waits for Russia, and Russia's private view (`m`,
    after the hand-over) holds it."""
    from exercise.engine import Say
    from exercise.tui.dialogs import SeatPick
    from exercise.tui.handover import HandOver

    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        app.room.act("ukraine", Say("ukraine", ("russia",), "only for Moscow"))
        await settle(pilot, 5)
        told = [n.message for n in app._notifications]
        assert any("Something private for Russia is waiting" in m for m in told)
        assert not any("Moscow" in m for m in told)  # whose, never what
        assert "only for Moscow" not in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, SeatPick)
        russia = next(i for i, (pid, _) in enumerate(app.screen.seats) if pid == "russia")
        await pilot.press(*["down"] * russia, "enter")
        await settle(pilot)
        if isinstance(app.screen, HandOver):
            await pilot.press("enter")
            await settle(pilot)
        assert "Russia only (private)" in screen_text(app)
        from exercise.tui.screens import seat_markdown

        assert "only for Moscow" in seat_markdown(app.screen_stack[-2].station.view("russia"))


async def test_the_talk_dialog_says_what_is_missing_in_words_not_ids():
    """Sending with no message says to write one; a refusal by the rules (talks paused)
    gives the reason alone, not the move in ids ("ukraine says to ...")."""
    from exercise.engine import PauseTalks

    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TalkDialog)
        await pilot.press("space")  # the whole room
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Write your message first" in screen_text(app)
        app.conductor.push(PauseTalks(), by="facilitator")
        app.screen.query_one("#text").focus()
        await pilot.press(*"hello")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "The facilitator has paused the talks" in text
        assert "ukraine says" not in text and isinstance(app.screen, TalkDialog)
