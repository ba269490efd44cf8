"""Pilot tests: whole exercises played through the terminal UI alone (keys and clicks)."""

from __future__ import annotations

import pytest

from exercise.engine import Phase, Status
from exercise.tui.dialogs import ProposalDialog, VoteDialog
from exercise.tui.picker import PickerScreen
from exercise.tui.screens import BriefingScreen, DebriefScreen, SeatScreen
from exercise.tui.table import TableScreen

from .helpers import make_app, play_out, screen_text, settle, table


async def test_tutorial_solo_played_to_an_outcome_with_keys():
    """The tutorial, solo as Ukraine, from the briefing to the debrief with keys alone."""
    app = make_app("tutorial", ["ukraine"], seed=2)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)
        assert "Your private brief" in screen_text(app)
        await pilot.press("right", "right")
        await settle(pilot)
        assert "Your private brief — Ukraine" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TableScreen)
        await play_out(pilot, vote="a")
        conductor = app.conductor
        assert conductor is not None and conductor.game.is_over
        outcome = conductor.game.outcome()
        text = screen_text(app)
        assert isinstance(app.screen, DebriefScreen)
        assert {"agreement": "Agreement", "no_agreement": "No agreement",
                "collapse": "Collapse"}[str(outcome.kind)] in text
        for tab in ("Outcome", "Deal analysis", "Timeline", "Talks", "Reveal", "Debrief"):
            assert tab in text  # Talks: the computer delegations bargained
        await pilot.press("right", "right", "right", "right")
        await settle(pilot)
        assert "Reveal: private briefs and values" in screen_text(app)


async def test_a_proposal_and_a_vote_made_by_keys_reach_the_engine():
    """Selecting elements with space and tabling with t; voting a/r/s; the engine records it."""
    app = make_app("tutorial", ["us"], seed=5)  # the US proposes in round 1
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert app.conductor.game.proposer == "us"
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProposalDialog)
        text = screen_text(app)
        assert "Not available now" in text
        assert "Buffer zone held by non-NATO troops: requires Freeze the front line to be " \
               "adopted first" in text
        await pilot.press("space")  # the first option: Freeze the front line
        await pilot.press("t")
        await settle(pilot)
        game = app.conductor.game
        assert game.tabled == ("freeze",)
        assert game.phase is Phase.DISCUSSION
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VoteDialog)
        await pilot.press("r", "c")
        await settle(pilot, 6)
        record = game.history[0]
        assert record.ballots["us"] == {"freeze": "reject"}


async def test_clicks_work_too():
    """The mouse: clicking the buttons of the vote dialog casts a vote."""
    app = make_app("tutorial", ["russia"], seed=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#do-begin")
        await settle(pilot, 6)
        game = app.conductor.game
        while game.phase is not Phase.VOTING:
            await pilot.press("o" if game.phase is Phase.DISCUSSION else "x")
            await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VoteDialog)
        for target in app.screen.targets:
            await pilot.click(f"#ballot-{target} RadioButton")
        await pilot.click("#do-cast")
        await settle(pilot, 6)
        assert "russia" in game.history[-1].ballots


async def test_real_scenario_played_to_an_outcome():
    """Berlin, December 2025, solo as Ukraine, to the debrief through the UI alone."""
    app = make_app("berlin-2025", ["ukraine"], seed=4)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        await play_out(pilot, vote="a")
        game = app.conductor.game
        assert game.is_over
        adopted = [e for e in game.book.element_ids if game.status(e) is Status.ADOPTED]
        text = screen_text(app)
        for element in adopted:
            assert app.conductor.scenario.element(element).title[:30] in text
        await pilot.press("right", "right", "right", "right", "right")
        await settle(pilot)
        assert app.conductor.scenario.debrief.questions[0][:40] in screen_text(app)


async def test_picker_then_seats_then_briefing():
    """`exercise` alone: the picker, then seat assignment with one-key solo, then the briefing."""
    from exercise.tui.app import ExerciseApp

    app = ExerciseApp(bot_delay=0.0, live_clock=False, clock=lambda: 0.0, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        text = screen_text(app)
        assert "Tutorial: a ceasefire in three rounds" in text and "Delegations" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SeatScreen)
        await pilot.press("down", "s")  # solo as the second delegation
        await settle(pilot)
        plans = app.screen.plans
        humans = [p for p, plan in plans.items() if plan.human]
        assert len(humans) == 1
        assert "Solo: you play" in screen_text(app)
        await pilot.press("c")  # cycle a persona: only computer seats have one
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)
        assert app.conductor.humans == humans


async def test_facilitator_console_fires_an_inject_and_ends_the_exercise():
    """The facilitator's console: fire an ad-hoc card, then end the exercise."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        await pilot.press("f")
        await settle(pilot)
        text = screen_text(app)
        assert "Inject deck" in text and "Protests in Kyiv" in text
        assert "Round 1" in text  # the guide's notes for this round
        deck = app.screen.query_one("#deck")
        ids = [deck.get_option_at_index(i).id for i in range(deck.option_count)]
        deck.highlighted = ids.index("kyiv-protests")
        await pilot.press("i")
        await settle(pilot)
        game = app.conductor.game
        assert "kyiv-protests" in game.session.fired
        assert "Protests in Kyiv" in screen_text(app)  # the card, for everyone
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, 4)
        assert game.outcome().kind == "ended"
        assert isinstance(app.screen, DebriefScreen)


async def test_help_lists_the_keys_and_the_rules():
    """`?` shows the keys of the current screen and the rules in brief."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        assert "Keys here" in text and "Facilitator" in text
        assert "How a round goes" in text
        assert "│ ? │ Help" in text and "question_mark" not in text  # keys as typed


async def test_an_illegal_move_is_a_notice_not_a_traceback():
    """An engine error shows as a notice and the game carries on."""
    from exercise.engine import Table

    app = make_app("tutorial", ["us"], seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = table(app)
        screen.act("us", Table("us", ("dmz-europe",)))  # requires the freeze: illegal
        await settle(pilot)
        assert any(n.startswith("Not allowed") and "requires freeze" in n for n in app.notices)
        assert app.conductor.game.phase is Phase.PROPOSAL


async def test_the_proposal_dialog_fits_80x24_and_names_what_it_refuses():
    """Berlin's long list at 80×24: the choices scroll, what is being tabled and the
    buttons stay on screen, and tabling two elements that exclude each other is refused
    in the elements' titles, with the dialog still open and nothing changed."""
    app = make_app("berlin-2025", ["ukraine"], seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert app.conductor.game.proposer == "ukraine"
        await pilot.press("p")
        await settle(pilot)
        # The fourth and fifth choices: European troops, or intelligence only.
        await pilot.press("down", "down", "down", "space", "down", "space")
        await settle(pilot)
        text = screen_text(app)
        assert "Tabling (2 of at most 3)" in text and "Table selected (t)" in text
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ProposalDialog)
        text = screen_text(app)
        assert "⚠ “European troops on the ground, in the west” and “Intelligence only:" in text
        assert "exclude each other" in text
        assert "europe-force-west" not in text
        assert app.conductor.game.phase is Phase.PROPOSAL


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_table_fits_small_and_large_terminals(size):
    """At 80×24 the table shows the elements, the parties, a track and the footer keys."""
    app = make_app("buffer-zone-2025", ["ukraine"], seed=1)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        text = screen_text(app)
        assert "Delegations" in text and "Escalation" in text
        assert "Facilitator" in text and "Help" in text
        assert "Round 1/" in text


async def test_fast_typing_in_the_ballot_records_each_line():
    """Typing a ballot quickly ('r', 'a', 's', then 'c') records exactly those votes."""
    app = make_app("tutorial", ["ukraine"], seed=4)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        game = app.conductor.game
        await pilot.press("o")
        await settle(pilot, 5)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, VoteDialog)
        targets = dialog.targets
        keys = ["r", "a", "s"][: len(targets)]
        await pilot.press(*keys, "c")
        await settle(pilot, 6)
        words = {"r": "reject", "a": "accept", "s": "abstain"}
        assert game.history[0].ballots["ukraine"] == {
            t: words[k] for t, k in zip(targets, keys, strict=True)}


async def test_the_command_palette_lists_the_screens_actions():
    """The command palette offers the current screen's actions, from the same bindings."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot, 5)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in ("Facilitator", "Element", "Briefing", "Help", "Light or dark theme"):
            assert action in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Facilit")
        await settle(pilot, 5)
        assert "Facilitator" in screen_text(app)


async def test_theme_switches_between_light_and_dark():
    """ctrl+t switches the theme."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
