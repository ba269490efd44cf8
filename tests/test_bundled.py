"""The bundled scenarios and guides: complete, faithful to the reports, and playable."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from exercise import catalog
from exercise.bots import PERSONAS
from exercise.headless import play
from exercise.scenario.loading import check_file, load_scenario
from exercise.scenario.model import Scenario

from .conftest import REPORTS

ENTRIES = {e.name: e.path for e in catalog.bundled()}
REAL = ["sketch-2024", "buffer-zone-2025", "berlin-2025", "day-after"]


def scenario(name: str) -> Scenario:
    """A bundled scenario by name."""
    return load_scenario(ENTRIES[name])


def test_the_bundled_set_is_complete():
    """A tutorial and the three scenarios set at the reports' moments are bundled."""
    assert set(ENTRIES) >= {"tutorial", *REAL}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_bundled_scenario_is_valid_without_warnings(name):
    """Each bundled scenario validates with no errors and no warnings."""
    checked = check_file(ENTRIES[name])
    assert checked.problems == (), "\n".join(map(str, checked.problems))


def test_tutorial_is_short():
    """The tutorial: 2–3 parties, at most 5 elements, 3 rounds."""
    sc = scenario("tutorial")
    assert 2 <= len(sc.parties) <= 3
    assert len(sc.elements) <= 5
    assert sc.rounds == 3


@pytest.mark.parametrize("name", REAL)
def test_real_scenario_has_the_required_shape(name):
    """4–7 parties with briefs and walk-aways; 10–20 elements; 6–12 injects of every kind."""
    sc = scenario(name)
    assert 4 <= len(sc.parties) <= 7
    for party in sc.parties:
        assert party.public_brief and party.private_brief, party.id
    assert any(p.walk_away for p in sc.parties)
    assert 10 <= len(sc.elements) <= 20
    assert 6 <= len(sc.injects) <= 12
    triggers = Counter(i.trigger for i in sc.injects)
    assert triggers["at"] and triggers["when"] and triggers["ad_hoc"], triggers
    assert any(i.is_private for i in sc.injects)
    assert sc.tracks
    assert sc.debrief.questions
    assert sc.learning_objectives
    for item in (*sc.elements, *sc.injects):
        assert item.source is not None, f"{item.id} cites no source"


def normalise(text: str) -> str:
    """Collapse whitespace, so a quote may wrap differently from the report."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_quote_is_verbatim_from_its_report(name):
    """Each cited quote appears, word for word and in order, in the report it cites."""
    if not REPORTS.is_dir():
        pytest.skip(f"the source reports are not at {REPORTS}")
    sc = scenario(name)
    texts = {p.name: normalise(p.read_text(encoding="utf-8")) for p in REPORTS.glob("*.txt")}
    by_source = {}
    for source in sc.sources:
        assert source.file in texts, f"source {source.id} names no report file ({source.file})"
        by_source[source.id] = texts[source.file]
    cited = [(item.id, item.source) for item in (*sc.elements, *sc.injects)]
    cited.append(("debrief.epilogue", sc.debrief.epilogue_source))
    for where, source in cited:
        if source is None:
            continue
        quote = normalise(source.quote)
        assert len(quote.split()) <= 45, f"{where}: quotes should be short"
        assert quote in by_source[source.ref], f"{where}: not verbatim: {quote!r}"


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_bots_only_games_do_not_all_end_the_same_way(name):
    """Playable: over seeds and personas, bots-only games end in more than one way."""
    sc = scenario(name)
    seats = [p.id for p in sc.voters]
    outcomes: Counter[str] = Counter()
    for persona in (None, *PERSONAS):
        personas = dict.fromkeys(seats, persona) if persona else None
        for seed in range(10):
            game = play(sc, bots=seats, seed=seed, personas=personas).game
            outcomes[str(game.outcome().kind)] += 1
    assert len(outcomes) >= 2, outcomes
    if name != "tutorial":
        assert outcomes["agreement"] > 0, outcomes


@pytest.mark.parametrize("name", REAL)
def test_the_outcome_moves_with_the_seed(name):
    """With the scenario's own personas, different seeds end differently."""
    sc = scenario(name)
    seats = [p.id for p in sc.voters]
    kinds = {str(play(sc, bots=seats, seed=seed).game.outcome().kind) for seed in range(12)}
    assert len(kinds) >= 2, kinds


GUIDE_SECTIONS = ["objective", "timing", "role", "inject", "watch", "debrief"]


@pytest.mark.parametrize("name", REAL)
def test_each_real_scenario_says_what_happened_next(name):
    """Issue 12: the debrief's epilogue — what the reports say happened after the scenario's
    moment — with the report sentence it rests on."""
    sc = scenario(name)
    assert sc.debrief.epilogue and sc.debrief.epilogue_source is not None


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_each_scenario_has_a_facilitator_guide(name):
    """Each scenario has a guide: objectives, timing, roles, injects, what to watch, debrief."""
    path = catalog.notes_for(name)
    assert path is not None, f"no facilitator_notes/{name}.md"
    text = path.read_text(encoding="utf-8")
    headings = " ".join(re.findall(r"^#+ (.+)$", text, flags=re.M)).lower()
    for section in GUIDE_SECTIONS:
        assert section in headings, f"{name}: no section about {section}"
    for inject in scenario(name).injects:
        assert inject.id in text, f"{name}: the guide's inject schedule misses {inject.id}"
    assert re.search(r"^## Round 1\b", text, flags=re.M), "per-round notes ('## Round N')"
