"""The rules of ``scenario-format.md``, as functions over a session.

Each function changes the session and records events; none does I/O. The phase
machine calls the entry rules and guards by name (see :mod:`exercise.engine.phases`).
A rule that leaves a pass-through phase asks for the next trigger with
``session.fire``, which the machine queues until the current transition is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exercise.engine.chance import unit
from exercise.engine.events import EventKind
from exercise.engine.moves import PACKAGE, Ballot
from exercise.engine.phases import Trigger
from exercise.engine.rulebook import InjectSpec, Rulebook
from exercise.engine.session import Outcome, OutcomeKind, RoundRecord, Session, Status
from exercise.engine.talks import lapse, test_votes

# Scores and tracks are sums of author-written decimals; rounding each sum to nine
# places keeps 0.1 + 0.2 equal to 0.3, so "score at least walk-away" means what it says.
PLACES = 9


# --- guards -----------------------------------------------------------------------


def collapsed(s: Session) -> bool:
    """A track reached its collapse line, or an inject ended the talks."""
    return s.collapse_reason is not None


def nothing_open(s: Session) -> bool:
    """No element is left open."""
    return s.nothing_open()


def talks_exhausted(s: Session) -> bool:
    """The last round is over, or no element is left open: time to ratify."""
    return s.round >= s.book.rounds or s.nothing_open()


# --- tracks, adoption, rejection ------------------------------------------------------


def shift_track(s: Session, track: str, delta: float, cause: str) -> None:
    """Move a track, clamped to its bounds; reaching the collapse line ends the talks."""
    spec = s.book.tracks[track]
    old = s.tracks[track]
    new = min(max(round(old + delta, PLACES), spec.low), spec.high)
    if new == old:
        return
    s.tracks[track] = new
    s.emit(EventKind.TRACK_CHANGED, track=track, old=old, new=new, cause=cause)
    if s.collapse_reason is None and spec.collapsed(new):
        s.collapse_reason = f"{spec.label} reached {spec.collapse_at}"


def adopt(s: Session, element: str) -> None:
    """Adopt an element: score it, take its exclusions off the table, apply its effects."""
    s.status[element] = Status.ADOPTED
    s.adopted_in[element] = s.round
    for party in s.book.voters:
        value = s.values[party].get(element)
        if value:
            s.scores[party] = round(s.scores[party] + value, PLACES)
    s.emit(EventKind.ELEMENT_ADOPTED, element=element)
    for other in s.book.excludes[element]:
        if s.status[other] in (Status.OPEN, Status.HIDDEN):
            s.status[other] = Status.EXCLUDED
            s.emit(EventKind.ELEMENT_EXCLUDED, element=other, by=element)
    for track, delta in s.book.effects[element]:
        shift_track(s, track, delta, f"adopted:{element}")
        if s.collapse_reason:
            return


def reject(s: Session, element: str, cause: dict[str, Any] | None = None) -> None:
    """Reject an element: it stays open, counts a rejection and applies ``on_reject``.
    ``cause`` says why (see :meth:`Count.to_data`)."""
    s.rejections[element] += 1
    if cause is None:
        s.emit(EventKind.ELEMENT_REJECTED, element=element, rejections=s.rejections[element])
    else:
        s.emit(EventKind.ELEMENT_REJECTED, element=element, rejections=s.rejections[element],
               cause=cause)
    for track, delta in s.book.on_reject[element]:
        shift_track(s, track, delta, f"rejected:{element}")
        if s.collapse_reason:
            return


def passes(book: Rulebook, ballots: dict[str, dict[str, Ballot]], target: str,
           consent: tuple[str, ...]) -> bool:
    """The resolution rule: every consent party accepted, and a majority of the votes cast.

    Abstentions are not counted; if every party abstains the target is not adopted.
    """
    accepts = rejects = 0
    for ballot in ballots.values():
        vote = ballot[target]
        if vote is Ballot.ACCEPT:
            accepts += 1
        elif vote is Ballot.REJECT:
            rejects += 1
    cast = accepts + rejects
    if cast == 0:
        return False
    for party in consent:
        if ballots[party][target] is not Ballot.ACCEPT:
            return False
    maj = book.majority
    return accepts * maj.denominator >= maj.numerator * cast


@dataclass(frozen=True, slots=True)
class Count:
    """How a vote on one target went, by the resolution rule: for saying why it failed."""

    accepts: int
    cast: int  # accepts and rejects (abstentions are not counted)
    needed: int  # the accepts a majority of ``cast`` needs
    withheld: tuple[str, ...]  # consent parties that did not accept

    @property
    def passed(self) -> bool:
        """Whether the target passed (the same test as :func:`passes`)."""
        return self.cast > 0 and not self.withheld and self.accepts >= self.needed

    def to_data(self) -> dict[str, Any]:
        """Why a target failed, as an event carries it: the consent parties that withheld
        their acceptance, and the accepting votes against the votes cast and those needed
        (no votes cast: every party abstained)."""
        return {"withheld": list(self.withheld), "accepts": self.accepts, "cast": self.cast,
                "needed": self.needed}


def count(book: Rulebook, ballots: dict[str, dict[str, Ballot]], target: str,
          consent: tuple[str, ...]) -> Count:
    """The tally of one target and who withheld consent (see :func:`passes`)."""
    accepts = sum(1 for b in ballots.values() if b.get(target) is Ballot.ACCEPT)
    rejects = sum(1 for b in ballots.values() if b.get(target) is Ballot.REJECT)
    cast = accepts + rejects
    maj = book.majority
    needed = -(-maj.numerator * cast // maj.denominator)  # the least a with a/cast >= maj
    withheld = tuple(p for p in consent if p in ballots
                     and ballots[p].get(target) is not Ballot.ACCEPT)
    return Count(accepts, cast, needed, withheld)


def _cause(s: Session, element: str) -> dict[str, Any]:
    """Why a tabled element failed (the package's cause, with package voting)."""
    book = s.book
    if book.package_voting:
        consent = tuple(dict.fromkeys(p for e in s.tabled for p in book.consent[e]))
        return count(book, s.ballots, PACKAGE, consent).to_data()
    return count(book, s.ballots, element, tuple(book.consent[element])).to_data()


def verdicts(book: Rulebook, tabled: tuple[str, ...],
             ballots: dict[str, dict[str, Ballot]]) -> tuple[bool, ...]:
    """Whether each tabled element passes, by the resolution rule (the package as one).

    This is the only place the ballots decide anything: the rest of a resolution
    depends on them only through these verdicts.
    """
    if book.package_voting:
        consent = tuple(dict.fromkeys(p for e in tabled for p in book.consent[e]))
        return (passes(book, ballots, PACKAGE, consent),) * len(tabled)
    return tuple(passes(book, ballots, e, book.consent[e]) for e in tabled)


# --- injects --------------------------------------------------------------------------


def can_fire(s: Session, spec: InjectSpec) -> bool:
    """An inject fires once, unless it repeats."""
    return spec.repeat or s.fire_count[spec.id] == 0


def draw(s: Session, spec: InjectSpec) -> bool:
    """The chance draw, from the session's one seeded random source (none when chance is 1).

    The n-th draw for an inject is a function of the seed, the inject and n (see
    :mod:`exercise.engine.chance`), so draws do not depend on what else was drawn.
    """
    if spec.chance >= 1:
        return True
    attempt = s.attempts[spec.id] = s.attempts[spec.id] + 1
    detail = (spec.index << 32) ^ attempt
    hit = unit(s.draw_base, detail) < spec.chance
    if s.draw_log is not None:
        s.draw_log.append((spec.id, detail, spec.chance, hit))
    return hit


def fire_inject(s: Session, spec: InjectSpec, by: str) -> None:
    """Fire an inject and apply its effects in order; a collapse stops them at once."""
    s.fired.append(spec.id)
    s.fire_count[spec.id] += 1
    s.emit(EventKind.INJECT_FIRED, audience=spec.audience, inject=spec.id, by=by)
    cause = f"inject:{spec.id}"
    for track, delta in spec.tracks:
        shift_track(s, track, delta, cause)
        if s.collapse_reason:
            return
    if spec.values:
        s.own("values")
    if spec.stances:
        s.own("stances")
    if spec.walk_away:
        s.own("walk_away")
    for party, element, delta in spec.values:
        old = s.values[party].get(element, 0)
        new = round(old + delta, PLACES)
        s.values[party][element] = new
        if s.status[element] is Status.ADOPTED and party in s.scores:
            s.scores[party] = round(s.scores[party] + delta, PLACES)
        s.emit(EventKind.VALUE_CHANGED, audience=(party,), party=party, element=element,
               old=old, new=new)
    for party, element, stance in spec.stances:
        old_stance = s.stances[element].get(party)
        s.stances[element][party] = stance
        s.emit(EventKind.STANCE_CHANGED, party=party, element=element, old=old_stance,
               new=stance)
    for party, delta in spec.walk_away:
        old = s.walk_away[party]
        s.walk_away[party] = round(old + delta, PLACES)
        s.emit(EventKind.WALK_AWAY_CHANGED, audience=(party,), party=party, old=old,
               new=s.walk_away[party])
    for element in spec.add:
        if s.status[element] is Status.HIDDEN:
            s.status[element] = Status.OPEN
            s.emit(EventKind.ELEMENT_ADDED, element=element)
    for element in spec.withdraw:
        if s.status[element] is Status.OPEN:
            s.status[element] = Status.WITHDRAWN
            s.emit(EventKind.ELEMENT_WITHDRAWN, element=element)
            if element in s.tabled:
                untable(s, element)
    if spec.end and s.collapse_reason is None:
        s.collapse_reason = spec.end


def untable(s: Session, element: str) -> None:
    """Take a withdrawn element out of the tabled package and out of the ballots cast."""
    s.tabled = tuple(e for e in s.tabled if e != element)
    if s.book.package_voting:
        s.ballots.clear()  # the package changed: ballots on the old one no longer count
    else:
        for ballot in s.ballots.values():
            ballot.pop(element, None)


def check_when_injects(s: Session) -> None:
    """After a resolution: conditional injects in file order, each seeing the ones before."""
    for spec in s.book.when_injects:
        if s.collapse_reason:
            return
        if can_fire(s, spec) and spec.condition is not None and spec.condition(s) and draw(s, spec):
            fire_inject(s, spec, "condition")


# --- phase entry rules ---------------------------------------------------------------------


def begin_round(s: Session) -> None:
    """Briefing: a new round starts and the injects timed for it fire, in file order."""
    s.round += 1
    s.proposer = s.book.proposer_for(s.round)
    s.tabled = ()
    s.ballots = {}
    s.emit(EventKind.ROUND_STARTED, proposer=s.proposer)
    lapse(s)  # offers whose last round is over
    for spec in s.book.at_round.get(s.round, ()):
        if s.collapse_reason:
            break
        if can_fire(s, spec) and draw(s, spec):
            fire_inject(s, spec, "schedule")
    s.fire(Trigger.CLOSE_BRIEFING)


def open_voting(s: Session) -> None:
    """Voting opens on the tabled package."""
    s.ballots = {}
    s.emit(EventKind.VOTING_OPENED, elements=list(s.tabled))


def _note_blocks(s: Session, rejected: list[str]) -> None:
    """Remember which consent parties withheld consent from each rejected element, and
    what the game looked like then (see ``Session.blocked``)."""
    book = s.book
    stamp = s.change_stamp()
    for element in rejected:
        target = PACKAGE if book.package_voting else element
        withheld = tuple(p for p in book.consent[element] if p in s.ballots
                         and s.ballots[p].get(target) is not Ballot.ACCEPT)
        if withheld:
            s.blocked[element] = (withheld, *stamp)
        else:
            s.blocked.pop(element, None)


def resolve_round(s: Session) -> None:
    """Resolution: adopt or reject what was tabled, then check the conditional injects."""
    revealed = ({p: {k: str(v) for k, v in b.items()} for p, b in s.ballots.items()}
                if s.record_events else None)  # a simulation keeps no events
    s.emit(EventKind.VOTES_REVEALED, ballots=revealed)
    test_votes(s)  # the promises to accept what was tabled meet their votes
    adopted: list[str] = []
    rejected: list[str] = []
    for element, ok in zip(s.tabled, verdicts(s.book, s.tabled, s.ballots), strict=True):
        if s.collapse_reason:
            break
        if s.status[element] is not Status.OPEN:
            continue
        if ok:
            adopt(s, element)
            adopted.append(element)
        else:
            reject(s, element, _cause(s, element) if s.record_events else None)
            rejected.append(element)
    if rejected:
        _note_blocks(s, rejected)
    assert s.proposer is not None
    s.history.append(
        RoundRecord(s.round, s.proposer, s.tabled, s.ballots, tuple(adopted), tuple(rejected))
    )
    s.tabled = ()
    s.ballots = {}
    if not s.collapse_reason:
        check_when_injects(s)
    s.fire(Trigger.CONCLUDE_ROUND)


def ratify(s: Session) -> None:
    """Ratification: each party signs if its score reaches its walk-away, or, when the
    scenario lets people choose and something was adopted, the phase waits for each
    party's choice (:func:`sign`)."""
    if s.tabled:
        s.emit(EventKind.PACKAGE_DROPPED, elements=list(s.tabled))
        s.tabled = ()
        s.ballots = {}
    book = s.book
    if not s.sign_by_walk_away and Status.ADOPTED in s.status.values():
        s.signatures = {}
        s.emit(EventKind.SIGNING_OPENED)
        return
    seal(s, {p: s.scores[p] >= s.walk_away[p] for p in book.voters}, chosen=False)


def sign(s: Session, party: str, signs: bool) -> None:
    """A party's choice at ratification; the last one seals the outcome."""
    s.signatures[party] = signs
    s.emit(EventKind.SIGNATURE_CAST, party=party)
    if len(s.signatures) == len(s.book.voters):
        seal(s, {p: s.signatures[p] for p in s.book.voters}, chosen=True)


def seal(s: Session, signed: dict[str, bool], *, chosen: bool) -> None:
    """The outcome of ratification, from who signed (``chosen``: each party chose)."""
    book = s.book
    s.signed = signed
    any_adopted = Status.ADOPTED in s.status.values()
    refused = tuple(p for p in book.required if not signed[p])
    if any_adopted and not refused:
        kind, reason = OutcomeKind.AGREEMENT, "every required party signed"
    elif not any_adopted:
        kind, reason = OutcomeKind.NO_AGREEMENT, "no element was adopted"
    else:
        kind, reason = OutcomeKind.NO_AGREEMENT, f"not signed by {', '.join(refused)}"
    s.outcome = Outcome(kind, s.round, reason, dict(signed), refused)
    # With signing by choice, the record keeps whether each deal reached the party's
    # walk-away, so a debrief can ask why a party refused a deal that paid.
    extra: dict[str, Any] = {} if not chosen else {
        "chosen": True, "reached": {p: s.scores[p] >= s.walk_away[p] for p in book.voters}}
    s.emit(EventKind.RATIFICATION, signed=dict(signed), scores=dict(s.scores), **extra)
    s.fire(Trigger.SEAL)


def finish(s: Session) -> None:
    """Ended: settle the outcome of a collapse or a stop, and record the end."""
    if s.outcome is None:
        if s.collapse_reason is not None:
            s.outcome = Outcome(OutcomeKind.COLLAPSE, s.round, s.collapse_reason, dict(s.signed))
        else:
            reason = s.stop_reason or "The facilitator stopped the exercise"
            s.outcome = Outcome(OutcomeKind.ENDED, s.round, reason, dict(s.signed))
    lapse(s, ending=True)
    s.tabled = ()
    s.ballots = {}
    s.emit(EventKind.ENDED, outcome=str(s.outcome.kind), reason=s.outcome.reason)


ENTRY_RULES = {
    "begin_round": begin_round,
    "open_voting": open_voting,
    "resolve_round": resolve_round,
    "ratify": ratify,
    "finish": finish,
}
GUARDS = {
    "collapsed": collapsed,
    "nothing_open": nothing_open,
    "talks_exhausted": talks_exhausted,
}
