"""The side talks in the after-action report and the debrief: every channel's messages, who
talked to whom in each round, and every offer with its answers, its promises and the
votes that tested them.

It reads the engine's own events (the chronicle's, never a file's), so the report says
only what the engine did. Without ``reveal`` (a session still running) only what the
whole room heard is shown: statements to the room and the facilitator's pauses.

For the CSV tables (:func:`message_rows`, :func:`offer_rows`, and the promise columns of
the vote rows, :func:`ballot_promises`) the same facts are rows of plain values.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from exercise.engine import Ballot, Event, EventKind, Game
from exercise.engine.moves import PACKAGE, ROOM
from exercise.engine.rules import passes
from exercise.engine.session import RoundRecord
from exercise.engine.talks import BROKEN, KEPT, Promise
from exercise.narration import Narrator, and_join
from exercise.reports.document import Block, Heading, Item, Items, Paragraph, Section, Table, spans
from exercise.scenario.model import Scenario

TALK_KINDS = frozenset({EventKind.SAID, EventKind.OFFER_MADE, EventKind.OFFER_ANSWERED,
                        EventKind.OFFER_SETTLED, EventKind.PROMISE_SETTLED,
                        EventKind.TALKS_PAUSED, EventKind.TALKS_RESUMED,
                        EventKind.CHANNEL_CLOSED})
_ROOM_COLUMN = "the room"


def talk_line(narrator: Narrator, event: Event) -> str | None:
    """A talk event as a timeline line, private ones marked with who they were for."""
    text = narrator.talk(event)
    if text is None or event.audience is None:
        return text
    return f"(Private to {and_join([narrator.party(p) for p in event.audience])}) {text}"


def offers_data(game: Game) -> list[dict[str, Any]]:
    """Every offer as data: terms, answers, status and each promise with the vote (or
    proposal) that settled it and how that round ended for the element."""
    rounds = {record.round: record for record in game.history}
    out = []
    for state in game.session.talks.offers:
        promises = []
        for p in state.promises:
            record = rounds.get(p.round) if p.round is not None else None
            fate = None
            if record is not None and p.element in record.tabled:
                fate = "adopted" if p.element in record.adopted else "rejected"
            promises.append({"party": p.party, "verb": p.verb, "element": p.element,
                             "result": p.result, "round": p.round, "element_then": fate,
                             "decisive": _decisive(game, record, p)})
        out.append({"offer": state.number, "round": state.made_in, "party": state.party,
                    "to": list(state.to), "give": state.give.to_data(),
                    "want": state.want.to_data(), "until": state.until,
                    "answers": dict(state.answers), "status": state.status,
                    "promises": promises})
    return out


def _decisive(game: Game, record: RoundRecord | None, promise: Promise) -> bool | None:
    """Whether a promise to accept, tested at a vote, decided its element: had the party
    voted the other way (rejected a promise it kept, accepted one it broke), the element
    would have come out otherwise. None when the promise was not tested at a vote."""
    if record is None or promise.verb != "accept" or promise.result not in (KEPT, BROKEN) \
            or promise.element not in record.tabled or promise.party not in record.ballots:
        return None
    book = game.book
    if book.package_voting:
        target = PACKAGE
        consent = tuple(dict.fromkeys(p for e in record.tabled for p in book.consent[e]))
    else:
        target, consent = promise.element, tuple(book.consent[promise.element])
    actual = passes(book, record.ballots, target, consent)
    other = Ballot.REJECT if promise.result == KEPT else Ballot.ACCEPT
    flipped = {**record.ballots, promise.party: {**record.ballots[promise.party], target: other}}
    return passes(book, flipped, target, consent) != actual


def talks_data(game: Game) -> dict[str, Any]:
    """The talks as data, for the report's JSON: messages, per-round contacts, offers."""
    messages = [{"round": e.round, "party": e.data["party"], "to": e.data["to"],
                 "channel": list(e.audience) if e.audience is not None else ROOM,
                 "text": e.data["text"]}
                for e in game.events if e.kind is EventKind.SAID]
    contacts = {str(r): {f"{a}>{b}": n for (a, b), n in sorted(c.items())}
                for r, c in _contacts(game).items()}
    return {"messages": messages, "contacts": contacts, "offers": offers_data(game)}


def _contacts(game: Game) -> dict[int, Counter[tuple[str, str]]]:
    """Per round, how often each delegation addressed each other one (or the room): its
    messages, offers and answers."""
    found: dict[int, Counter[tuple[str, str]]] = {}
    offers = {o.number: o for o in game.session.talks.offers}
    for event in game.events:
        d = event.data
        if event.kind is EventKind.SAID:
            targets = [ROOM] if d["to"] == ROOM else list(d["to"])
        elif event.kind is EventKind.OFFER_MADE:
            targets = list(d["to"])
        elif event.kind is EventKind.OFFER_ANSWERED:
            targets = [offers[d["offer"]].party] if d["offer"] in offers else []
        else:
            continue
        counter = found.setdefault(event.round, Counter())
        for target in targets:
            counter[(d["party"], target)] += 1
    return found


def talks_section(game: Game, scenario: Scenario, *, reveal: bool) -> Section | None:
    """The report's "Side talks" section, or None when nobody talked."""
    events = [e for e in game.events if e.kind in TALK_KINDS]
    if not events:
        return None
    narrator = Narrator(scenario)
    if not reveal:
        public = [t for e in events if e.audience is None
                  if (t := narrator.talk(e)) is not None]
        return Section("talks", "Side talks", (
            Paragraph(spans("While the session runs, only what the whole room heard is "
                            "shown; the side channels and offers are revealed when it ends.")),
            Items(tuple(Item(spans(t)) for t in public)) if public
            else Paragraph(spans("(nothing was said to the whole room)")),))
    blocks: list[Block] = [*_channels(game, narrator), *_matrices(game, scenario),
                           *_offers(game, narrator), *_questions(game, narrator)]
    return Section("talks", "Side talks", tuple(blocks))


def _channels(game: Game, narrator: Narrator) -> list[Block]:
    by_channel: dict[tuple[str, ...] | None, list[Event]] = {}
    for event in game.events:
        if event.kind is EventKind.SAID:
            by_channel.setdefault(event.audience, []).append(event)
    if not by_channel:
        return [Heading("Messages"), Paragraph(spans("(no messages: only offers)"))]
    order = sorted(by_channel, key=lambda c: (c is not None, c or ()))
    out: list[Block] = [Heading("Messages, channel by channel")]
    for channel in order:
        who = "To the whole room" if channel is None else \
            "Between " + and_join([narrator.party(p) for p in channel])
        out.append(Paragraph(spans(who), muted=True))
        out.append(Items(tuple(
            Item(spans(f"Round {e.round}, {narrator.party(e.data['party'])}: "
                       f"“{e.data['text']}”")) for e in by_channel[channel])))
    return out


def _matrices(game: Game, scenario: Scenario) -> list[Block]:
    contacts = _contacts(game)
    if not contacts:
        return []
    parties = [p for p in scenario.parties]
    out: list[Block] = [Heading("Who talked to whom"), Paragraph(spans(
        "Each round: how many messages, offers and answers the delegation of each row "
        "addressed to the delegation of each column (or to the whole room)."), muted=True)]
    for number in sorted(contacts):
        counter = contacts[number]
        speakers = [p for p in parties if any(a == p.id for a, _ in counter)]
        columns = ("From", *(p.short or p.name for p in parties), _ROOM_COLUMN)
        rows = tuple((spans(p.name), *(spans(str(counter[(p.id, q.id)]) if counter[(p.id, q.id)]
                                             else "–") for q in parties),
                      spans(str(counter[(p.id, ROOM)]) if counter[(p.id, ROOM)] else "–"))
                     for p in speakers)
        out.append(Table(f"Round {number}: who talked to whom", columns, rows,
                         row_headers=True))
    return out


def _offers(game: Game, narrator: Narrator) -> list[Block]:
    offers = offers_data(game)
    if not offers:
        return [Heading("Offers"), Paragraph(spans("(no offers were made)"))]
    rows = []
    for o in offers:
        answers = "; ".join(f"{narrator.party(p)} {'accepted' if yes else 'declined'}"
                            for p, yes in o["answers"].items()) or "no answer"
        terms = (f"offers to {narrator.terms(o['give'])}; asks them to "
                 f"{narrator.terms(o['want'])} (open until round {o['until']})")
        rows.append((spans(str(o["offer"])), spans(str(o["round"])),
                     spans(f"{narrator.party(o['party'])} → "
                           f"{and_join([narrator.party(p) for p in o['to']])}"),
                     spans(terms), spans(answers), spans(o["status"]),
                     spans(_followed(o, narrator))))
    return [Heading("Offers, promises and the votes that followed"),
            Table("Every offer, in the order made", ("No.", "Round", "From → to", "Terms",
                                                     "Answers", "Status",
                                                     "Promises and the votes that tested them"),
                  tuple(rows), row_headers=True)]


def _followed(offer: dict[str, Any], narrator: Narrator) -> str:
    if not offer["promises"]:
        return "–"
    parts = []
    for p in offer["promises"]:
        what = f"{narrator.party(p['party'])} to {p['verb']} {narrator.element(p['element'])}"
        if p["result"] == "untested":
            parts.append(f"{what}: never tested")
        elif p["result"] is None:
            parts.append(f"{what}: not yet tested")
        else:
            at = "the vote" if p["verb"] == "accept" else "its proposal"
            then = f" (the element was {p['element_then']}"
            if p["element_then"] and p["decisive"]:
                then += ("; this acceptance decided it" if p["result"] == "kept" else
                         "; kept, the promise would have carried it")
            then = then + ")" if p["element_then"] else ""
            parts.append(f"{what}: {p['result']} at {at} of round {p['round']}{then}")
    return "; ".join(parts)


def _questions(game: Game, narrator: Narrator, most: int = 5) -> list[Block]:
    """Debrief questions drawn from what these talks did: each broken promise, each promise
    that decided a vote, each declined offer (in that order, at most ``most``)."""
    broken, decided, declined = [], [], []
    for o in offers_data(game):
        by = narrator.party(o["party"])
        for p in o["promises"]:
            who, what = narrator.party(p["party"]), narrator.element(p["element"])
            if p["result"] == BROKEN:
                cost = f" (kept, it would have carried {what})" if p["decisive"] else ""
                broken.append(
                    f"In offer {o['offer']} {who} promised to {p['verb']} {what}, and in "
                    f"round {p['round']} did not{cost}. What made it break its word, and "
                    "did anyone trust its next offer?")
            elif p["result"] == KEPT and p["decisive"]:
                decided.append(
                    f"{what} was adopted in round {p['round']} because {who} kept its "
                    f"promise of offer {o['offer']}: without that acceptance it would have "
                    "failed. Was the trade worth it to each side?")
        if o["status"] == "declined":
            no = and_join([narrator.party(p) for p, yes in o["answers"].items() if not yes])
            declined.append(
                f"{no} declined offer {o['offer']}: {by} would {narrator.terms(o['give'])} "
                f"if {no} would {narrator.terms(o['want'])}. What would it have taken to "
                "accept?")
    questions = (broken + decided + declined)[:most]
    if not questions:
        return []
    return [Heading("Questions from these talks"),
            Items(tuple(Item(spans(q)) for q in questions), ordered=True)]


# --- rows, for the CSV tables ----------------------------------------------------------------

_PHASE_AFTER = {EventKind.ROUND_STARTED: "proposal", EventKind.PACKAGE_RETRACTED: "proposal",
                EventKind.TABLED: "discussion", EventKind.VOTING_OPENED: "voting",
                EventKind.PACKAGE_DROPPED: "ratification",
                EventKind.SIGNING_OPENED: "ratification",
                EventKind.RATIFICATION: "ratification"}
"""The phase an event leaves the round in (events carry their round, not their phase)."""


def _with_phases(game: Game) -> list[tuple[Event, str]]:
    """Every event with the phase the round was in when it happened."""
    phase, out = "proposal", []
    for event in game.events:
        out.append((event, phase))
        phase = _PHASE_AFTER.get(event.kind, phase)
    return out


def message_rows(game: Game, scenario: Scenario, *, reveal: bool) -> list[dict[str, Any]]:
    """One row per message, in the order said: round, phase, who spoke, to whom, on which
    channel (``all`` for the room, else its members' ids), and the words. Without
    ``reveal``, the messages to the whole room only."""
    names = Narrator(scenario).party
    rows = []
    for event, phase in _with_phases(game):
        if event.kind is not EventKind.SAID or (event.audience is not None and not reveal):
            continue
        d = event.data
        to = [] if d["to"] == ROOM else list(d["to"])
        rows.append({"round": event.round, "phase": phase, "from": d["party"],
                     "from_name": names(d["party"]), "to": " ".join(to) or ROOM,
                     "to_names": "; ".join(names(p) for p in to) or "the room",
                     "channel": " ".join(event.audience) if event.audience else ROOM,
                     "text": d["text"]})
    return rows


def _terms_cell(terms: dict[str, list[str]]) -> str:
    """One side of an offer as ids: "accept: a b; table: c"."""
    return "; ".join(f"{verb}: {' '.join(ids)}" for verb, ids in terms.items() if ids)


def offer_rows(game: Game, scenario: Scenario, *, reveal: bool) -> list[dict[str, Any]]:
    """One row per offer (none without ``reveal``: offers are private to their parties):
    number, round made, who to whom, each side's terms, until when, status, the answers
    and each promise with how it came out; then the terms in the maker's words."""
    if not reveal:
        return []
    narrator = Narrator(scenario)
    rows = []
    for o in offers_data(game):
        promises = []
        for p in o["promises"]:
            result = p["result"] or "not yet tested"
            at = f" (round {p['round']})" if p["result"] in ("kept", "broken") else ""
            promises.append(f"{p['party']} {p['verb']} {p['element']}: {result}{at}")
        rows.append({
            "offer": o["offer"], "round": o["round"], "from": o["party"],
            "to": " ".join(o["to"]), "give": _terms_cell(o["give"]),
            "want": _terms_cell(o["want"]), "until": o["until"], "status": o["status"],
            "answers": "; ".join(f"{p} {'accepted' if yes else 'declined'}"
                                 for p, yes in o["answers"].items()),
            "promises": "; ".join(promises),
            "terms": _terms_words(narrator, o["give"], o["want"])})
    return rows


def _terms_words(narrator: Narrator, give: dict[str, list[str]],
                 want: dict[str, list[str]]) -> str:
    """An offer's terms in the maker's words ("we will accept X if you accept Y"), one
    side left out when it promises nothing."""
    if not any(want.values()):
        return f"we will {narrator.terms(give)}"
    if not any(give.values()):
        return f"we ask you to {narrator.terms(want)}"
    return f"we will {narrator.terms(give)} if you {narrator.terms(want)}"


def ballot_promises(game: Game) -> dict[tuple[int, str, str], list[tuple[str, int, str]]]:
    """The promises each ballot tested: for (round, party, target), each promise to accept
    that the party's ballot on that target kept or broke, as (result, offer number, the
    offer's other parties' ids), in the order the offers were made."""
    package = game.book.package_voting
    found: dict[tuple[int, str, str], list[tuple[str, int, str]]] = {}
    for state in game.session.talks.offers:
        for p in state.promises:
            if p.verb != "accept" or p.result not in ("kept", "broken") or p.round is None:
                continue
            target = PACKAGE if package else p.element
            others = " ".join(q for q in state.parties if q != p.party)
            found.setdefault((p.round, p.party, target), []).append(
                (p.result, state.number, others))
    return found
