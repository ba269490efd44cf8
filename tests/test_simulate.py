"""exercise simulate: statistics an author can check by hand, the same games as play and run,
determinism with any number of processes, bounded memory, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exercise import catalog, headless
from exercise.cli import main
from exercise.engine import Game, Rulebook
from exercise.engine.moves import Ballot
from exercise.engine.session import RoundRecord
from exercise.scenario.loading import load_scenario
from exercise.scenario.model import Scenario
from exercise.simulate.memo import Simulator
from exercise.simulate.report import render, summarise
from exercise.simulate.runner import CHUNK, simulate
from exercise.simulate.stats import Tally, layout, vote_adds, wilson

from .conftest import load, run_cli, scenario_data, to_yaml

BUNDLED = [e.name for e in catalog.bundled()]


def bundled(name: str) -> Scenario:
    return load_scenario(catalog.resolve(name))


def findings(scenario: Scenario, games: int, seed: int = 0, **options: Any) -> dict[str, Any]:
    book = Rulebook(scenario)
    tally = simulate(book, games, seed, **options)
    personas = {p.id: "pragmatist" for p in scenario.voters}
    return summarise(book, tally, seed=seed, personas=personas)


def write(tmp_path: Path, data: dict[str, Any], name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(to_yaml(data), encoding="utf-8")
    return path


# --- scenarios whose statistics can be worked out by hand ---------------------------------

EVERYONE_WANTS_IT = scenario_data(
    elements=[{
        "id": "dmz", "title": "Buffer zone", "summary": "A demilitarized zone.",
        "consent": ["ukraine", "russia"],
        "values": {"ukraine": 10, "russia": 10, "us": 10},
        "stances": {"ukraine": "support", "russia": "support", "us": "support"},
    }],
    tracks=[{"id": "tension", "label": "Tension", "start": 5}],
    injects=[
        {"id": "opening", "title": "Opening", "text": "Talks open.", "at": {"round": 1},
         "effects": {"tracks": {"tension": 1.5}}},
        {"id": "late", "title": "Late news", "text": "Too late.", "at": {"round": 2}},
        {"id": "relief", "title": "Relief", "text": "The zone holds.",
         "when": {"element": "dmz", "status": "adopted"}},
        {"id": "card", "title": "A card", "text": "For the facilitator."},
    ],
)


def test_an_element_every_bot_must_accept_is_always_adopted_in_round_one():
    """Every party values the one element highly and supports it: round 1's proposer tables
    it, all accept, nothing is left open, and everyone signs (rules "A round",
    "Ratification"). Every figure below follows by hand."""
    games = 300
    s = findings(load(EVERYONE_WANTS_IT), games)
    agreement = s["outcomes"]["agreement"]
    assert agreement["games"] == games and agreement["rate"] == 1.0
    z2 = 1.959964**2
    assert agreement["ci95"][0] == pytest.approx(games / (games + z2), abs=1e-6)  # Wilson, p=1
    assert agreement["ci95"][1] == 1.0
    assert s["outcomes"]["no_agreement"]["games"] == 0
    assert s["outcomes"]["collapse"] == {"games": 0, "rate": 0.0,
                                         "ci95": [0.0, pytest.approx(z2 / (games + z2), abs=1e-6)],
                                         "example_seed": None}
    assert s["rounds"] == {"mean": 1.0, "min": 1, "max": 1, "games_by_round": {"1": games}}
    (dmz,) = s["elements"]
    assert (dmz["adopted"], dmz["adoption_rate"], dmz["mean_round"]) == (games, 1.0, 1.0)
    assert dmz["rejections"] == 0 and dmz["most_blocked_by"] is None
    for party in s["parties"]:
        assert party["signing_rate"] == 1.0
        assert party["mean_score"] == 10.0 and party["mean_margin"] == 10.0
    fired = {i["id"]: i["firing_rate"] for i in s["injects"]}
    assert fired == {"opening": 1.0, "late": 0.0, "relief": 1.0, "card": 0.0}
    (tension,) = s["tracks"]
    assert (tension["mean"], tension["min"], tension["max"]) == (6.5, 6.5, 6.5)
    assert [b["games"] for b in tension["bins"]] == [0] * 6 + [games] + [0] * 3
    assert s["packages"] == [{"elements": ["dmz"], "games": games, "rate": 1.0}]
    assert s["deal_analysis"]["nash"] == ["dmz"] and s["deal_analysis"]["nash_adopted"] == games
    warned = "\n".join(s["warnings"])
    assert "'Buffer zone' (dmz) was adopted in every game" in warned
    assert "Every one of 300 games ended in agreement" in warned
    assert "Inject 'Late news' (late), due at round 2, never fired in 300 games" in warned
    assert "card" not in warned  # ad-hoc injects fire only by the facilitator's hand


def test_an_element_a_consent_party_must_refuse_is_never_adopted():
    """Russia's consent is required and the element costs it dearly: it is never adopted,
    no game ends in agreement (rule "Ratification": nothing adopted), and Ukraine, whose
    walk-away needs it, never signs."""
    data = scenario_data(
        parties=[
            {"id": "ukraine", "name": "Ukraine", "public_brief": "Wants it.", "walk_away": 5},
            {"id": "russia", "name": "Russia", "public_brief": "Refuses it.",
             "bot": {"persona": "hardliner"}},
        ],
        elements=[{
            "id": "dmz", "title": "Buffer zone", "summary": "A demilitarized zone.",
            "consent": ["russia"], "values": {"ukraine": 10, "russia": -10},
            "stances": {"ukraine": "support", "russia": "oppose"},
        }],
    )
    s = findings(load(data), 200)
    assert s["outcomes"]["no_agreement"]["rate"] == 1.0
    assert s["elements"][0]["adopted"] == 0 and s["elements"][0]["mean_round"] is None
    ukraine = next(p for p in s["parties"] if p["id"] == "ukraine")
    assert ukraine["signed"] == 0 and ukraine["mean_margin"] == -5.0
    warned = "\n".join(s["warnings"])
    assert "'Buffer zone' (dmz) was never adopted in 200 games" in warned
    assert "No game of 200 games ended in agreement" in warned
    assert "Ukraine (ukraine) never signed in 200 games (on average 5 short of its " \
           "walk-away)" in warned


def test_a_hidden_element_an_inject_adds_but_nobody_adopts_is_not_blamed_on_the_inject():
    """Issue 12: the warning said "no inject that adds it fired" of an element whose inject
    fired in every game; now it says how often it reached the table, and to look at its
    values."""
    data = scenario_data(
        elements=[
            {"id": "dmz", "title": "Buffer zone", "summary": "A zone.",
             "values": {"ukraine": 1, "russia": 1}},
            {"id": "purge", "title": "Demilitarization", "summary": "All of it.", "hidden": True,
             "consent": ["ukraine"], "values": {"ukraine": -10, "russia": 5}},
        ],
        injects=[{"id": "demand", "title": "Moscow demands it", "text": "It is tabled.",
                  "at": {"round": 1}, "effects": {"add_elements": ["purge"]}}],
    )
    s = findings(load(data), 100)
    warned = "\n".join(s["warnings"])
    assert "'Demilitarization' (purge) was never adopted in 100 games: an inject put it on " \
           "the table in 100 of them" in warned
    assert "no inject that adds it fired" not in warned


def test_an_inject_that_drives_a_track_over_its_line_collapses_every_game():
    """Rule "Tracks": reaching collapse_at ends the talks at once with outcome collapse."""
    data = scenario_data(
        tracks=[{"id": "escalation", "label": "Escalation", "start": 5, "collapse_at": 8}],
        injects=[{"id": "strike", "title": "Strike", "text": "A strike.", "at": {"round": 1},
                  "effects": {"tracks": {"escalation": 5}}}],
    )
    s = findings(load(data), 100)
    assert s["outcomes"]["collapse"]["games"] == 100
    assert s["rounds"]["games_by_round"] == {"1": 100}
    (track,) = s["tracks"]
    assert track["at_collapse"] == 100 and track["max"] == 10  # clamped to its max
    assert any("The talks collapse in 100% of games" in w for w in s["warnings"])


def test_a_chance_inject_fires_in_about_its_share_of_games():
    """Rule "Injects": chance is drawn each time the trigger holds; over many seeds an
    at-inject with chance 0.3 fires in about 30% of games, inside its 95% interval."""
    data = scenario_data(injects=[{"id": "maybe", "title": "Maybe", "text": "Perhaps.",
                                   "at": {"round": 1}, "chance": 0.3}])
    games = 4000
    s = findings(load(data), games)
    fired = s["injects"][0]["fired"]
    low, high = wilson(fired, games)
    assert low < 0.3 < high


def test_vote_counts_name_the_consent_parties_that_withheld_acceptance():
    """For each rejected element, each of its consent parties that did not accept counts
    once; the round of each adopted element is summed for its mean."""
    scenario = load(scenario_data(elements=[
        {"id": "dmz", "title": "Buffer zone", "summary": "z", "consent": ["ukraine", "russia"]},
        {"id": "monitoring", "title": "Monitoring", "summary": "m", "consent": ["us"]},
    ]))
    book = Rulebook(scenario)
    lay = layout(book)
    record = RoundRecord(2, "ukraine", ("dmz", "monitoring"), {}, ("monitoring",), ("dmz",))
    a, r, s = Ballot.ACCEPT, Ballot.REJECT, Ballot.ABSTAIN
    ballots = [(a, a), (r, a), (s, a)]  # ukraine, russia, us — in voter order
    tally = Tally(book)
    tally.add_vote(vote_adds(book, record, ballots), 3)
    blocked = tally.block(lay.blocked, len(lay.elements) * len(lay.voters))
    assert blocked == [0, 3, 0, 0, 0, 0]  # dmz: russia withheld (3 games); us is no consent
    assert tally.block(lay.adopted_round, 2) == [0, 6]  # monitoring: round 2, three games


def test_the_table_shows_outcomes_elements_parties_injects_tracks_and_warnings():
    s = findings(load(EVERYONE_WANTS_IT), 50)
    text = render(s)
    for line in ("Outcomes", "agreement", "Elements", "dmz  Buffer zone", "Delegations",
                 "Injects", "opening  Opening", "by the facilitator", "Tracks at the end",
                 "tension  Tension", "Deal analysis", "The Nash package", "Warnings",
                 "Replay any game: exercise run test --bots all --seed SEED"):
        assert line in text, line


def test_the_deal_analysis_is_of_the_scenario_as_it_starts_over_what_could_be_tabled():
    """Issue 11: simulate's deal analysis says which values and elements it is over (the
    scenario's own, over the open elements and the hidden ones an inject can add: never a
    hidden element nothing adds, nor what requires it), and publishes the frontier, every
    tied Nash package with how often games adopted it, and how often games ended on the
    frontier."""
    elements = [
        {"id": "a", "title": "A", "summary": "s", "values": {"ukraine": 2, "russia": 1},
         "excludes": ["b"]},
        {"id": "b", "title": "B", "summary": "s", "values": {"ukraine": 1, "russia": 2}},
        {"id": "lost", "title": "Lost", "summary": "s", "hidden": True,
         "values": {"ukraine": 9, "russia": 9}},
        {"id": "needs-lost", "title": "Needs lost", "summary": "s", "requires": ["lost"],
         "values": {"ukraine": 9, "russia": 9}},
        {"id": "late", "title": "Late", "summary": "s", "hidden": True,
         "values": {"ukraine": -5, "russia": -5}},
    ]
    injects = [{"id": "card", "title": "Card", "text": "t",
                "effects": {"add_elements": ["late"]}}]
    games = 40
    d = findings(load(scenario_data(elements=elements, injects=injects)), games)["deal_analysis"]
    assert d["basis"] == ("values and walk-aways as the scenario starts, over the elements "
                          "open at the start and those an inject can add")
    assert d["elements"] == ["a", "b", "needs-lost", "late"]
    assert d["unadoptable"] == ["needs-lost"]
    # {a}, {b}, {late}, {a, late}, {b, late}; signable (walk-aways 0): {a}, {b}.
    assert (d["feasible"], d["signable"]) == (5, 2)
    assert d["frontier"] == [{"elements": ["a"], "values": {"ukraine": 2, "russia": 1}},
                             {"elements": ["b"], "values": {"ukraine": 1, "russia": 2}}]
    assert (d["frontier_size"], d["frontier_complete"], d["nash_ties"]) == (2, True, 2)
    assert [(p["elements"], p["product"]) for p in d["nash_packages"]] == [(["a"], 2),
                                                                          (["b"], 2)]
    adopted = sum(p["adopted"] for p in d["nash_packages"])
    assert d["nash_packages_adopted"] == adopted == d["frontier_adopted"]
    assert d["frontier_adopted_rate"] == round(adopted / games, 6)
    assert "actual" not in d and "dominating_package" not in d  # a simulation has no one deal
    text = render(findings(load(scenario_data(elements=elements, injects=injects)), games))
    assert "Never adoptable (a requirement never reaches the table): needs-lost." in text
    assert "2 packages tie for that product" in text


# --- one rules implementation ---------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_a_simulated_game_is_the_game_exercise_run_plays(name):
    """Seed by seed, the simulator's game (memoised states, compiled phase table) ends in
    exactly the state, and with exactly the round records, that the phase machine reaches
    when exercise run plays the same seed with every seat a computer player."""
    scenario = bundled(name)
    sim = Simulator(Rulebook(scenario))
    everyone = [p.id for p in scenario.voters]
    for seed in range(40):
        played = sim.play(seed)
        ran = headless.play(scenario, bots=everyone, seed=seed).game
        simulated = Game.__new__(Game)
        simulated.book, simulated.scenario, simulated.seed = sim.book, scenario, seed
        simulated.session = played.session
        ran_result = ran.result()
        assert [r["element"] for r in ran_result.pop("rejected")] == [  # a simulation keeps
            e for record in played.records for e in record.rejected]  # no events: no causes
        assert simulated.result() == {**ran_result, "rejected": []}, f"{name} seed {seed}"
        assert played.records == ran.session.history, f"{name} seed {seed}"
        assert played.session.adopted_in == ran.session.adopted_in


@pytest.mark.parametrize("name", BUNDLED)
def test_simulated_statistics_equal_those_of_games_played_one_by_one(name):
    """The streamed statistics of a simulation equal, count for count, those of the same
    seeds played one by one through exercise run's path."""
    scenario = bundled(name)
    book = Rulebook(scenario)
    seed, games = 1000, 60
    by_simulation = simulate(book, games, seed)
    one_by_one = Tally(book)
    everyone = [p.id for p in scenario.voters]
    for s in range(seed, seed + games):
        game = headless.play(scenario, bots=everyone, seed=s).game
        one_by_one.add_game(book, game.session, game.session.history, s)
    assert by_simulation == one_by_one


def test_persona_overrides_play_the_same_in_simulate_and_run():
    scenario = bundled("berlin-2025")
    personas = {"russia": "cooperative", "ukraine": "hardliner"}
    sim = Simulator(Rulebook(scenario), personas)
    everyone = [p.id for p in scenario.voters]
    for seed in range(20):
        ran = headless.play(scenario, bots=everyone, seed=seed, personas=personas).game
        assert sim.play(seed).records == ran.session.history


async def test_a_game_in_the_terminal_ui_ends_as_the_simulated_one():
    """The terminal UI with every seat a computer player (the facilitator opening each
    vote) reaches the same end as simulate for the same seed."""
    from .tui.helpers import make_app, play_out, settle

    scenario = bundled("buffer-zone-2025")
    seed = 11
    played = Simulator(Rulebook(scenario)).play(seed)
    app = make_app("buffer-zone-2025", [], seed=seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # past the briefing
        await play_out(pilot)
        conductor = app.conductor
        assert conductor is not None and conductor.game.is_over
        simulated = Game.__new__(Game)
        simulated.book, simulated.scenario, simulated.seed = conductor.game.book, scenario, seed
        simulated.session = played.session
        assert {**conductor.game.result(), "rejected": []} == simulated.result()  # no events
        assert conductor.game.session.history == played.records


# --- determinism and memory -----------------------------------------------------------------


def test_same_scenario_games_and_seed_give_identical_results_with_any_number_of_processes():
    scenario = bundled("sketch-2024")
    source = catalog.resolve("sketch-2024").read_bytes()
    games = 3 * CHUNK + 17
    results = [simulate(Rulebook(scenario), games, 5, jobs=jobs,
                        source=(source, "sketch-2024.yaml")) for jobs in (1, 2, 3, 1)]
    assert all(r == results[0] for r in results[1:])
    assert results[0].games == games
    other_seed = simulate(Rulebook(scenario), games, 6)
    assert other_seed != results[0]  # the seed matters


def test_who_withheld_consent_is_part_of_what_a_vote_decides():
    """A vote's outcome in the simulator's memory includes which consent parties withheld
    consent from each rejected element: the session keeps it and the computer players read
    it before tabling the element again. Keyed by adoptions alone, the first game through a
    vote fixed it for every later game, so the results depended on how the games were
    shared out among processes (this draft of sketch-2024, found balancing it, showed it)."""
    path = Path(__file__).parent / "golden" / "sketch-2024-memo-regression.yaml"
    scenario = load_scenario(path)
    games = 3 * CHUNK + 53
    results = [simulate(Rulebook(scenario), games, 5, jobs=jobs,
                        source=(path.read_bytes(), path.name)) for jobs in (1, 2, 3)]
    assert results[1] == results[0] and results[2] == results[0]


def test_forgetting_states_to_bound_memory_changes_nothing():
    """With room for only a few states the simulator keeps forgetting and relearning; the
    counts are the same and the store never holds more than its bound."""
    scenario = bundled("buffer-zone-2025")
    book = Rulebook(scenario)
    small = Simulator(book, max_nodes=40)
    tally = Tally(book)
    for start in range(0, 600, 200):
        batch = small.run(range(start, start + 200))
        tally.add_batch(book, batch)
        assert len(small.nodes) <= 40
    assert tally == simulate(Rulebook(scenario), 600, 0)


def test_a_tally_does_not_grow_with_the_number_of_games():
    scenario = bundled("tutorial")
    small, large = (simulate(Rulebook(scenario), n, 0) for n in (10, 5000))
    assert len(small.sums) == len(large.sums)
    assert len(large.packages) <= 2 ** len(scenario.elements)
    assert large.games == 5000


# --- the command ------------------------------------------------------------------------------


def test_the_command_prints_a_table_and_json_that_repeat_exactly(capsys):
    assert main(["simulate", "tutorial", "-n", "300", "--seed", "4", "-q"]) == 0
    table = capsys.readouterr().out
    assert "Outcomes" in table and "300 computer-only games, seeds 4–303" in table
    assert main(["simulate", "tutorial", "-n", "300", "--seed", "4", "--json", "-q"]) == 0
    first = capsys.readouterr().out
    assert main(["simulate", "tutorial", "-n", "300", "--seed", "4", "--json", "-q"]) == 0
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert data["games"] == 300 and data["seeds"] == [4, 303]
    assert set(data) >= {"outcomes", "rounds", "elements", "parties", "injects", "tracks",
                         "deal_analysis", "warnings"}


def test_the_command_gives_the_same_json_with_one_or_two_processes():
    one = run_cli("simulate", "sketch-2024", "-n", "1200", "--json", "--jobs", "1")
    two = run_cli("simulate", "sketch-2024", "-n", "1200", "--json", "--jobs", "2")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    assert "1,200 games in" in one.stderr  # timing goes to stderr, never into the results


def test_personas_on_the_command_line_change_the_games(capsys):
    assert main(["simulate", "berlin-2025", "-n", "200", "--json", "-q"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["simulate", "berlin-2025", "-n", "200", "--json", "-q",
                 "--personas", "all=cooperative"]) == 0
    friendly = json.loads(capsys.readouterr().out)
    assert set(friendly["personas"].values()) == {"cooperative"}
    assert friendly["outcomes"] != plain["outcomes"]


@pytest.mark.parametrize(("args", "message"), [
    (["-n", "0"], "-n/--games must be between 1 and 10,000,000, got 0"),
    (["-n", "-5"], "-n/--games must be between 1 and 10,000,000, got -5"),
    (["-n", "many"], "expected a whole number, got 'many'"),
    (["--jobs", "-2"], "expected a number ≥ 0, got -2"),
    (["--jobs", "1000"], "--jobs must be between 1 and 256"),
    (["--personas", "russia=dove"], "unknown persona 'dove'"),
    (["--personas", "rusia=hardliner"], "unknown party 'rusia' (did you mean 'russia'?)"),
    (["--personas", "russia"], "expected PARTY=PERSONA, got 'russia'"),
    (["--colour"], "unrecognized arguments: --colour"),
])
def test_bad_arguments_are_named_with_exit_status_2(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        code = main(["simulate", "sketch-2024", *args])
        raise SystemExit(code)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_unknown_scenario_is_named(capsys):
    assert main(["simulate", "sketch-2042"]) == 2
    assert "no scenario file or bundled scenario named 'sketch-2042' (did you mean " \
           "'sketch-2024'?)" in capsys.readouterr().err


def test_a_broken_scenario_lists_its_problems_with_exit_status_1(tmp_path, capsys):
    data = scenario_data(rounds=0)
    path = write(tmp_path, data, "broken.yaml")
    assert main(["simulate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "broken.yaml:" in err and "rounds" in err and "Traceback" not in err
