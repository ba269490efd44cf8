"""Computer-only games by the thousand, through the one engine, sharing identical states.

Every transition is made by the engine itself — ``Game.push`` with all its checks and
rules — on a copy of the state it starts from. Thousands of games, though, pass
through the same states: the same round-one table, the same votes, the same
outcome. So each state is kept once (a *node*), and each transition out of it is
remembered the first time a game makes it; later games that reach that state and
make the same move follow the remembered edge instead of computing it again.

Two things differ between games in the same state: the computer players' noise and
the injects' chance draws, both functions of the game's seed (see
:mod:`exercise.engine.chance`). The players' noise-free judgement of a state is
worked out once per node (their *plans*); a game's noise then settles only what the
noise can change, and the move it makes is the edge's key. Draws can happen inside a
transition, so a remembered edge is a small tree: at each draw it made, a game takes
the branch its own seed's draw picks; a branch no game has taken yet is computed by
the engine then and there.

A round is two edges: from a proposal to the open vote (the proposer's move, then the
headless rule that voting opens at once), and from the open vote to the next
proposal or the end (every ballot, the resolution, the injects, the next briefing).
``tests/test_simulate.py`` proves a game played this way ends exactly as the same
game played move by move through the phase machine, in ``exercise run`` and in the
terminal UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from exercise.bots import ComputerPlayer
from exercise.bots.bargain import bargain
from exercise.bots.player import forget
from exercise.engine import CallVote, Game, Move, Pass, Phase, Rulebook, Table, Vote
from exercise.engine.chance import DRAW_SALT, mix, unit
from exercise.engine.machine import attach_compiled
from exercise.engine.moves import PACKAGE, Ballot
from exercise.engine.phases import Trigger
from exercise.engine.rules import verdicts
from exercise.engine.session import RoundRecord, Session
from exercise.engine.talks import ACCEPTED, OPEN, OfferState, TalkState
from exercise.simulate.stats import Ending, vote_adds

MAX_NODES = 10_000  # states kept before the memory starts afresh (results do not change)
# A state holds a few numbers per element, inject and party, and once an inject shifts a
# value, a value per element and party: the states kept are bounded in those numbers too,
# so that a scenario at the limits (250 elements, 20 parties) keeps some 600 of them (a few
# hundred MB), not 10,000 (gigabytes).
MAX_CELLS = 4_000_000


def node_bound(book: Rulebook, most: int = MAX_NODES) -> int:
    """How many states to keep for this scenario (see :data:`MAX_CELLS`)."""
    elements, parties = len(book.element_ids), len(book.party_ids)
    cells = elements * (4 + parties) + 2 * len(book.injects) + len(book.tracks) + 3 * parties
    return min(most, max(100, MAX_CELLS // max(1, cells)))
START = ("start",)


class Node:
    """One game state, kept once, with the transitions games have made out of it."""

    __slots__ = ("counted", "edges", "ending", "plan", "session", "tally")

    def __init__(self, session: Session):
        self.session = session
        self.edges: dict[Any, Leaf | Branch] = {}
        self.plan: Any = None  # the computer players' noise-free decisions here
        # ballots → (verdicts, consent withheld from each rejected element), when voting
        self.tally: dict[Any, tuple[tuple[bool, ...], tuple[tuple[str, ...], ...]]] = {}
        self.counted: dict[Any, Any] = {}  # ballots → what the vote counts for (stats.vote_adds)
        self.ending: Any = None  # what a game ending here counts for (stats.Ending)


class Leaf:
    """Where a transition lands, and the round records it added."""

    __slots__ = ("node", "records")

    def __init__(self, node: Node, records: tuple[RoundRecord, ...]):
        self.node = node
        self.records = records


class Branch:
    """A chance draw inside a transition: each game goes the way its own draw falls."""

    __slots__ = ("chance", "detail", "inject", "no", "yes")

    def __init__(self, inject: str, detail: int, chance: float):
        # ``detail`` picks the draw, as the engine's (rules.draw) logs it
        self.inject, self.detail, self.chance = inject, detail, chance
        self.yes: Leaf | Branch | None = None
        self.no: Leaf | Branch | None = None


def state_key(s: Session) -> tuple[Any, ...]:
    """Everything that makes a state what it is to the rules and the players.

    Values, stances and walk-aways follow from the injects fired, in order; scores from
    the statuses and values. ``adopted_in`` (the round each element was adopted in) is
    history that no rule and no player reads, so states that differ only there share
    their future; a game's own adoption rounds are in its vote records.
    """
    outcome = s.outcome
    return (
        s.state, s.round, s.proposer, s.tabled, s.tabled_fired, tuple(sorted(s.blocked.items())),
        tuple(s.status.values()), tuple(s.rejections.values()),
        tuple(s.tracks.values()), tuple(s.scores.values()), tuple(s.fired),
        tuple(s.attempts.values()),
        tuple((p, tuple(b.items())) for p, b in s.ballots.items()),
        tuple(s.signed.values()), s.collapse_reason, s.stop_reason,
        (outcome.kind, outcome.reason) if outcome else None,
        s.talks.key(),  # offers and promises change how the computer players vote
    )


class Simulator:
    """Plays computer-only games of one scenario, one after another."""

    def __init__(self, book: Rulebook, personas: dict[str, str] | None = None,
                 max_nodes: int = MAX_NODES, *, talks: bool = True):
        self.book = book
        # Whether the computer players bargain in discussion (``simulate --no-talks``: not).
        self.talks = talks and book.talks_enabled
        self.max_nodes = node_bound(book, max_nodes)
        self.shell = Game.__new__(Game)  # a Game whose session is swapped for each state
        self.shell.book = book
        self.shell.scenario = book.scenario
        self.shell.seed = 0
        personas = personas or {}
        self.players = {p: ComputerPlayer(self.shell, p, persona=personas.get(p))
                        for p in book.voters}
        self.nodes: dict[tuple[Any, ...], Node] = {}
        self._reset()

    def _reset(self) -> None:
        if self.nodes:
            forget(self.book)
            for player in self.players.values():
                player.reseed(player.seed)  # drop its view of a forgotten state
        self.nodes = {}
        start = Session(self.book, 0, record_events=False)
        start.sign_by_walk_away = True  # computer players sign by walk-away: decided at once
        start.state = Phase.SETUP
        self.start = Node(start)

    # --- transitions -------------------------------------------------------------------------

    def _moves(self, node: Node, key: Any) -> Sequence[Move]:
        """The engine moves a proposal edge's key stands for."""
        session = node.session
        if key is START:
            return ()
        assert session.proposer is not None
        if key is None:
            return (Pass(session.proposer),)
        return (Table(session.proposer, key), CallVote())  # voting opens at once

    def _ballots(self, node: Node, ballots: tuple[tuple[Ballot, ...], ...]
                 ) -> dict[str, dict[str, Ballot]]:
        targets = self.book.ballot_targets(node.session.tabled)
        return {party: dict(zip(targets, ballot, strict=True))
                for party, ballot in zip(self.book.voters, ballots, strict=True)}

    def _verdicts(self, node: Node, ballots: tuple[tuple[Ballot, ...], ...]
                  ) -> tuple[tuple[bool, ...], tuple[tuple[str, ...], ...]]:
        """What these ballots decide, by the engine's resolution rule, and which consent
        parties withheld consent from each rejected element (the session remembers them,
        and the computer players read it before tabling an element again). The state after
        a vote depends on the ballots only through these, so they key the vote's edge."""
        found = node.tally.get(ballots)
        if found is None:
            book, tabled = self.book, node.session.tabled
            cast = self._ballots(node, ballots)
            decided = verdicts(book, tabled, cast)
            withheld = tuple(
                () if passed else tuple(
                    p for p in book.consent[e] if p in cast and cast[p].get(
                        PACKAGE if book.package_voting else e) is not Ballot.ACCEPT)
                for e, passed in zip(tabled, decided, strict=True))
            found = node.tally[ballots] = (decided, withheld)
        return found

    def _run(self, node: Node, seed: int, moves: Sequence[Move]) -> tuple[Session, list[Any]]:
        """Make a transition with the engine, on a copy of the node's state."""
        session = node.session.copy(seed)
        session.draw_log = []
        attach_compiled(session)
        if not moves:
            session.fire(Trigger.START)
        else:
            game = Game.__new__(Game)
            game.book, game.scenario, game.seed, game.session = (
                self.book, self.book.scenario, seed, session)
            for move in moves:
                if type(move) is CallVote and self.talks:
                    self._bargain(game)  # the discussion: offers and answers, then the vote
                game.push(move)
        log = session.draw_log
        session.draw_log = None
        del session.fire  # the phase machine's hold on the session (a reference cycle)
        return session, log

    def _bargain(self, game: Game) -> None:
        """The computer players' talks in discussion, as the room has them make them
        (:func:`exercise.bots.bargain.bargain`, noise-free: the edge stays one move)."""
        bargain(game, self.players)
        game.session.bot_view = None

    def _intern(self, session: Session) -> Node:
        if session.talks.offers and type(session.talks) is not _Talks:
            session.talks = _Talks(session.talks)
        key = state_key(session)
        node = self.nodes.get(key)
        if node is None:
            if len(self.nodes) >= self.max_nodes:
                # Bounded memory: forget every state and learn again. Games under way
                # keep the states they hold; results never depend on what is remembered.
                self._reset()
            node = self.nodes[key] = Node(session)
        return node

    def _learn(self, node: Node, key: Any, seed: int, moves: Sequence[Move]) -> Leaf:
        """Compute a transition and add its path (through any draws) to the edge's tree."""
        session, log = self._run(node, seed, moves)
        records = tuple(session.history)
        session.history = []
        leaf = Leaf(self._intern(session), records)
        if not log:
            node.edges[key] = leaf
            return leaf
        root = node.edges.get(key)
        if root is None:
            root = node.edges[key] = Branch(*log[0][:3])
        place: Branch | Leaf = root
        for i, (inject, detail, _, hit) in enumerate(log):
            assert isinstance(place, Branch) and place.inject == inject and \
                place.detail == detail, "the engine drew differently from the same state"
            following: Leaf | Branch = leaf
            if i + 1 < len(log):
                following = (place.yes if hit else place.no) or Branch(*log[i + 1][:3])
            if hit:
                place.yes = place.yes or following
                place = place.yes
            else:
                place.no = place.no or following
                place = place.no
        return leaf

    def _plan(self, node: Node) -> Any:
        """The computer players' noise-free decisions in a node's state: the edge's key
        itself when no noise can change it, else what each game's noise must settle."""
        shell = self.shell
        shell.session = session = node.session
        try:
            if session.state is Phase.PROPOSAL:
                assert session.proposer is not None
                player = self.players[session.proposer]
                plan = player.proposal_plan(shell)
                if plan.chosen is not None:
                    return _Fixed(plan.chosen or None)
                return (player, plan)
            template: list[Any] = []
            unsettled = []
            for i, party in enumerate(self.book.voters):
                ballot = self.players[party].ballot_plan(shell)
                template.append(ballot)
                if type(ballot) is not tuple:
                    unsettled.append((i, ballot))
            if not unsettled:
                fixed = tuple(template)
                return _Fixed(self._verdicts(node, fixed), fixed)
            return _Vote(template, unsettled)
        finally:
            session.bot_view = None  # the players' view is rebuilt if ever needed again

    # --- games -------------------------------------------------------------------------------

    def run(self, seeds: Sequence[int], *, trails: bool = False) -> Batch:
        """Play one computer-only game per seed, all of them together, state by state.

        Games in the same state move together: their players' plans are worked out once,
        each game's noise settles its own move, games making the same move follow the
        same edge, and each game's own draws pick its branch at every chance inject.

        Args:
            seeds: one game per seed.
            trails: keep each game's votes, to rebuild its round records (for tests and
                single games; a simulation's statistics need only the counts).
        """
        voters = self.book.voters
        players = [self.players[p] for p in voters]
        index = {p: i for i, p in enumerate(voters)}
        bases = [[player.noise_base(seed) for player in players] for seed in seeds]
        draw_bases = [mix(seed, DRAW_SALT) for seed in seeds]
        batch = Batch(seeds, trails, self.book)
        shell = self.shell
        moving: list[tuple[Node, Any, Any, list[int]]] = [
            (self.start, START, None, list(range(len(seeds))))]
        while moving:
            arrived: dict[Node, list[int]] = {}
            for node, key, ballots, games in moving:
                tree = node.edges.get(key)
                leaf: Leaf | None
                if type(tree) is Leaf:  # no draw on the way: all go together
                    leaf = tree
                    here = arrived.get(tree.node)
                    if here is None:
                        arrived[tree.node] = games
                    else:
                        here.extend(games)
                else:
                    leaf = None
                    for g in games:
                        t = tree
                        while type(t) is Branch:
                            t = t.yes if unit(draw_bases[g], t.detail) < t.chance else t.no
                        if t is None:
                            moves = (self._moves(node, key) if ballots is None
                                     else self._votes(node, ballots))
                            t = self._learn(node, key, seeds[g], moves)
                            tree = node.edges[key]
                        assert type(t) is Leaf
                        leaf = leaf or t
                        arrived.setdefault(t.node, []).append(g)
                if ballots is not None:
                    assert leaf is not None
                    batch.vote(node, ballots, leaf.records[0], games)
            moving = []
            for node, games in arrived.items():
                session = node.session
                if session.state is Phase.ENDED:
                    batch.end(node, games)
                    continue
                plan = node.plan
                if plan is None:
                    plan = node.plan = self._plan(node)
                kind = type(plan)
                if kind is _Fixed:
                    moving.append((node, plan.key, plan.ballots, games))
                elif kind is _Vote:  # ballots, some settled by each seat's noise
                    by: dict[Any, list[int]] = {}
                    template, unsettled = plan.template, plan.unsettled
                    settle = ComputerPlayer.settle_ballot
                    for g in games:
                        mine = bases[g]
                        row = template.copy()
                        for i, ballot in unsettled:
                            row[i] = settle(ballot, mine[i])
                        by.setdefault(tuple(row), []).append(g)
                    for cast, same in by.items():
                        verdict = self._verdicts(node, cast)
                        moving.append((node, verdict, cast, same))
                else:  # a proposal the proposer's noise settles
                    player, proposal = plan
                    i = index[player.party]
                    shell.session = session
                    by = {}
                    for g in games:
                        chosen = player.settle_proposal(shell, proposal, bases[g][i]) or None
                        by.setdefault(chosen, []).append(g)
                    for chosen, same in by.items():
                        moving.append((node, chosen, None, same))
        return batch

    def play(self, seed: int) -> Played:
        """One computer-only game: its final state and its round records."""
        batch = self.run([seed], trails=True)
        ((node, _),) = batch.ends.items()
        records = batch.trail(0, self)
        session = node.session.copy(seed)
        session.adopted_in = {e: r.round for r in records for e in r.adopted}  # see state_key
        session.history = records
        return Played(seed, session, records)

    def _votes(self, node: Node, ballots: tuple[tuple[Ballot, ...], ...]) -> list[Move]:
        return [Vote(party, ballot) for party, ballot in self._ballots(node, ballots).items()]


class Batch:
    """Where a batch of games ended, and the votes they cast, counted."""

    def __init__(self, seeds: Sequence[int], trails: bool, book: Rulebook):
        self.seeds = seeds
        self.book = book
        # What each final state counts for → the games (indices into seeds) that ended there;
        # the states themselves only when the trails are kept (a single game's end is read).
        self.endings: dict[Ending, list[int]] = {}
        self.ends: dict[Node, list[int]] = {}
        self._keep_ends = trails
        # What each vote counts for (stats.vote_adds) → how many games cast it. Keyed by the
        # counts, not by the state voted in: a batch of 500 games at the limits passes through
        # some 20,000 states, and holding each one here kept gigabytes alive.
        self.votes: dict[tuple[tuple[int, int], ...], int] = {}
        self._trails: list[list[tuple[RoundRecord, Node, Any]]] | None = (
            [[] for _ in seeds] if trails else None)

    def end(self, node: Node, games: list[int]) -> None:
        ending = node.ending
        if ending is None:
            ending = node.ending = Ending(self.book, node.session)
        self.endings.setdefault(ending, []).extend(games)
        if self._keep_ends:
            self.ends.setdefault(node, []).extend(games)

    def vote(self, node: Node, ballots: Any, record: RoundRecord, games: list[int]) -> None:
        adds = node.counted.get(ballots)
        if adds is None:
            adds = node.counted[ballots] = vote_adds(self.book, record, ballots)
        self.votes[adds] = self.votes.get(adds, 0) + len(games)
        if self._trails is not None:
            for g in games:
                self._trails[g].append((record, node, ballots))

    def trail(self, game: int, sim: Simulator) -> list[RoundRecord]:
        """A game's round records, as the engine keeps them in ``session.history``.

        A remembered vote's record carries the ballots of the game that first made it;
        this game's own ballots go in their place.
        """
        assert self._trails is not None, "run(..., trails=True) keeps the votes"
        return [replace(record, ballots=sim._ballots(node, ballots))
                for record, node, ballots in self._trails[game]]


@dataclass
class Played:
    """A finished simulated game: its last state and its round records."""

    seed: int
    session: Session
    records: list[RoundRecord]


class _Talks(TalkState):
    """The talks of a remembered state, copied cheaply for each transition out of it.

    An offer that is settled (declined, expired, or accepted with every promise settled)
    is never changed again by the rules, so the copies share it; only the others are
    copied. Thousands of transitions copy a state's talks, and by the late rounds a game
    of a large scenario holds a score of offers.
    """

    def __init__(self, talks: TalkState):
        super().__init__(talks.paused, talks.closed, talks.offers)

    def copy(self) -> TalkState:
        """An independent copy, sharing the offers no rule will change again."""
        offers = [o if _settled(o) else OfferState(
            o.number, o.party, o.to, o.give, o.want, o.made_in, o.until, o.status,
            dict(o.answers), o.accepted_in, list(o.promises)) for o in self.offers]
        return _Talks(TalkState(self.paused, set(self.closed), offers))


def _settled(offer: OfferState) -> bool:
    """Whether no rule will change ``offer`` again."""
    if offer.status == OPEN:
        return False
    return offer.status != ACCEPTED or all(p.result is not None for p in offer.promises)


class _Vote:
    """A vote's plan: each seat's ballot plan, and (seat index, plan) where noise settles."""

    __slots__ = ("template", "unsettled")

    def __init__(self, template: list[Any], unsettled: list[tuple[int, Any]]):
        self.template = template
        self.unsettled = unsettled


class _Fixed:
    """A plan no noise can change: the edge's key (and the ballots, for a vote)."""

    __slots__ = ("ballots", "key")

    def __init__(self, key: Any, ballots: Any = None):
        self.key = key
        self.ballots = ballots


__all__ = ["Batch", "Played", "Simulator", "state_key"]
