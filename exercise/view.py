"""What one viewer may see: the only place secrecy is decided.

A viewer is a seat (a party id), :data:`PUBLIC` (the shared screen or the projector,
which anyone in the room may be reading) or :data:`FACILITATOR` (everything).
:func:`view` turns the room's state into a frozen :class:`View` for one viewer, and
every front end (the terminal UI at one keyboard, a seat over SSH or in a browser,
the projector) renders only the view it is given. A view carries no reference to the
scenario or the game, so a widget cannot reach past it: what is not copied into the
view cannot be shown.

The rules, in one place:

- A seat sees its own private brief, values, score and walk-away; no one else's.
- Private injects, and the value and walk-away changes they bring, reach only their
  audience (and the facilitator). Feed lines and cards are numbered per viewer, so a
  gap never hints that something was hidden.
- Ballots are secret until every ballot is in: before the reveal a view says who has
  voted, never how, and a computer seat's reason for its vote is held back with it.
- The facilitator sees everything, and works the deck. A solo player also runs the
  room (opens voting, fires injects) but sees the deck only as its seat may: the
  public cards and its own private ones, never the guide's notes.
- The side talks: a seat reads the room's channel and the channels it is in (each
  distinct set of delegations), with the offers, answers and promises between their
  members; the public room reads the room's channel only; the facilitator reads every
  channel. Talk lines are numbered per viewer too.
- When the exercise is over, the debrief reveals every private value and brief to all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from exercise.conduct import FACILITATOR, PUBLIC, FeedLine
from exercise.engine import EventKind, Phase, Status
from exercise.engine.moves import ROOM
from exercise.engine.phases import LIVE
from exercise.engine.session import OutcomeKind
from exercise.narration import Narrator, outcome_reason
from exercise.reports.document import Document

if TYPE_CHECKING:
    from exercise.room import Room
    from exercise.scenario.model import Citation, Scenario

__all__ = [
    "FACILITATOR",
    "PUBLIC",
    "Card",
    "Channel",
    "ConsoleView",
    "DebriefView",
    "ElementRow",
    "FeedItem",
    "Legal",
    "PartyRow",
    "RoundSummary",
    "SeatState",
    "SourceView",
    "TalkLine",
    "TimerView",
    "TrackRow",
    "View",
    "view",
]


@dataclass(frozen=True, slots=True)
class SourceView:
    """A citation: the quote and where it is from."""

    outlet: str
    title: str
    date: str
    quote: str
    where: str  # outlet, title and date in one line (Scenario.cited)


@dataclass(frozen=True, slots=True)
class ElementRow:
    """One plan element as the viewer may see it (hidden elements are never in a view)."""

    id: str
    title: str
    summary: str
    category: str | None
    status: Status
    tabled: bool
    rejections: int
    consent: tuple[str, ...]  # party ids, each of which can veto it
    stances: tuple[tuple[str, str], ...]  # (party id, support|oppose|neutral), public
    requires: tuple[str, ...]  # element ids
    excludes: tuple[str, ...]  # element ids, sorted
    effects: tuple[tuple[str, float], ...]  # (track label, change) if adopted
    on_reject: tuple[tuple[str, float], ...]  # (track label, change) each time rejected
    source: SourceView | None
    value: float | None = None  # what it is worth to the viewer's own seat; None otherwise


@dataclass(frozen=True, slots=True)
class PartyRow:
    """A delegation, as everyone may see it."""

    id: str
    name: str
    short: str
    role: str  # principal, guarantor, observer
    votes: bool  # takes part in votes (observers do not)
    public_brief: str
    player: str  # "person" or "computer"
    you: bool  # the viewer's own seat
    proposer: bool  # proposes this round
    voted: bool | None  # during voting: whether its ballot is in (never how); else None
    last_votes: tuple[str, ...]  # how it voted last round, once revealed (e.g. accept/reject)


@dataclass(frozen=True, slots=True)
class TrackRow:
    """A shared meter: public."""

    id: str
    label: str
    value: float
    low: float
    high: float
    start: float
    collapse_at: float | None

    @property
    def in_danger(self) -> bool:
        """Within a third of the way from the start to its collapse line."""
        return self.collapse_at is not None and abs(self.collapse_at - self.value) <= (
            abs(self.collapse_at - self.start) / 3)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A line of the feed, numbered for this viewer only."""

    number: int  # 1, 2, 3 … in this viewer's own feed
    text: str
    kind: str  # event, reason, inject, round
    round: int
    private: bool  # meant for a few (the viewer among them, or the facilitator)
    audience: tuple[str, ...] = ()  # who a private line is for: party names


@dataclass(frozen=True, slots=True)
class Card:
    """An inject card the viewer may read, numbered for this viewer only."""

    number: int
    inject: str
    round: int
    title: str
    text: str
    private_for: tuple[str, ...]  # party names, when it is private
    source: SourceView | None


@dataclass(frozen=True, slots=True)
class DeckCard:
    """An inject the viewer may fire now."""

    id: str
    title: str
    trigger: str  # timed, conditional, ad-hoc card
    round: int | None
    private_for: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OfferRow:
    """An offer made to the viewer, in words (it is party to it)."""

    number: int
    party: str  # who made it (id)
    text: str  # "we will accept X if you accept Y (open until round 3)"
    to: tuple[str, ...] = ()  # whom it is made to (party ids; the viewer among them)
    give: tuple[tuple[str, str], ...] = ()  # (accept|table, element id): what its maker will do
    want: tuple[tuple[str, str], ...] = ()  # (accept|table, element id): what it asks of each
    until: int = 0  # open until the end of this round
    made_in: int = 0  # the round it was made in


@dataclass(frozen=True, slots=True)
class TalkLine:
    """A line of a channel of the side talks, numbered for this viewer only (across all of
    its channels, in the order things were said)."""

    number: int
    round: int
    text: str  # in words, with the delegations' names; a student's words are in it as typed
    by: str | None  # the delegation that said, offered or answered (None: the rules, the chair)


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel of the side talks the viewer may read: the room, or one set of delegations."""

    members: tuple[str, ...]  # party ids, sorted; () for the whole room
    name: str  # "the whole room" or "Russia and Ukraine"
    lines: tuple[TalkLine, ...]  # oldest first
    closed: bool  # the facilitator has closed it

    @property
    def private(self) -> bool:
        """Whether only its members (and the facilitator) read it."""
        return bool(self.members)


@dataclass(frozen=True, slots=True)
class Legal:
    """What the viewer may do now."""

    propose: bool = False  # table a package, or pass
    tableable: tuple[str, ...] = ()
    blocked: tuple[tuple[str, str], ...] = ()  # (element id, why it cannot be tabled now)
    max_package: int = 0
    vote: bool = False  # cast a ballot
    ballot_targets: tuple[str, ...] = ()  # element ids, or "package"
    runs_room: bool = False  # opens voting and fires injects (the facilitator, or solo)
    open_voting: bool = False
    deck: tuple[DeckCard, ...] = ()
    ratify: bool = False
    end: bool = False
    change_seats: bool = False  # the facilitator hands seats to people or the computer
    sign: bool = False  # choose whether to sign the deal (ratification by choice)
    talk: bool = False  # say something, or make an offer (side talks are open to this seat)
    talk_to: tuple[str, ...] = ()  # the delegations this seat may address (party ids)
    offer_elements: tuple[str, ...] = ()  # open elements an offer may name
    answer: tuple[OfferRow, ...] = ()  # open offers made to this seat, yet to be answered
    pause_talks: bool = False  # the facilitator may pause the talks
    close_channels: tuple[tuple[str, ...], ...] = ()  # open channels it may close (() = room)
    resume_talks: bool = False  # ... or resume them


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """A round that has been voted on, as everyone saw it resolved (element ids)."""

    round: int
    proposer: str
    tabled: tuple[str, ...]
    adopted: tuple[str, ...]
    rejected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimerView:
    """The discussion timer, as numbers: a front end ticks its own display from them."""

    deadline: float | None = None  # on the room's clock
    paused_left: float | None = None

    def left(self, now: float) -> float | None:
        """Seconds left (negative once over), or None without a timer."""
        if self.paused_left is not None:
            return self.paused_left
        return None if self.deadline is None else self.deadline - now

    def text(self, now: float) -> str:
        """mm:ss left, 'TIME UP', or '' without a timer."""
        left = self.left(now)
        if left is None:
            return ""
        if left <= 0:
            return "TIME UP"
        minutes, seconds = divmod(int(left + 0.999), 60)
        return f"{minutes:02d}:{seconds:02d}" + (" (paused)" if self.paused_left is not None
                                                 else "")


@dataclass(frozen=True, slots=True)
class SeatState:
    """A seat as the facilitator's dashboard shows it."""

    party: str
    name: str
    player: str  # person or computer
    persona: str | None  # the computer's persona
    connected_since: float | None  # on the room's clock; None: no one connected
    last_input: float | None
    ballot_in: bool | None  # during voting
    vacant_since: float | None = None  # a person's connection dropped then
    needs_choice: bool = False  # dropped past its grace period: wait, pause or hand over


@dataclass(frozen=True, slots=True)
class FiredInject:
    """An inject that has fired, for the facilitator."""

    round: int
    title: str
    text: str
    private_for: tuple[str, ...]
    facilitator_note: str | None
    expected_actions: tuple[str, ...]
    questions: tuple[str, ...]
    guide_note: str


@dataclass(frozen=True, slots=True)
class ConsoleView:
    """What only the facilitator reads: what has fired (private ones too), notes, seats."""

    fired: tuple[FiredInject, ...]
    round_notes: str  # the facilitator guide's notes for this round ('' when none)
    notes: tuple[str, ...]  # the facilitator's own observations
    seats: tuple[SeatState, ...]
    projector_since: float | None = None  # the projector's screen connected then


@dataclass(frozen=True, slots=True)
class SignRow:
    """A delegation at ratification (revealed in the debrief)."""

    party: str
    name: str
    score: float
    walk_away: float
    signed: bool
    required: bool


@dataclass(frozen=True, slots=True)
class RevealRow:
    """A delegation's secrets, revealed in the debrief."""

    party: str
    name: str
    short: str
    votes: bool
    private_brief: str
    walk_away: float | None  # None for an observer, which never votes
    values: tuple[float, ...]  # in the order of DebriefView.elements (none for an observer)


@dataclass(frozen=True, slots=True)
class DebriefView:
    """Once the exercise is over: the outcome, and the reveal (for everyone)."""

    outcome: OutcomeKind
    round: int
    reason: str
    ratified: bool  # it ended in a ratification (agreement or not)
    signing: tuple[SignRow, ...]
    deal: tuple[str, ...]  # titles of the adopted elements
    elements: tuple[tuple[str, bool], ...]  # (title, adopted) of every element
    reveal: tuple[RevealRow, ...]
    questions: tuple[str, ...]
    seed: int
    document: Document | None = None  # the after-action report (notes: the facilitator's only)


@dataclass(frozen=True, slots=True)
class View:
    """Everything one viewer may see now; frozen, so it can be handed to any widget."""

    viewer: str
    seat: str | None  # the viewer's own party, when it is a seat
    title: str
    background: str
    objectives: tuple[str, ...]
    round: int
    rounds: int
    phase: Phase
    proposer: str | None
    over: bool
    awaiting: tuple[str, ...]  # party ids whose move the game awaits (public: who, not what)
    thinking: str | None  # a computer seat that is deciding now
    elements: tuple[ElementRow, ...]
    parties: tuple[PartyRow, ...]
    tracks: tuple[TrackRow, ...]
    feed: tuple[FeedItem, ...]
    cards: tuple[Card, ...]
    history: tuple[RoundSummary, ...]  # the rounds voted on so far
    legal: Legal
    timer: TimerView
    private_brief: str | None = None  # the seat's own
    score: float | None = None
    walk_away: float | None = None
    console: ConsoleView | None = None  # the facilitator's only
    debrief: DebriefView | None = None
    stopped: str | None = None  # why the session had to stop (a log write failed)
    paused: bool = False  # the facilitator has paused the exercise
    signing_choice: bool = False  # people choose at ratification whether to sign
    channels: tuple[Channel, ...] = ()  # the side talks it may read: the room first

    def unread_talk(self, read: int) -> tuple[tuple[Channel, TalkLine], ...]:
        """Lines of the viewer's private channels after line number ``read`` that another
        delegation (or the rules) wrote: what a seat has still to read of its side talks."""
        return tuple((channel, item) for channel in self.channels if channel.private
                     for item in channel.lines
                     if item.number > read and item.by != self.seat)

    @property
    def would_sign(self) -> bool | None:
        """Whether the seat's score reaches its walk-away (None without a voting seat)."""
        if self.score is None or self.walk_away is None:
            return None
        return self.score >= self.walk_away

    def party(self, pid: str) -> PartyRow:
        """A delegation by id."""
        return next(p for p in self.parties if p.id == pid)

    def element(self, eid: str) -> ElementRow | None:
        """An element on the table by id (None when it is hidden from the viewer)."""
        return next((e for e in self.elements if e.id == eid), None)

    def name(self, pid: str) -> str:
        """A party's name."""
        return next((p.name for p in self.parties if p.id == pid), pid)

    def short(self, pid: str) -> str:
        """A party's short badge."""
        return next((p.short for p in self.parties if p.id == pid), pid)

    def title_of(self, eid: str) -> str:
        """An element's title (its id when the viewer cannot see it)."""
        row = self.element(eid)
        return row.title if row is not None else eid


# --- building a view ----------------------------------------------------------------------------


def _source(scenario: Scenario, citation: Citation | None) -> SourceView | None:
    if citation is None:
        return None
    ref = next((s for s in scenario.sources if s.id == citation.ref), None)
    where = scenario.cited(citation.ref)
    if ref is None:
        return SourceView(citation.ref, "", "", citation.quote, where)
    return SourceView(ref.outlet, ref.title, str(ref.date), citation.quote, where)


def _feed(room: Room, viewer: str) -> tuple[FeedItem, ...]:
    names = room.conductor.narrator.party
    items = []
    lines: list[FeedLine] = room.conductor.feed_for(viewer)
    for number, line in enumerate(lines, start=1):
        # A private line's readers learn who it was for, as a private card's do.
        audience = tuple(names(p) for p in line.audience or ())
        items.append(FeedItem(number, line.text, line.kind, line.round,
                              line.audience is not None, audience))
    return tuple(items)


def _cards(room: Room, viewer: str) -> tuple[Card, ...]:
    scenario = room.conductor.scenario
    seat = None if viewer == FACILITATOR else viewer  # "public" is no party's id
    cards: list[Card] = []
    for event in room.conductor.game.events:
        if event.kind is not EventKind.INJECT_FIRED or not event.visible_to(seat):
            continue
        inject = scenario.inject(event.data["inject"])
        private = tuple(scenario.party(p).name for p in event.audience or ())
        cards.append(Card(len(cards) + 1, inject.id, event.round, inject.title, inject.text,
                          private, _source(scenario, inject.source)))
    return tuple(cards)


def _elements(room: Room, seat: str | None) -> tuple[ElementRow, ...]:
    game = room.conductor.game
    scenario, book, s = room.conductor.scenario, game.book, game.session
    own = seat if seat in book.voter_set else None
    tabled = set(s.tabled)
    rows = []
    for element in scenario.elements:
        status = s.status[element.id]
        if status is Status.HIDDEN:
            continue
        rows.append(ElementRow(
            id=element.id, title=element.title, summary=element.summary,
            category=element.category or None, status=status, tabled=element.id in tabled,
            rejections=s.rejections[element.id], consent=tuple(book.consent[element.id]),
            stances=tuple((p, str(v)) for p, v in s.stances[element.id].items()),
            requires=tuple(element.requires), excludes=tuple(sorted(book.excludes[element.id])),
            effects=tuple((book.tracks[t].label, d) for t, d in element.effects.items()),
            on_reject=tuple((book.tracks[t].label, d) for t, d in element.on_reject.items()),
            source=_source(scenario, element.source),
            value=s.values[own].get(element.id, 0) if own else None,
        ))
    return tuple(rows)


def _parties(room: Room, seat: str | None) -> tuple[PartyRow, ...]:
    conductor = room.conductor
    game = conductor.game
    voting = game.phase is Phase.VOTING
    voted = set(game.voted())
    last = game.history[-1] if game.history else None
    rows = []
    for party in conductor.scenario.parties:
        pid = party.id
        is_voter = pid in game.book.voter_set
        revealed: tuple[str, ...] = ()
        if not voting and last and pid in last.ballots and last.round == game.round - 1:
            revealed = tuple(sorted({str(v) for v in last.ballots[pid].values()}))
        rows.append(PartyRow(
            id=pid, name=party.name, short=party.short or party.name[:4], role=party.role,
            votes=is_voter, public_brief=party.public_brief,
            player="person" if conductor.seats[pid].human else "computer", you=pid == seat,
            proposer=game.phase is Phase.PROPOSAL and pid == game.proposer,
            voted=(pid in voted) if voting and is_voter else None, last_votes=revealed,
        ))
    return tuple(rows)


def _tracks(room: Room) -> tuple[TrackRow, ...]:
    game = room.conductor.game
    rows = []
    for track in room.conductor.scenario.tracks:
        spec = game.book.tracks[track.id]
        rows.append(TrackRow(track.id, track.label, game.session.tracks[track.id], spec.low,
                             spec.high, spec.start, spec.collapse_at))
    return tuple(rows)


TRIGGER_WORDS = {"at": "timed", "when": "conditional", "ad_hoc": "ad-hoc card"}


def _legal(room: Room, viewer: str) -> Legal:
    game = room.conductor.game
    if game.is_over or room.stopped is not None:
        return Legal()
    scenario = room.conductor.scenario
    seat = viewer if viewer in game.book.party_ids else None
    human = seat is not None and room.conductor.seats[seat].human and not room.paused
    propose = human and game.phase is Phase.PROPOSAL and game.proposer == seat
    blocked: list[tuple[str, str]] = []
    if propose:
        titles = {e.id: e.title for e in scenario.elements}
        for element in scenario.elements:
            if game.status(element.id) in (Status.HIDDEN, Status.ADOPTED):
                continue
            why = game.why_not_tableable(element.id, titles.__getitem__)
            if why:
                blocked.append((element.id, why))
    vote = human and game.phase is Phase.VOTING and seat in game.awaiting()
    sign = human and game.phase is Phase.RATIFICATION and seat in game.awaiting()
    runs_room = viewer == FACILITATOR or (seat is not None and seat == room.solo_seat)
    deck: list[DeckCard] = []
    if runs_room:
        for iid in game.available_injects():
            inject = scenario.inject(iid)
            if viewer != FACILITATOR and inject.is_private and seat not in inject.audience:
                continue  # a solo player never learns another seat's private news
            deck.append(DeckCard(iid, inject.title, TRIGGER_WORDS[inject.trigger],
                                 inject.at.round if inject.at else None,
                                 tuple(scenario.party(p).name for p in inject.audience)
                                 if inject.is_private else ()))
    talks = game.session.talks
    open_talks = game.book.talks_enabled and game.phase in LIVE and not talks.paused
    talk = human and open_talks
    answer: list[OfferRow] = []
    if talk and seat is not None:
        narrator = Narrator(scenario)
        for state in talks.offers:
            if state.status == "open" and seat in state.to and seat not in state.answers:
                answer.append(OfferRow(state.number, state.party, (
                    narrator.bargain(narrator.party(state.party), state.give.to_data(),
                                     state.want.to_data())
                    + f" (open until the end of round {state.until})"), to=state.to,
                    give=state.give.items(),
                    want=state.want.items(), until=state.until, made_in=state.made_in))
    closable: list[tuple[str, ...]] = []
    if runs_room and game.book.talks_enabled and not game.is_over:
        seen = [() if e.audience is None else e.audience for e in game.events
                if e.kind is EventKind.SAID]
        for channel in dict.fromkeys([(), *seen]):
            closed = ROOM if channel == () else channel
            if closed in talks.closed or (viewer != FACILITATOR and channel
                                          and seat not in channel):
                continue  # a solo player closes only the channels it is in
            closable.append(channel)
    return Legal(
        close_channels=tuple(closable),
        talk=talk, talk_to=tuple(p for p in game.book.party_ids if p != seat) if talk else (),
        offer_elements=tuple(game.session.open_elements) if talk else (),
        answer=tuple(answer),
        pause_talks=runs_room and game.book.talks_enabled and not talks.paused
        and game.phase in LIVE,
        resume_talks=runs_room and talks.paused,
        propose=propose, tableable=game.tableable() if propose else (), blocked=tuple(blocked),
        max_package=game.book.max_package if propose else 0,
        vote=vote, ballot_targets=game.ballot_targets() if vote else (),
        runs_room=runs_room, open_voting=runs_room and game.phase is Phase.DISCUSSION,
        deck=tuple(deck), ratify=runs_room and game.phase is not Phase.RATIFICATION,
        end=runs_room, change_seats=viewer == FACILITATOR, sign=sign,
    )


_TALK_KINDS = (EventKind.SAID, EventKind.OFFER_MADE, EventKind.OFFER_ANSWERED,
               EventKind.OFFER_SETTLED, EventKind.PROMISE_SETTLED, EventKind.TALKS_PAUSED,
               EventKind.TALKS_RESUMED, EventKind.CHANNEL_CLOSED)


def _channels(room: Room, viewer: str) -> tuple[Channel, ...]:
    """The channels ``viewer`` may read, each with its lines: the room first, then the
    others in the order they began. An offer, its answers and its promises travel on the
    channel of the offer's parties (the one their messages use)."""
    game = room.conductor.game
    narrator = room.conductor.narrator
    seat = None if viewer == FACILITATOR else viewer  # "public" is no party's id
    threads: dict[tuple[str, ...], list[TalkLine]] = {}
    if game.book.talks_enabled:
        threads[()] = []
    number = 0
    for event in game.events:
        if event.kind not in _TALK_KINDS or not event.visible_to(seat):
            continue
        text = narrator.talk(event)
        if text is None:
            continue
        number += 1
        members = tuple(sorted(set(event.audience))) if event.audience is not None else ()
        by = event.data.get("party") if event.kind in (
            EventKind.SAID, EventKind.OFFER_MADE, EventKind.OFFER_ANSWERED) else None
        threads.setdefault(members, []).append(TalkLine(number, event.round, text, by))
    closed = game.session.talks.closed
    return tuple(
        Channel(members, narrator.audience(members) if members else "the whole room",
                tuple(lines), (members or ROOM) in closed)
        for members, lines in threads.items())


def _history(room: Room) -> tuple[RoundSummary, ...]:
    return tuple(RoundSummary(r.round, r.proposer, tuple(r.tabled), tuple(r.adopted),
                              tuple(r.rejected)) for r in room.conductor.game.history)


def _console(room: Room) -> ConsoleView:
    conductor = room.conductor
    scenario = conductor.scenario
    guide = room.guide
    fired = []
    for event in conductor.game.events:
        if event.kind is not EventKind.INJECT_FIRED:
            continue
        inject = scenario.inject(event.data["inject"])
        fired.append(FiredInject(
            event.round, inject.title, inject.text,
            tuple(scenario.party(p).name for p in event.audience or ()),
            inject.facilitator_note, tuple(inject.expected_actions), tuple(inject.questions),
            guide.for_inject(inject.id) if guide is not None else ""))
    game = conductor.game
    seats = []
    for party in scenario.parties:
        plan = conductor.seats[party.id]
        presence = room.presence.get(party.id)
        seats.append(SeatState(
            party.id, party.name, "person" if plan.human else "computer",
            None if plan.human else plan.persona,
            presence.connected_since if presence else None,
            presence.last_input if presence else None,
            (party.id in game.voted()) if game.phase is Phase.VOTING
            and party.id in game.book.voter_set else None,
            presence.vacant_since if presence else None,
            presence.needs_choice if presence else False))
    projector = room.presence.get(PUBLIC)
    return ConsoleView(
        tuple(fired), guide.for_round(game.round) if guide is not None else "",
        tuple(str(n["text"]) for n in conductor.notes), tuple(seats),
        projector.connected_since if projector else None)


def _revealed(room: Room, pid: str) -> RevealRow:
    game = room.conductor.game
    party, s = room.conductor.scenario.party(pid), game.session
    votes = pid in game.book.voter_set
    return RevealRow(pid, party.name, party.short or party.name[:4], votes,
                     party.private_brief or "", s.walk_away[pid] if votes else None,
                     tuple(s.values[pid].get(e.id, 0) for e in room.conductor.scenario.elements)
                     if votes else ())


def _debrief(room: Room, viewer: str) -> DebriefView | None:
    game = room.conductor.game
    outcome = game.outcome()
    if outcome is None:
        return None
    scenario, s = room.conductor.scenario, game.session
    required = set(game.book.required)
    elements = tuple((e.title, s.status[e.id] is Status.ADOPTED) for e in scenario.elements)
    return DebriefView(
        outcome=outcome.kind, round=outcome.round, reason=outcome_reason(scenario, outcome),
        ratified=outcome.kind in (OutcomeKind.AGREEMENT, OutcomeKind.NO_AGREEMENT),
        signing=tuple(SignRow(p.id, p.name, s.scores[p.id], s.walk_away[p.id], s.signed[p.id],
                              p.id in required) for p in scenario.voters),
        deal=tuple(title for title, adopted in elements if adopted),
        elements=elements,
        reveal=tuple(_revealed(room, p.id) for p in scenario.parties),
        questions=tuple(scenario.debrief.questions), seed=game.seed,
        document=room.report_document(facilitator=viewer == FACILITATOR),
    )


def view(room: Room, viewer: str) -> View:
    """Everything ``viewer`` may see now.

    Raises:
        ValueError: if ``viewer`` is not a party id, ``public`` or ``facilitator``.
    """
    conductor = room.conductor
    game = conductor.game
    scenario = conductor.scenario
    if viewer not in (PUBLIC, FACILITATOR) and viewer not in game.book.party_ids:
        raise ValueError(f"no such viewer: {viewer!r}")
    seat = viewer if viewer in game.book.party_ids else None
    voter = seat if seat in game.book.voter_set else None
    s = game.session
    return View(
        viewer=viewer, seat=seat, title=scenario.title, background=scenario.background,
        objectives=tuple(o.text for o in scenario.objectives),
        round=game.round, rounds=game.book.rounds, phase=game.phase,
        proposer=game.proposer if game.phase not in (Phase.RATIFICATION, Phase.ENDED) else None,
        over=game.is_over,
        awaiting=game.awaiting() if not game.is_over else (),
        thinking=room.thinking,
        elements=_elements(room, seat), parties=_parties(room, seat), tracks=_tracks(room),
        feed=_feed(room, viewer), cards=_cards(room, viewer), history=_history(room),
        legal=_legal(room, viewer),
        timer=TimerView(room.timer.deadline, room.timer.paused_left),
        private_brief=scenario.party(seat).private_brief if seat is not None else None,
        score=s.scores[voter] if voter is not None else None,
        walk_away=s.walk_away[voter] if voter is not None else None,
        console=_console(room) if viewer == FACILITATOR else None,
        debrief=_debrief(room, viewer), stopped=room.stopped, paused=room.paused,
        signing_choice=game.book.signing_choice,
        channels=_channels(room, viewer),
    )

