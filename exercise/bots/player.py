"""A computer player for any seat of any valid scenario.

It sees what its seat may see: its own private values and walk-away, the public
stances, statuses, rejections and tracks, and the round. It never reads another
party's values or an unrevealed ballot. Its noise is drawn from a hash of (seed,
party, round, what is drawn), never from a running random stream: a proposal's
worth of each element gets its own draw; a seat's ballots in a round share one draw,
its mood, which moves every margin alike. So the same seed gives the same decisions
whatever order they are asked in, and the game's own random source (which draws the
injects' chances) is never touched.

The same code plays in the terminal, in `exercise run` and in `exercise simulate`.
It is written for the last: public numbers come from a view shared by every seat
(:mod:`exercise.bots.view`), and the plain-words reason of a decision is written only
when someone reads it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from math import nextafter
from statistics import median
from typing import Any

from exercise.bots.bargain import keeps, promise_on, table_promises
from exercise.bots.personas import PERSONAS, Persona, persona_for
from exercise.bots.reasons import Scene, passing, tabling, why
from exercise.bots.view import STANCE_LEAN, PublicView, view_of
from exercise.engine.chance import mix, unit
from exercise.engine.game import Game
from exercise.engine.moves import PACKAGE, Ballot, Move, Pass, Sign, Table, Vote
from exercise.engine.phases import Phase
from exercise.engine.rulebook import Rulebook
from exercise.engine.session import Status
from exercise.narration import and_join

_HOPELESS = 0.12  # below this estimated chance of adoption, a proposer leaves an element be
_VOTES = {Ballot.ACCEPT: "accepts", Ballot.REJECT: "rejects", Ballot.ABSTAIN: "abstains on"}
_LEANS = {
    Ballot.ACCEPT: "is for",
    Ballot.REJECT: "is against",
    Ballot.ABSTAIN: "is indifferent to",
}
_NEVER = -1e9  # the worth of an element a seat would never table
_PLEDGED = 1e9  # the worth of an element a seat has promised to table, and keeps its word
_STANCE_WEIGHT = 0.4  # an indifferent seat leans toward what it has said in public


class Decision:
    """A move and the one line of plain words that explains it (written when first read)."""

    __slots__ = ("_explain", "_reason", "move")

    def __init__(self, move: Move, reason: str | None = None,
                 explain: Callable[[], str] | None = None):
        self.move = move
        self._reason = reason
        self._explain = explain

    @property
    def reason(self) -> str:
        """The reason, in plain words."""
        if self._reason is None:
            assert self._explain is not None
            self._reason = self._explain()
        return self._reason

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Decision) and self.move == other.move
                and self.reason == other.reason)

    def __hash__(self) -> int:
        return hash(self.move)

    def __repr__(self) -> str:
        return f"Decision({self.move!r}, {self.reason!r})"


@dataclass(slots=True)
class _Judgement:
    ballot: Ballot
    margin: float
    terms: tuple[float, ...]
    elements: tuple[str, ...]
    rule: str | None  # "tabled": its own proposal; "consent": its abstention would veto
    promise: tuple[int, bool] | None = None  # (offer, kept) when a promise is at stake


def _by_mood(entry: tuple[float, float], u: float) -> Ballot:
    """A ballot the mood decides: accept when the draw ``u`` is at least the first
    threshold, abstain when it is above the second, else reject."""
    accept_at, abstain_above = entry
    if u >= accept_at:
        return Ballot.ACCEPT
    return Ballot.ABSTAIN if u > abstain_above else Ballot.REJECT


@dataclass(frozen=True, slots=True)
class BallotPlan:
    """A seat's ballot (one choice per target) before its mood in the round: the mood's
    draw ``u`` picks ``outcomes[k]``, ``k`` being how many ``breaks`` are at or below it."""

    detail: int
    breaks: tuple[float, ...]
    outcomes: tuple[tuple[Ballot, ...], ...]


@dataclass(frozen=True, slots=True)
class ProposalPlan:
    """A proposal before noise: the bar, and the options that might clear it, best first,
    as (worth, element, noise detail)."""

    bar: float
    options: tuple[tuple[float, str, int], ...]
    simple: bool  # no option excludes another, and elements are voted on one by one
    chosen: tuple[str, ...] | None  # what is tabled, when noise cannot change it


@dataclass(frozen=True)
class _Profile:
    """What a seat needs that does not change during a game (shared across games)."""

    me: int
    voter: int
    voter_index: dict[str, int]
    elements: dict[str, int]
    titles: dict[str, str]
    names: dict[str, str]
    dependents: dict[str, tuple[str, ...]]
    scale: float
    required: bool
    majority: float
    voters: int
    others_required: int


_MEMO_LIMIT = 100_000  # judgements remembered per kind and persona before starting afresh


def _memo(book: Rulebook, kind: str, persona: str) -> dict[Any, Any]:
    """A scenario's memory of noise-free judgements for one persona (see :func:`_keep`)."""
    key = ("bot-memo", kind, persona)
    memo = book.cache.get(key)
    if memo is None:
        memo = book.cache[key] = {}
    return memo


def forget(book: Rulebook) -> None:
    """Clear the scenario's memory of judgements (a long simulation bounds its memory)."""
    for key, memo in book.cache.items():
        if isinstance(key, tuple) and key[0] == "bot-memo":
            memo.clear()


def _keep(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    """Remember a judgement, starting afresh when the memory is full (bounded in size)."""
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def _dependents(book: Rulebook) -> dict[str, tuple[str, ...]]:
    """The elements that require each element, in file order (worked out once a scenario)."""
    found = book.cache.get("bot-dependents")
    if found is None:
        found = {e: [] for e in book.element_ids}
        for element, needs in book.requires.items():
            for need in dict.fromkeys(needs):
                found[need].append(element)
        found = book.cache["bot-dependents"] = {e: tuple(d) for e, d in found.items()}
    return found


def _profile(book: Rulebook, party: str) -> _Profile:
    key = ("bot-profile", party)
    found = book.cache.get(key)
    if found is None:
        own = [abs(v) for v in book.values[party].values() if v]
        found = book.cache[key] = _Profile(
            me=book.party_ids.index(party),
            voter=book.voters.index(party) if party in book.voters else -1,
            voter_index={p: i for i, p in enumerate(book.voters)},
            elements={e: i for i, e in enumerate(book.element_ids)},
            titles={e.id: e.title for e in book.scenario.elements},
            names={q.id: q.name for q in book.scenario.parties},
            dependents=_dependents(book),
            scale=max(1.0, median(own)) if own else 1.0,
            required=party in book.required,
            majority=float(book.majority),
            voters=len(book.voters),
            others_required=len([p for p in book.required if p != party]),
        )
    return found



def _on_ballot(game: Game) -> list[tuple[str, tuple[str, ...]]]:
    """Each target of a ballot now, with the elements adopting it would adopt."""
    tabled = game.session.tabled
    return [(target, tabled if target == PACKAGE else (target,))
            for target in game.book.ballot_targets(tabled)]

class ComputerPlayer:
    """Plays one seat: proposes when it is the proposer, votes when voting is open."""

    def __init__(
        self,
        game: Game,
        party: str,
        *,
        persona: str | None = None,
        noise: float | None = None,
        seed: int | None = None,
    ):
        """Set up a player for ``party``.

        Args:
            game: the game it will play (read for the scenario only here).
            party: the seat it plays.
            persona: overrides the scenario's ``bot.persona`` hint.
            noise: overrides the scenario's ``bot.noise`` (0 = none, 1 = the persona's full).
            seed: the seed of its noise (default: the game's seed).
        """
        spec = game.scenario.party(party)
        hint = spec.bot
        name = persona_for(spec, persona)
        self.party = party
        self.name = spec.name
        self.persona: Persona = PERSONAS[name]
        scale = noise if noise is not None else (hint.noise if hint and hint.noise is not None
                                                 else 1.0)
        self.noise = self.persona.noise * scale
        self.seed = game.seed if seed is None else seed
        self.profile = _profile(game.book, party)
        self._base = self.noise_base(self.seed)
        self.required = self.profile.required
        self.scale = self.profile.scale
        book = game.book
        self._judged = _memo(book, "judge", self.persona.name)
        self._worths = _memo(book, "worth", self.persona.name)
        self._plans = _memo(book, "plan", self.persona.name)
        self._view: PublicView | None = None
        self._chances: dict[str, float] = {}
        self._upside: float | None = None
        self._upside_max: float | None = None

    # --- what the seat can see ------------------------------------------------------------

    def _fresh(self, game: Game) -> PublicView:
        """The shared public view, and this seat's own caches for the same view."""
        view = view_of(game.session)
        if view is not self._view:
            self._view = view
            self._chances = {}
            self._upside = None
            self._upside_max = None
        return view

    def reseed(self, seed: int) -> None:
        """Play another game (a simulation reuses its players): new noise, empty caches."""
        self.seed = seed
        self._base = self.noise_base(seed)
        self._view = None

    def noise_base(self, seed: int) -> int:
        """Where this seat's noise comes from in the game with this seed."""
        return mix(seed, self.profile.me)

    def _detail(self, game: Game, element: str, kind: int) -> int:
        """Which noise a judgement draws: its round, element and kind (with the seat's
        seed in ``_base``), so the same judgement draws alike in any order."""
        index = self.profile.elements.get(element, len(self.profile.elements))
        return (game.round << 40) ^ (index << 8) ^ kind

    def _value(self, game: Game, element: str) -> float:
        return game.session.values[self.party].get(element, 0)

    def _lateness(self, game: Game) -> float:
        rounds = game.book.rounds
        return 1.0 if rounds <= 1 else (game.round - 1) / (rounds - 1)

    def _support(self, view: PublicView, element: str) -> float:
        """The others' public lean on an element, from -1 (all oppose) to 1 (all support)."""
        others = self.profile.voters - (1 if self.profile.voter >= 0 else 0)
        if others <= 0:
            return 0.0
        own = 0.0
        if self.profile.voter >= 0:
            own = STANCE_LEAN.get(view.session.stances[element].get(self.party, ""), 0.0)
        return (view.lean(element) - own) / others

    def _chance(self, game: Game, view: PublicView, element: str) -> float:
        """A guess, from public stances and history, that an element would be adopted."""
        found = self._chances.get(element)
        if found is not None:
            return found
        profile = self.profile
        chances, total = view.acceptance(element)
        own = 1.0 if self._value(game, element) >= 0 else 0.3
        voter_index = profile.voter_index
        chance = 1.0
        for party in game.book.consent[element]:
            chance *= own if party == self.party else chances[voter_index[party]]
        if profile.voter >= 0:
            total = total - chances[profile.voter] + own
        mean = total / profile.voters
        if mean < profile.majority:
            chance *= (mean / profile.majority) ** 2
        rejections = game.session.rejections[element]
        if rejections:
            chance *= 0.75 ** rejections
        self._chances[element] = chance
        return chance

    def _pass_chance(self, game: Game, elements: tuple[str, ...]) -> float:
        """The chance that all these elements would be adopted."""
        view = self._fresh(game)
        chance = 1.0
        for element in elements:
            chance *= self._chance(game, view, element)
        return chance

    def _open_gains(self, game: Game) -> Iterator[tuple[str, float]]:
        """This seat's positive values on open elements not on the table, in file order."""
        status = game.session.status
        tabled = game.session.tabled
        values = game.session.values[self.party]
        for element in game.book.element_ids:
            if status[element] is Status.OPEN and element not in tabled:
                value = values.get(element, 0)
                if value > 0:
                    yield element, value

    def _upside_bound(self, game: Game) -> float:
        """The most :meth:`_upside_now` can be: the same values, each at odds of 1."""
        if self._upside_max is None:
            total = 0.0
            for _, value in self._open_gains(game):
                total += value
            self._upside_max = total
        return self._upside_max

    def _upside_now(self, game: Game, view: PublicView) -> float:
        """What this seat might still gain: its positive values on open elements not on the
        table, each by its odds."""
        if self._upside is None:
            total = 0.0
            for element, value in self._open_gains(game):
                total += value * self._chance(game, view, element)
            self._upside = total
        return self._upside

    # --- voting -----------------------------------------------------------------------------

    def _judge(self, game: Game, elements: tuple[str, ...]) -> _Judgement:
        """Weigh adopting ``elements`` together: the ballot, its margin and its terms."""
        raw, terms, noiseless = self._base_judgement(game, elements)
        rule = self._rule(game, elements)
        entry = self._entry(raw, noiseless, rule)
        if type(entry) is not Ballot:
            entry = _by_mood(entry, unit(self._base, self._mood(game)))  # type: ignore[arg-type]
        promise = self._promise(game, elements)
        if promise is not None and promise[1]:
            entry = Ballot.ACCEPT
        return _Judgement(entry, noiseless, terms, elements, rule, promise)

    def _promise(self, game: Game, elements: tuple[str, ...]) -> tuple[int, bool] | None:
        """A promise of this seat's to accept these elements, still untested: (its offer,
        whether the seat keeps it); see :mod:`exercise.bots.bargain`."""
        found = promise_on(game, self.party, elements)
        return None if found is None else (found[0], keeps(self, game, elements))

    def _rule(self, game: Game, elements: tuple[str, ...]) -> str | None:
        """What settles or bounds this seat's ballot before any weighing.

        "tabled": it tabled these elements this round, and no inject has changed its
        values on them since, so it accepts them (a proposer voting down its own package
        makes no sense). "consent": its consent is required, so an abstention would veto
        them; it accepts or rejects, never abstains. "consent-open": the same, and it does
        not oppose them in public, so where it would have abstained (they make no
        difference to it) it accepts rather than veto them by default.
        """
        s = game.session
        if s.proposer == self.party and s.tabled and all(e in s.tabled for e in elements):
            injects = game.book.injects
            if not any(q == self.party and e in elements
                       for inject in s.fired[s.tabled_fired:]
                       for q, e, _ in injects[inject].values):
                return "tabled"
        consent = game.book.consent
        if any(self.party in consent[e] for e in elements):
            stances = s.stances
            if any(stances[e].get(self.party) == "oppose" for e in elements):
                return "consent"
            return "consent-open"
        return None

    def _mood(self, game: Game) -> int:
        """The detail of this seat's mood in this round: one draw moves all its ballots."""
        return (game.round << 40) ^ (len(self.profile.elements) + 1 << 8) ^ 1

    def _base_judgement(self, game: Game, elements: tuple[str, ...]
                        ) -> tuple[float, tuple[float, ...], float]:
        view = self._fresh(game)
        key = (view.token, self.party, elements)
        base = self._judged.get(key)
        if base is None:
            base = _keep(self._judged, key, self._weigh(game, view, elements))
        return base

    def _entry(self, raw: float, noiseless: float, rule: str | None = None,
               abstains: bool | None = None) -> Ballot | tuple[float, float]:
        """A ballot, or where this seat's mood in the round decides it.

        The mood moves the margin (``noiseless``) evenly within this seat's noise either
        way: at or above zero the seat accepts; an element worth nothing to it (``raw``
        0) is abstained on while the margin stays above -1, unless it is a hardliner or
        its consent is required (its abstention would be a veto); otherwise it rejects.
        Its own proposal (``rule`` "tabled") it accepts; where an indifferent consent
        holder that does not oppose in public (``rule`` "consent-open") would abstain, it
        accepts, whatever its persona. Where the mood can change the
        ballot, the entry says where the mood's draw ``u`` (uniform in [0, 1)) decides
        (see :func:`_by_mood`).
        """
        if rule == "tabled":
            return Ballot.ACCEPT
        noise = self.noise
        if rule == "consent-open" and raw == 0:
            entry = self._entry(raw, noiseless, abstains=True)
            if entry is Ballot.ABSTAIN:
                return Ballot.ACCEPT
            if type(entry) is tuple:  # where it would abstain, it accepts
                accept_at, abstain_above = entry
                return (min(accept_at, nextafter(abstain_above, 2.0)), 1.0)
            return entry
        can_abstain = abstains if abstains is not None else (
            raw == 0 and self.persona.name != "hardliner" and rule is None)
        low, high = noiseless - noise, noiseless + noise
        if low >= 0:
            return Ballot.ACCEPT
        if high < 0:  # it cannot accept
            if not can_abstain or high <= -1.0:
                return Ballot.REJECT
            if low > -1.0:
                return Ballot.ABSTAIN
        accept_at = (1.0 - noiseless / noise) / 2.0 if high >= 0 else 2.0
        abstain_above = (1.0 - (noiseless + 1.0) / noise) / 2.0 if can_abstain else 1.0
        return (accept_at, abstain_above)

    def _weigh(self, game: Game, view: PublicView, elements: tuple[str, ...]
               ) -> tuple[float, tuple[float, ...], float]:
        """The noise-free part of a judgement: (raw value, the terms, their sum less the bar).

        It depends only on the public state, this seat's values and its persona, so
        it is remembered across games in that state.
        """
        s = game.session
        p = self.persona
        values = s.values[self.party]
        raw: float = 0
        support = danger = stance = 0.0
        for e in elements:
            raw += values.get(e, 0)
            support += self._support(view, e)
            danger += view.reject_risk(e) - view.adopt_risk(e)
            stance += STANCE_LEAN.get(s.stances[e].get(self.party, ""), 0.0)
        support /= len(elements)
        # What it has said in public tips only what is worth nothing to it either way (its
        # values decide the rest, as they did before it spoke).
        stance = stance * _STANCE_WEIGHT / len(elements) if raw == 0 else 0.0
        value = raw / self.scale
        score, walk_away = s.scores[self.party], s.walk_away[self.party]
        after = score + raw
        room = p.social * support * 0.5
        danger_term = p.caution * danger
        time_term = package = line = deal = 0.0
        joint: float
        reaches = True  # with what it might still gain, this seat reaches its walk-away
        if raw < 0:
            # The upside lies between 0 and the sum of the same values at odds of 1 (in
            # floating point too: every step is monotone), so its own sum, a chance worked
            # out per element, is needed only when those two bounds disagree.
            reaches = after >= walk_away or (
                after + self._upside_bound(game) >= walk_away
                and after + self._upside_now(game, view) >= walk_away)
        if raw < 0 and reaches:
            time_term = p.concession * self._lateness(game) * 0.6  # a loss we can sign with
        # What the rest of the tabled package is worth to us, by its odds of passing.
        joint = raw
        known = self._chances  # inlined _chance's cache: this loop runs seats × targets²
        for e in s.tabled:
            if e not in elements:
                chance = known.get(e)
                if chance is None:
                    chance = self._chance(game, view, e)
                joint += values.get(e, 0) * chance
        if raw < 0 < joint and len(s.tabled) > len(elements):
            # Part of a package that pays overall: give this to get the rest.
            package = min(joint, -raw) / self.scale * p.concession * 0.5
            if score < walk_away <= score + joint:
                package += 1.0
        # Where the line between signing and not signing lies, and whether this crosses it.
        # A party whose signature an agreement does not need cares less.
        weight = 1.0 if self.required else 0.3
        package_after = score + joint if raw < 0 < joint else after
        if score >= walk_away > package_after:
            line = -1.5 * weight  # it would drop us below what we could sign
        elif score < walk_away <= after:
            line = 1.0 * weight  # it would carry us over the line
        elif raw < 0 and not reaches:
            line = -0.5 * weight  # it would put a deal we can sign out of reach
        others = self.profile.others_required
        if score >= walk_away and raw >= 0 and others:
            # Already able to sign: do not break the deal for those who must sign with us.
            opposed = sum(sum(p != self.party for p in view.opposed_by(e)) for e in elements)
            if opposed:
                deal = -p.social * 0.8 * opposed / (others * len(elements))
        terms = (value, room, danger_term, time_term, package, line, deal, stance)
        return raw, terms, sum(terms) - p.threshold

    def _scene(self, game: Game, elements: tuple[str, ...], ballot: Ballot,
               named: bool = False) -> Scene:
        """What the reason for a decision on ``elements`` may name, read from the game now."""
        s, book = game.session, game.book
        elements = tuple(e for e in elements if e in book.consent)
        accept = ballot is Ballot.ACCEPT
        # The tracks this decision's other side would push toward collapse, nearest first.
        at_risk = []
        for track, spec in book.tracks.items():
            if spec.collapse_at is None:
                continue
            push = sum(d for e in elements
                       for t, d in (book.on_reject[e] if accept else book.effects[e])
                       if t == track)
            if (push > 0) if spec.rising else (push < 0):
                value = s.tracks[track]
                at_risk.append((abs(spec.collapse_at - value), spec.label, value,
                                spec.collapse_at, push))
        at_risk.sort(key=lambda r: r[0])
        want = "support" if accept else "oppose"
        consent = {q for e in elements for q in book.consent[e]}
        allies = [q for q in book.voters if q != self.party
                  and any(s.stances[e].get(q) == want for e in elements)]
        allies.sort(key=lambda q: (q not in consent, q not in book.required))
        view = self._fresh(game)
        signers = tuple(dict.fromkeys(q for e in elements for q in view.opposed_by(e)
                                      if q != self.party))
        return Scene(
            persona=self.persona.name, base=self._base, round=game.round,
            rounds=book.rounds, titles=self.profile.titles, names=self.profile.names,
            values=dict(s.values[self.party]), score=s.scores[self.party],
            walk_away=s.walk_away[self.party], scale=self.scale, tabled=s.tabled,
            tracks=[(label, value, at, push) for _, label, value, at, push in at_risk],
            allies=tuple(allies), opposed_signers=signers, named=named)

    def _why(self, game: Game, judgement: _Judgement, named: bool = False) -> str:
        """The reason for one judgement: the concern that drove it, in this seat's voice
        (``named``: say which element, as a reaction to a whole package does)."""
        if judgement.promise is not None:
            number, kept = judgement.promise
            if kept:
                return f"it keeps its promise of offer {number}"
        scene = self._scene(game, judgement.elements, judgement.ballot, named)
        after = scene.score + sum(scene.values.get(e, 0) for e in judgement.elements)
        reason = why(scene, judgement.ballot, judgement.terms, judgement.elements,
                     judgement.rule, after)
        if judgement.promise is not None and judgement.ballot is not Ballot.ACCEPT:
            reason += f" (breaking its promise of offer {judgement.promise[0]}: it costs " \
                      "more than it will bear)"
        return reason

    def _judge_tabled(self, game: Game) -> dict[str, _Judgement]:
        return {target: self._judge(game, elements) for target, elements in _on_ballot(game)}

    def _vote(self, game: Game) -> Decision:
        judged = self._judge_tabled(game)
        move = Vote(self.party, {t: j.ballot for t, j in judged.items()})
        return Decision(move, self._say(game, judged, _VOTES))

    def _say(self, game: Game, judged: dict[str, _Judgement],
             verbs: dict[Ballot, str]) -> str:
        """One line, grouped by ballot and reason: "accepts A and B: ...; rejects C: ..."."""
        groups: dict[tuple[Ballot, str], list[str]] = {}
        for target, j in judged.items():
            what = "the package" if target == PACKAGE else self.profile.titles[target]
            groups.setdefault((j.ballot, self._why(game, j)), []).append(what)
        parts = [f"{verbs[ballot]} {and_join(titles)}: {why}" for (ballot, why), titles in
                 groups.items()]
        return f"{self.name} " + "; ".join(parts) + "."

    # --- proposing ------------------------------------------------------------------------

    def _worth_base(self, game: Game, view: PublicView, element: str) -> tuple[float, float]:
        """What tabling one element is worth to this seat before noise, and its chance."""
        key = (view.token, self.party, element)
        base = self._worths.get(key)
        if base is None:
            p = self.persona
            own = self._value(game, element) / self.scale
            unlock = max((self._value(game, d) / self.scale
                          for d in self.profile.dependents[element]), default=0.0)
            chance = self._chance(game, view, element)
            worth = (chance * (own + 0.5 * max(unlock, 0.0))
                     - (1 - chance) * p.caution * view.reject_risk(element)
                     + p.social * 0.3 * self._support(view, element))
            if own < 0 and own + unlock <= 0:
                # It costs us, and opens nothing worth the cost: no seat tables a loss for
                # the room's sake alone (a cooperative Russia tabling NATO's arms surge).
                worth = _NEVER
            base = _keep(self._worths, key, (worth, chance))
        return base

    def proposal_plan(self, game: Game) -> ProposalPlan:
        """The noise-free part of this seat's proposal now.

        Options that are hopeless (the room has made its answer plain) or that no noise
        could lift to this persona's bar are left out; when noise cannot change what
        is tabled, or in what order, the plan holds the move itself.
        """
        view = self._fresh(game)
        pledged = self._pledged(game)
        key = (view.token, self.party, self.noise, pledged)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        lateness = self._lateness(game)
        bar = self.persona.ambition * (1.0 - 0.6 * lateness)
        spread = 0.5 * self.noise
        options = []
        blocked = game.session.blocked
        stamp = game.session.change_stamp() if blocked else None
        for element in game.tableable():
            if element in pledged:  # a promise it keeps: tabled first, whatever it is worth
                options.append((_PLEDGED, element, self._detail(game, element, 2)))
                continue
            if blocked and self._still_blocked(blocked.get(element), stamp):
                continue
            worth, chance = self._worth_base(game, view, element)
            if chance < _HOPELESS or worth + spread < bar:
                continue
            options.append((worth, element, self._detail(game, element, 2)))
        options.sort(reverse=True)
        excludes = game.book.excludes
        # No option excludes another (looked up through each option's exclusions, not
        # over every pair of options: that was quadratic in a 250-element scenario).
        offered = {e for _, e, _ in options}
        simple = not game.book.package_voting and not any(
            b in offered for _, a, _ in options for b in excludes[a])
        room = game.book.max_package
        if simple:
            # Only which options make the cut counts. An option that cannot beat the
            # worst of the best that surely clear the bar never does; the cut is settled
            # when all left are sure to clear the bar and fit, or a clear gap follows the
            # last that fits.
            lows = sorted((w - spread for w, _, _ in options if w - spread >= bar),
                          reverse=True)
            if len(lows) >= room:
                options = [o for o in options if o[0] + spread >= lows[room - 1]]
            sure = all(w - spread >= bar for w, _, _ in options)
            settled = sure and (len(options) <= room
                                or options[room - 1][0] - spread > options[room][0] + spread)
        else:
            settled = all(w - spread >= bar for w, _, _ in options) and all(
                a[0] - spread > b[0] + spread for a, b in pairwise(options))
        chosen = self._greedy(game, bar, [(w, e) for w, e, _ in options]) if settled else None
        plan = _keep(self._plans, key, ProposalPlan(bar, tuple(options), simple, chosen))
        return plan

    def _pledged(self, game: Game) -> tuple[str, ...]:
        """The elements this seat has promised to table (in offers still within their
        rounds) and will: those whose adoption costs it no more than its fidelity."""
        promised = table_promises(game, self.party)
        if not promised:
            return ()
        return tuple(dict.fromkeys(e for _, e in promised if keeps(self, game, (e,))))

    def _still_blocked(self, block: tuple[tuple[str, ...], int, int] | None,
                       stamp: tuple[int, int] | None) -> bool:
        """A consent party blocked the element and nothing has changed since (no inject
        fired, nothing adopted): tabling it again would only be blocked again."""
        return block is not None and (block[1], block[2]) == stamp

    def settle_proposal(self, game: Game, plan: ProposalPlan, base: int) -> tuple[str, ...]:
        """What this seat's noise (from ``base``) makes of a plan: the elements it tables
        (none: it passes)."""
        if plan.chosen is not None:
            return plan.chosen
        half = 0.5 * self.noise
        ranked = sorted([(w + half * (2.0 * unit(base, detail) - 1.0), e)
                         for w, e, detail in plan.options], reverse=True)
        if plan.simple:  # no choice can rule out another: the best that clear the bar
            bar = plan.bar
            return self._in_order([e for w, e in ranked if w >= bar][:game.book.max_package])
        return self._greedy(game, plan.bar, ranked)

    def _in_order(self, chosen: list[str]) -> tuple[str, ...]:
        """A proposal lists its elements in the scenario's order, whatever their rank."""
        return tuple(sorted(chosen, key=self.profile.elements.__getitem__))

    def _greedy(self, game: Game, bar: float, ranked: list[tuple[float, str]]
                ) -> tuple[str, ...]:
        """Take the best-ranked elements the bar, the package limit and the rules allow."""
        book = game.book
        chosen: list[str] = []
        for worth, element in ranked:
            if worth < bar or len(chosen) >= book.max_package:
                break
            if any(element in book.excludes[c] for c in chosen):
                continue
            if book.package_voting and chosen:
                # One vote on the lot: add only if the package's outlook improves.
                before = tuple(chosen)
                after = (*chosen, element)
                if self._package_outlook(game, after) <= self._package_outlook(game, before):
                    continue
            chosen.append(element)
        return self._in_order(chosen)

    def proposal_move(self, game: Game) -> Move:
        """This seat's proposal as a move only (a simulation needs no reason)."""
        chosen = self.settle_proposal(game, self.proposal_plan(game), self._base)
        return Table(self.party, chosen) if chosen else Pass(self.party)

    def ballot_plan(self, game: Game) -> tuple[Ballot, ...] | BallotPlan:
        """This seat's ballot before its mood: the ballot itself when the mood cannot
        change it, else a :class:`BallotPlan`."""
        entries: list[Any] = []
        for _, elements in _on_ballot(game):
            promise = self._promise(game, elements)
            if promise is not None and promise[1]:
                entries.append(Ballot.ACCEPT)  # a promise it keeps
                continue
            raw, _, noiseless = self._base_judgement(game, elements)
            entries.append(self._entry(raw, noiseless, self._rule(game, elements)))
        if all(type(e) is Ballot for e in entries):
            return tuple(entries)
        breaks = sorted({at for e in entries if isinstance(e, tuple)
                         for at in (e[0], nextafter(e[1], 2.0))})
        points = [nextafter(breaks[0], -2.0), *breaks]
        outcomes = tuple(tuple(e if type(e) is Ballot else _by_mood(e, u)
                               for e in entries) for u in points)
        return BallotPlan(self._mood(game), tuple(breaks), outcomes)

    @staticmethod
    def settle_ballot(plan: tuple[Ballot, ...] | BallotPlan, base: int) -> tuple[Ballot, ...]:
        """The ballot a seat's mood (drawn from ``base``) makes of its plan."""
        if type(plan) is tuple:
            return plan
        return plan.outcomes[bisect_right(plan.breaks, unit(base, plan.detail))]  # type: ignore[union-attr]

    def ballot(self, game: Game) -> tuple[Ballot, ...]:
        """This seat's ballot, one choice per target in ballot order (for simulations)."""
        return self.settle_ballot(self.ballot_plan(game), self._base)

    def _propose(self, game: Game) -> Decision:
        # The reason is read by the whole room: it never names a promise to table that the
        # proposal keeps or breaks (the offer is its parties' secret; the talks' own event
        # tells them how the promise came out).
        move = self.proposal_move(game)
        if isinstance(move, Pass):
            s = game.session
            stamp = s.change_stamp()
            blocked = [(e, s.blocked[e][0]) for e in game.tableable()
                       if self._still_blocked(s.blocked.get(e), stamp)]
            scene = self._scene(game, ("",), Ballot.ABSTAIN)
            reason = passing(scene, blocked, bool(game.tableable()))
            return Decision(move, f"{self.name} passes: {reason}.")
        assert isinstance(move, Table)
        view = self._fresh(game)
        chosen = move.elements
        backed = sum(self._support(view, e) for e in chosen) / len(chosen)
        scene = self._scene(game, chosen, Ballot.ACCEPT)
        listed = and_join([self.profile.titles[e] for e in chosen])
        return Decision(move, f"{self.name} tables {listed}: {tabling(scene, chosen, backed)}.")

    def _package_outlook(self, game: Game, elements: tuple[str, ...]) -> float:
        own = sum(self._value(game, e) for e in elements) / self.scale
        return self._pass_chance(game, elements) * own

    # --- the interface ----------------------------------------------------------------------

    def decide(self, game: Game) -> Decision | None:
        """This seat's move now, with its reason; None when the seat is not awaited."""
        phase = game.phase
        if phase is Phase.PROPOSAL:
            return self._propose(game) if game.session.proposer == self.party else None
        if phase is Phase.VOTING:
            waiting = self.party in game.book.voters and self.party not in game.session.ballots
            return self._vote(game) if waiting else None
        if phase is Phase.RATIFICATION:
            waiting = self.party in game.book.voters and \
                self.party not in game.session.signatures
            return self._sign(game) if waiting else None
        return None

    def _sign(self, game: Game) -> Decision:
        """A computer seat signs when the deal reaches its walk-away, as the contract's
        automatic rule would have it sign."""
        s = game.session
        score, floor = s.scores[self.party], s.walk_away[self.party]
        signs = score >= floor
        if signs:
            reason = (f"{self.name} signs: the deal is worth {score:g} to it, at least its "
                      f"walk-away of {floor:g}.")
        else:
            reason = (f"{self.name} refuses to sign: the deal is worth {score:g} to it, short "
                      f"of its walk-away of {floor:g}.")
        return Decision(Sign(self.party, signs), reason)

    def react(self, game: Game) -> str | None:
        """A public reaction to the tabled package during discussion (how it leans)."""
        if game.phase is not Phase.DISCUSSION or not game.tabled:
            return None
        judged = self._judge_tabled(game)
        groups: dict[Ballot, list[str]] = {}
        for target, j in judged.items():
            what = "the package" if target == PACKAGE else self.profile.titles[target]
            groups.setdefault(j.ballot, []).append(what)
        leaning = "; ".join(f"{_LEANS[b]} {and_join(titles)}" for b, titles in groups.items())
        # One reason: the one behind a rejection if there is one, else the first.
        first = next((j for j in judged.values() if j.ballot is Ballot.REJECT),
                     next(iter(judged.values())))
        return f"{self.name} {leaning} — {self._why(game, first, named=len(judged) > 1)}."

    def best_package(self, game: Game) -> tuple[str, ...]:
        """The package this seat would table now (empty if it would pass); for hints."""
        decision = self._propose(game) if game.phase is Phase.PROPOSAL else None
        return decision.move.elements if decision and isinstance(decision.move, Table) else ()


__all__ = ["BallotPlan", "ComputerPlayer", "Decision", "ProposalPlan", "forget"]
