"""Hot seat: private briefs, private injects and secret votes never show on another seat's turn."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from exercise.engine import FireInject, Phase
from exercise.tui.app import ExerciseApp
from exercise.tui.channels import PrivateTalk
from exercise.tui.dialogs import HandOver, InfoDialog, VoteDialog
from exercise.tui.facilitator import FacilitatorConsole
from exercise.tui.table import TableScreen

from .helpers import make_app, screen_text, settle, table

UKRAINE_SECRET = "Your best outcome is a frozen front line"
RUSSIA_SECRET = "Above all you want Ukraine"
RUSSIA_CARD = "a private message to the Russian delegation"


def private_bits(app: ExerciseApp) -> dict[str, bool]:
    """Which private things are on the screen now."""
    text = screen_text(app)
    return {"ukraine brief": UKRAINE_SECRET in text, "russia brief": RUSSIA_SECRET in text,
            "russia card": RUSSIA_CARD in text, "your value": "for you" in text}


async def test_private_briefs_are_handed_out_seat_by_seat():
    """Each seat reads only its own private brief, each behind a hand-over screen."""
    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not any(private_bits(app).values()), "the shared briefing shows no private brief"
        assert "Your private brief" not in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, HandOver) and "Ukraine" in screen_text(app)
        assert not any(private_bits(app).values())
        await pilot.press("enter")
        await settle(pilot)
        bits = private_bits(app)
        assert bits["ukraine brief"] and not bits["russia brief"]
        await pilot.press("enter")  # close the card: one screen for the change of seat
        await settle(pilot)
        assert isinstance(app.screen, HandOver) and "Russia" in screen_text(app)
        assert not any(private_bits(app).values())
        await pilot.press("enter")
        await settle(pilot)
        bits = private_bits(app)
        assert bits["russia brief"] and not bits["ukraine brief"]


async def drive_to_votes(pilot: Pilot[Any], app: ExerciseApp) -> TableScreen:
    """From the briefing to a round's voting, passing through any hand-overs."""
    await pilot.press("enter")
    await settle(pilot)
    screen = table(app)
    game = app.conductor.game
    for _ in range(20):
        if game.phase is Phase.VOTING:
            break
        if isinstance(app.screen, HandOver | PrivateTalk):  # side talk: read, go on
            await pilot.press("enter")
        elif game.phase is Phase.DISCUSSION and app.screen is screen:
            await pilot.press("o")
        elif app.screen is not screen:
            await pilot.press("t" if "space" not in screen_text(app) else "space", "t")
        await settle(pilot)
    return screen


async def test_secret_votes_and_private_values_stay_with_their_seat():
    """At a shared screen each voter is handed the keyboard; a voter sees only its own values,
    and no one sees a ballot before every ballot is in."""
    app = make_app("tutorial", ["ukraine", "russia"], seed=1)  # the US (computer) proposes
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drive_to_votes(pilot, app)
        game = app.conductor.game
        assert game.phase is Phase.VOTING
        seen_voters = []
        for _ in range(12):
            await settle(pilot)
            if game.phase is not Phase.VOTING:
                break
            if isinstance(app.screen, HandOver):
                assert not private_bits(app)["your value"], "a hand-over shows nothing private"
                assert "Votes —" not in screen_text(app)
                await pilot.press("enter")
            elif isinstance(app.screen, VoteDialog):
                voter = app.screen.party
                seen_voters.append(voter)
                text = screen_text(app)
                assert f"{app.conductor.scenario.party(voter).name} votes" in text
                values = game.session.values[voter]
                for element in game.tabled:
                    assert f"{values.get(element, 0):+g} for you" in text
                other = "russia" if voter == "ukraine" else "ukraine"
                assert other not in game.voted() or "Votes —" not in text
                await pilot.press(*["a"] * len(app.screen.targets), "c")
            elif isinstance(app.screen, PrivateTalk):  # a seat's own side talk, then on
                assert "Votes —" not in screen_text(app)
                await pilot.press("enter")
            elif app.screen is screen:
                assert screen.view.viewer == "public"
                assert "You " not in screen_text(app).split("Delegations")[0]
                assert "Votes —" not in screen_text(app) or len(game.voted()) == 0
        assert sorted(seen_voters) == ["russia", "ukraine"]


async def test_a_private_inject_reaches_only_its_seat():
    """A private inject shows only after a hand-over to its seat, never on the shared view."""
    app = make_app("tutorial", ["ukraine", "russia"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = table(app)
        for _ in range(6):  # get back to the shared table
            if app.screen is screen:
                break
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("f")  # the console shows private news: the facilitator's first
        await settle(pilot)
        assert isinstance(app.screen, HandOver) and "the facilitator" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        deck = app.screen.query_one("#deck")
        ids = [deck.get_option_at_index(i).id for i in range(deck.option_count)]
        deck.highlighted = ids.index("moscow-signal")
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, HandOver) and "Russia" in screen_text(app)
        assert not private_bits(app)["russia card"]
        feed_text = " ".join(item.text for item in screen.view.feed)
        assert "Moscow signals flexibility" not in feed_text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog) and private_bits(app)["russia card"]
        await pilot.press("enter")  # back to the shared table: nothing private, no screen
        await settle(pilot)
        assert app.screen is screen
        assert not private_bits(app)["russia card"]
        assert "moscow-signal" in app.conductor.game.session.fired


async def test_solo_never_sees_another_seats_private_inject():
    """Solo as Ukraine: the console (the solo player runs the room) neither offers nor
    lists a private card for Russia, a computer seat; fired by the facilitator's authority
    it never shows on Ukraine's screen, yet it is in the game."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        screen = table(app)
        await pilot.press("f")
        await settle(pilot)
        text = screen_text(app)
        assert "Protests in Kyiv" in text  # a public card is in the deck
        assert "Moscow signals" not in text and "private to Russia" not in text
        await pilot.press("escape")
        await settle(pilot)
        screen.act("facilitator", FireInject("moscow-signal"))
        await settle(pilot, 5)
        assert app.screen is screen
        assert not private_bits(app)["russia card"]
        assert "moscow-signal" in app.conductor.game.session.fired
        await pilot.press("f")
        await settle(pilot)
        assert "Moscow signals" not in screen_text(app)


async def test_the_facilitators_console_at_a_shared_screen_waits_behind_its_hand_over():
    """The issue's leak: buffer-zone-2025 with Turkey and the US played by people at one
    screen. Turkey's private inject and the guide's note on it never show on the shared
    screen; the facilitator's console shows them only after its own hand-over."""
    app = make_app("buffer-zone-2025", ["us", "turkey"], seed=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = table(app)
        inject = app.conductor.scenario.inject("grain-corridor")
        secret = inject.text.strip().split("\n")[0][:40]
        for _ in range(12):  # every hand-over declined: nobody private comes to the keyboard
            if app.screen is screen:
                break
            if isinstance(app.screen, HandOver):
                assert secret not in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
        assert "grain-corridor" in app.conductor.game.session.fired
        assert secret not in screen_text(app) and "Ankara remembers" not in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, HandOver)
        assert "Pass the keyboard to the facilitator" in screen_text(app)
        assert secret not in screen_text(app) and "Ankara remembers" not in screen_text(app)
        await pilot.press("escape")  # not yet: back to the shared table, nothing shown
        await settle(pilot)
        assert app.screen is screen and "Ankara remembers" not in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FacilitatorConsole)
        assert "Ankara remembers" in screen_text(app)
        assert "private to Turkey" in screen_text(app)
