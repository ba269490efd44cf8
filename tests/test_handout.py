"""The exercise package (``exercise handout``): the player handout holds every public brief
and element and no other delegation's secrets; the facilitator's package holds every part a
teacher expects; Markdown and HTML carry the same words; the page fetches nothing; the
command's errors are clear."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from exercise import catalog
from exercise.guide import Guide, find_guide
from exercise.reports.document import Blank, Document, Section, document_data
from exercise.reports.html import render_html
from exercise.reports.markdown import render_markdown
from exercise.reports.package import (
    evaluation_criteria,
    facilitator_package,
    player_handout,
)
from exercise.scenario.loading import load_scenario
from exercise.scenario.model import Scenario

from .conftest import run_cli, scenario_data, to_yaml
from .test_report_document import Structure, words_of_html, words_of_markdown
from .test_reports import Checker

BUNDLED = {e.name: e.path for e in catalog.bundled()}
FACILITATOR_SECTIONS = {"schedule", "evaluation", "hot-wash", "feedback", "ground-rules",
                        "sensitivity", "glossary", "rubric"}


def scenario(name: str) -> Scenario:
    return load_scenario(BUNDLED[name])


def markdown_words(text: str) -> list[str]:
    """The words of the Markdown, without the ruled lines a form leaves to write on."""
    return [w for w in words_of_markdown(text) if w.strip("_")]


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_the_handout_holds_every_public_brief_and_element_and_no_private_brief(name: str):
    """The player handout of each bundled scenario holds every party's public brief and every
    element on the table at the start, with its source; no private brief, no hidden element."""
    sc = scenario(name)
    text = render_markdown(player_handout(sc))
    page = render_html(player_handout(sc))
    for party in sc.parties:
        assert party.public_brief.strip().splitlines()[0].strip() in text
        if party.private_brief:
            assert party.private_brief.strip().splitlines()[0].strip() not in text
    for element in sc.elements:
        title_in = element.title in text and element.title in words_joined(page)
        assert title_in != element.hidden, element.id
        if element.source and not element.hidden:
            assert element.source.quote[:40] in text or element.source.quote[:40] in page
    private = [i for i in sc.injects if i.is_private]
    assert all(i.text.strip().splitlines()[0] not in text for i in private)


def words_joined(page: str) -> str:
    return " ".join(words_of_html(page))


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_a_seat_handout_holds_its_own_private_brief_only(name: str):
    """With --seat, the handout adds that delegation's private brief and walk-away, and
    still no other delegation's."""
    sc = scenario(name)
    for seat in sc.parties:
        text = render_markdown(player_handout(sc, seat.id))
        for party in sc.parties:
            if not party.private_brief:
                continue
            first = party.private_brief.strip().splitlines()[0].strip()
            assert (first in text) == (party.id == seat.id), (seat.id, party.id)
        assert f"Your delegation: {seat.name} (private)" in text


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_the_facilitators_package_has_every_part(name: str):
    """The facilitator's package has the schedule with expected actions, evaluation criteria
    with a P/S/M/U scale for every objective, the hot wash, the feedback form, ground rules,
    the sensitivity note, a glossary and the rubric; and every inject and private brief."""
    sc = scenario(name)
    doc = facilitator_package(sc, find_guide(BUNDLED[name]))
    assert {s.id for s in doc.sections} >= FACILITATOR_SECTIONS
    assert sc.debrief.epilogue and doc.section("epilogue") is not None  # every bundled one has one
    text = render_markdown(doc)
    for inject in sc.injects:
        assert inject.title in text
        for action in inject.expected_actions:
            assert action in text
    for objective in sc.objectives:
        assert objective.text in text
        assert evaluation_criteria(sc, objective)
    for rating in ("Performed without challenges", "Performed with some challenges",
                   "Performed with major challenges", "Unable to be performed"):
        assert rating in text
    for party in sc.parties:
        if party.private_brief:
            assert party.private_brief.strip().splitlines()[0].strip() in text
    for q in sc.debrief.questions:
        assert q in text
    feedback = doc.section("feedback")
    assert feedback is not None and any(isinstance(b, Blank) for b in feedback.blocks)
    guide = find_guide(BUNDLED[name])
    assert guide.rounds, "every bundled scenario's guide has notes per round"
    assert not re.search(r"^## Round", text, flags=re.M)  # under the package's own headings


@pytest.mark.parametrize("facilitator", [False, True])
@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_markdown_and_html_carry_the_same_words(name: str, facilitator: bool):
    """One document, two writers: the Markdown and the HTML page read the same."""
    sc = scenario(name)
    doc = (facilitator_package(sc, find_guide(BUNDLED[name])) if facilitator
           else player_handout(sc, sc.parties[0].id))
    assert markdown_words(render_markdown(doc)) == words_of_html(render_html(doc))


@pytest.mark.parametrize("facilitator", [False, True])
def test_the_html_parses_fetches_nothing_and_captions_every_table(facilitator: bool):
    """The page is well formed, fetches nothing, has a caption on every table, headings that
    never skip a level, and print styles."""
    sc = scenario("berlin-2025")
    doc = (facilitator_package(sc, find_guide(BUNDLED["berlin-2025"])) if facilitator
           else player_handout(sc, "ukraine"))
    page = render_html(doc)
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    assert checker.fetches == []
    assert "url(" not in page and "@import" not in page
    s = Structure()
    s.feed(page)
    assert s.tables == s.captions and s.tables >= 3
    assert s.empty_headers == 0
    assert all(b - a <= 1 for a, b in zip(s.headings, s.headings[1:], strict=False))
    assert "@media print" in page


def test_untrusted_text_is_escaped_in_every_output():
    """A scenario's text and Markdown never become raw HTML, a link or a fetch."""
    data = scenario_data()
    data["title"] = "<script>alert(1)</script> [x](http://evil)"
    data["parties"][0]["public_brief"] = "<img src=http://evil/a.png> ![i](http://evil/b.png)"
    data["elements"][0]["title"] = "<b>bold</b> *em*"
    data["glossary"] = [{"term": "<i>t</i>", "meaning": "<iframe src=x>"}]
    data["learning_objectives"] = [{"id": "o", "text": "<u>o</u>", "criteria": ["<s>c</s>"]}]
    sc = Scenario.model_validate(data)
    for doc in (player_handout(sc, "ukraine"), facilitator_package(sc, Guide(None))):
        page = render_html(doc)
        checker = Checker()
        checker.feed(page)
        # A Markdown field may link to a report (a reader's click, not a fetch).
        assert [f for f in checker.fetches if not f.startswith("href=")] == []
        assert "<script>" not in page and "<b>" not in page and "<iframe" not in page
        assert "&lt;script&gt;" in page
        text = render_markdown(doc)
        assert "<script>" not in text and "<img" not in text


def test_a_hidden_element_stays_out_of_the_handout():
    """An element hidden until an inject adds it is named nowhere in the player handout, not
    even by the elements that require or exclude it; the facilitator's package names it."""
    data = scenario_data()
    data["elements"].append({"id": "secret", "title": "Secret protocol", "summary": "Later.",
                             "hidden": True, "values": {"ukraine": 2}})
    data["elements"][0]["excludes"] = ["secret"]
    data["elements"][1]["requires"] = ["secret"]
    sc = Scenario.model_validate(data)
    for seat in (None, "ukraine"):
        assert "Secret protocol" not in render_markdown(player_handout(sc, seat))
    assert "1 not yet on the table" in render_markdown(player_handout(sc))
    assert "Secret protocol" in render_markdown(facilitator_package(sc, Guide(None)))


def test_scenario_criteria_glossary_and_epilogue_are_used():
    """A scenario's own objective criteria lead the evaluation; its glossary terms replace
    built-in ones; its epilogue closes the facilitator's package."""
    data = scenario_data()
    data["learning_objectives"] = [{"id": "bargain", "text": "Bargain well.",
                                    "criteria": ["Trades a cheap concession for a dear one."]}]
    data["elements"][0]["objectives"] = ["bargain"]
    data["glossary"] = [{"term": "Buffer zone", "meaning": "Our own meaning."}]
    data["debrief"] = {**data.get("debrief", {}),
                       "epilogue": "In the reports, the talks **went on**."}
    sc = Scenario.model_validate(data)
    criteria = evaluation_criteria(sc, sc.objectives[0])
    assert criteria[0] == "Trades a cheap concession for a dear one."
    assert any("Buffer zone" in c for c in criteria[1:])
    doc = facilitator_package(sc, Guide(None))
    text = render_markdown(doc)
    assert "Our own meaning." in text
    assert "A strip of land between two armies" not in text
    epilogue = doc.section("epilogue")
    assert epilogue is not None and "went on" in render_html(
        Document("t", None, (epilogue,)))
    assert player_handout(sc).section("epilogue") is None  # read after, not handed out


def test_the_document_data_carries_the_form_fields():
    """The JSON form of a document names a blank field and its lines, and a section that
    starts a printed page; the HTML page breaks there."""
    doc = Document("t", None, (Section("f", "Form", (Blank("Name", 2),), new_page=True),))
    section = document_data(doc)["sections"][0]
    assert section["blocks"] == [{"type": "blank", "label": "Name", "lines": 2}]
    assert section["new_page"] is True
    page = render_html(doc)
    assert '<section class="new-page"' in page and page.count('class="rule"') == 2


# --- the command ----------------------------------------------------------------------------


def test_the_command_writes_md_and_html(tmp_path: Path):
    """`exercise handout` writes Markdown to stdout, and HTML to a file readable by its
    owner alone."""
    done = run_cli("handout", "tutorial", "--seat", "russia")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Situation manual: ")
    assert "Your delegation: Russia (private)" in done.stdout
    out = tmp_path / "f.html"
    done = run_cli("handout", "tutorial", "--facilitator", "--format", "html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out.stat().st_mode & 0o777 == 0o600
    assert "Traceback" not in done.stderr


def test_an_unknown_scenario_is_a_usage_error():
    """An unknown scenario: exit 2, naming the bundled ones, no traceback."""
    done = run_cli("handout", "tutorail")
    assert done.returncode == 2
    assert "tutorial" in done.stderr and "Traceback" not in done.stderr


def test_a_wrong_seat_is_a_usage_error_naming_the_parties():
    """A --seat that is no delegation: exit 2, with a did-you-mean and every party's id."""
    done = run_cli("handout", "tutorial", "--seat", "rusia")
    assert done.returncode == 2
    assert "did you mean 'russia'" in done.stderr.lower() or "russia" in done.stderr
    assert all(p in done.stderr for p in ("ukraine", "russia", "us"))
    assert "Traceback" not in done.stderr
    done = run_cli("handout", "tutorial", "--seat", "russia", "--facilitator")
    assert done.returncode == 2 and "--seat" in done.stderr


def test_a_bad_format_is_a_usage_error():
    """--format pdf: argparse names the choices, exit 2."""
    done = run_cli("handout", "tutorial", "--format", "pdf")
    assert done.returncode == 2
    assert "md" in done.stderr and "html" in done.stderr


def test_an_invalid_scenario_gives_its_problems(tmp_path: Path):
    """A scenario that does not validate: its problems with file:line, exit 1."""
    data = copy.deepcopy(scenario_data())
    data["parties"][0]["role"] = "principle"
    path = tmp_path / "bad.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    done = run_cli("handout", str(path))
    assert done.returncode == 1
    assert re.search(r"bad\.yaml:\d+", done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_every_region_of_a_page_has_its_own_name(name: str):
    """axe-core's landmark-unique rule: each section (named by its heading) and each table's
    scrolling region has a name no other region has, even where a package shows the same
    table twice or a table shares its section's title."""
    sc = scenario(name)
    for doc in (facilitator_package(sc, find_guide(BUNDLED[name])), player_handout(sc, None),
                player_handout(sc, sc.parties[0].id)):
        page = render_html(doc)
        regions = re.findall(r'role="region" aria-label="([^"]*)"', page)
        headings = re.findall(r'<h2 id="s-[^"]*">([^<]*)</h2>', page)
        names = regions + headings
        assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
