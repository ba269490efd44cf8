"""How a computer delegation bargains: the offers it makes, its answers, its promises.

Everything here is a function of what the seat may see (its own values and walk-away,
public stances, the table, the talks it is party to) and of its persona; nothing is drawn
at random, so a game's talks are the same whatever order they are asked in, and a
simulation's memoized states stay valid (the talks are part of the state it keys on).

* **Offers.** During discussion, each computer seat looks at the tabled elements for a
  trade: an element it gains by (``want``) that another delegation does not publicly
  support, against one that delegation supports in public (``give``), such that the two
  together raise its own score. It keeps the deal signable: it never asks for an element
  that a party whose signature the deal needs has said in public it opposes. At most one
  offer a seat a round, to one delegation.
* **Answers.** A seat weighs an offer by what its terms are worth to it (a promise to
  table counts half: a tabled element may still fall), its persona's bar, its walk-away
  in the last round, and the promises the offering party has broken before.
* **Promises.** At the vote, a seat keeps a promise to accept when keeping it costs no
  more than its persona's ``fidelity``; otherwise it votes its own interest, and the
  promise is broken.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from exercise.engine.game import Game
from exercise.engine.moves import Answer, Offer, Terms
from exercise.engine.phases import Phase
from exercise.engine.session import Status
from exercise.engine.talks import ACCEPTED, OPEN, OfferState
from exercise.narration import and_join

if TYPE_CHECKING:
    from exercise.bots.player import ComputerPlayer, Decision

_TABLE_WEIGHT = 0.5  # a promise to table is worth half a promise to accept


def promise_on(game: Game, party: str, elements: tuple[str, ...]) -> tuple[int, str] | None:
    """The first untested promise of ``party`` to accept one of ``elements``, in an
    accepted offer still within its rounds: (the offer's number, the element)."""
    talks = game.session.talks
    if not talks.offers:
        return None
    for state in talks.offers:
        if state.status != ACCEPTED or state.until < game.round:
            continue
        for promise in state.promises:
            if promise.result is None and promise.party == party and \
                    promise.verb == "accept" and promise.element in elements:
                return state.number, promise.element
    return None


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
    """Whether ``player`` keeps its promise to accept ``elements`` at this vote: when what
    accepting them costs it is within its persona's fidelity."""
    values = game.session.values[player.party]
    cost = -sum(values.get(e, 0) for e in elements) / player.scale
    return cost <= player.persona.fidelity


def _worth(player: ComputerPlayer, game: Game, terms: Terms) -> float:
    values = game.session.values[player.party]
    return (sum(values.get(e, 0) for e in terms.accept)
            + _TABLE_WEIGHT * sum(values.get(e, 0) for e in terms.table))


def _listing(player: ComputerPlayer, terms: Terms) -> str:
    titles = player.profile.titles
    parts = []
    if terms.accept:
        parts.append("accepting " + and_join([titles[e] for e in terms.accept]))
    if terms.table:
        parts.append("tabling " + and_join([titles[e] for e in terms.table]))
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
    gain = _worth(player, game, state.give)
    cost = _worth(player, game, state.want)
    net = gain + cost
    get = f"{by} {_listing(player, state.give)}"
    give = _listing(player, state.want)
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


def propose_trade(player: ComputerPlayer, game: Game) -> Decision | None:
    """A trade ``player`` offers over the tabled elements, or None when it sees none that
    raises its own score."""
    from exercise.bots.player import Decision

    s = game.session
    book = game.book
    if book.package_voting or len(s.tabled) < 2:
        return None  # a trade needs two elements voted on apart
    me = player.party
    values = s.values[me]
    tabled = [e for e in s.tabled if s.status[e] is Status.OPEN]
    best: tuple[float, str, str, str] | None = None
    for want in tabled:
        mine = values.get(want, 0)
        if mine <= 0:
            continue
        if any(_stance(game, want, p) == "oppose" for p in book.required if p != me):
            continue  # the deal must stay signable: nothing a required signer opposes
        for other in book.voters:
            if other == me or _stance(game, want, other) == "support":
                continue
            for give in tabled:
                if give == want or _stance(game, give, other) != "support":
                    continue
                net = mine + values.get(give, 0)
                if net <= 0:
                    continue  # the trade must raise its own score
                if best is None or net > best[0]:
                    best = (net, want, other, give)
    if best is None:
        return None
    _, want, other, give = best
    move = Offer(me, (other,), Terms(accept=(give,)), Terms(accept=(want,)))
    titles, names = player.profile.titles, player.profile.names
    reason = (f"{player.name} offers {names[other]} a trade: it will accept {titles[give]}, "
              f"which {names[other]} supports, if {names[other]} accepts {titles[want]}; "
              f"both adopted would leave {player.name} better off than neither.")
    return Decision(move, reason)


def next_talk(game: Game, players: Mapping[str, ComputerPlayer]
              ) -> tuple[str, Decision] | None:
    """The next talk move a computer seat makes now, or None: answers to open offers first
    (in the order the offers were made), then, during discussion, each seat's one offer
    of the round, in the voters' order."""
    if game.is_over or not game.book.talks_enabled or game.session.talks.paused:
        return None
    talks = game.session.talks
    for state in talks.offers:
        if state.status != OPEN:
            continue
        for party in state.to:
            if party in players and party not in state.answers:
                decision = answer(players[party], game, state)
                if game.is_legal(decision.move):
                    return party, decision
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
