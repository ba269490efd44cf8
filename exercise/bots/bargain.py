"""How a computer delegation bargains: the offers it makes, its answers, its promises.

Everything here is a function of what the seat may see (its own values and walk-away,
public stances, the table, the turn order, the talks it is party to) and of its persona;
nothing is drawn at random, so a game's talks are the same whatever order they are asked
in, and a simulation's memoized states stay valid (the talks are part of the state it keys
on).

* **Offers.** During discussion, each computer seat looks for a trade with each other
  delegation: something that delegation supports in public (a tabled element it will
  accept, or an open one it will table when it next proposes) against something the seat
  gains by (a tabled element the other does not support, or an open one the other will
  table at its next turn to propose). Under package voting the tabled element is the
  package: "I accept the package if you table Z", "I table W if you accept the package".
  A trade must raise the seat's own score if both keep their word (a promise to table
  counts at :data:`_TABLE_WEIGHT`), and keep the deal signable: it never asks for an
  element that a party whose signature the deal needs has said in public it opposes. An
  offer with a promise to table runs until the round that promise falls due. At most one
  offer a seat a round, to one delegation; never to a delegation that broke more promises
  than the seat forgives, nor one that declined the same offer before.
* **Answers.** A seat weighs an offer by what its terms are worth to it: a promise to
  accept at its value (under package voting, the whole package's), a promise to table by
  its value times the seat's estimate that it would then be adopted, and nothing when
  the party that would table it proposes in no round before the offer runs out. Then its
  persona's bar, its walk-away in the last round, and the promises the offering party
  has broken before.
* **Promises.** A seat keeps a promise to accept (at the vote) or to table (at its turn to
  propose) when keeping it costs no more than its persona's ``fidelity``; otherwise it
  votes, or tables, in its own interest, and the promise is broken.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exercise.bots.view import view_of
from exercise.engine.errors import IllegalMoveError
from exercise.engine.game import Game
from exercise.engine.moves import Answer, Move, Offer, Terms
from exercise.engine.phases import Phase
from exercise.engine.rulebook import Rulebook
from exercise.engine.session import Status
from exercise.engine.talks import ACCEPTED, DECLINED, OPEN, OfferState
from exercise.narration import and_join

if TYPE_CHECKING:
    from exercise.bots.player import ComputerPlayer, Decision

_TABLE_WEIGHT = 0.5  # an offering seat's guess: a promise to table is worth half one to accept


def promise_on(game: Game, party: str, elements: tuple[str, ...]) -> tuple[int, str] | None:
    """The first untested promise of ``party`` to accept one of ``elements``, in an
    accepted offer still within its rounds: (the offer's number, the element)."""
    if not game.session.talks.offers:
        return None
    for number, element in view_of(game.session).accept_promises(party):
        if element in elements:
            return number, element
    return None


def table_promises(game: Game, party: str) -> list[tuple[int, str]]:
    """Every untested promise of ``party`` to table an element, in accepted offers still
    within their rounds: (the offer's number, the element), in the order made."""
    talks = game.session.talks
    if not talks.offers:
        return []
    return [(state.number, promise.element) for state in talks.offers
            if state.status == ACCEPTED and state.until >= game.round
            for promise in state.promises
            if promise.result is None and promise.party == party and promise.verb == "table"]


def promise_audience(game: Game, party: str) -> tuple[str, ...] | None:
    """Who may read the reason of ``party``'s ballot now: None (everyone, at the reveal)
    unless the ballot meets promises of its; then only those party to every offer it
    names (a reason that names an offer must not show anyone else that the offer exists)."""
    talks = game.session.talks
    if not talks.offers:
        return None
    tabled = game.session.tabled
    at_stake = [state.parties for state in talks.offers
                if state.status == ACCEPTED and state.until >= game.round and any(
                    p.result is None and p.party == party and p.verb == "accept"
                    and p.element in tabled for p in state.promises)]
    if not at_stake:
        return None
    return tuple(p for p in at_stake[0] if all(p in parties for parties in at_stake))


def keeps(player: ComputerPlayer, game: Game, elements: tuple[str, ...]) -> bool:
    """Whether ``player`` keeps its promise to accept ``elements`` at this vote, or to table
    them at its turn to propose (it accepts what it tables): when what adopting them costs
    it is within its persona's fidelity."""
    values = game.session.values[player.party]
    cost = -sum(values.get(e, 0) for e in elements) / player.scale
    return cost <= player.persona.fidelity


def _worth(player: ComputerPlayer, game: Game, terms: Terms, by: str, until: int) -> float:
    """What ``by`` keeping ``terms`` is worth to ``player``: each element it promises to
    accept at its value (under package voting, accepting a tabled element is accepting the
    package: the package's value, once), each it promises to table at its value times the
    chance ``player`` sees of it then being adopted, or nothing if ``by`` proposes in no
    round before ``until``."""
    s = game.session
    values = s.values[player.party]
    total = 0.0
    accept = list(terms.accept)
    if game.book.package_voting and any(e in s.tabled for e in accept):
        total += sum(values.get(e, 0) for e in s.tabled)
        accept = [e for e in accept if e not in s.tabled]
    total += sum(values.get(e, 0) for e in accept)
    if terms.table and _proposes_by(game, by, until):
        total += sum(values.get(e, 0) * player._pass_chance(game, (e,)) for e in terms.table)
    return total


def _proposes_by(game: Game, party: str, until: int) -> bool:
    """Whether ``party`` has a turn to propose from now to the end of round ``until``."""
    s = game.session
    if s.state is Phase.PROPOSAL and s.proposer == party:
        return True
    turn = game.book.next_turn(party, s.round)
    return turn is not None and turn <= until


def _listing(player: ComputerPlayer, terms: Terms, until: int) -> str:
    titles = player.profile.titles
    parts = []
    if terms.accept:
        parts.append("accepting " + and_join([titles[e] for e in terms.accept]))
    if terms.table:
        parts.append("tabling " + and_join([titles[e] for e in terms.table])
                     + f" by round {until}")
    return " and ".join(parts) or "nothing"


def answer(player: ComputerPlayer, game: Game, state: OfferState) -> Decision:
    """``player``'s answer to an open offer made to it, with its specific reason."""
    from exercise.bots.player import Decision

    s = game.session
    me, names = player.party, player.profile.names
    by = names[state.party]
    number = state.number
    broken = s.talks.broken_by(state.party)
    head = f"{player.name}"
    if broken > player.persona.forgives:
        return Decision(Answer(me, number, False),
                        f"{head} declines offer {number}: {by} has broken {broken} "
                        f"promise{'s' * (broken != 1)} already.")
    gain = _worth(player, game, state.give, state.party, state.until)
    cost = _worth(player, game, state.want, me, state.until)
    net = gain + cost
    get = f"{by} {_listing(player, state.give, state.until)}"
    give = _listing(player, state.want, state.until)
    score, floor = s.scores.get(me, 0.0), s.walk_away.get(me, 0.0)
    if game.round >= game.book.rounds and net < 0 and score + net < floor:
        return Decision(Answer(me, number, False),
                        f"{head} declines offer {number}: {give} would leave it short of its "
                        "walk-away, with no round left to make it up.")
    if net / player.scale < player.persona.threshold:
        if net < 0:
            why = f"{give} costs it more than {get} brings it"
        else:
            why = f"{get} is too little for {give}"
        return Decision(Answer(me, number, False), f"{head} declines offer {number}: {why}.")
    if net < 0:
        why = f"it takes a small loss on {give} for {get}, for the sake of a deal"
    else:
        why = f"{get} is worth {'more to it than' if net > 0 else 'as much as'} {give} " \
              "costs it"
    return Decision(Answer(me, number, True), f"{head} accepts offer {number}: {why}.")


def _stance(game: Game, element: str, party: str) -> str:
    return game.session.stances.get(element, {}).get(party, "")


@dataclass(frozen=True, slots=True)
class Trade:
    """An offer a seat might make, before the talks so far are weighed: its worth to the
    seat (its own values, a promise to table counted at :data:`_TABLE_WEIGHT`), the move,
    and how its reason reads (``kind``: "swap", "accept-for-table", "table-for-accept",
    "package-for-table" or "table-for-package"; ``turn``: the round the promise to table
    falls due)."""

    net: float
    move: Offer
    kind: str
    turn: int | None


_FLOORS = itertools.count()
_OFFERS_KEPT = 6  # the best trades remembered per seat and state (the talks strike some)


def _best(values: Mapping[str, float], elements: list[str]) -> str | None:
    """The element of ``elements`` this seat values most (the first, on a tie)."""
    best: str | None = None
    for element in elements:
        if best is None or values.get(element, 0) > values.get(best, 0):
            best = element
    return best


def trades(player: ComputerPlayer, game: Game) -> tuple[Trade, ...]:
    """The best trades ``player`` could offer now, best first: at most one per delegation
    and kind, each raising its own score if both sides keep their word, and none asking for
    an element a required signer opposes in public (the deal must stay signable).

    They depend on part of the public state and this seat's values only, so they are
    worked out once per such state (``PublicView.trade_key``; a simulation meets the same
    ones thousands of times); the talks so far (offers declined, promises broken) strike
    some of them in :func:`propose_trade`.
    In each trade the choice of what to give and what to ask for are independent (what the
    other supports, against what it does not), so each side is the best of its kind: the
    search is linear in the elements, not quadratic.
    """
    token = player._fresh(game).trade_token
    memo = game.book.cache.get(("bot-memo", "offers", ""))
    if memo is None:
        memo = game.book.cache[("bot-memo", "offers", "")] = {}
    floor = _floor(game, token)
    key = (floor.ident, player.party, player.persona.name)
    found = memo.get(key)
    if found is None:
        if len(memo) >= 100_000:
            memo.clear()
        found = memo[key] = _search(player, game, floor)
    return found


@dataclass(frozen=True, slots=True)
class _Floor:
    """What every seat's search for trades reads, worked out once per state for them all:
    the open tabled elements, those that could be tabled next, those of them the room has
    not voted down, who supports, opposes and must be won over on each element, which
    required signers oppose each, and each delegation's next turn to propose."""

    tabled: tuple[str, ...]
    later: tuple[str, ...]
    fresh: tuple[str, ...]
    who: _Who
    vetoed_by: dict[str, frozenset[str]]
    turns: dict[str, int | None]
    ident: int  # the same for every state with the same floor: the trades found are its


def _floor(game: Game, token: int) -> _Floor:
    memo = game.book.cache.get(("bot-memo", "floor", ""))
    if memo is None:
        memo = game.book.cache[("bot-memo", "floor", "")] = {}
    found: _Floor | None = memo.get(token)
    if found is None:
        if len(memo) >= 10_000:
            memo.clear()
        s, book = game.session, game.book
        tabled = tuple(e for e in s.tabled if s.status[e] is Status.OPEN)
        later = tuple(e for e in game.tableable() if e not in s.tabled)
        fresh = tuple(e for e in later if not s.rejections[e])
        fired = view_of(s).trade_key[4]
        idents = book.cache.setdefault("bot-floors", {})
        if len(idents) >= 100_000:
            idents.clear()
        floor_key = (s.round, tabled, later, fresh, fired)
        ident = idents.get(floor_key)
        if ident is None:  # a number never reused, though the table starts afresh
            ident = idents[floor_key] = next(_FLOORS)
        who = _who(game)
        found = memo[token] = _Floor(
            tabled=tabled, later=later, fresh=fresh, who=who,
            vetoed_by=_sides(game)[1],
            turns={p: book.next_turn(p, s.round) for p in book.voters}, ident=ident)
    return found


def _search(player: ComputerPlayer, game: Game, floor: _Floor) -> tuple[Trade, ...]:
    tabled = floor.tabled
    if not tabled:
        return ()  # every trade gives or asks for something on the table
    me = player.party
    values = game.session.values[me]
    vetoed_by = floor.vetoed_by

    def signable(element: str) -> bool:
        opposed = vetoed_by[element]
        return not opposed or opposed == {me}

    my_turn = floor.turns[me]
    # What it gives, it means to give: nothing whose adoption costs it more than its
    # fidelity (it would break that promise at once).
    bearable = -player.persona.fidelity * player.scale
    package_voting = game.book.package_voting
    if package_voting:
        wants = list(tabled) if sum(values.get(e, 0) for e in tabled) > 0 and all(
            signable(e) for e in tabled) else []
    else:
        wants = [e for e in tabled if values.get(e, 0) > 0 and signable(e)]
    if my_turn is not None and not wants:
        return ()  # it asks no vote, and asks no one to table (it has a turn of its own)
    pledges = [e for e in floor.later if values.get(e, 0) >= bearable] if my_turn else []
    # It asks another to table only what the room has not voted down: a turn to propose
    # is worth trading for to get an element heard, not to hear a refusal again.
    asks = [e for e in floor.fresh if values.get(e, 0) > 0 and signable(e)
            ] if my_turn is None else []
    if package_voting:
        found = _package_trades(player, game, floor, bool(wants), pledges, asks, bearable)
    else:
        gives = [e for e in tabled if values.get(e, 0) >= bearable]
        found = _element_trades(player, game, floor, gives, pledges, wants, asks)
    found.sort(key=lambda t: -t.net)  # stable: on a tie, the order they were found in
    return tuple(found[:_OFFERS_KEPT])


def _needed(game: Game, element: str, party: str) -> bool:
    """Whether a seat has a vote to win from ``party`` on ``element``: ``party`` opposes it
    in public; or holds a veto over it and has said nothing of it; or is a delegation
    whose signature the deal needs, holds no veto over it and says it is indifferent (its
    vote is one the majority may need, and it must sign what passes). A delegation for it
    votes so without a trade, and a veto holder that does not oppose lets it pass (the
    computer players' "consent-open" rule). Bargaining for every indifferent vote made
    elements the room already backs all but certain (sketch-2024's freeze and no-US-troops,
    Berlin's diplomacy first), which the balance tests rule out."""
    stance = _stance(game, element, party)
    if stance == "oppose":
        return True
    consent = party in game.book.consent[element]
    if not stance:
        return consent
    return stance == "neutral" and not consent and party in game.book.required


def _element_trades(player: ComputerPlayer, game: Game, floor: _Floor, gives: list[str],
                    pledges: list[str], wants: list[str], asks: list[str]) -> list[Trade]:
    """Trades when elements are voted on one by one, with each delegation whose vote or
    turn to propose the seat needs: "I accept X (which you support) if you accept Y", "I
    table W (which you support) when I next propose if you accept Y now", and, when the
    seat has no turn of its own left (what it could table itself, it does not trade for),
    "I accept X now if you table Z when you next propose"."""
    book = game.book
    me = player.party
    values = game.session.values[me]
    who = floor.who
    my_turn = floor.turns[me]
    backed = _best_by(values, gives, who, 0)  # the best each delegation supports
    want = _best_by(values, wants, who, 2)  # the best whose vote must be won from each
    pledge = _best_by(values, pledges, who, 0) if my_turn is not None else {}
    asks = sorted(asks, key=lambda e: -values.get(e, 0))  # stable: file order on a tie
    found: list[Trade] = []
    for other in book.voters:
        if other == me:
            continue
        give = backed.get(other)
        wanted = want.get(other)
        if wanted is not None:
            if give is not None and values.get(wanted, 0) + values.get(give, 0) > 0:
                found.append(Trade(values.get(wanted, 0) + values.get(give, 0),
                                   Offer(me, (other,), Terms(accept=(give,)),
                                         Terms(accept=(wanted,))), "swap", None))
            table = pledge.get(other)
            if my_turn is not None and table is not None:
                net = values.get(wanted, 0) + _TABLE_WEIGHT * values.get(table, 0)
                if net > 0:
                    found.append(Trade(net, Offer(me, (other,), Terms(table=(table,)),
                                                  Terms(accept=(wanted,)), my_turn),
                                       "table-for-accept", my_turn))
        if give is not None and my_turn is None and (turn := floor.turns[other]) is not None:
            ask = next((e for e in asks if other not in who[e][1]), None)
            if ask is not None:
                net = values.get(give, 0) + _TABLE_WEIGHT * values.get(ask, 0)
                if net > 0:
                    found.append(Trade(net, Offer(me, (other,), Terms(accept=(give,)),
                                                  Terms(table=(ask,)), turn),
                                       "accept-for-table", turn))
    return found


_Who = dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]]


def _who(game: Game) -> _Who:
    """For each element: who supports it in public, who opposes it, and whose vote on it
    must be won (:func:`_needed`)."""
    return _sides(game)[0]


def _sides(game: Game) -> tuple[_Who, dict[str, frozenset[str]]]:
    """:func:`_who`, and for each element the required signers that oppose it in public.
    Stances change only when an inject fires, so both are worked out once for each set of
    injects fired, and shared by every seat and state."""
    fired = view_of(game.session).trade_key[4]
    memo = game.book.cache.get(("bot-memo", "who", ""))
    if memo is None:
        memo = game.book.cache[("bot-memo", "who", "")] = {}
    found: tuple[_Who, dict[str, frozenset[str]]] | None = memo.get(fired)
    if found is None:
        if len(memo) >= 1000:
            memo.clear()
        who: _Who = {}
        for element, stances in game.session.stances.items():
            who[element] = (
                frozenset(p for p, st in stances.items() if st == "support"),
                frozenset(p for p, st in stances.items() if st == "oppose"),
                frozenset(p for p in game.book.voters if _needed(game, element, p)))
        required = frozenset(game.book.required)
        found = memo[fired] = (who, {e: sides[1] & required for e, sides in who.items()})
    return found


def _best_by(values: Mapping[str, float], elements: list[str], who: _Who, kind: int
             ) -> dict[str, str]:
    """For each delegation, the element of ``elements`` this seat values most (the first,
    on a tie) among those the delegation supports (``kind`` 0) or whose vote on it must be
    won (``kind`` 2)."""
    best: dict[str, str] = {}
    for element in elements:
        worth = values.get(element, 0)
        for party in who[element][kind]:
            held = best.get(party)
            if held is None or worth > values.get(held, 0):
                best[party] = element
    return best


def _package_trades(player: ComputerPlayer, game: Game, floor: _Floor, wanted: bool,
                    pledges: list[str], asks: list[str], bearable: float) -> list[Trade]:
    """Trades when the tabled package is voted on as one: "I table W (which you support)
    when I next propose if you accept the package", and, when the seat has no turn of its
    own left, "I accept the package (which you back) if you table Z when you next
    propose"."""
    s, book = game.session, game.book
    me = player.party
    values = s.values[me]
    stances = s.stances
    package = floor.tabled
    my_turn = floor.turns[me]
    worth = sum(values.get(e, 0) for e in package)
    found: list[Trade] = []
    for other in book.voters:
        if other == me:
            continue
        said = [stances[e].get(other, "") for e in package]
        backs = "support" in said and "oppose" not in said
        turn = floor.turns[other] if my_turn is None else None
        if backs and turn is not None and worth >= bearable:
            ask = _best(values, [e for e in asks if stances[e].get(other) != "oppose"])
            if ask is not None and worth + _TABLE_WEIGHT * values.get(ask, 0) > 0:
                found.append(Trade(worth + _TABLE_WEIGHT * values.get(ask, 0),
                                   Offer(me, (other,), Terms(accept=package),
                                         Terms(table=(ask,)), turn),
                                   "package-for-table", turn))
        if wanted and my_turn is not None and any(other in floor.who[e][2] for e in package):
            pledge = _best(values, [e for e in pledges if stances[e].get(other) == "support"])
            if pledge is not None and worth + _TABLE_WEIGHT * values.get(pledge, 0) > 0:
                found.append(Trade(worth + _TABLE_WEIGHT * values.get(pledge, 0),
                                   Offer(me, (other,), Terms(table=(pledge,)),
                                         Terms(accept=package), my_turn),
                                   "table-for-package", my_turn))
    return found


def _struck(player: ComputerPlayer, game: Game, move: Offer) -> bool:
    """Whether the talks so far rule this offer out: its recipient broke more promises than
    this seat's persona forgives, or declined the same offer before, or the same offer
    stands already, or the recipient has already promised what it asks (and the promise is
    still to be tested)."""
    talks = game.session.talks
    other = move.to[0]
    if talks.broken_by(other) > player.persona.forgives:
        return True
    asked = set(move.want.items())
    now = game.round
    for o in talks.offers:
        if o.until < now:
            continue
        if o.party == move.party and o.to == move.to and o.give == move.give \
                and o.want == move.want and o.status in (OPEN, ACCEPTED):
            return True
        if o.status == ACCEPTED and any(p.result is None and p.party == other
                                        and (p.verb, p.element) in asked
                                        for p in o.promises):
            return True
    return any(o.status == DECLINED and o.party == move.party and o.to == move.to
               and o.give == move.give and o.want == move.want for o in talks.offers)


def propose_trade(player: ComputerPlayer, game: Game) -> Decision | None:
    """The trade ``player`` offers now, or None when it sees none that raises its own score
    (see :func:`trades`); with its reason, naming the elements and the rounds."""
    from exercise.bots.player import Decision

    if game.session.talks.offers:
        found = next((t for t in trades(player, game)
                      if not _struck(player, game, t.move)), None)
    else:
        found = next(iter(trades(player, game)), None)
    if found is None:
        return None
    return Decision(found.move, explain=lambda: _offer_reason(player, game.book, found))


def _offer_reason(player: ComputerPlayer, book: Rulebook, trade: Trade) -> str:
    """Why a seat offers a trade, in plain words: what it gives, what it asks, and when."""
    titles, names = player.profile.titles, player.profile.names
    move = trade.move
    other = names[move.to[0]]
    me = player.name
    head = f"{me} offers {other} a trade: it will"
    if trade.kind == "swap":
        give, want = titles[move.give.accept[0]], titles[move.want.accept[0]]
        return (f"{head} accept {give}, which {other} supports, if {other} accepts {want}; "
                f"both adopted would leave {me} better off than neither.")
    when = f"when it next proposes, in round {trade.turn}"
    package = "the package (" + and_join([titles[e] for e in move.want.accept
                                          or move.give.accept]) + ")"
    if trade.kind == "accept-for-table":
        give, want = titles[move.give.accept[0]], titles[move.want.table[0]]
        return (f"{head} accept {give}, which {other} supports, in this round's vote if "
                f"{other} tables {want} {when}; {give} adopted and {want} tabled would "
                f"leave {me} better off than neither.")
    if trade.kind == "table-for-accept":
        give, want = titles[move.give.table[0]], titles[move.want.accept[0]]
        return (f"{head} table {give}, which {other} supports, {when}, if {other} accepts "
                f"{want} in this round's vote; {want} adopted and {give} tabled would "
                f"leave {me} better off than neither.")
    if trade.kind == "package-for-table":
        want = titles[move.want.table[0]]
        return (f"{head} accept {package}, which {other} backs, in this round's vote if "
                f"{other} tables {want} {when}; the package adopted and {want} tabled "
                f"would leave {me} better off than neither.")
    give = titles[move.give.table[0]]
    return (f"{head} table {give}, which {other} supports, {when}, if {other} accepts "
            f"{package} in this round's vote; the package adopted and {give} tabled would "
            f"leave {me} better off than neither.")


def _next_answer(game: Game, players: Mapping[str, ComputerPlayer]
                 ) -> tuple[str, Decision] | None:
    """The first answer a computer seat owes to an open offer (in the order made)."""
    for state in game.session.talks.offers:
        if state.status != OPEN:
            continue
        for party in state.to:
            if party in players and party not in state.answers:
                decision = answer(players[party], game, state)
                if game.is_legal(decision.move):
                    return party, decision
    return None


def bargain(game: Game, players: Mapping[str, ComputerPlayer]) -> None:
    """Make every talk move the computer seats make now, exactly as :func:`next_talk`
    asked again and again would (a simulation's discussion), in one pass over the seats.

    Within a discussion the talks can only strike a seat's trades, never add one (broken
    promises are counted at votes and proposals, not here), so a seat that had no offer
    to make has none later in the same discussion: each seat is asked once.
    """
    if game.is_over or not game.book.talks_enabled or game.session.talks.paused:
        return
    _answer_all(game, players)
    if game.phase is not Phase.DISCUSSION:
        return
    this_round = {o.party for o in game.session.talks.offers if o.made_in == game.round}
    for party in game.book.voters:
        player = players.get(party)
        if player is None or party in this_round:
            continue
        offered = propose_trade(player, game)
        if offered is not None and _pushed(game, offered.move):
            _answer_all(game, players)


def _pushed(game: Game, move: Move) -> bool:
    """Make ``move`` if it is legal (an illegal move leaves the game unchanged)."""
    try:
        game.push(move)
    except IllegalMoveError:
        return False
    return True


def _answer_all(game: Game, players: Mapping[str, ComputerPlayer]) -> None:
    """Every answer the computer seats owe, in the order :func:`_next_answer` gives them."""
    offers = game.session.talks.offers
    again = True
    while again:
        again = False
        for state in offers:
            if state.status != OPEN:
                continue
            for party in state.to:
                if party in players and party not in state.answers and \
                        _pushed(game, answer(players[party], game, state).move):
                    again = True
                    break
            if again:
                break


def next_talk(game: Game, players: Mapping[str, ComputerPlayer]
              ) -> tuple[str, Decision] | None:
    """The next talk move a computer seat makes now, or None: answers to open offers first
    (in the order the offers were made), then, during discussion, each seat's one offer
    of the round, in the voters' order."""
    if game.is_over or not game.book.talks_enabled or game.session.talks.paused:
        return None
    talks = game.session.talks
    owed = _next_answer(game, players)
    if owed is not None:
        return owed
    if game.phase is not Phase.DISCUSSION:
        return None
    this_round = {o.party for o in talks.offers if o.made_in == game.round}
    for party in game.book.voters:
        player = players.get(party)
        if player is None or party in this_round:
            continue
        offered = propose_trade(player, game)
        if offered is not None and game.is_legal(offered.move):
            return party, offered
    return None
