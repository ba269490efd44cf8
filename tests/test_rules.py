"""Rule tests, each named after the rule of scenario-format.md it pins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from exercise.engine import (
    CallRatification,
    CallVote,
    EndExercise,
    EventKind,
    FireInject,
    Game,
    OutcomeKind,
    Pass,
    Phase,
    Status,
    Table,
    Vote,
)

MakeGame = Callable[..., Game]


def el(eid: str, **extra: Any) -> dict[str, Any]:
    """An element with the required keys."""
    return {"id": eid, "title": eid.upper(), "summary": f"Element {eid}.", **extra}


def party(pid: str, **extra: Any) -> dict[str, Any]:
    """A party with the required keys."""
    return {"id": pid, "name": pid.title(), "public_brief": f"{pid} brief.", **extra}


def inject(iid: str, **extra: Any) -> dict[str, Any]:
    """An inject with the required keys."""
    return {"id": iid, "title": iid.title(), "text": f"{iid} happens.", **extra}


def vote_round(game: Game, elements: tuple[str, ...], ballots: dict[str, Any]) -> None:
    """Table ``elements`` as the proposer, open voting and cast ``ballots`` per party.

    A ballot given as a string applies to every tabled element (or the package).
    """
    assert game.proposer is not None
    game.push(Table(game.proposer, elements))
    game.push(CallVote())
    for who in game.awaiting():
        choice = ballots[who]
        if isinstance(choice, str):
            choice = dict.fromkeys(game.ballot_targets(), choice)
        game.push(Vote(who, choice))


ALL_ACCEPT = {"ukraine": "accept", "russia": "accept", "us": "accept"}


# --- A round, 1. briefing ------------------------------------------------------------------------


def test_round_1_briefing_at_injects_fire_at_start_of_their_round_in_file_order(make_game):
    """Rule 'A round' 1: injects `at` a round fire at its start, in file order."""
    game = make_game(injects=[inject("second", at={"round": 2}), inject("first", at={"round": 2}),
                              inject("opening", at={"round": 1})])
    assert game.session.fired == ["opening"]
    game.push(Pass(game.proposer))
    assert game.round == 2
    assert game.session.fired == ["opening", "second", "first"]


# --- A round, 2. proposal ------------------------------------------------------------------------


def test_round_2_proposal_default_turn_order_is_file_order_without_observers(make_game):
    """Rule 'Top level' turn_order default: parties in file order, observers left out."""
    parties = [party("un", role="observer"), party("ukraine"), party("russia")]
    game = make_game(parties=parties, rounds=4)
    seen = []
    for _ in range(3):
        seen.append(game.proposer)
        game.push(Pass(game.proposer))
    assert seen == ["ukraine", "russia", "ukraine"]


def test_round_2_proposal_turn_order_wraps(make_game):
    """Rule 'A round' 2: the proposer comes from turn_order for round 1, 2, ... (wrapping)."""
    game = make_game(rounds=5, turn_order=["us", "russia"])
    seen = []
    for _ in range(4):
        seen.append(game.proposer)
        game.push(Pass(game.proposer))
    assert seen == ["us", "russia", "us", "russia"]


def test_round_2_proposal_max_package_limits_a_proposal(make_game):
    """Rule 'A round' 2: a proposal tables 1..max_package elements."""
    from exercise.engine import InvalidPackageError

    game = make_game(max_package=1)
    with pytest.raises(InvalidPackageError, match="at most 1"):
        game.push(Table("ukraine", ("dmz", "monitoring")))
    game.push(Table("ukraine", ("dmz",)))
    assert game.phase is Phase.DISCUSSION


def test_round_2_proposal_requires_must_be_adopted_first(make_game):
    """Rule 'Plan elements' requires: tabled only once its requires are adopted."""
    from exercise.engine import InvalidPackageError

    game = make_game(elements=[el("dmz"), el("monitoring", requires=["dmz"])])
    assert game.tableable() == ("dmz",)
    assert "requires dmz" in (game.why_not_tableable("monitoring") or "")
    with pytest.raises(InvalidPackageError, match="requires dmz"):
        game.push(Table("ukraine", ("dmz", "monitoring")))
    vote_round(game, ("dmz",), ALL_ACCEPT)
    assert "monitoring" in game.tableable()


def test_round_2_proposal_pass_skips_to_the_next_round(make_game):
    """Rule 'A round': a pass skips to the next round, with no vote and no resolution."""
    game = make_game()
    game.push(Pass("ukraine"))
    assert (game.round, game.phase, game.proposer) == (2, Phase.PROPOSAL, "russia")
    assert game.history == []


# --- A round, 3-4. discussion and voting ---------------------------------------------------------


def test_round_4_voting_every_non_observer_votes_and_observers_never(make_game):
    """Rule 'A round' 4: every non-observer party votes; observers never vote."""
    from exercise.engine import InvalidBallotError

    parties = [party("ukraine"), party("russia"), party("un", role="observer")]
    game = make_game(parties=parties)
    game.push(Table("ukraine", ("dmz",)))
    game.push(CallVote())
    assert set(game.awaiting()) == {"ukraine", "russia"}
    with pytest.raises(InvalidBallotError, match="observer"):
        game.push(Vote("un", {"dmz": "accept"}))


def test_round_4_voting_package_ballot_is_one_vote_on_the_whole(make_game):
    """Rule 'A round' 4: with voting: package, each party votes once on the package."""
    from exercise.engine import InvalidBallotError

    game = make_game(voting="package")
    game.push(Table("ukraine", ("dmz", "monitoring")))
    game.push(CallVote())
    assert game.ballot_targets() == ("package",)
    with pytest.raises(InvalidBallotError):
        game.push(Vote("ukraine", {"dmz": "accept", "monitoring": "accept"}))
    game.push(Vote("ukraine", {"package": "accept"}))


# --- A round, 5. resolution ----------------------------------------------------------------------


def test_round_5_resolution_consent_party_rejection_is_a_veto(make_game):
    """Rule 'A round' 5: adopted only when every party in consent accepted."""
    game = make_game(elements=[el("dmz", consent=["russia"]), el("monitoring")])
    vote_round(game, ("dmz",), {"ukraine": "accept", "us": "accept", "russia": "reject"})
    assert game.status("dmz") is Status.OPEN
    assert game.session.rejections["dmz"] == 1


def test_round_5_resolution_consent_party_abstaining_blocks_adoption(make_game):
    """Rule 'A round' 5: a consent party must *accept*; abstaining is not consent."""
    game = make_game(elements=[el("dmz", consent=["russia"]), el("monitoring")])
    vote_round(game, ("dmz",), {"ukraine": "accept", "us": "accept", "russia": "abstain"})
    assert game.status("dmz") is Status.OPEN


def test_round_5_resolution_majority_is_at_least_the_share_of_votes_cast(make_game):
    """Rule 'A round' 5: accepting votes at least `majority` of votes cast; a tie passes at 0.5."""
    game = make_game(parties=[party("a"), party("b")], majority=0.5)
    vote_round(game, ("dmz",), {"a": "accept", "b": "reject"})
    assert game.status("dmz") is Status.ADOPTED


def test_round_5_resolution_majority_is_exact_not_floating_point(make_game):
    """Rule 'Top level' majority: 7 of 10 passes at 0.7 (no rounding error)."""
    parties = [party(f"p{i}") for i in range(10)]
    game = make_game(parties=parties, majority=0.7)
    ballots = {f"p{i}": "accept" if i < 7 else "reject" for i in range(10)}
    vote_round(game, ("dmz",), ballots)
    assert game.status("dmz") is Status.ADOPTED


def test_round_5_resolution_majority_below_the_share_fails(make_game):
    """Rule 'A round' 5: 1 accept of 3 cast is short of a 0.5 majority."""
    game = make_game()
    vote_round(game, ("dmz",), {"ukraine": "accept", "russia": "reject", "us": "reject"})
    assert game.status("dmz") is Status.OPEN


def test_round_5_resolution_abstentions_are_not_counted(make_game):
    """Rule 'A round' 5: abstentions are not counted among the votes cast."""
    game = make_game(majority=0.6)
    vote_round(game, ("dmz",), {"ukraine": "accept", "russia": "abstain", "us": "abstain"})
    assert game.status("dmz") is Status.ADOPTED


def test_round_5_resolution_all_abstain_is_not_adopted(make_game):
    """Rule 'A round' 5: if all abstain the element is not adopted."""
    game = make_game()
    vote_round(game, ("dmz",), {"ukraine": "abstain", "russia": "abstain", "us": "abstain"})
    assert game.status("dmz") is Status.OPEN
    assert game.session.rejections["dmz"] == 1


def test_round_5_resolution_each_element_is_voted_separately(make_game):
    """Rule 'Top level' voting: element — each tabled element is decided on its own."""
    game = make_game()
    vote_round(game, ("dmz", "monitoring"), {
        "ukraine": {"dmz": "accept", "monitoring": "reject"},
        "russia": {"dmz": "accept", "monitoring": "reject"},
        "us": {"dmz": "reject", "monitoring": "accept"},
    })
    assert game.status("dmz") is Status.ADOPTED
    assert game.status("monitoring") is Status.OPEN


def test_round_5_resolution_package_is_adopted_or_rejected_whole(make_game):
    """Rule 'A round' 5: with voting: package, the package is adopted whole or rejected whole."""
    elements = [el("dmz", consent=["russia"]), el("monitoring", on_reject={"esc": 1})]
    tracks = [{"id": "esc", "label": "Escalation", "start": 0}]
    game = make_game(voting="package", elements=elements, tracks=tracks, rounds=3)
    vote_round(game, ("dmz", "monitoring"), {"ukraine": "accept", "russia": "reject",
                                             "us": "accept"})
    assert [game.status(e) for e in ("dmz", "monitoring")] == [Status.OPEN, Status.OPEN]
    assert game.session.rejections == {"dmz": 1, "monitoring": 1}
    assert game.session.tracks["esc"] == 1
    vote_round(game, ("dmz", "monitoring"), ALL_ACCEPT)
    assert [game.status(e) for e in ("dmz", "monitoring")] == [Status.ADOPTED, Status.ADOPTED]


def test_round_5_resolution_adoption_applies_effects_and_excludes(make_game):
    """Rule 'A round' 5: adoption applies effects and marks excludes as excluded."""
    elements = [el("dmz", effects={"esc": -2}, excludes=["frozen"]), el("frozen"), el("other")]
    tracks = [{"id": "esc", "label": "Escalation", "start": 5}]
    game = make_game(elements=elements, tracks=tracks)
    vote_round(game, ("dmz",), ALL_ACCEPT)
    assert game.status("frozen") is Status.EXCLUDED
    assert game.session.tracks["esc"] == 3


def test_plan_elements_excludes_is_symmetric(make_game):
    """Rule 'Plan elements' excludes: the relation is symmetric."""
    elements = [el("dmz"), el("frozen", excludes=["dmz"]), el("other")]
    game = make_game(elements=elements)
    vote_round(game, ("dmz",), ALL_ACCEPT)
    assert game.status("frozen") is Status.EXCLUDED


def test_plan_elements_mutually_exclusive_elements_cannot_be_tabled_together(make_game):
    """Rule 'Plan elements' excludes: elements that exclude each other cannot share a package."""
    from exercise.engine import InvalidPackageError

    game = make_game(elements=[el("dmz", excludes=["frozen"]), el("frozen")])
    with pytest.raises(InvalidPackageError, match="exclude each other"):
        game.push(Table("ukraine", ("dmz", "frozen")))


def test_round_5_resolution_rejection_reopens_counts_and_applies_on_reject(make_game):
    """Rule 'A round' 5: rejection reopens the element, counts a rejection, applies on_reject."""
    tracks = [{"id": "esc", "label": "Escalation", "start": 2}]
    game = make_game(elements=[el("dmz", on_reject={"esc": 3})], tracks=tracks, rounds=4)
    for expected in (1, 2):
        vote_round(game, ("dmz",), {"ukraine": "reject", "russia": "reject", "us": "reject"})
        assert game.status("dmz") is Status.OPEN
        assert game.session.rejections["dmz"] == expected
    assert game.session.tracks["esc"] == 8


def test_round_5_resolution_when_injects_checked_in_file_order_seeing_earlier_effects(make_game):
    """Rule 'A round' 5: `when` injects are checked in file order, each seeing the ones before."""
    tracks = [{"id": "esc", "label": "Escalation", "start": 0}]
    injects = [
        inject("first", when={"element": "dmz", "status": "adopted"},
               effects={"tracks": {"esc": 4}}),
        inject("second", when={"track": "esc", "at_least": 4}),
        inject("third", when={"inject": "second", "fired": True}),
    ]
    game = make_game(tracks=tracks, injects=injects)
    vote_round(game, ("dmz",), ALL_ACCEPT)
    assert game.session.fired == ["first", "second", "third"]


# --- Tracks --------------------------------------------------------------------------------------


def test_tracks_values_are_clamped_to_min_and_max(make_game):
    """Rule 'Tracks': values are clamped to [min, max]."""
    tracks = [{"id": "esc", "label": "Escalation", "start": 8, "min": 0, "max": 10}]
    game = make_game(elements=[el("dmz", effects={"esc": 5}), el("x", effects={"esc": -50})],
                     tracks=tracks)
    vote_round(game, ("dmz",), ALL_ACCEPT)
    assert game.session.tracks["esc"] == 10
    vote_round(game, ("x",), ALL_ACCEPT)
    assert game.session.tracks["esc"] == 0


def test_tracks_reaching_collapse_at_ends_the_talks_at_once(make_game):
    """Rule 'Tracks': reaching collapse_at ends the talks at once with outcome collapse."""
    tracks = [{"id": "esc", "label": "Escalation", "start": 5, "collapse_at": 7}]
    elements = [el("dmz", on_reject={"esc": 2}), el("monitoring")]
    game = make_game(elements=elements, tracks=tracks, rounds=5)
    vote_round(game, ("dmz", "monitoring"), {"ukraine": "reject", "russia": "reject",
                                             "us": "reject"})
    outcome = game.outcome()
    assert outcome is not None and outcome.kind is OutcomeKind.COLLAPSE
    assert game.phase is Phase.ENDED and game.round == 1
    # "At once": the second tabled element was never resolved.
    assert game.session.rejections == {"dmz": 1, "monitoring": 0}
    assert "Escalation" in outcome.reason


def test_tracks_collapse_line_below_the_start_is_reached_going_down(make_game):
    """Rule 'Tracks': a collapse line below the start is reached when the value falls to it."""
    tracks = [{"id": "trust", "label": "Trust", "start": 5, "collapse_at": 1}]
    game = make_game(elements=[el("dmz", on_reject={"trust": -4}), el("x")], tracks=tracks)
    vote_round(game, ("dmz",), {"ukraine": "reject", "russia": "reject", "us": "reject"})
    assert game.outcome().kind is OutcomeKind.COLLAPSE


def test_tracks_collapse_from_an_inject(make_game):
    """Rule 'A round': whenever a track changes, by an inject too, collapse_at ends the talks."""
    tracks = [{"id": "esc", "label": "Escalation", "start": 5, "collapse_at": 10}]
    game = make_game(tracks=tracks, injects=[inject("strike", effects={"tracks": {"esc": 6}})])
    game.push(FireInject("strike"))
    assert game.outcome().kind is OutcomeKind.COLLAPSE


# --- Ratification and outcome --------------------------------------------------------------------


def test_ratification_after_the_last_round(make_game):
    """Rule 'A round': after the last round comes ratification."""
    game = make_game(rounds=2)
    game.push(Pass("ukraine"))
    game.push(Pass("russia"))
    assert game.is_over and game.round == 2
    assert game.outcome().kind is OutcomeKind.NO_AGREEMENT


def test_ratification_when_the_facilitator_calls_it(make_game):
    """Rule 'A round': ratification comes earlier when the facilitator calls it."""
    game = make_game(elements=[el("dmz"), el("x")])
    vote_round(game, ("dmz",), ALL_ACCEPT)
    game.push(Table("russia", ("x",)))
    game.push(CallRatification())
    assert game.outcome().kind is OutcomeKind.AGREEMENT
    assert game.status("x") is Status.OPEN  # the package on the table was dropped, not voted


def test_ratification_when_no_element_is_left_open(make_game):
    """Rule 'A round': ratification comes earlier when no element is left open."""
    game = make_game(rounds=5)
    vote_round(game, ("dmz", "monitoring"), ALL_ACCEPT)
    assert game.is_over and game.round == 1
    assert game.outcome().kind is OutcomeKind.AGREEMENT


def test_ratification_score_is_sum_of_values_over_adopted_elements_after_shifts(make_game):
    """Rule 'Ratification': score = sum of values over adopted elements, after inject shifts."""
    elements = [el("dmz", values={"ukraine": 3, "russia": -1}),
                el("monitoring", values={"ukraine": 2}), el("x", values={"ukraine": 100})]
    injects = [inject("shift", effects={"values": {"ukraine": {"dmz": 4}}})]
    game = make_game(elements=elements, injects=injects)
    vote_round(game, ("dmz", "monitoring"), ALL_ACCEPT)
    assert game.session.scores == {"ukraine": 5, "russia": -1, "us": 0}
    game.push(FireInject("shift"))
    assert game.session.scores["ukraine"] == 9


def test_ratification_party_signs_when_score_reaches_walk_away(make_game):
    """Rule 'Parties' walk_away: a party signs only if its score is at least its walk-away."""
    parties = [party("ukraine", walk_away=3), party("russia", walk_away=0.3),
               party("us", role="guarantor", walk_away=10)]
    elements = [el("dmz", values={"ukraine": 3, "russia": 0.1}),
                el("monitoring", values={"russia": 0.2})]
    game = make_game(parties=parties, elements=elements)
    vote_round(game, ("dmz", "monitoring"), ALL_ACCEPT)
    # 0.1 + 0.2 reaches 0.3 exactly: decimal sums are not floating-point noise.
    assert game.outcome().signed == {"ukraine": True, "russia": True, "us": False}
    # The guarantor does not sign, but only principals are required by default.
    assert game.outcome().kind is OutcomeKind.AGREEMENT


def test_ratification_required_parties_can_be_listed(make_game):
    """Rule 'Ratification': ratification.required lists who must sign."""
    parties = [party("ukraine"), party("russia"), party("us", role="guarantor", walk_away=1)]
    game = make_game(parties=parties, ratification={"required": ["ukraine", "us"]})
    vote_round(game, ("dmz", "monitoring"), ALL_ACCEPT)
    outcome = game.outcome()
    assert outcome.kind is OutcomeKind.NO_AGREEMENT and "us" in outcome.reason


def test_outcome_no_agreement_when_nothing_was_adopted(make_game):
    """Rule 'Ratification': agreement needs at least one element adopted."""
    game = make_game(rounds=1)
    game.push(Pass("ukraine"))
    assert game.outcome().kind is OutcomeKind.NO_AGREEMENT


def test_outcome_ended_when_the_facilitator_stops(make_game):
    """Rule 'Ratification' outcome ended: the facilitator stopped the exercise."""
    game = make_game()
    game.push(EndExercise("Out of time"))
    outcome = game.outcome()
    assert outcome.kind is OutcomeKind.ENDED and outcome.reason == "Out of time"


def test_outcome_collapse_when_an_inject_end_fires(make_game):
    """Rule 'Injects' effects end: ends the talks with outcome collapse."""
    game = make_game(injects=[inject("walkout", effects={"end": "Russia walks out"})])
    game.push(FireInject("walkout"))
    outcome = game.outcome()
    assert outcome.kind is OutcomeKind.COLLAPSE and outcome.reason == "Russia walks out"


# --- Injects -------------------------------------------------------------------------------------


def test_injects_when_fires_the_first_time_it_holds_and_not_again(make_game):
    """Rule 'Injects' when: fires the first time it holds (and only then, without repeat)."""
    game = make_game(rounds=4, injects=[inject("tick", when={"round_at_least": 1})])
    vote_round(game, ("dmz",), {"ukraine": "reject", "russia": "reject", "us": "reject"})
    vote_round(game, ("dmz",), {"ukraine": "reject", "russia": "reject", "us": "reject"})
    assert game.session.fired == ["tick"]


def test_injects_repeat_fires_again_at_later_checks(make_game):
    """Rule 'Injects' repeat: a `when` inject may fire again at later checks."""
    game = make_game(rounds=4, injects=[inject("tick", when={"round_at_least": 1}, repeat=True)])
    for _ in range(3):
        vote_round(game, ("dmz",), {"ukraine": "reject", "russia": "reject", "us": "reject"})
    assert game.session.fired == ["tick", "tick", "tick"]


def test_injects_when_is_checked_only_after_a_resolution(make_game):
    """Rule 'Injects' when: checked after every resolution, so a passed round checks nothing."""
    game = make_game(rounds=3, injects=[inject("tick", when={"round_at_least": 1})])
    game.push(Pass("ukraine"))
    assert game.session.fired == []


def test_injects_chance_is_drawn_from_the_seeded_source(make_game):
    """Rule 'Injects' chance: drawn from the session's seeded random source."""
    spec = [inject("maybe", when={"round_at_least": 1}, chance=0.5, repeat=True)]

    def fired(seed: int) -> int:
        game = make_game(seed=seed, rounds=8, injects=spec)
        for _ in range(8):
            if game.is_over:
                break
            vote_round(game, ("dmz",), {"ukraine": "reject", "russia": "reject", "us": "reject"})
        return len(game.session.fired)

    counts = [fired(seed) for seed in range(20)]
    assert counts == [fired(seed) for seed in range(20)]  # same seed, same draws
    assert 0 < sum(counts) < 20 * 8  # sometimes yes, sometimes no
    assert len(set(counts)) > 1


def test_injects_audience_makes_a_private_event(make_game):
    """Rule 'Injects' audience: a private inject reaches only those seats and the facilitator."""
    game = make_game(injects=[inject("secret", audience=["russia"], at={"round": 1})])
    event = next(e for e in game.events if e.kind is EventKind.INJECT_FIRED)
    assert event.audience == ("russia",)
    assert event.visible_to("russia") and event.visible_to(None)
    assert not event.visible_to("ukraine")


def test_injects_effects_values_stances_walk_away(make_game):
    """Rule 'Injects' effects: values, stances and walk_away shift as written."""
    effects = {
        "values": {"russia": {"dmz": -2}},
        "stances": {"us": {"dmz": "oppose"}},
        "walk_away": {"ukraine": 1.5},
    }
    game = make_game(injects=[inject("news", effects=effects)])
    game.push(FireInject("news"))
    s = game.session
    assert s.values["russia"]["dmz"] == -2
    assert s.stances["dmz"]["us"] == "oppose"
    assert s.walk_away["ukraine"] == 1.5


def test_injects_add_elements_moves_hidden_to_open(make_game):
    """Rule 'Injects' effects add_elements: hidden → open."""
    elements = [el("dmz"), el("ip-deal", hidden=True)]
    game = make_game(elements=elements, injects=[inject("reveal", effects={
        "add_elements": ["ip-deal"]})])
    assert game.status("ip-deal") is Status.HIDDEN
    assert "not on the table" in (game.why_not_tableable("ip-deal") or "")
    game.push(FireInject("reveal"))
    assert game.status("ip-deal") is Status.OPEN


def test_injects_withdraw_elements_moves_open_to_withdrawn(make_game):
    """Rule 'Injects' effects withdraw_elements: open → withdrawn."""
    game = make_game(injects=[inject("pull", effects={"withdraw_elements": ["monitoring"]})])
    game.push(FireInject("pull"))
    assert game.status("monitoring") is Status.WITHDRAWN
    assert "monitoring" not in game.tableable()


def test_injects_withdrawing_the_tabled_package_reopens_the_floor(make_game):
    """Rule 'Injects' withdraw_elements, on the tabled package: the proposer may table again."""
    elements = [el("dmz"), el("monitoring"), el("x")]
    game = make_game(elements=elements, injects=[inject("pull", effects={
        "withdraw_elements": ["dmz"]})])
    game.push(Table("ukraine", ("dmz",)))
    game.push(FireInject("pull"))
    assert game.phase is Phase.PROPOSAL and game.proposer == "ukraine"
    assert game.tabled == ()


def test_injects_withdrawing_the_last_open_element_brings_ratification(make_game):
    """Rule 'A round': when no element is left open (an inject withdrew it), ratification comes."""
    elements = [el("dmz"), el("monitoring")]
    game = make_game(elements=elements, injects=[inject("pull", effects={
        "withdraw_elements": ["monitoring"]})])
    vote_round(game, ("dmz",), ALL_ACCEPT)
    game.push(FireInject("pull"))
    assert game.outcome().kind is OutcomeKind.AGREEMENT


def test_injects_ad_hoc_fire_only_by_the_facilitator_once(make_game):
    """Rule 'Injects': an inject with neither at nor when fires only when the facilitator says."""
    from exercise.engine import InjectUnavailableError

    game = make_game(rounds=3, injects=[inject("card")])
    game.push(Pass("ukraine"))
    game.push(Pass("russia"))
    assert game.session.fired == []
    game = make_game(injects=[inject("card")])
    game.push(FireInject("card"))
    assert game.session.fired == ["card"]
    with pytest.raises(InjectUnavailableError, match="already fired"):
        game.push(FireInject("card"))


def test_injects_scheduled_inject_fired_early_by_hand_does_not_fire_again(make_game):
    """Rule 'Injects' (our reading): a scheduled inject played early by hand is spent."""
    game = make_game(injects=[inject("later", at={"round": 2})])
    game.push(FireInject("later"))
    game.push(Pass("ukraine"))
    assert game.session.fired == ["later"]


def test_injects_collapse_stops_remaining_injects(make_game):
    """Rule 'Tracks': reaching collapse_at ends the talks at once, so later injects do not fire."""
    tracks = [{"id": "esc", "label": "Escalation", "start": 0, "collapse_at": 5}]
    injects = [inject("boom", at={"round": 2}, effects={"tracks": {"esc": 5}}),
               inject("after", at={"round": 2})]
    game = make_game(tracks=tracks, injects=injects)
    game.push(Pass("ukraine"))
    assert game.session.fired == ["boom"]
    assert game.outcome().kind is OutcomeKind.COLLAPSE
