"""A computer player for any seat of any valid scenario.

It sees what its seat may see: its own private values and walk-away, the public
stances, statuses, rejections and tracks, and the round. It never reads another
party's values or an unrevealed ballot. Each judgement gets a little noise drawn
from a hash of (seed, party, round, element, kind), so the same seed gives the same
decisions whatever order they are asked in, and the game's own random source (which
draws the injects' chances) is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from exercise.bots.personas import DEFAULT_PERSONA, PERSONAS, Persona
from exercise.engine.game import Game
from exercise.engine.moves import PACKAGE, Ballot, Move, Pass, Table, Vote
from exercise.engine.phases import Phase
from exercise.engine.session import Status

_STANCE_ACCEPT = {"support": 0.85, "neutral": 0.55, "oppose": 0.15}
_STANCE_LEAN = {"support": 1.0, "neutral": 0.0, "oppose": -1.0}
_MASK = (1 << 64) - 1
_HOPELESS = 0.12  # below this estimated chance of adoption, a proposer leaves an element be
_VOTES = {Ballot.ACCEPT: "accepts", Ballot.REJECT: "rejects", Ballot.ABSTAIN: "abstains on"}
_LEANS = {
    Ballot.ACCEPT: "is for",
    Ballot.REJECT: "is against",
    Ballot.ABSTAIN: "is indifferent to",
}


def _mix(*parts: int) -> float:
    """A deterministic number in [-1, 1) from integers (splitmix64 over the parts)."""
    x = 0x9E3779B97F4A7C15
    for part in parts:
        x = (x ^ (part & _MASK)) * 0xBF58476D1CE4E5B9 & _MASK
        x = (x ^ (x >> 31)) * 0x94D049BB133111EB & _MASK
        x ^= x >> 29
    return (x >> 11) / float(1 << 52) - 1.0


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True, slots=True)
class Decision:
    """A move and the one line of plain words that explains it."""

    move: Move
    reason: str


@dataclass(slots=True)
class _Judgement:
    ballot: Ballot
    score: float
    why: str


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
        book = game.book
        spec = game.scenario.party(party)
        hint = spec.bot
        name = persona or (hint.persona if hint and hint.persona else None) or DEFAULT_PERSONA
        self.party = party
        self.name = spec.name
        self.persona: Persona = PERSONAS[name]
        scale = noise if noise is not None else (hint.noise if hint and hint.noise is not None
                                                 else 1.0)
        self.noise = self.persona.noise * scale
        self.seed = game.seed if seed is None else seed
        self._index = {p: i for i, p in enumerate(book.party_ids)}
        self._element_index = {e: i for i, e in enumerate(book.element_ids)}
        self._me = self._index[party]
        self.required = party in book.required
        own = [abs(v) for v in book.values[party].values() if v]
        self.scale = max(1.0, median(own)) if own else 1.0
        self._titles = {e.id: e.title for e in game.scenario.elements}
        self._dependents = {
            e: [d for d, reqs in book.requires.items() if e in reqs] for e in book.element_ids
        }

    # --- noise --------------------------------------------------------------------------

    def _noise(self, game: Game, element: str, kind: int) -> float:
        index = self._element_index.get(element, len(self._element_index))
        return self.noise * _mix(self.seed, self._me, game.round, index, kind)

    # --- what the seat can see ------------------------------------------------------------

    def _value(self, game: Game, element: str) -> float:
        return game.session.values[self.party].get(element, 0)

    def _lateness(self, game: Game) -> float:
        rounds = game.book.rounds
        return 1.0 if rounds <= 1 else (game.round - 1) / (rounds - 1)

    def _support(self, game: Game, element: str) -> float:
        """The room's public lean on an element, from -1 (all oppose) to 1 (all support)."""
        stances = game.session.stances[element]
        others = [p for p in game.book.voters if p != self.party]
        if not others:
            return 0.0
        return sum(_STANCE_LEAN.get(stances.get(p, ""), 0.0) for p in others) / len(others)

    def _danger(self, game: Game, deltas: tuple[tuple[str, float], ...]) -> float:
        """How far a set of track changes pushes toward collapse (0 = not at all)."""
        risk = 0.0
        for track, delta in deltas:
            spec = game.book.tracks[track]
            if spec.collapse_at is None or not delta:
                continue
            toward = delta if spec.rising else -delta
            if toward <= 0:
                continue
            distance = abs(spec.collapse_at - game.session.tracks[track])
            if distance <= toward:
                risk += 3.0  # this alone would end the talks
            else:
                risk += toward / distance
        return risk

    def _accept_chance(self, game: Game, element: str, voter: str) -> float:
        if voter == self.party:
            return 1.0 if self._value(game, element) >= 0 else 0.3
        stance = game.session.stances[element].get(voter)
        return _STANCE_ACCEPT.get(stance or "", 0.5)

    def _pass_chance(self, game: Game, elements: tuple[str, ...]) -> float:
        """A guess, from public stances and history, that these elements would be adopted."""
        book = game.book
        chance = 1.0
        for element in elements:
            for party in book.consent[element]:
                chance *= self._accept_chance(game, element, party)
            mean = sum(self._accept_chance(game, element, v) for v in book.voters) / len(
                book.voters
            )
            if mean < float(book.majority):
                chance *= (mean / float(book.majority)) ** 2
            chance *= 0.75 ** game.session.rejections[element]
        return chance

    # --- voting -----------------------------------------------------------------------------

    def _upside(self, game: Game, leave_out: tuple[str, ...]) -> float:
        """What this seat might still gain: its positive values on open elements, by their odds."""
        total = 0.0
        for element in game.book.element_ids:
            if element in leave_out or game.session.status[element] is not Status.OPEN:
                continue
            value = self._value(game, element)
            if value > 0:
                total += value * self._pass_chance(game, (element,))
        return total

    def _required_opposed(self, game: Game, elements: tuple[str, ...]) -> float:
        """The share of other required signers who publicly oppose these elements."""
        others = [p for p in game.book.required if p != self.party]
        if not others:
            return 0.0
        opposed = sum(1 for p in others for e in elements
                      if game.session.stances[e].get(p) == "oppose")
        return opposed / (len(others) * len(elements))

    def _judge(self, game: Game, elements: tuple[str, ...], kind: int) -> _Judgement:
        """Weigh adopting ``elements`` together; return the ballot, its margin and the reason."""
        s = game.session
        p = self.persona
        raw = sum(self._value(game, e) for e in elements)
        value = raw / self.scale
        score, walk_away = s.scores[self.party], s.walk_away[self.party]
        after = score + raw
        late = self._lateness(game)
        support = sum(self._support(game, e) for e in elements) / len(elements)
        reject_risk = self._danger(game, tuple(d for e in elements for d in game.book.on_reject[e]))
        adopt_risk = self._danger(game, tuple(d for e in elements for d in game.book.effects[e]))
        terms = dict.fromkeys(("value", "room", "danger", "time", "package", "line", "deal"), 0.0)
        terms["value"] = value
        terms["room"] = p.social * support * 0.5
        terms["danger"] = p.caution * (reject_risk - adopt_risk)
        upside = self._upside(game, game.tabled) if raw < 0 else 0.0
        if raw < 0 and after + upside >= walk_away:
            terms["time"] = p.concession * late * 0.6  # a loss we can still sign with
        # What the rest of the tabled package is worth to us, by its odds of passing.
        joint = raw + sum(self._value(game, e) * self._pass_chance(game, (e,))
                          for e in game.tabled if e not in elements)
        if raw < 0 < joint and len(game.tabled) > len(elements):
            # Part of a package that pays overall: give this to get the rest.
            terms["package"] = min(joint, -raw) / self.scale * p.concession * 0.5
            if score < walk_away <= score + joint:
                terms["package"] += 1.0
        # Where the line between signing and not signing lies, and whether this crosses it.
        # A party whose signature an agreement does not need cares less.
        weight = 1.0 if self.required else 0.3
        package_after = score + joint if raw < 0 < joint else after
        if score >= walk_away > package_after:
            terms["line"] = -1.5 * weight  # it would drop us below what we could sign
        elif score < walk_away <= after:
            terms["line"] = 1.0 * weight  # it would carry us over the line
        elif raw < 0 and after + upside < walk_away:
            terms["line"] = -0.5 * weight  # it would put a deal we can sign out of reach
        if score >= walk_away and raw >= 0:
            # Already able to sign: do not break the deal for those who must sign with us.
            against = self._required_opposed(game, elements)
            if against:
                terms["deal"] = -p.social * 0.8 * against
        total = sum(terms.values()) + self._noise(game, elements[0], kind)
        margin = total - p.threshold
        if margin >= 0:
            ballot = Ballot.ACCEPT
        elif raw == 0 and margin > -1.0 and p.name != "hardliner":
            ballot = Ballot.ABSTAIN
        else:
            ballot = Ballot.REJECT
        return _Judgement(ballot, margin, self._why(game, ballot, terms, elements))

    def _why(self, game: Game, ballot: Ballot, terms: dict[str, float],
             elements: tuple[str, ...]) -> str:
        if ballot is Ballot.ABSTAIN:
            return "it makes little difference to us"
        accept = ballot is Ballot.ACCEPT
        # The term that pushed hardest in the direction of the ballot explains it.
        ranked = sorted(terms.items(), key=lambda kv: kv[1] if accept else -kv[1], reverse=True)
        top, weight = ranked[0]
        if (weight <= 0 and accept) or (weight >= 0 and not accept):
            top = "value"
        tracks = [game.book.tracks[t].label.lower() for e in elements
                  for t, _ in (game.book.on_reject[e] if accept else game.book.effects[e])]
        track = tracks[0] if tracks else "tension"
        if accept:
            return {
                "value": "it serves our interests",
                "room": "most of the table backs it, and we can live with it",
                "danger": f"turning it down would push {track} toward the brink",
                "time": "time is short, and the deal still clears our bottom line",
                "package": "it comes in a package that pays for us overall",
                "line": "it brings a deal we can sign within reach",
                "deal": "it serves our interests",
            }[top]
        if self.persona.name == "hardliner" and terms["value"] >= 0 and top == "value":
            return "we give nothing away without something in return"
        return {
            "value": "it costs us more than it gives",
            "room": "too few around the table back it",
            "danger": f"it would drive {track} too high",
            "time": "it costs us more than it gives",
            "package": "it costs us more than it gives",
            "line": "it would leave us short of what we could sign",
            "deal": "pushing it through would cost the deal a signature it needs",
        }[top]

    def _judge_tabled(self, game: Game) -> dict[str, _Judgement]:
        targets = game.ballot_targets()
        if targets == (PACKAGE,):
            return {PACKAGE: self._judge(game, game.tabled, 1)}
        return {e: self._judge(game, (e,), 1) for e in targets}

    def _vote(self, game: Game) -> Decision:
        judged = self._judge_tabled(game)
        move = Vote(self.party, {t: j.ballot for t, j in judged.items()})
        return Decision(move, self._say(judged, _VOTES))

    def _say(self, judged: dict[str, _Judgement], verbs: dict[Ballot, str]) -> str:
        """One line, grouped by ballot and reason: "accepts A and B: ...; rejects C: ..."."""
        groups: dict[tuple[Ballot, str], list[str]] = {}
        for target, j in judged.items():
            what = "the package" if target == PACKAGE else self._titles[target]
            groups.setdefault((j.ballot, j.why), []).append(what)
        parts = [f"{verbs[ballot]} {_and(titles)}: {why}" for (ballot, why), titles in
                 groups.items()]
        return f"{self.name} " + "; ".join(parts) + "."

    # --- proposing ------------------------------------------------------------------------

    def _worth(self, game: Game, element: str) -> float:
        """What tabling one element is worth to this seat, all things considered."""
        p = self.persona
        own = self._value(game, element) / self.scale
        unlock = max((self._value(game, d) / self.scale for d in self._dependents[element]),
                     default=0.0)
        chance = self._pass_chance(game, (element,))
        risk = self._danger(game, game.book.on_reject[element])
        worth = (chance * (own + 0.5 * max(unlock, 0.0)) - (1 - chance) * p.caution * risk
                 + p.social * 0.3 * self._support(game, element))
        return worth + 0.5 * self._noise(game, element, 2)

    def _propose(self, game: Game) -> Decision:
        p = self.persona
        options = game.tableable()
        bar = p.ambition * (1.0 - 0.6 * self._lateness(game))
        ranked = sorted(((self._worth(game, e), e) for e in options), reverse=True)
        chosen: list[str] = []
        for worth, element in ranked:
            if worth < bar or len(chosen) >= game.book.max_package:
                break
            if self._pass_chance(game, (element,)) < _HOPELESS:
                continue  # the room has made its answer plain
            if any(element in game.book.excludes[c] for c in chosen):
                continue
            if game.book.package_voting and chosen:
                # One vote on the lot: add only if the package's outlook improves.
                before = tuple(chosen)
                after = (*chosen, element)
                if self._package_outlook(game, after) <= self._package_outlook(game, before):
                    continue
            chosen.append(element)
        if not chosen:
            reason = (
                "nothing open is worth proposing to us yet"
                if options
                else "nothing can be tabled until other elements are adopted"
            )
            return Decision(Pass(self.party), f"{self.name} passes: {reason}.")
        listed = _and([self._titles[e] for e in chosen])
        backed = sum(self._support(game, e) for e in chosen) / len(chosen)
        why = "they serve us and have support around the table" if backed > 0.2 else (
            "they serve us, and we want the others on record" if backed >= -0.2
            else "they serve us, even if the room must be won over")
        if len(chosen) == 1:
            why = why.replace("they serve", "it serves").replace("have support", "has support")
        return Decision(Table(self.party, tuple(chosen)), f"{self.name} tables {listed}: {why}.")

    def _package_outlook(self, game: Game, elements: tuple[str, ...]) -> float:
        own = sum(self._value(game, e) for e in elements) / self.scale
        return self._pass_chance(game, elements) * own

    # --- the interface ----------------------------------------------------------------------

    def decide(self, game: Game) -> Decision | None:
        """This seat's move now, with its reason; None when the seat is not awaited."""
        if self.party not in game.awaiting():
            return None
        if game.phase is Phase.PROPOSAL:
            return self._propose(game)
        if game.phase is Phase.VOTING:
            return self._vote(game)
        return None

    def react(self, game: Game) -> str | None:
        """A public reaction to the tabled package during discussion (how it leans)."""
        if game.phase is not Phase.DISCUSSION or not game.tabled:
            return None
        judged = self._judge_tabled(game)
        groups: dict[Ballot, list[str]] = {}
        for target, j in judged.items():
            what = "the package" if target == PACKAGE else self._titles[target]
            groups.setdefault(j.ballot, []).append(what)
        leaning = "; ".join(f"{_LEANS[b]} {_and(titles)}" for b, titles in groups.items())
        # One reason: the one behind a rejection if there is one, else the first.
        why = next((j.why for j in judged.values() if j.ballot is Ballot.REJECT),
                   next(iter(judged.values())).why)
        return f"{self.name} {leaning} — {why}."

    def best_package(self, game: Game) -> tuple[str, ...]:
        """The package this seat would table now (empty if it would pass); for hints."""
        decision = self._propose(game) if game.phase is Phase.PROPOSAL else None
        return decision.move.elements if decision and isinstance(decision.move, Table) else ()
