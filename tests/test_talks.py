"""Side talks (issue 13): channels, offers, answers and the promises they make.

The rules pinned here are those of ``docs/scenario-format.md``, "Side talks": a statement
to the room is public, one to a set of delegations is that channel's alone (and the
facilitator's); offers are numbered, open until ``until``, accepted when every recipient
accepts; a promise is kept or broken at the vote (or proposal) that tests it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from exercise.conduct import FACILITATOR, PUBLIC, Conductor, SeatPlan
from exercise.engine import (
    Answer,
    CallVote,
    CloseChannel,
    EventKind,
    Game,
    IllegalMoveError,
    Offer,
    Pass,
    PauseTalks,
    ResumeTalks,
    Say,
    Table,
    Terms,
    Vote,
)
from exercise.engine.moves import MAX_MESSAGE
from exercise.narration import Narrator
from exercise.room import Room
from exercise.sessions.reader import read_log
from exercise.view import view

from .conftest import load, run_cli, scenario_data, to_yaml

VIEWERS = ("ukraine", "russia", "us", "turkey", PUBLIC, FACILITATOR)


def talks_data(**changes: Any) -> dict[str, Any]:
    """Three voting delegations, an observer, three elements and three rounds."""
    data = scenario_data(**changes)
    data["parties"] = [*data["parties"], {"id": "turkey", "name": "Turkey", "role": "observer",
                                          "public_brief": "Watches."}]
    data["elements"] = [
        {"id": "dmz", "title": "Buffer zone", "summary": "s",
         "values": {"ukraine": 3, "russia": -1, "us": 1}},
        {"id": "monitoring", "title": "US monitoring", "summary": "s",
         "values": {"ukraine": 2, "russia": -2, "us": 1}},
        {"id": "moratorium", "title": "NATO moratorium", "summary": "s",
         "values": {"ukraine": -2, "russia": 3, "us": 0}},
    ]
    return data


def game(**changes: Any) -> Game:
    """A game of the talks scenario (ukraine proposes first)."""
    return Game(load(talks_data(**changes)), seed=3)


def people_room(**changes: Any) -> Room:
    """A room where a person plays every seat."""
    scenario = load(talks_data(**changes))
    plans = {p.id: SeatPlan(p.id, human=True) for p in scenario.parties}
    return Room(Conductor(scenario, plans, 3), bot_delay=0, auto_vote=False, timer=False)


def vote_all(g: Game, ballots: dict[str, str]) -> None:
    """Everyone votes: ``ballots`` maps a party to its one choice on every tabled element."""
    g.push(CallVote())
    for party in g.book.voters:
        g.push(Vote(party, {t: ballots.get(party, "accept") for t in g.ballot_targets()}))


def settled(g: Game) -> list[dict[str, Any]]:
    """Every promise settlement so far, with its audience."""
    return [{**e.data, "audience": e.audience, "round": e.round} for e in g.events
            if e.kind is EventKind.PROMISE_SETTLED]


# --- channels and secrecy ---------------------------------------------------------------------


def test_each_channel_is_seen_by_its_members_and_the_facilitator_only():
    """A message to a set of delegations reaches exactly that set (and the facilitator); a
    statement to the room reaches everyone, the shared screen included."""
    room = people_room()
    room.act("ukraine", Say("ukraine", ("russia",), "Only for Moscow"))
    room.act("us", Say("us", ("ukraine", "russia"), "Three of us"))
    room.act("russia", Say("russia", "all", "To everyone"))
    seen = {v: [line.text for line in room.conductor.feed_for(v)] for v in VIEWERS}
    who = {text: {v for v in VIEWERS if any(text in line for line in seen[v])}
           for text in ("Only for Moscow", "Three of us", "To everyone")}
    assert who["Only for Moscow"] == {"ukraine", "russia", FACILITATOR}
    assert who["Three of us"] == {"ukraine", "russia", "us", FACILITATOR}
    assert who["To everyone"] == set(VIEWERS)


def test_the_per_viewer_view_holds_only_the_viewers_channels():
    """The one per-viewer view (what every screen draws) shows a channel to its members and
    the facilitator, and shows nothing of it — not even that it exists — to anyone else."""
    room = people_room()
    room.act("ukraine", Say("ukraine", ("russia",), "secret line"))
    room.act("ukraine", Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                              Terms(accept=("dmz",))))
    for viewer in VIEWERS:
        feed = " ".join(item.text for item in view(room, viewer).feed)
        inside = viewer in ("ukraine", "russia", FACILITATOR)
        assert ("secret line" in feed) is inside, viewer
        assert ("OFFER 1" in feed) is inside, viewer


def test_offers_answers_and_promises_go_to_the_offers_parties():
    """Every event of an offer (made, answered, settled, each promise) has the offer's
    parties as its audience."""
    g = game()
    g.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)), Terms(accept=("dmz",))))
    g.push(Answer("russia", 1, True))
    g.push(Table("ukraine", ("dmz", "moratorium")))
    vote_all(g, {})
    kinds = {EventKind.OFFER_MADE, EventKind.OFFER_ANSWERED, EventKind.OFFER_SETTLED,
             EventKind.PROMISE_SETTLED}
    talk = [e for e in g.events if e.kind in kinds]
    assert {e.kind for e in talk} == kinds
    assert all(e.audience == ("ukraine", "russia") for e in talk)


# --- promises ---------------------------------------------------------------------------------


def test_promises_are_kept_or_broken_at_the_vote_that_tests_them():
    """Rule "Promises": a promise to accept an element is settled by the party's ballot on
    it in the first vote on it — kept if it accepts, broken otherwise."""
    g = game()
    g.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)), Terms(accept=("dmz",)),
                 until=2))
    g.push(Answer("russia", 1, True))
    assert not settled(g)
    g.push(Table("ukraine", ("dmz", "moratorium")))
    vote_all(g, {"russia": "reject"})
    results = {(p["party"], p["element"]): p["result"] for p in settled(g)}
    assert results == {("ukraine", "moratorium"): "kept", ("russia", "dmz"): "broken"}
    assert all(p["round"] == 1 for p in settled(g))


def test_a_promise_is_tested_once_at_its_first_vote():
    """A promise settled at one vote is not settled again at a later one."""
    g = game()
    g.push(Offer("ukraine", ("russia",), Terms(), Terms(accept=("dmz",)), until=3))
    g.push(Answer("russia", 1, True))
    g.push(Table("ukraine", ("dmz",)))
    vote_all(g, {"russia": "reject", "us": "reject"})
    g.push(Table("russia", ("dmz",)))
    vote_all(g, {})
    assert [p["result"] for p in settled(g)] == ["broken"]


def test_a_promise_to_table_is_tested_at_the_partys_proposal():
    """A promise to table an element is kept if the party's next proposal holds it, broken
    if it tables something else or passes."""
    g = game()
    g.push(Offer("russia", ("ukraine",), Terms(table=("dmz",)), Terms(accept=("moratorium",)),
                 until=3))
    g.push(Answer("ukraine", 1, True))
    g.push(Pass("ukraine"))  # round 1 is ukraine's proposal: nothing of russia's is tested
    assert not settled(g)
    g.push(Table("russia", ("moratorium",)))  # round 2: russia tables something else
    assert [(p["party"], p["verb"], p["result"]) for p in settled(g)] == \
        [("russia", "table", "broken")]
    vote_all(g, {"ukraine": "accept"})
    assert [(p["party"], p["result"]) for p in settled(g)][-1] == ("ukraine", "kept")


def test_open_offers_expire_and_untested_promises_lapse_after_until():
    """An offer nobody answered expires when its rounds are over; an accepted one whose
    promises were never put to a vote settles them as untested, and says so."""
    g = game()
    g.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)), Terms(accept=("dmz",))))
    g.push(Offer("ukraine", ("us",), Terms(accept=("moratorium",)), Terms(accept=("dmz",))))
    g.push(Answer("us", 2, True))
    g.push(Table("ukraine", ("monitoring",)))
    vote_all(g, {})
    assert g.round == 2
    status = {e.data["offer"]: e.data["status"] for e in g.events
              if e.kind is EventKind.OFFER_SETTLED}
    assert status == {1: "expired", 2: "accepted"}
    assert {p["result"] for p in settled(g)} == {"untested"}
    with pytest.raises(IllegalMoveError, match="offer 1 is expired"):
        g.push(Answer("russia", 1, True))


def test_one_decline_ends_an_offer_to_several():
    """An offer to several delegations binds only when all accept; one decline ends it."""
    g = game()
    g.push(Offer("us", ("ukraine", "russia"), Terms(accept=("dmz",)), Terms(accept=("dmz",))))
    g.push(Answer("ukraine", 1, True))
    assert g.session.talks.offers[0].status == "open"
    g.push(Answer("russia", 1, False))
    assert g.session.talks.offers[0].status == "declined"
    assert g.session.talks.offers[0].promises == []


# --- what is refused ----------------------------------------------------------------------------


def _offer(**kw: Any) -> Offer:
    base: dict[str, Any] = {"party": "ukraine", "to": ("russia",),
                            "give": Terms(accept=("dmz",)), "want": Terms(accept=("monitoring",))}
    return Offer(**(base | kw))


@pytest.mark.parametrize(("move", "message"), [
    (Say("ukraine", ("ukraine",), "hi"), "cannot address itself"),
    (Say("ukraine", ("moscow",), "hi"), "there is no party 'moscow'"),
    (Say("ukraine", ("russia", "russia"), "hi"), "named twice"),
    (Say("ukraine", "all", "   "), "the message is empty"),
    (Say("ukraine", "all", "x" * (MAX_MESSAGE + 1)), f"at most {MAX_MESSAGE}"),
    (Say("ukraine", "all", "clipboard \x1b]52;c;aGk=\x07"), "control character: ESC"),
    (_offer(give=Terms(accept=("dmzz",))), "'dmzz' is not an element (did you mean 'dmz'?)"),
    (_offer(until=9), "until 9 is not a round still to play"),
    (_offer(to=("turkey",)), "turkey is an observer"),
    (_offer(give=Terms(), want=Terms()), "promises nothing"),
    (Answer("russia", 1, True), "there is no offer 1"),
    (ResumeTalks(), "the talks are not paused"),
    (CloseChannel(("ukraine",)), "two or more"),
])
def test_illegal_talk_moves_are_refused_clearly_and_change_nothing(move, message):
    """Each bad statement, offer or answer is refused with a message naming what is wrong,
    and the game is left as it was."""
    g = game()
    before = len(g.events)
    with pytest.raises(IllegalMoveError, match=re.escape(message)):
        g.push(move)
    assert len(g.events) == before


def test_answers_are_for_recipients_once_each():
    """Only a recipient answers an offer, and only once."""
    g = game()
    g.push(_offer())
    with pytest.raises(IllegalMoveError, match="offer 1 was not made to us"):
        g.push(Answer("us", 1, True))
    g.push(Answer("russia", 1, False))
    with pytest.raises(IllegalMoveError, match="offer 1 is declined"):
        g.push(Answer("russia", 1, True))


def test_paused_talks_and_closed_channels_refuse_messages():
    """While the facilitator pauses the talks nothing is said or offered; a closed channel
    stays closed, while other channels go on."""
    g = game()
    g.push(PauseTalks())
    with pytest.raises(IllegalMoveError, match="paused the talks"):
        g.push(Say("ukraine", "all", "hello"))
    with pytest.raises(IllegalMoveError, match="paused the talks"):
        g.push(_offer())
    g.push(ResumeTalks())
    g.push(CloseChannel(("russia", "ukraine")))
    with pytest.raises(IllegalMoveError, match="closed the channel"):
        g.push(Say("russia", ("ukraine",), "hello"))
    with pytest.raises(IllegalMoveError, match="closed the channel"):
        g.push(_offer())
    g.push(Say("russia", ("ukraine", "us"), "still open"))
    g.push(CloseChannel("all"))
    with pytest.raises(IllegalMoveError, match="closed the room"):
        g.push(Say("ukraine", "all", "hello"))


def test_a_scenario_may_turn_talks_off_or_limit_offers():
    """``talks: {enabled: false}`` refuses every talk move; ``offers_per_round: N`` caps
    each delegation's offers per round."""
    off = game(talks={"enabled": False})
    with pytest.raises(IllegalMoveError, match="no side talks"):
        off.push(Say("ukraine", "all", "hello"))
    capped = game(talks={"offers_per_round": 1})
    capped.push(_offer())
    with pytest.raises(IllegalMoveError, match="allows 1 per round"):
        capped.push(_offer())
    capped.push(_offer(party="russia", to=("ukraine",)))  # another delegation's own limit


def test_talks_happen_between_the_votes_not_after_the_end():
    """Talk moves are legal in proposal, discussion and voting, whoever is awaited, and
    refused once the exercise has ended."""
    g = game()
    g.push(Say("russia", "all", "during proposal"))
    g.push(Table("ukraine", ("dmz",)))
    g.push(Say("russia", "all", "during discussion"))
    g.push(CallVote())
    g.push(Say("russia", "all", "during voting"))
    from exercise.engine import EndExercise

    g.push(EndExercise())
    with pytest.raises(IllegalMoveError, match="ended"):
        g.push(Say("russia", "all", "after"))


# --- untrusted words ----------------------------------------------------------------------------


def test_a_students_words_are_kept_and_told_literally():
    """Markup-like text is kept exactly and the feed line quotes it as it was typed."""
    g = game()
    text = "[bold red]not markup[/] [@click=app.quit]x[/] *stars*"
    g.push(Say("ukraine", "all", text))
    line = Narrator(g.scenario).line(g.events[-1])
    assert line is not None and text in line


# --- headless, the log, replay ------------------------------------------------------------------


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    """The talks scenario on disk."""
    path = tmp_path / "talks.yaml"
    path.write_text(to_yaml(talks_data()), encoding="utf-8")
    return path


SCRIPT = """\
- say: {party: ukraine, to: [russia, us], text: "We can live with a [b]freeze[/b]."}
- say: {party: russia, to: all, text: "Moscow is listening."}
- offer: {party: ukraine, to: [russia], give: {accept: [moratorium]}, want: {accept: [dmz]},
          until: 2}
- answer: {party: russia, offer: 1, accept: true}
- table: {party: ukraine, elements: [dmz, moratorium]}
- vote: {party: ukraine, votes: {dmz: accept, moratorium: accept}}
- vote: {party: russia, votes: {dmz: reject, moratorium: accept}}
- vote: {party: us, votes: {dmz: accept, moratorium: accept}}
"""


def test_headless_script_with_say_offer_and_answer_runs_and_logs_them(scenario_file, tmp_path):
    """`exercise run` plays say, offer and answer exactly as the issue writes them, tells the
    promises in --verbose, and the session log replays to the same state."""
    moves = tmp_path / "moves.yaml"
    moves.write_text(SCRIPT, encoding="utf-8")
    log = tmp_path / "s.jsonl"
    done = run_cli("run", str(scenario_file), "--moves", str(moves), "--verbose",
                   "--log", str(log))
    assert done.returncode == 0, done.stderr
    assert "(private to Russia, Ukraine, United States) Ukraine to Russia and United States: " \
           "“We can live with a [b]freeze[/b].”" in done.stdout
    assert "Russia to the room: “Moscow is listening.”" in done.stdout
    assert "OFFER 1: Ukraine to Russia: we will accept NATO moratorium if you accept " \
           "Buffer zone (open until the end of round 2)." in done.stdout
    assert "PROMISE BROKEN: Russia promised to accept Buffer zone (offer 1)." in done.stdout
    assert "PROMISE KEPT: Ukraine promised to accept NATO moratorium (offer 1)." in done.stdout

    record = read_log(log)
    kinds = [m.move.kind for m in record.moves]
    assert kinds[:4] == ["say", "say", "offer", "answer"]
    said = [e for e in record.events if e.get("event") == "said"]
    assert said[0]["audience"] == ["russia", "ukraine", "us"] and "audience" not in said[1]
    replayed = run_cli("replay", str(log), "--json")
    assert replayed.returncode == 0, replayed.stderr
    ran = run_cli("run", str(scenario_file), "--moves", str(moves), "--json", "--no-log")
    assert json.loads(replayed.stdout)["elements"] == json.loads(ran.stdout)["elements"]


@pytest.mark.parametrize(("item", "message"), [
    ("- say: {party: ukraine, to: {russia: 1}, text: hi}", "to must be 'all' (the room) or a list"),
    ("- say: {party: ukraine, to: all}", "say needs text"),
    ("- offer: {party: ukraine, to: [russia], give: {acept: [dmz]}}",
     "unknown key 'acept' (did you mean 'accept'?)"),
    ("- answer: {party: russia, offer: first, accept: true}", "offer must be an offer's number"),
    ("- answer: {party: russia, offer: 1, accept: maybe}", "accept must be true"),
])
def test_a_malformed_talk_item_names_file_line_and_what(scenario_file, tmp_path, item, message):
    """A malformed say/offer/answer in a moves file: exit 1, FILE:line, no traceback."""
    moves = tmp_path / "moves.yaml"
    moves.write_text(item + "\n", encoding="utf-8")
    done = run_cli("run", str(scenario_file), "--moves", str(moves), "--no-log")
    assert done.returncode == 1
    assert f"{moves}:1:" in done.stderr and message in done.stderr
    assert "Traceback" not in done.stderr


def test_an_illegal_talk_move_in_a_script_stops_the_run_clearly(scenario_file, tmp_path):
    """An answer to an offer that does not exist stops the run with status 2, naming it."""
    moves = tmp_path / "moves.yaml"
    moves.write_text("- answer: {party: russia, offer: 4, accept: true}\n", encoding="utf-8")
    done = run_cli("run", str(scenario_file), "--moves", str(moves), "--no-log")
    assert done.returncode == 2
    assert "the move at index 0" in done.stderr and "there is no offer 4" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("seed", [3, 8])
def test_no_seat_reads_of_an_offer_it_is_not_party_to_in_a_whole_game(seed):
    """Over a whole computer game of the buffer-zone scenario (offers, answers, promises and
    the ballots that keep or break them), every line a seat can read that names an offer
    names one the seat is a party to; the facilitator reads them all."""
    from exercise import catalog
    from exercise.scenario.loading import load_scenario

    path = {e.name: e.path for e in catalog.bundled()}["buffer-zone-2025"]
    scenario = load_scenario(path)
    plans = {p.id: SeatPlan(p.id, human=False) for p in scenario.parties}
    room = Room(Conductor(scenario, plans, seed), bot_delay=0, auto_vote=True, timer=False)
    room.settle()
    conductor = room.conductor
    offers = conductor.game.session.talks.offers
    assert offers, "the computer delegations made no offer"
    for viewer in [p.id for p in scenario.parties] + [PUBLIC]:
        for line in conductor.feed_for(viewer):
            for state in offers:
                if re.search(rf"\b[Oo](?:ffer|FFER) {state.number}\b", line.text):
                    assert viewer in state.parties, (viewer, line.text)
    everything = " ".join(line.text for line in conductor.feed_for(FACILITATOR))
    assert all(f"offer {o.number}" in everything.lower() for o in offers)


# --- the report and the debrief reveal the talks -------------------------------------------------

REVEAL_SCRIPT = SCRIPT + """\
- say: {party: us, to: all, text: "<script>alert(1)</script> *not emphasis*"}
- pass: {party: russia}
- end: time is up
"""


def _played(text: str) -> Conductor:
    from exercise.headless import play, read_moves

    result = play(load(talks_data()), read_moves(text, "moves.yaml"), seed=3)
    assert result.conductor is not None
    return result.conductor


def test_the_report_reveals_every_channel_the_matrix_and_the_offers():
    """Once the session is over the report's "Side talks" section shows every channel's
    messages, who talked to whom in each round, and each offer with its answer, its
    promises and the votes that kept or broke them."""
    from exercise.reports.formats import render, report_data
    from exercise.reports.model import report_of

    report = report_of(_played(REVEAL_SCRIPT))
    md = render(report, "md")
    talks = md.split("## Side talks", 1)[1].split("\n## ", 1)[0]
    assert "Between Russia, Ukraine and United States" in talks
    assert "Round 1, Ukraine: “We can live with a \\[b\\]freeze\\[/b\\].”" in talks
    assert "To the whole room" in talks and "Moscow is listening." in talks
    assert "*Round 1: who talked to whom*" in talks
    assert "| Ukraine | – | 2 | 1 | – | – |" in talks  # to Russia: a message and an offer
    assert ("Russia to accept Buffer zone: broken at the vote of round 1 (the element was "
            "adopted)") in talks  # by the majority, without Russia
    assert ("Ukraine to accept NATO moratorium: kept at the vote of round 1 (the element was "
            "adopted)") in talks
    data = report_data(report)["talks"]
    assert data["offers"][0]["promises"][1] == {
        "party": "russia", "verb": "accept", "element": "dmz", "result": "broken", "round": 1,
        "element_then": "adopted", "decisive": False}
    assert data["contacts"]["1"]["ukraine>russia"] == 2
    html = render(report, "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


DECIDING_SCRIPT = """\
- offer: {party: ukraine, to: [russia], give: {accept: [moratorium]}, want: {accept: [dmz]}}
- answer: {party: russia, offer: 1, accept: true}
- offer: {party: us, to: [ukraine], give: {accept: [dmz]}, want: {accept: [monitoring]}}
- answer: {party: ukraine, offer: 2, accept: false}
- table: {party: ukraine, elements: [dmz, moratorium]}
- vote: {party: ukraine, votes: {dmz: accept, moratorium: accept}}
- vote: {party: russia, votes: {dmz: reject, moratorium: accept}}
- vote: {party: us, votes: {dmz: reject, moratorium: reject}}
- end: time is up
"""


def test_the_report_says_which_promises_decided_a_vote_and_asks_about_them():
    """Which talks moved which votes: a kept promise whose ballot carried its element, and a
    broken one that, kept, would have carried it, are named as such (a promise kept or
    broken by a ballot that changed nothing is not), and the debrief asks about each, and
    about the declined offer."""
    from exercise.reports.formats import render, report_data
    from exercise.reports.model import report_of

    report = report_of(_played(DECIDING_SCRIPT))
    promises = report_data(report)["talks"]["offers"][0]["promises"]
    # the moratorium passed 2 to 1 with Ukraine; the zone failed 1 to 2 without Russia
    assert [(p["party"], p["result"], p["element_then"], p["decisive"]) for p in promises] == [
        ("ukraine", "kept", "adopted", True), ("russia", "broken", "rejected", True)]
    md = render(report, "md")
    talks = md.split("## Side talks", 1)[1].split("\n## ", 1)[0]
    assert ("Ukraine to accept NATO moratorium: kept at the vote of round 1 (the element was "
            "adopted; this acceptance decided it)") in talks
    assert ("Russia to accept Buffer zone: broken at the vote of round 1 (the element was "
            "rejected; kept, the promise would have carried it)") in talks
    questions = talks.split("### Questions from these talks", 1)[1]
    assert "1. In offer 1 Russia promised to accept Buffer zone, and in round 1 did not (kept, " \
           "it would have carried Buffer zone)." in questions
    assert "2. NATO moratorium was adopted in round 1 because Ukraine kept its promise of " \
           "offer 1: without that acceptance it would have failed." in questions
    assert "3. Ukraine declined offer 2: United States would accept Buffer zone if Ukraine " \
           "would accept US monitoring." in questions


def test_promises_that_decided_nothing_raise_no_question():
    """A promise kept by a ballot the vote did not need is no debrief question."""
    from exercise.reports.formats import render
    from exercise.reports.model import report_of

    md = render(report_of(_played(REVEAL_SCRIPT)), "md")
    questions = md.split("### Questions from these talks", 1)[1].split("\n## ", 1)[0]
    assert "because Ukraine kept" not in questions  # all three accepted the moratorium
    assert "Russia promised to accept Buffer zone" in questions  # broken, if not decisive


def test_a_report_of_a_running_session_shows_only_what_the_room_heard():
    """Before the end, the report shows statements to the whole room and nothing of the side
    channels or the offers (not even a computer's ballot reason that names one)."""
    from exercise.reports.formats import render, report_data
    from exercise.reports.model import report_of

    report = report_of(_played(SCRIPT), reveal=False)
    md = render(report, "md")
    assert "Moscow is listening." in md
    assert "We can live with" not in md and "OFFER" not in md and "offer 1" not in md
    assert report_data(report)["talks"] is None


def test_the_debrief_shows_the_talks_tab_to_every_seat():
    """The debrief every seat sees once the exercise is over has a Talks tab with the
    channels it was not in, by design: nothing is hidden from the debrief."""
    from exercise.tui.screens import debrief_tabs

    conductor = _played(REVEAL_SCRIPT)
    room = Room(conductor, bot_delay=0, auto_vote=True, timer=False)
    document = view(room, "turkey").debrief.document  # type: ignore[union-attr]
    tabs = dict(debrief_tabs(document))
    assert "We can live with" in tabs["Talks"] and "OFFER" not in tabs["Outcome"]


def test_an_offer_with_one_side_empty_reads_as_a_gift_or_a_request():
    """Rule 'Offers' allows one side empty (give or want): the feed and the answer row say
    "asking nothing in return" / "promising nothing in return", never "if you nothing"."""
    room = people_room()
    room.act("ukraine", Offer("ukraine", ("russia",), Terms(accept=("moratorium",)), Terms()))
    room.act("us", Offer("us", ("russia",), Terms(), Terms(accept=("dmz",)), until=2))
    g = room.conductor.game
    narrator = Narrator(room.conductor.scenario)
    made = [narrator.talk(e) for e in g.events if e.kind is EventKind.OFFER_MADE]
    assert made == [
        "OFFER 1: Ukraine to Russia: we will accept NATO moratorium, asking nothing in return "
        "(open this round).",
        "OFFER 2: United States to Russia: we ask you to accept Buffer zone, promising nothing "
        "in return (open until the end of round 2)."]
    rows = view(room, "russia").legal.answer
    assert [r.text for r in rows] == [
        "Ukraine will accept NATO moratorium, asking nothing in return (open until the end "
        "of round 1)",
        "United States asks you to accept Buffer zone, promising nothing in return (open "
        "until the end of round 2)"]
    assert all("if you nothing" not in t and "will nothing" not in t for t in made)


def test_a_promise_to_table_needs_a_turn_to_propose_within_the_offer():
    """Side talks rule 'Offers': a promise to table is kept or broken at the promising
    party's proposal within the offer's rounds, so a party with no proposal left by
    ``until`` cannot make one (or be asked for one); this round's counts while its
    proposal is still to come."""
    g = game()  # ukraine proposes in round 1, russia in 2, us in 3
    assert g.session.proposer == "ukraine"
    g.push(Offer("ukraine", ("russia",), Terms(table=("dmz",)), Terms(accept=("dmz",))))
    g.push(Table("ukraine", ("dmz",)))
    with pytest.raises(IllegalMoveError, match=r"give\.table: ukraine has no turn to propose in "
                                               "round 1"):
        g.push(Offer("ukraine", ("russia",), Terms(table=("moratorium",)),
                     Terms(accept=("dmz",))))
    with pytest.raises(IllegalMoveError, match=r"want\.table: us has no turn to propose in "
                                               "rounds 1 to 2"):
        g.push(Offer("russia", ("us",), Terms(accept=("dmz",)), Terms(table=("moratorium",)),
                     until=2))
    g.push(Offer("russia", ("us",), Terms(table=("moratorium",)), Terms(accept=("dmz",)),
                 until=2))  # russia proposes in round 2
    g.push(Offer("russia", ("us",), Terms(accept=("dmz",)), Terms(table=("moratorium",)),
                 until=3))  # the us in round 3
