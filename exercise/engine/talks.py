"""Side talks: statements, private channels, offers and the promises they make.

The rules of talking, as functions over a session, like :mod:`exercise.engine.rules`:

* **Channels.** A delegation speaks to the room (``to: all``, everyone sees it) or to a set
  of other delegations; each distinct set of members is its own channel, and its messages'
  events carry the members as their audience (the facilitator sees every channel).
* **Offers.** "We will accept/table these elements if you accept/table those": numbered
  from 1 in the order made, open until the end of round ``until`` (this round by default).
  Every recipient answers; the offer binds once all have accepted, and one decline ends it.
* **Promises.** An accepted offer makes promises: the offering party's ``give`` and each
  recipient's ``want``. A promise to *accept* an element is tested by the first vote on it
  within the offer's rounds (kept if the party's ballot accepts it, or the package holding
  it); a promise to *table* one by the party's first proposal within them (kept if the
  element is in it). A promise never tested by the end of ``until`` is settled as
  untested. Each settlement is an event to the offer's parties (and the facilitator).
* **The facilitator** may pause the talks (no statement, offer or answer until resumed)
  and close a channel for good.

Talk moves are not turns: they are legal in any live phase (proposal, discussion, voting),
whoever is awaited, and never move the round on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from exercise.engine.errors import IllegalMoveError, WrongPhaseError
from exercise.engine.events import EventKind
from exercise.engine.moves import (
    MAX_MESSAGE,
    PACKAGE,
    ROOM,
    Answer,
    Ballot,
    CloseChannel,
    Offer,
    PauseTalks,
    ResumeTalks,
    Say,
    Terms,
    describe,
)
from exercise.engine.phases import LIVE, Phase
from exercise.text import first_control

OPEN, ACCEPTED, DECLINED, EXPIRED = "open", "accepted", "declined", "expired"
KEPT, BROKEN, UNTESTED = "kept", "broken", "untested"


@dataclass(frozen=True, slots=True)
class Promise:
    """What one party promised by an accepted offer, and how it came out."""

    party: str
    verb: str  # accept or table
    element: str
    result: str | None = None  # kept, broken or untested; None until settled
    round: int | None = None  # the round it was settled in


@dataclass
class OfferState:
    """An offer as the talks hold it."""

    number: int
    party: str
    to: tuple[str, ...]
    give: Terms
    want: Terms
    made_in: int
    until: int
    status: str = OPEN
    answers: dict[str, bool] = field(default_factory=dict)
    accepted_in: int | None = None
    promises: list[Promise] = field(default_factory=list)

    @property
    def parties(self) -> tuple[str, ...]:
        """Who the offer is between: its maker, then its recipients."""
        return (self.party, *self.to)

    def copy(self) -> OfferState:
        """An independent copy (for a copied session)."""
        return replace(self, answers=dict(self.answers), promises=list(self.promises))


@dataclass
class TalkState:
    """The talks of one session: paused or not, closed channels, and every offer."""

    paused: bool = False
    closed: set[tuple[str, ...] | str] = field(default_factory=set)  # channels, or ROOM
    offers: list[OfferState] = field(default_factory=list)

    def copy(self) -> TalkState:
        """An independent copy (for a copied session)."""
        return TalkState(self.paused, set(self.closed), [o.copy() for o in self.offers])

    def offer(self, number: int) -> OfferState | None:
        """Offer ``number``, or None."""
        return self.offers[number - 1] if 0 < number <= len(self.offers) else None

    def promises_of(self, party: str) -> list[tuple[OfferState, Promise]]:
        """Every promise ``party`` made, with its offer."""
        return [(o, p) for o in self.offers for p in o.promises if p.party == party]

    def broken_by(self, party: str) -> int:
        """How many of ``party``'s promises were broken."""
        return sum(1 for _, p in self.promises_of(party) if p.result == BROKEN)

    def key(self) -> tuple[Any, ...]:
        """What of the talks can change a computer player's choice (for memoized search)."""
        return (self.paused, tuple(
            (o.number, o.status, tuple(sorted(o.answers.items())),
             tuple((p.party, p.verb, p.element, p.result) for p in o.promises))
            for o in self.offers))


# --- legality -------------------------------------------------------------------------------


def _refuse(move: Any, why: str, expected: str) -> IllegalMoveError:
    return IllegalMoveError(f"{describe(move)}: {why}", move=move, expected=expected)


def _known_parties(game: Any, move: Any, parties: tuple[str, ...]) -> None:
    from exercise.scenario.problems import did_you_mean

    book = game.book
    for party in parties:
        if party not in book.party_ids:
            raise _refuse(move, f"there is no party '{party}'{did_you_mean(party, book.party_ids)}",
                          "one of: " + ", ".join(book.party_ids))


def _check_open(game: Any, move: Any) -> None:
    """Talks are on in this scenario, not paused, and the exercise is in a live phase."""
    book = game.book
    if not book.talks_enabled:
        raise _refuse(move, "this scenario has no side talks (talks: {enabled: false})",
                      game.expected())
    if game.phase not in LIVE:
        raise WrongPhaseError(f"{describe(move)}: delegations talk between the votes "
                              f"(proposal, discussion or voting), and the exercise is in "
                              f"{game.phase}", move=move, expected=game.expected())
    if game.session.talks.paused:
        raise _refuse(move, "the facilitator has paused the talks",
                      "the facilitator to resume the talks")


def _check_recipients(game: Any, move: Any, party: str, to: tuple[str, ...]) -> None:
    _known_parties(game, move, (party, *to))
    if party in to:
        raise _refuse(move, f"{party} cannot address itself", "other delegations")
    if len(set(to)) != len(to):
        raise _refuse(move, "a delegation is named twice", "each delegation once")


def check_say(game: Any, move: Say) -> None:
    """Raise if ``move`` may not be said now."""
    _check_open(game, move)
    if move.to == ROOM:
        _known_parties(game, move, (move.party,))
    else:
        _check_recipients(game, move, move.party, tuple(move.to))
    channel = move.channel or ROOM
    if channel in game.session.talks.closed:
        where = "the room" if channel == ROOM else "the channel of " + ", ".join(channel)
        raise _refuse(move, f"the facilitator has closed {where}", "another channel")
    text = move.text
    if not text.strip():
        raise _refuse(move, "the message is empty", "some words")
    if len(text) > MAX_MESSAGE:
        raise _refuse(move, f"the message is {len(text)} characters long; at most "
                            f"{MAX_MESSAGE}", f"at most {MAX_MESSAGE} characters")
    control = first_control(text)
    if control is not None:
        raise _refuse(move, f"the message holds a control character: {control}",
                      "plain text")


def check_offer(game: Any, move: Offer) -> None:
    """Raise if ``move`` may not be offered now."""
    _check_open(game, move)
    book = game.book
    s = game.session
    _check_recipients(game, move, move.party, move.to)
    for party in (move.party, *move.to):
        if party not in book.voter_set:
            raise _refuse(move, f"{party} is an observer: it neither votes nor proposes, so "
                                "it can promise nothing", "delegations that vote")
    channel = tuple(sorted({move.party, *move.to}))
    if channel in s.talks.closed:
        raise _refuse(move, f"the facilitator has closed the channel of {', '.join(channel)}",
                      "another channel")
    if not move.give and not move.want:
        raise _refuse(move, "the offer promises nothing", "give and want terms")
    for side, terms in (("give", move.give), ("want", move.want)):
        for verb, element in terms.items():
            why = _why_not_promisable(game, element)
            if why:
                raise _refuse(move, f"{side}.{verb}: '{element}' {why}",
                              "open elements: " + ", ".join(s.open_elements))
    until = s.round if move.until is None else move.until
    if not s.round <= until <= book.rounds:
        raise _refuse(move, f"until {until} is not a round still to play",
                      f"a round from {s.round} to {book.rounds}")
    for side, parties in (("give", (move.party,)), ("want", move.to)):
        if (move.give if side == "give" else move.want).table:
            for party in parties:
                if not _proposes_by(game, party, until):
                    rounds = f"round {until}" if until == s.round else \
                        f"rounds {s.round} to {until}"
                    raise _refuse(move, f"{side}.table: {party} has no turn to propose in "
                                        f"{rounds}, so it could not keep a promise to table",
                                  "a later until, or a promise to accept")
    limit = book.offers_per_round
    if limit is not None:
        made = sum(1 for o in s.talks.offers if o.party == move.party and o.made_in == s.round)
        if made >= limit:
            raise _refuse(move, f"{move.party} has made {made} offer{'s' * (made != 1)} this "
                                f"round; this scenario allows {limit} per round",
                          "an offer next round")


def _proposes_by(game: Any, party: str, until: int) -> bool:
    """Whether ``party`` has a proposal still to make by the end of round ``until``: this
    round's, if it is the proposer and has not proposed yet, or a later round's."""
    s = game.session
    if s.proposer == party and game.phase is Phase.PROPOSAL:
        return True
    later = game.book.next_turn(party, s.round)
    return later is not None and later <= until


def _why_not_promisable(game: Any, element: str) -> str | None:
    from exercise.engine.session import Status
    from exercise.scenario.problems import did_you_mean

    status = game.session.status.get(element)
    if status is None:
        return f"is not an element{did_you_mean(element, game.book.element_ids)}"
    if status is not Status.OPEN:
        return "is not open" if status is Status.HIDDEN else f"is {status}"
    return None


def check_answer(game: Any, move: Answer) -> None:
    """Raise if ``move`` may not be given now."""
    _check_open(game, move)
    offer = game.session.talks.offer(move.offer)
    if offer is None:
        raise _refuse(move, f"there is no offer {move.offer}",
                      f"an offer's number (1 to {len(game.session.talks.offers)})"
                      if game.session.talks.offers else "an offer first")
    if move.party not in offer.to:
        raise _refuse(move, f"offer {move.offer} was not made to {move.party}",
                      "an offer made to you")
    if offer.status != OPEN:
        raise _refuse(move, f"offer {move.offer} is {offer.status}", "an open offer")
    if move.party in offer.answers:
        raise _refuse(move, f"{move.party} has already answered offer {move.offer}",
                      "an offer not yet answered")


def check_facilitator(game: Any, move: PauseTalks | ResumeTalks | CloseChannel) -> None:
    """Raise if the facilitator's talk move is not legal now."""
    if not game.book.talks_enabled:
        raise _refuse(move, "this scenario has no side talks", game.expected())
    talks = game.session.talks
    if isinstance(move, PauseTalks) and talks.paused:
        raise _refuse(move, "the talks are paused already", "resume_talks")
    if isinstance(move, ResumeTalks) and not talks.paused:
        raise _refuse(move, "the talks are not paused", "pause_talks")
    if isinstance(move, CloseChannel):
        if move.parties != ROOM:
            _known_parties(game, move, tuple(move.parties))
            if len(move.parties) < 2:
                raise _refuse(move, "a channel has two or more delegations",
                              "two or more party ids, or all")
        if move.parties in talks.closed:
            raise _refuse(move, "it is closed already", "an open channel")


# --- making them -----------------------------------------------------------------------------


def say(s: Any, move: Say) -> None:
    """A statement, to the room or on a channel (its members are the event's audience)."""
    channel = move.channel
    s.emit(EventKind.SAID, audience=channel, party=move.party,
           to=ROOM if move.to == ROOM else list(move.to), text=move.text)


def offer(s: Any, move: Offer) -> None:
    """A new open offer."""
    number = len(s.talks.offers) + 1
    until = s.round if move.until is None else move.until
    state = OfferState(number, move.party, tuple(move.to), move.give, move.want, s.round, until)
    s.talks.offers.append(state)
    s.emit(EventKind.OFFER_MADE, audience=state.parties, offer=number, party=move.party,
           to=list(move.to), give=move.give.to_data(), want=move.want.to_data(), until=until)


def answer(s: Any, move: Answer) -> None:
    """A recipient's answer; the last acceptance (or any decline) settles the offer."""
    state = s.talks.offer(move.offer)
    state.answers[move.party] = move.accept
    s.emit(EventKind.OFFER_ANSWERED, audience=state.parties, offer=state.number,
           party=move.party, accept=move.accept)
    if not move.accept:
        _settle_offer(s, state, DECLINED)
    elif len(state.answers) == len(state.to):
        state.accepted_in = s.round
        state.promises = [Promise(state.party, verb, e) for verb, e in state.give.items()]
        state.promises += [Promise(p, verb, e) for p in state.to for verb, e in state.want.items()]
        _settle_offer(s, state, ACCEPTED)


def _settle_offer(s: Any, state: OfferState, status: str) -> None:
    state.status = status
    s.emit(EventKind.OFFER_SETTLED, audience=state.parties, offer=state.number, status=status)


def facilitator(s: Any, move: PauseTalks | ResumeTalks | CloseChannel) -> None:
    """Pause, resume, or close a channel."""
    if isinstance(move, PauseTalks):
        s.talks.paused = True
        s.emit(EventKind.TALKS_PAUSED)
    elif isinstance(move, ResumeTalks):
        s.talks.paused = False
        s.emit(EventKind.TALKS_RESUMED)
    else:
        s.talks.closed.add(move.parties)
        audience = None if move.parties == ROOM else tuple(move.parties)
        s.emit(EventKind.CHANNEL_CLOSED, audience=audience,
               channel=ROOM if move.parties == ROOM else list(move.parties))


# --- testing promises --------------------------------------------------------------------------


def _settle(s: Any, state: OfferState, index: int, result: str) -> None:
    promise = replace(state.promises[index], result=result, round=s.round)
    state.promises[index] = promise
    s.emit(EventKind.PROMISE_SETTLED, audience=state.parties, offer=state.number,
           party=promise.party, verb=promise.verb, element=promise.element, result=result)


def _live(s: Any) -> list[OfferState]:
    return [o for o in s.talks.offers if o.status == ACCEPTED and o.until >= s.round
            and any(p.result is None for p in o.promises)]


def test_votes(s: Any) -> None:
    """At the reveal: each untested promise to accept a tabled element meets its vote."""
    if not s.talks.offers:
        return
    target_of = (lambda e: PACKAGE) if s.book.package_voting else (lambda e: e)
    for state in _live(s):
        for i, promise in enumerate(state.promises):
            if promise.result is None and promise.verb == "accept" and \
                    promise.element in s.tabled and promise.party in s.ballots:
                ballot = s.ballots[promise.party].get(target_of(promise.element))
                _settle(s, state, i, KEPT if ballot is Ballot.ACCEPT else BROKEN)


def test_proposal(s: Any, party: str, tabled: tuple[str, ...]) -> None:
    """At a proposal: each untested promise of the proposer's to table an element meets it.

    An element no longer open by then (adopted on another's proposal, say) cannot be
    tabled: the promise is moot, and settled untested rather than broken.
    """
    if not s.talks.offers:
        return
    from exercise.engine.session import Status

    for state in _live(s):
        for i, promise in enumerate(state.promises):
            if promise.result is None and promise.verb == "table" and promise.party == party:
                if s.status.get(promise.element) is not Status.OPEN:
                    _settle(s, state, i, UNTESTED)
                else:
                    _settle(s, state, i, KEPT if promise.element in tabled else BROKEN)


def lapse(s: Any, *, ending: bool = False) -> None:
    """Offers whose rounds are over expire; promises never tested are settled untested.

    Args:
        ending: the exercise is ending: every open offer and untested promise lapses.
    """
    if not s.talks.offers:
        return
    for state in s.talks.offers:
        if state.until >= s.round and not ending:
            continue
        if state.status == OPEN:
            _settle_offer(s, state, EXPIRED)
        for i, promise in enumerate(state.promises):
            if promise.result is None:
                _settle(s, state, i, UNTESTED)
