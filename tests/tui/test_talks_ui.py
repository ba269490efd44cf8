"""The side talks in the terminal UI: `t` to say something or make an offer, `a` to answer
one, the facilitator's console pausing the talks; a student's words shown literally."""

from __future__ import annotations

import json
import re
from typing import Any

from exercise.engine import EventKind, Offer, Phase, Terms
from exercise.tui.facilitator import FacilitatorConsole
from exercise.tui.table import TableScreen
from exercise.tui.talk_dialogs import AnswerDialog, TalkDialog, TermsList
from exercise.view import View

from .helpers import make_app, screen_rows, screen_text, settle


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
    """Solo as Ukraine: `t` opens on the message, so the person types at once; tab reaches
    the recipients (Russia chosen), ctrl+s sends: the message reaches Russia's channel
    only, and the feed shows the words that look like markup as typed."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TalkDialog)
        await pilot.press(*"[b]Moscow[/b] listen")
        await pilot.press("tab", "down", "space")  # the first delegation after the room
        await pilot.press("ctrl+s")
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
        if len(waiting) > 1:  # which offer: the first is highlighted
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, AnswerDialog)
        assert f"Offer {waiting[0].number}" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert waiting[0].answers == {"ukraine": True}


async def test_with_several_offers_waiting_the_person_picks_which_to_answer():
    """Two offers to Ukraine wait: `a` lists them, the person answers the later one first
    (the earlier is not forced on it), and then the one left opens by itself."""
    from exercise.tui.dialogs import SeatPick

    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        for _ in range(2):  # as the computer's Russia would (the room's own way in)
            app.room._push(Offer("russia", ("ukraine",), Terms(accept=("freeze",)),
                                 Terms(accept=("nato-pause",))), "russia")
        await settle(pilot)
        talks = app.conductor.game.session.talks
        waiting = [o for o in talks.offers if "ukraine" in o.to and o.status == "open"]
        assert len(waiting) >= 2
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, SeatPick)
        assert all(f"Offer {o.number} from" in screen_text(app) for o in waiting)
        await pilot.press(*["down"] * (len(waiting) - 1), "enter")  # the last one
        await settle(pilot)
        assert isinstance(app.screen, AnswerDialog)
        assert app.screen.offer.number == waiting[-1].number
        await pilot.press("n")
        await settle(pilot)
        assert waiting[-1].status == "declined" and waiting[0].status == "open"
        await pilot.press("escape")  # the list again (or the one left): none now
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TableScreen) and waiting[0].status == "open"


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


HOSTILE = "[bold]x[/] [@click=app.quit]y"  # looks like markup and an action: shown as typed


def _computer_says(app, party: str, to: tuple[str, ...], text: str) -> None:  # type: ignore[no-untyped-def]
    """A computer delegation's message, through the room as its own turn would make it."""
    from exercise.engine import Say

    app.room._push(Say(party, to, text), "computer")


async def _to_table(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """Close whatever private screen the flow opened, back to the shared table."""
    for _ in range(10):
        await settle(pilot)
        if isinstance(app.screen, TableScreen):
            return
        await pilot.press("enter")
    raise AssertionError(f"never back at the table; stuck on {app.screen!r}")


async def test_hot_seat_a_private_message_is_handed_over_to_its_reader_only():
    """Issue 13 (hot seat): two people at one screen; a message from the computer US to
    Russia alone brings a hand-over to Russia, then Russia's new side talk, its words
    literal. Nothing of it is ever on the shared table, and Ukraine's channels (`c`, after
    Ukraine's own hand-over) do not hold it."""
    from exercise.tui.channels import ChannelsScreen, PrivateTalk
    from exercise.tui.dialogs import HandOver, SeatPick

    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        _computer_says(app, "us", ("russia",), HOSTILE)
        await settle(pilot, 5)
        assert isinstance(app.screen, HandOver) and app.screen.party_name == "Russia"
        assert "A private message has arrived for you" in screen_text(app)
        assert "@click" not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrivateTalk)
        assert HOSTILE in screen_text(app)
        assert app.is_running  # the action in the words did nothing
        await pilot.press("enter")
        await _to_table(pilot, app)
        assert "@click" not in screen_text(app)
        assert not any(item.private for item in app.screen.view.feed)  # the public room's
        assert not any("@click" in n.message for n in app._notifications)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, SeatPick)
        ukraine = next(i for i, (pid, _) in enumerate(app.screen.seats) if pid == "ukraine")
        await pilot.press(*["down"] * ukraine, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HandOver) and app.screen.party_name == "Ukraine"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChannelsScreen)
        assert "Side talks of Ukraine" in screen_text(app)
        assert all(c.members in ((), ("ukraine", "russia"), ("russia", "ukraine"))
                   or "ukraine" in c.members for c in app.screen.channels)
        assert "@click" not in screen_text(app)
        for index in range(len(app.screen.channels)):  # every one of its channels
            app.screen.show(index)
            await settle(pilot)
            assert "@click" not in screen_text(app)


async def test_hot_seat_not_yet_defers_a_private_message_until_h():
    """Esc at the hand-over for a private message: the table waits, saying a private
    message waits for Russia (whose, never what), and asks no one; `h` hands over again,
    and once read the message is not handed over a second time."""
    from exercise.engine import Say
    from exercise.tui.channels import PrivateTalk
    from exercise.tui.dialogs import HandOver

    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        app.room.act("ukraine", Say("ukraine", ("russia",), "only for Moscow"))
        await settle(pilot, 5)
        assert isinstance(app.screen, HandOver) and app.screen.party_name == "Russia"
        await pilot.press("escape")
        for _ in range(4):
            await settle(pilot)
            assert isinstance(app.screen, TableScreen)
        text = screen_text(app)
        assert "a message for Russia (h)" in text
        assert "only for Moscow" not in text
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandOver) and app.screen.party_name == "Russia"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrivateTalk) and "only for Moscow" in screen_text(app)
        await pilot.press("enter")
        await _to_table(pilot, app)
        for _ in range(3):
            await settle(pilot)
            assert isinstance(app.screen, TableScreen)
        assert "only for Moscow" not in screen_text(app)


async def test_hot_seat_an_offer_is_answered_from_its_hand_over():
    """Ukraine offers Russia a trade at a shared screen: Russia gets a hand-over, reads the
    offer, `a` opens the answer, `y` accepts; the offer binds."""
    from exercise.engine import Offer, Terms
    from exercise.tui.channels import PrivateTalk
    from exercise.tui.dialogs import HandOver

    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        element = app.conductor.game.session.open_elements[0]
        app.room.act("ukraine", Offer("ukraine", ("russia",), Terms(accept=(element,)),
                                      Terms(accept=(element,))))
        number = app.conductor.game.session.talks.offers[-1].number
        await settle(pilot, 5)
        assert isinstance(app.screen, HandOver) and app.screen.party_name == "Russia"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrivateTalk)
        assert f"OFFER {number}" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AnswerDialog) and app.screen.offer.number == number
        await pilot.press("y")
        await settle(pilot)
        assert app.conductor.game.session.talks.offer(number).answers == {"russia": True}


async def test_hot_seat_enter_on_an_offer_reads_it_and_leaves_it_open():
    """Enter on the new side talk only closes it: an offer read is not answered by it (the
    seat answers later with `a`), and it is not handed over again."""
    from exercise.engine import Offer, Terms
    from exercise.tui.channels import PrivateTalk
    from exercise.tui.dialogs import HandOver

    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        element = app.conductor.game.session.open_elements[0]
        app.room.act("ukraine", Offer("ukraine", ("russia",), Terms(accept=(element,)),
                                      Terms(accept=(element,))))
        offer = app.conductor.game.session.talks.offers[-1]
        await settle(pilot, 5)
        assert isinstance(app.screen, HandOver)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrivateTalk)
        await pilot.press("enter")
        await _to_table(pilot, app)
        for _ in range(3):
            await settle(pilot)
            assert isinstance(app.screen, TableScreen)
        assert offer.status == "open" and offer.answers == {}


async def test_the_channel_view_lists_a_solo_seats_own_channels_and_every_one_for_the_facilitator():
    """`c` at a solo seat's screen lists the room and the channels Ukraine is in, never one
    between others; at the facilitator's screen (every seat a computer) it lists every
    channel, each thread newest last."""
    from exercise.engine import Say
    from exercise.tui.channels import ChannelsScreen

    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        _computer_says(app, "us", ("russia",), "between the two of us")
        app.room.act("ukraine", Say("ukraine", ("us",), "first to Washington"))
        app.room.act("ukraine", Say("ukraine", ("us",), "second to Washington"))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChannelsScreen)
        members = [c.members for c in app.screen.channels]
        assert () in members and ("ukraine", "us") in members
        assert ("russia", "us") not in members
        app.screen.show(members.index(("ukraine", "us")))
        await settle(pilot)
        text = screen_text(app)
        assert "between the two of us" not in text
        assert text.index("first to Washington") < text.index("second to Washington")
    watcher = make_app("tutorial", [], seed=1)
    async with watcher.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        _computer_says(watcher, "us", ("russia",), "between the two of us")
        for _ in range(10):
            await settle(pilot)
            if isinstance(watcher.screen, TableScreen):
                break
            await pilot.press("enter")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(watcher.screen, ChannelsScreen)
        assert "every channel" in screen_text(watcher)
        members = [c.members for c in watcher.screen.channels]
        assert ("russia", "us") in members
        watcher.screen.show(members.index(("russia", "us")))
        await settle(pilot)
        assert "between the two of us" in screen_text(watcher)


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
        await pilot.press("tab", "space")  # the whole room
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


async def _at_table(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """Past the briefing and any news, to the table while the seat may talk."""
    await settle(pilot)
    for _ in range(10):
        await pilot.press("enter")
        await settle(pilot, 5)
        if isinstance(app.screen, TableScreen) and app.screen.check_action("talk", ()):
            return
    raise AssertionError("never reached a table where the seat may talk")


def _offers_made(log_path: Any) -> list[dict[str, Any]]:
    """The offers in a session log, as the moves file would write them."""
    records = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    return [r["move"]["offer"] for r in records
            if r.get("type") == "move" and isinstance(r["move"], dict) and "offer" in r["move"]]


async def test_a_person_makes_an_offer_with_a_table_promise_until_the_last_round(tmp_path):
    """Issue 13, offers: in the offer tab a person promises to accept one element (g),
    asks Russia to table another (w twice), keeps it open until the last round and makes
    the offer (ctrl+o): the logged move carries both promises, the recipient and the
    round, and the feed says it."""
    log = tmp_path / "talks.jsonl"
    app = make_app("tutorial", ["ukraine"], seed=1, keep_log=True, log_path=log)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("ctrl+o")  # to the offer tab, at the terms
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TalkDialog) and isinstance(app.focused, TermsList)
        first, second = app.focused.elements[:2]
        await pilot.press("g", "down", "w", "w")
        await pilot.press("tab", "enter", "end", "enter")  # open until: the last round
        await settle(pilot)
        await pilot.press("tab", "down", "space")  # to Russia
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, TableScreen)
        assert _offers_made(log)[-1] == {"party": "ukraine", "to": ["russia"],
                                          "give": {"accept": [first]},
                                          "want": {"table": [second]}, "until": 3}
        feed = screen_text(app).replace(" ▊ ", " ")  # a line wrapped beside the scrollbar
        assert "OFFER 3: Ukraine to Russia: we will accept Freeze the front line if you table" \
            " 20-year pause on NATO membership (open until the end of round 3)." in feed


async def test_an_offer_of_nothing_is_refused_with_the_rules_reason():
    """An offer with recipients but no terms: the dialog stays open and says the rules'
    reason (the offer promises nothing), in words."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("ctrl+o", "tab", "tab", "down", "space", "ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, TalkDialog)
        assert "⚠ The offer promises nothing" in screen_text(app)
        assert not app.conductor.game.session.talks.offers or all(
            o.party != "ukraine" for o in app.conductor.game.session.talks.offers)


async def test_an_offer_to_an_observer_is_refused_naming_it():
    """Sketch 2024 has an observer (Ukrainian public opinion): an offer to it is refused by
    the rules, and the dialog stays open, naming the observer by its name, not its id;
    once the person changes the recipients, the refusal goes."""
    app = make_app("sketch-2024", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_table(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TalkDialog)
        await pilot.press("ctrl+o", "g")
        recipients = dialog.query_one("#to").option_count
        observer = dialog.view.legal.talk_to.index("ukrainian-public") + 1  # after the room
        assert observer < recipients
        await pilot.press("tab", "tab", *["down"] * observer, "space", "ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, TalkDialog)
        text = screen_text(app)
        assert "⚠ Ukrainian public opinion is an observer" in text
        assert "ukrainian-public" not in text
        await pilot.press("space")  # the person changes the recipients: the refusal goes
        await settle(pilot)
        assert "is an observer" not in screen_text(app)


async def _answer_dialog(  # type: ignore[no-untyped-def]
        pilot, app, offer: Offer) -> tuple[AnswerDialog, list[Any]]:
    """Russia (a person at this screen) makes ``offer``; Ukraine's answer dialog opens
    on it, as `a` opens it; returns the dialog and where its result lands."""
    app.room.act("russia", offer)
    await settle(pilot)
    assert app.station is not None  # (a hand-over to Ukraine may be up: it has news)
    view: View = app.station.view("ukraine")
    row = next(r for r in view.legal.answer if r.party == "russia")
    answered: list[Any] = []
    dialog = AnswerDialog(view, lambda m: app.room.check("ukraine", m), row)
    app.push_screen(dialog, callback=answered.append)
    await settle(pilot)
    return dialog, answered


async def test_the_answer_dialog_shows_who_offers_what_until_when_and_its_worth():
    """An offer to a person shows, before it is answered: who makes it and to whom, until
    which round, what the maker will do (a table promise) and what it asks (accept), each
    element with its worth to the person's own seat; y accepts it."""
    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        dialog, answered = await _answer_dialog(pilot, app, Offer(
            "russia", ("ukraine",), Terms(table=("dmz-europe",)), Terms(accept=("freeze",)),
            until=3))
        view = dialog.view
        rows = screen_rows(app)
        assert any("From Russia, to you alone. Open until the end of round 3 (this is round 1)"
                   in row for row in rows)
        worth = {e: f"{view.element(e).value:+g} for you" for e in ("dmz-europe", "freeze")}
        given = rows.index(next(r for r in rows if "Russia will:" in r))
        asked = rows.index(next(r for r in rows if "If you:" in r))
        assert given < asked
        assert any("table" in r and view.title_of("dmz-europe") in r and worth["dmz-europe"] in r
                   for r in rows[given:asked])
        assert any("accept" in r and view.title_of("freeze") in r and worth["freeze"] in r
                   for r in rows[asked:])
        await pilot.press("y")
        await settle(pilot)
        assert [(m.party, m.accept) for m in answered] == [("ukraine", True)]


async def test_hostile_names_and_titles_are_literal_in_the_offer_and_answer_dialogs(tmp_path):
    """Untrusted words (issue 13, promise 6): in the hostile scenario, party names and
    element titles that look like markup (a would-be ``@click=app.quit``) are shown as
    written in the offer tab's terms and recipients, and in the answer dialog."""
    from exercise.tui.dialogs import HandOver, SeatPick

    from .test_hostile_text import QUIT, hostile_app, look, write_hostile

    app = hostile_app(write_hostile(tmp_path), ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        for _ in range(3):  # which delegation talks, then its hand-over
            await settle(pilot)
            if isinstance(app.screen, SeatPick | HandOver):
                await pilot.press("enter")
        assert isinstance(app.screen, TalkDialog)
        await pilot.press("ctrl+o")
        await settle(pilot)
        text = look(app)
        for words in ("Freeze [/bold] the line", f"NATO pause {QUIT}", f"Russia {QUIT}",
                      "US [b]B[/b] [/bold]"):
            assert words in text, words
        await pilot.press("escape")
        await settle(pilot)
        await _answer_dialog(pilot, app, Offer(  # Ukraine proposes in round 2
            "russia", ("ukraine",), Terms(accept=("freeze",)), Terms(table=("nato-pause",)),
            until=2))
        text = look(app)
        for words in (f"From Russia {QUIT}, to you alone", f"Russia {QUIT} will:",
                      f"table NATO pause {QUIT}", "accept Freeze [/bold] the line"):
            assert words in text, words
        assert app.is_running


async def test_an_offers_terms_reach_only_the_seat_it_is_made_to():
    """The per-viewer view decides secrecy: the offer's structured terms (what each side
    promises, until when) are in the answer row of the seat it is made to, and in no
    other view: not its maker's, the shared screen's or the facilitator's answers."""
    from exercise.view import FACILITATOR, PUBLIC

    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        app.room.act("russia", Offer("russia", ("ukraine",), Terms(table=("dmz-europe",)),
                                     Terms(accept=("freeze",)), until=3))  # Russia's turn
        await settle(pilot)
        station = app.station
        assert station is not None
        rows = [r for r in station.view("ukraine").legal.answer if r.party == "russia"]
        assert [(r.to, r.give, r.want, r.until, r.made_in) for r in rows] == [
            (("ukraine",), (("table", "dmz-europe"),), (("accept", "freeze"),), 3,
             app.conductor.game.round)]
        for viewer in ("russia", PUBLIC, FACILITATOR):  # its maker is asked nothing
            assert not any(r.party == "russia" for r in station.view(viewer).legal.answer)


async def test_a_click_on_a_rows_promise_cycles_it_as_its_key_does():
    """With the mouse: a click on an element's "we will" word promises to accept it, a
    second click to table it; a click on its "if you" word asks them to accept it."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        terms = app.screen.query_one(TermsList)
        first, second = terms.elements[:2]
        await pilot.click(terms, offset=(3, 1))  # the second row, on "we will"
        await pilot.click(terms, offset=(3, 1))
        await pilot.click(terms, offset=(12, 0))  # on "if you"
        await settle(pilot)
        assert (terms.terms("give"), terms.terms("want")) == (
            Terms(table=(second,)), Terms(accept=(first,)))
        assert "table" in screen_text(app)


async def test_whoever_runs_the_room_closes_a_channel_or_pauses_the_talks_from_the_channel_view():
    """A solo seat runs the room: in its channel view `x` closes the highlighted channel
    (one it is in) and `p` pauses the talks; both go through the room."""
    from exercise.engine import Say
    from exercise.tui.channels import ChannelsScreen

    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        app.room.act("ukraine", Say("ukraine", ("us",), "a word"))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChannelsScreen)
        members = [c.members for c in app.screen.channels]
        await pilot.press(*["down"] * members.index(("ukraine", "us")), "x")
        await settle(pilot)
        talks = app.conductor.game.session.talks
        assert ("ukraine", "us") in talks.closed and isinstance(app.screen, TableScreen)
        await pilot.press("c")
        await settle(pilot)
        assert "closed" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert talks.paused


async def test_help_names_the_channels_key():
    """`?` at the table lists `c` (Channels) among its keys, even when a narrow footer has
    no room for it, and the rules say what it shows."""
    from exercise.tui.help import RULES_HELP, HelpScreen

    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(80, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert ("c", "Channels") in app.screen.keys
        assert "`c` shows each channel you are in" in RULES_HELP


async def test_a_pasted_control_character_never_enters_the_message_field():
    """Untrusted words (issue 13, promise 6): a paste holding ESC, a C1 CSI and a newline
    reaches the message field without them, so the field never draws a control to the
    terminal; the rest of the words are kept as typed, and the message goes out plain."""
    from textual import events
    from textual.widgets import Input

    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        field = app.screen.query_one("#text", Input)
        field.post_message(events.Paste("x\x1b]52;c;aGk=\x07 \x9b31m[b]y\n"))
        await settle(pilot)
        assert field.value == "x]52;c;aGk= 31m[b]y"
        await pilot.press("tab", "space", "ctrl+s")  # to the whole room
        await settle(pilot)
        said = [e.data["text"] for e in app.conductor.game.events if e.kind is EventKind.SAID]
        assert said == ["x]52;c;aGk= 31m[b]y"]


async def test_the_chosen_recipients_are_marked_in_words_not_only_colour():
    """A chosen delegation's box holds a ✓ and the others are blank, so a monochrome
    terminal, a screen reader or a screen capture tells the choice (the proposal dialog's
    list is the same widget)."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _at_discussion(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("tab", "down", "space")  # Russia
        await settle(pilot)
        rows = [" ".join(row.split()) for row in screen_rows(app)]
        assert any(re.search(r"▐✓▌ ?Russia", row) for row in rows)
        assert any(re.search(r"▐ ?▌ ?The whole room", row) for row in rows)
        assert not any("▐X▌" in row for row in rows)
