"""Secrecy is decided in one place: no view holds another seat's secrets, nor hints of them.

For every seat of every bundled scenario, at every step of whole games (computer seats,
and a solo seat that also runs the room), each viewer's view is checked two ways:

- **Nothing to read:** no other seat's private brief, no private inject meant for others
  (its title or text, fired or still in the deck), no computer's held vote reason.
- **Nothing to infer:** changing another seat's secrets — its values, walk-away and
  score, its ballot before the reveal, its held vote reasons — leaves the view exactly
  as it was, so no count, number or flag in it depends on them.

Once the exercise is over the debrief reveals everything to everyone, by design; the
checks run until then.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from exercise import catalog
from exercise.bots import ComputerPlayer
from exercise.conduct import FACILITATOR, PUBLIC, Conductor, FeedLine, SeatPlan
from exercise.engine import Ballot, EventKind, FireInject, Offer, Say, Terms
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.view import View

SCENARIOS = [entry.path for entry in catalog.bundled()]


def _room(path: object, solo: str | None, seed: int) -> Room:
    scenario = load_scenario(path)  # type: ignore[arg-type]
    plans = {p.id: SeatPlan(p.id, p.id == solo) for p in scenario.parties}
    return Room(Conductor(scenario, plans, seed), bot_delay=0, auto_vote=True, timer=False)


@contextlib.contextmanager
def _secrets_changed(room: Room, party: str) -> Iterator[None]:
    """Another party's secrets, changed for the length of the block, then put back."""
    s = room.conductor.game.session
    values = dict(s.values.get(party, {}))
    walk, score = s.walk_away.get(party), s.scores.get(party)  # observers have none
    ballot = s.ballots.get(party)
    held = list(room.conductor._held)
    s.values[party] = {e: v * -3 + 7 for e, v in values.items()} | {"__x": 1.0}
    if walk is not None and score is not None:
        s.walk_away[party], s.scores[party] = walk + 13, score - 11
    if ballot is not None:
        flip = {Ballot.ACCEPT: Ballot.REJECT, Ballot.REJECT: Ballot.ABSTAIN,
                Ballot.ABSTAIN: Ballot.ACCEPT}
        s.ballots[party] = {t: flip[b] for t, b in ballot.items()}
    room.conductor._held[:] = [FeedLine(f"SECRET REASON of {party}", kind="reason")]
    try:
        yield
    finally:
        s.values[party] = values
        if walk is not None and score is not None:
            s.walk_away[party], s.scores[party] = walk, score
        if ballot is not None:
            s.ballots[party] = ballot
        room.conductor._held[:] = held


def _forbidden(room: Room, viewer: str) -> list[str]:
    """Texts the viewer must never find in its view while the exercise runs."""
    scenario = room.conductor.scenario
    public = " ".join([scenario.background, *(p.public_brief for p in scenario.parties),
                       *(e.title + e.summary for e in scenario.elements)])
    out = []
    for party in scenario.parties:
        brief = (party.private_brief or "").strip()
        if party.id != viewer and viewer != FACILITATOR and len(brief) > 20 \
                and brief not in public:
            out.append(brief)
    for inject in scenario.injects:
        if inject.is_private and viewer != FACILITATOR and viewer not in inject.audience:
            out.append(inject.text.strip())
            if inject.title not in public:
                out.append(inject.title)
    # A held vote reason is secret, unless a computer seat gave the very same reason, word
    # for word, in a vote already revealed (the same package re-tabled in a later round):
    # then the text in the view is that revealed line and says nothing of the new ballot.
    revealed = {line.text for line in room.conductor.feed}
    out += [line.text for line in room.conductor._held if line.text not in revealed]
    return [text for text in out if text]


def _check(room: Room, viewers: list[str]) -> None:
    if room.conductor.game.is_over:
        for viewer in viewers:  # the debrief reveals everything, to everyone
            debrief = room.view(viewer).debrief
            assert debrief is not None
            assert len(debrief.reveal) == len(room.conductor.scenario.parties)
        return
    parties = [p.id for p in room.conductor.scenario.parties]
    for viewer in viewers:
        seen = room.view(viewer)
        text = repr(seen)
        for secret in _forbidden(room, viewer):
            assert secret not in text, (viewer, secret[:60])
        for other in parties:
            if other == viewer or viewer == FACILITATOR:
                continue
            with _secrets_changed(room, other):
                again = room.view(viewer)
            assert again == seen, f"{viewer}'s view depends on {other}'s secrets"
        assert [i.number for i in seen.feed] == list(range(1, len(seen.feed) + 1))
        assert [c.number for c in seen.cards] == list(range(1, len(seen.cards) + 1))
        _check_channels(room, viewer, seen)
        if viewer != FACILITATOR:
            assert seen.console is None


def _check_channels(room: Room, viewer: str, seen: View) -> None:
    """Issue 13 (channels): a viewer's channels are the room and the sets it belongs to,
    each holding exactly the talk the viewer may read, numbered for it alone."""
    numbers = sorted(item.number for channel in seen.channels for item in channel.lines)
    assert numbers == list(range(1, len(numbers) + 1)), viewer
    for channel in seen.channels:
        assert not channel.members or viewer == FACILITATOR or viewer in channel.members, \
            (viewer, channel.members)
    if viewer == PUBLIC:  # the shared screen: the room's channel, and no private line at all
        assert [c.members for c in seen.channels] in ([], [()])
        assert not any(item.private for item in seen.feed)
    if viewer == FACILITATOR:  # every channel anyone talked on
        spoken = {tuple(sorted(set(e.audience))) for e in room.conductor.game.events
                  if e.kind is EventKind.SAID and e.audience is not None}
        assert spoken <= {channel.members for channel in seen.channels}


def _play(room: Room, solo: str | None, seed: int) -> int:
    """Play to the end, checking every view after every move; returns the steps."""
    viewers = [p.id for p in room.conductor.scenario.parties] + [PUBLIC]
    stand_in = ComputerPlayer(room.conductor.game, solo) if solo else None
    steps = 0
    _check(room, viewers)
    while not room.conductor.game.is_over and steps < 400:
        if room.step() is None:
            assert stand_in is not None and solo is not None
            decision = stand_in.decide(room.conductor.game)
            assert decision is not None
            room.act(solo, decision.move)
        steps += 1
        _check(room, viewers)
    return steps


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_no_view_holds_another_seats_secrets(path: object) -> None:
    """PRODUCT: secrecy per seat; scenario-format: private briefs, values and walk-aways,
    private injects (`audience`), secret ballots until every ballot is in."""
    room = _room(path, None, seed=3)
    assert _play(room, None, 3) > 3
    assert room.conductor.game.is_over


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_solo_seat_runs_the_room_but_sees_only_its_own_secrets(path: object) -> None:
    """The solo player opens voting and fires injects, but its deck never lists another
    seat's private inject, and it never reads the facilitator's console."""
    scenario = load_scenario(path)  # type: ignore[arg-type]
    solo = scenario.voters[0].id
    room = _room(path, solo, seed=5)
    seen = room.view(solo)
    assert seen.legal.runs_room and seen.console is None
    for card in seen.legal.deck:
        inject = scenario.inject(card.id)
        assert not inject.is_private or solo in inject.audience
    _play(room, solo, 5)


def test_facilitator_fired_private_inject_reaches_its_audience_only() -> None:
    """An inject private to one party, fired by hand, is in that party's cards and feed
    only. The others see only what it made public: the stance its reader now states."""
    path = catalog.resolve("buffer-zone-2025")
    room = _room(path, None, seed=1)
    scenario = room.conductor.scenario
    private = next(i for i in scenario.injects if i.is_private and i.trigger == "ad_hoc"
                   and room.conductor.game.is_legal(FireInject(i.id)))
    reader = private.audience[0]
    others = [p.id for p in scenario.parties if p.id not in private.audience] + [PUBLIC]
    before: dict[str, View] = {v: room.view(v) for v in others}
    room.act(FACILITATOR, FireInject(private.id))
    for viewer in others:
        after = room.view(viewer)
        assert after.cards == before[viewer].cards, viewer
        new_lines = after.feed[len(before[viewer].feed):]
        assert all(" now supports " in item.text or " now opposes " in item.text
                   or " now is neutral on " in item.text for item in new_lines), viewer
        assert [(e.id, e.value, e.status) for e in after.elements] == \
            [(e.id, e.value, e.status) for e in before[viewer].elements], viewer
        assert private.title not in repr(after) and private.text not in repr(after)
    mine = room.view(reader)
    assert mine.cards[-1].inject == private.id and mine.cards[-1].private_for
    assert any(private.title in item.text and item.private for item in mine.feed)
    facilitator = room.view(FACILITATOR)
    assert facilitator.console is not None
    assert facilitator.console.fired[-1].title == private.title


def test_the_channels_of_the_side_talks_are_for_their_members_and_the_facilitator() -> None:
    """Issue 13 (channels): each viewer's view lists the room and only the channels it is
    in, with the offers between their members on the same channel; the public room reads
    the room's channel alone; the facilitator reads every channel. No viewer's view holds a
    word of a channel it is not in."""
    path = catalog.resolve("tutorial")
    scenario = load_scenario(path)
    plans = {p.id: SeatPlan(p.id, True) for p in scenario.parties}
    room = Room(Conductor(scenario, plans, 1), bot_delay=0, auto_vote=True, timer=False)
    ukraine, russia, us = "ukraine", "russia", "us"
    room.act(ukraine, Say(ukraine, (russia,), "word for Moscow only"))
    room.act(us, Say(us, (ukraine, russia), "word for all three"))
    room.act(russia, Say(russia, "all", "word for the room"))
    element = room.conductor.game.session.open_elements[0]
    room.act(russia, Offer(russia, (ukraine,), Terms(accept=(element,)), Terms()))
    lines = {
        viewer: {channel.members: [item.text for item in channel.lines]
                 for channel in room.view(viewer).channels}
        for viewer in (ukraine, russia, us, PUBLIC, FACILITATOR)}
    pair, three = (russia, ukraine), (russia, ukraine, us)
    assert set(lines[ukraine]) == {(), pair, three}
    assert set(lines[russia]) == {(), pair, three}
    assert set(lines[us]) == {(), three}
    assert set(lines[PUBLIC]) == {()}
    assert set(lines[FACILITATOR]) == {(), pair, three}
    for viewer, channels in lines.items():
        text = repr(room.view(viewer).channels)
        assert ("word for Moscow only" in text) is (viewer in (ukraine, russia, FACILITATOR))
        assert ("OFFER 1" in text) is (viewer in (ukraine, russia, FACILITATOR))
        assert ("word for all three" in text) is (viewer != PUBLIC)
        assert any("word for the room" in t for t in channels[()])
    assert any("OFFER 1" in t for t in lines[ukraine][pair])  # on the pair's own channel
    assert [c.name for c in room.view(ukraine).channels] == [
        "the whole room", "Russia and Ukraine", "Russia, Ukraine and United States"]
