"""The exercise package of a scenario: the players' handout and the facilitator's package.

Both are :class:`~exercise.reports.document.Document` s, written by the report's own
Markdown and HTML writers. The handout holds only what every delegation may read (hidden
elements, private injects and private values stay out), plus one delegation's private
brief when it is printed for that seat. The facilitator's package holds the rest: the
schedule with expected actions, evaluation criteria per objective, the hot wash, the
feedback form, the rubric and every delegation's private brief.
"""

from __future__ import annotations

from typing import Any

from exercise.guide import Guide
from exercise.narration import and_join
from exercise.reports import teaching
from exercise.reports.document import (
    Blank,
    Block,
    Document,
    Heading,
    Inline,
    Item,
    Items,
    Paragraph,
    Prose,
    Quote,
    Section,
    Span,
    Table,
    plain,
    spans,
)
from exercise.scenario.model import (
    AllOf,
    AnyOf,
    Citation,
    ElementRejected,
    ElementStatusIs,
    Inject,
    InjectFired,
    NotCondition,
    Objective,
    RoundAtLeast,
    Scenario,
    ScoreAtLeast,
    ScoreBelow,
    TrackAtLeast,
    TrackAtMost,
)

ROLE_WORDS = {"principal": "principal", "guarantor": "guarantor", "observer": "observer"}
STANCE_VERBS = {"support": "supports", "oppose": "opposes", "neutral": "is neutral on"}


def _cell(text: object) -> Inline:
    return spans(str(text))


def _names(scenario: Scenario, ids: tuple[str, ...] | list[str]) -> str:
    return and_join([scenario.party(p).name for p in ids])


def _titles(scenario: Scenario, ids: tuple[str, ...] | list[str]) -> str:
    return and_join([scenario.element(e).title for e in ids])


def _number(value: float) -> str:
    return f"{value:g}"


# --- shared parts -----------------------------------------------------------------------


def _rules(scenario: Scenario) -> list[Block]:
    """How the talks run, in a few sentences (the numbers come from the scenario)."""
    timer = (f"{_number(scenario.round_minutes)} minutes of discussion each"
             if scenario.round_minutes else "untimed")
    voting = ("each tabled element is voted on by itself" if scenario.voting == "element"
              else "the tabled package is voted on as a whole")
    signers = _names(scenario, scenario.required_signers) or "no one"
    return [
        Paragraph(spans(Span("Length: ", strong=True),
                        f"about {scenario.minutes:.0f} minutes; at most {scenario.rounds} "
                        f"rounds, {timer}.")),
        Paragraph(spans(Span("Voting: ", strong=True),
                        f"a proposer tables up to {scenario.max_package} elements; {voting}; "
                        f"an element passes with {_number(scenario.majority * 100)}% of the "
                        "votes cast (abstentions not counted), and only if every delegation "
                        "whose consent it names accepts.")),
        Paragraph(spans(Span("Agreement: ", strong=True),
                        f"after the last round, {signers} must each sign; "
                        + ("each delegation chooses whether to sign, its walk-away being the "
                           "least worth taking home." if scenario.ratification.signing ==
                           "choice" else "a delegation signs only if what was adopted is "
                           "worth at least its walk-away."))),
    ]


def _parties_table(scenario: Scenario, *, walk_aways: bool = False) -> Table:
    signers = set(scenario.required_signers)
    columns = ("Delegation", "Role", "Must sign", *(("Walk-away",) if walk_aways else ()))
    rows = tuple((_cell(p.name), _cell(ROLE_WORDS[p.role]),
                  _cell("yes" if p.id in signers else "no"),
                  *((_cell(_number(p.walk_away)),) if walk_aways else ()))
                 for p in scenario.parties)
    return Table("The delegations", columns, rows, row_headers=True)


def _source_line(scenario: Scenario, citation: Citation) -> list[Block]:
    return [Quote(citation.quote),
            Paragraph(spans("Source: ", scenario.cited(citation.ref)), muted=True)]


def _ground_rules() -> Section:
    return Section("ground-rules", "Ground rules",
                   (Items(tuple(Item(spans(r)) for r in teaching.GROUND_RULES)),))


def _sensitivity() -> Section:
    return Section("sensitivity", "A note on teaching a live war",
                   tuple(Paragraph(spans(p)) for p in teaching.SENSITIVITY))


def _item_words(item: Item) -> str:
    return " ".join([plain(item.inline), *(_item_words(i) for i in item.items)])


def _words_of(sections: list[Section | None]) -> str:
    """Every word the sections show, to find which glossary terms they use."""
    out: list[str] = []
    for s in sections:
        for b in s.blocks if s is not None else ():
            if isinstance(b, Paragraph):
                out.append(plain(b.inline))
            elif isinstance(b, Prose):
                out.append(b.markdown)
            elif isinstance(b, Quote | Heading):
                out.append(b.text)
            elif isinstance(b, Items):
                out += [_item_words(i) for i in b.items]
            elif isinstance(b, Table):
                out += [plain(c) for row in b.rows for c in row]
    return "\n".join(out)


def _glossary(scenario: Scenario, sections: list[Section | None], extra: str = "") -> Section:
    own = tuple((g.term, g.meaning) for g in scenario.glossary)
    terms = teaching.glossary_for(_words_of(sections) + "\n" + extra, own)
    return Section("glossary", "Glossary", (
        Table("Terms used in this exercise", ("Term", "Meaning"),
              tuple((_cell(t), _cell(m)) for t, m in terms), row_headers=True),))


def _sources(scenario: Scenario) -> Section | None:
    if not scenario.sources:
        return None
    rows = tuple((_cell(s.outlet), _cell(s.title), _cell(s.date), _cell(s.url or ""))
                 for s in scenario.sources)
    return Section("sources", "Sources", (
        Paragraph(spans("The plan elements and events come from these reports; the talks "
                        "themselves are made up for practice.")),
        Table("The reports the scenario draws from", ("Outlet", "Title", "Date", "Address"),
              rows, row_headers=True),))


def _objectives(scenario: Scenario) -> Section | None:
    if not scenario.objectives:
        return None
    return Section("objectives", "Learning objectives",
                   (Items(tuple(Item(spans(o.text)) for o in scenario.objectives),
                          ordered=True),))


# --- the players' handout ---------------------------------------------------------------


def _element_blocks(scenario: Scenario) -> list[Block]:
    blocks: list[Block] = []
    for e in scenario.elements:
        if e.hidden:
            continue  # off the table until an inject brings it: news the players do not have
        blocks += [Heading(e.title), Prose(e.summary)]
        facts = []
        if e.category:
            facts.append(f"Category: {e.category}.")
        if e.consent:
            facts.append(f"Needs the consent of: {_names(scenario, e.consent)}.")
        # A hidden element's title is news the players do not have yet: name only the open.
        shown = {x.id for x in scenario.elements if not x.hidden}
        requires = [r for r in e.requires if r in shown]
        if requires or e.requires:
            unseen = ([f"{len(e.requires) - len(requires)} not yet on the table"]
                      if len(requires) < len(e.requires) else [])
            titles = and_join([scenario.element(r).title for r in requires] + unseen)
            facts.append(f"Can be tabled once these are adopted: {titles}.")
        if excludes := [x for x in e.excludes if x in shown]:
            facts.append(f"Rules out: {_titles(scenario, excludes)}.")
        if facts:
            blocks.append(Paragraph(spans(" ".join(facts))))
        if e.stances:
            said = "; ".join(f"{scenario.party(p).name} {STANCE_VERBS[s]} it"
                             for p, s in e.stances.items())
            blocks.append(Paragraph(spans(Span("Public stances: ", strong=True), said, ".")))
        if e.source is not None:
            blocks += _source_line(scenario, e.source)
    return blocks


def _private_section(scenario: Scenario, seat: str) -> Section:
    party = scenario.party(seat)
    blocks: list[Block] = [
        Paragraph(spans(f"For the {party.name} delegation only. Do not show it to the "
                        "other delegations."), muted=True),
        Prose(party.private_brief) if party.private_brief
        else Paragraph(spans("This delegation has no private brief.")),
        Paragraph(spans(Span("Your walk-away: ", strong=True), _number(party.walk_away),
                        " points. " + ("At ratification you choose whether to sign; a deal "
                                       "worth less than this to you is worse than none."
                                       if scenario.ratification.signing == "choice" else
                                       "You sign the agreement only if the adopted elements "
                                       "are worth at least this to you."))),
    ]
    rows = tuple((_cell(e.title), _cell(_number(e.values.get(seat, 0))),
                  _cell(e.stances.get(seat, "not stated")))
                 for e in scenario.elements if not e.hidden)
    blocks.append(Table(f"What each element is worth to {party.name}",
                        ("Element", "Points if adopted", "Your public stance"), rows,
                        row_headers=True))
    return Section("private-brief", f"Your delegation: {party.name} (private)", tuple(blocks),
                   new_page=True)


def player_handout(scenario: Scenario, seat: str | None = None) -> Document:
    """The players' handout (situation manual): what every delegation may read.

    Args:
        scenario: the scenario.
        seat: a party id: add that delegation's private brief, walk-away and values.
    """
    delegations: list[Block] = [_parties_table(scenario)]
    for p in scenario.parties:
        delegations += [Heading(f"{p.name} ({ROLE_WORDS[p.role]})"), Prose(p.public_brief)]
    tracks: list[Block] = []
    for t in scenario.tracks:
        collapse = ("" if t.collapse_at is None
                    else f"; the talks collapse at {_number(t.collapse_at)}")
        line = (f"{t.description + ' ' if t.description else ''}Starts at {_number(t.start)}, "
                f"between {_number(t.min)} and {_number(t.max)}{collapse}.")
        tracks += [Heading(t.label), Paragraph(spans(line))]
    sections: list[Section | None] = [
        Section("about", "About this exercise", (Prose(scenario.summary), *_rules(scenario))),
        _ground_rules(),
        _sensitivity(),
        _private_section(scenario, seat) if seat is not None else None,
        Section("background", "Background", (Prose(scenario.background),)),
        _objectives(scenario),
        Section("delegations", "The delegations", tuple(delegations)),
        Section("elements", "The plan elements", tuple(_element_blocks(scenario))),
        Section("tracks", "Tracks", tuple(tracks)) if tracks else None,
        _sources(scenario),
    ]
    sections.insert(-1, _glossary(scenario, sections))
    note = (spans(f"Player handout for the {scenario.party(seat).name} delegation: its "
                  "private brief is inside. Keep it to yourselves.") if seat is not None
            else spans("Player handout: everything here is public to every delegation."))
    return Document(f"Situation manual: {scenario.title}", note,
                    tuple(s for s in sections if s is not None))


# --- the facilitator's package ------------------------------------------------------------


def condition_words(scenario: Scenario, c: Any) -> str:
    """A ``when`` condition in words ("“Buffer zone” is adopted and round 3 or later")."""
    def title(eid: str) -> str:
        return next((e.title for e in scenario.elements if e.id == eid), eid)

    def name(pid: str) -> str:
        return next((p.name for p in scenario.parties if p.id == pid), pid)

    def track(tid: str) -> str:
        return next((t.label for t in scenario.tracks if t.id == tid), tid)

    def group(parts: tuple[Any, ...], joiner: str) -> str:
        words = [condition_words(scenario, x) for x in parts]
        return f" {joiner} ".join(f"({w})" if len(words) > 1 and " " in w else w for w in words)

    if isinstance(c, AllOf):
        return group(c.all, "and")
    if isinstance(c, AnyOf):
        return group(c.any, "or")
    if isinstance(c, NotCondition):
        return f"not ({condition_words(scenario, c.not_)})"
    if isinstance(c, ElementStatusIs):
        return f"“{title(c.element)}” is {c.status}"
    if isinstance(c, ElementRejected):
        return f"“{title(c.element)}” rejected {c.rejections_at_least} times or more"
    if isinstance(c, TrackAtLeast):
        return f"{track(c.track)} at {c.at_least:g} or more"
    if isinstance(c, TrackAtMost):
        return f"{track(c.track)} at {c.at_most:g} or less"
    if isinstance(c, RoundAtLeast):
        return f"round {c.round_at_least} or later"
    if isinstance(c, ScoreAtLeast):
        return f"{name(c.party)}'s score at {c.score_at_least:g} or more"
    if isinstance(c, ScoreBelow):
        return f"{name(c.party)}'s score below {c.score_below:g}"
    if isinstance(c, InjectFired):
        return f"“{c.inject}” has {'' if c.fired else 'not '}fired"
    return "a condition"  # pragma: no cover - every form is above


def _when(scenario: Scenario, inject: Inject) -> str:
    if inject.at is not None:
        return f"Round {inject.at.round}, at its start"
    if inject.when is not None:
        chance = f" (chance {inject.chance:.0%})" if inject.chance < 1 else ""
        return f"When {condition_words(scenario, inject.when)}{chance}"
    return "Ad hoc: the facilitator decides"


def _audience(scenario: Scenario, inject: Inject) -> str:
    return "everyone" if inject.audience == "all" else (
        f"{_names(scenario, tuple(inject.audience))} only (private)")


def _body(section_text: str) -> str:
    """A guide's section without its own level-2 heading line."""
    first, _, rest = section_text.partition("\n")
    return rest.strip() if first.startswith("## ") else section_text.strip()


def _schedule(scenario: Scenario, guide: Guide) -> Section:
    def order(i: Inject) -> tuple[int, int]:
        return ({"at": 0, "when": 1, "ad_hoc": 2}[i.trigger], i.at.round if i.at else 0)

    injects = sorted(scenario.injects, key=order)
    rows = tuple((_cell(_when(scenario, i)), spans(Span(i.title, strong=True), f" ({i.id})"),
                  _cell(_audience(scenario, i)),
                  _cell(" ".join(i.expected_actions) or "none stated"))
                 for i in injects)
    blocks: list[Block] = [
        Paragraph(spans("Timed injects fire at the start of their round; conditional ones "
                        "after a resolution when their condition holds; ad-hoc cards only "
                        "when you fire them from the facilitator's console.")),
        Table("The inject schedule, with expected actions", ("When", "Inject", "Audience",
                                                              "Expected actions"),
              rows, row_headers=True),
    ]
    if watch := guide.section("What to watch for"):
        blocks += [Heading("What to watch for"), Prose(watch)]
    for n in range(1, scenario.rounds + 1):
        timed = [i for i in injects if i.at is not None and i.at.round == n]
        notes = guide.for_round(n)
        if not timed and not notes:
            continue
        blocks.append(Heading(f"Round {n}"))
        if timed:
            blocks.append(Paragraph(spans("Fires at the start: ",
                                          ", ".join(i.title for i in timed), ".")))
        if notes:
            blocks.append(Prose(_body(notes)))
    if injects:
        blocks.append(Heading("The injects in detail"))
    for i in injects:
        blocks += [Heading(f"{i.title} ({i.id})", level=4),
                   Paragraph(spans(Span("When: ", strong=True), _when(scenario, i), ". ",
                                   Span("Audience: ", strong=True), _audience(scenario, i),
                                   ".")),
                   Prose(i.text)]
        if i.facilitator_note:
            blocks.append(Prose(i.facilitator_note))
        if i.expected_actions:
            blocks += [Paragraph(spans(Span("Expected actions:", strong=True))),
                       Items(tuple(Item(spans(a)) for a in i.expected_actions))]
        if notes := guide.for_inject(i.id):
            blocks.append(Prose(_body(notes)))
        if i.source is not None:
            blocks += _source_line(scenario, i.source)
    return Section("schedule", "Schedule and expected actions", tuple(blocks))


def evaluation_criteria(scenario: Scenario, objective: Objective) -> list[str]:
    """What a delegation that meets the objective does: the scenario's own criteria, then
    one for each element and each inject's expected action that serve the objective."""
    out = list(objective.criteria)
    for e in scenario.elements:
        if objective.id in e.objectives:
            out.append(f"Takes a reasoned position on “{e.title}” and says what it would "
                       "take to accept it.")
    for i in scenario.injects:
        if objective.id in i.objectives:
            if i.expected_actions:
                fired = "" if i.trigger == "at" else " (if it fired)"
                out += [f"After “{i.title}”{fired}: {a}" for a in i.expected_actions]
            else:
                out.append(f"Responds to “{i.title}” when it lands.")
    if not out:
        out.append("Shows it in the talks, and can explain it in the hot wash.")
    return list(dict.fromkeys(out))  # a criterion once, however many ways it was reached


def _evaluation(scenario: Scenario) -> Section:
    blocks: list[Block] = [
        Paragraph(spans("Rate each criterion for each delegation on HSEEP's four-point "
                        "scale, and note what you saw.")),
        Table("The rating scale", ("Rating", "Meaning", "What it looks like"),
              tuple((_cell(r), _cell(m), _cell(d)) for r, m, d in teaching.RATINGS),
              row_headers=True),
    ]
    if not scenario.objectives:
        blocks.append(Paragraph(spans("This scenario states no learning objectives.")))
    for n, o in enumerate(scenario.objectives, start=1):
        rows = tuple((_cell(c), (), (), (), (), ())
                     for c in evaluation_criteria(scenario, o))
        blocks += [Heading(f"Objective {n}: {o.text}"),
                   Table(f"Evaluation of objective {n} ({o.id})",
                         ("Criterion", "P", "S", "M", "U", "Notes"), rows, row_headers=True,
                         kind="rate")]
    return Section("evaluation", "Evaluation criteria", tuple(blocks), new_page=True)


def _hot_wash(scenario: Scenario) -> Section:
    blocks: list[Block] = [
        Paragraph(spans("Straight after the exercise, 15–30 minutes, out of role. Go round "
                        "every delegation; keep it no-fault.")),
        Heading("What happened"), Items(tuple(Item(spans(q))
                                                 for q in teaching.HOT_WASH_OPENERS),
                                           ordered=True),
    ]
    if scenario.objectives:
        blocks += [Heading("The objectives"), Items(tuple(
            Item(spans(f"{o.text} How far did we get, and what helped or hindered?"))
            for o in scenario.objectives), ordered=True)]
    if scenario.debrief.questions:
        blocks += [Heading("The scenario's questions"),
                   Items(tuple(Item(spans(q)) for q in scenario.debrief.questions),
                         ordered=True)]
    asked = [(i, q) for i in scenario.injects for q in i.questions]
    if asked:
        blocks += [Heading("On the injects, if they fired"),
                   Items(tuple(Item(spans(Span(f"{i.title}: ", strong=True), q))
                               for i, q in asked))]
    blocks += [Heading("Closing"),
               Items((Item(spans("One thing each delegation takes away.")),
                      Item(spans("Hand out the feedback form."))))]
    return Section("hot-wash", "Hot wash", tuple(blocks))


def _feedback() -> Section:
    return Section("feedback", "Feedback form", (
        Paragraph(spans("For each participant, after the hot wash. Anonymous unless you "
                        "choose to give your delegation.")),
        *(Blank(label, lines) for label, lines in teaching.FEEDBACK_FORM)), new_page=True)


def _rubric() -> Section:
    rows = tuple(tuple(_cell(c) for c in row) for row in teaching.RUBRIC)
    return Section("rubric", "Grading rubric", (
        Paragraph(spans("For grading each delegation (or each student within it): one level "
                        "for each criterion; the ratings above and the after-action report "
                        "(exercise report) are the evidence.")),
        Table("The grading rubric", ("Criterion", *teaching.RUBRIC_LEVELS), rows,
              row_headers=True),))


def _private_briefs(scenario: Scenario) -> Section:
    blocks: list[Block] = [Paragraph(spans("For the facilitator: every delegation's "
                                           "instructions and walk-away."), muted=True),
                           _parties_table(scenario, walk_aways=True)]
    for p in scenario.parties:
        blocks += [Heading(p.name), Prose(p.private_brief) if p.private_brief
                   else Paragraph(spans("No private brief."))]
    voters = scenario.voters
    rows = tuple((_cell(e.title + (" (hidden at the start)" if e.hidden else "")),
                  *(_cell(_number(e.values.get(p.id, 0))) for p in voters))
                 for e in scenario.elements)
    blocks.append(Table("What each element is worth to each delegation",
                        ("Element", *(p.name for p in voters)), rows, row_headers=True))
    return Section("private-briefs", "Private briefs and values", tuple(blocks), new_page=True)


ACTORS = "Actors: red lines, wants and the sentence behind them"


def _actors(guide: Guide) -> Section | None:
    """The guide's table of what each actor wants and refuses, and the report sentence
    behind each value (the author's justification of the numbers), when it has one: its
    prose as written, its pipe table as a table of the document (with a caption)."""
    text = guide.section(ACTORS)
    if not text:
        return None
    blocks: list[Block] = []
    prose: list[str] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):  # not the |---| line
                rows.append(cells)
            continue
        if rows:
            width = len(rows[0])
            blocks.append(Table("Each actor's red lines and wants, and the report sentence "
                                "behind them", tuple(rows[0]),
                                tuple(tuple(_cell(c.replace("**", "").replace("*", ""))
                                            for c in (r + [""] * width)[:width])
                                      for r in rows[1:]), row_headers=True))
            rows = []
        if line.strip():
            prose.append(line)
        elif prose:
            blocks.append(Prose("\n".join(prose)))
            prose = []
    return Section("actors", ACTORS, tuple(blocks))


def facilitator_package(scenario: Scenario, guide: Guide) -> Document:
    """The facilitator's package: the schedule, evaluation, hot wash, forms and rubric.

    Args:
        scenario: the scenario.
        guide: its facilitator guide (per-round and per-inject notes), possibly empty.
    """
    sections: list[Section | None] = [
        Section("overview", "Overview", (Prose(scenario.summary), *_rules(scenario),
                                         _parties_table(scenario, walk_aways=True))),
        _objectives(scenario),
        _ground_rules(),
        _sensitivity(),
        _schedule(scenario, guide),
        _evaluation(scenario),
        _hot_wash(scenario),
        _epilogue(scenario),
        _feedback(),
        _rubric(),
        _private_briefs(scenario),
        _actors(guide),
        _sources(scenario),
    ]
    sections.insert(-1, _glossary(scenario, sections, guide.text))
    return Document(f"Facilitator's package: {scenario.title}",
                    spans("For the facilitator only: it holds every delegation's private "
                          "brief and the injects to come."),
                    tuple(s for s in sections if s is not None))


def _epilogue(scenario: Scenario) -> Section | None:
    """What the reports say happened next, with the sentence it rests on (read out after the
    hot wash; the debrief and the report show it too)."""
    debrief = scenario.debrief
    if not debrief.epilogue:
        return None
    blocks: list[Block] = [Prose(debrief.epilogue)]
    if debrief.epilogue_source is not None:
        blocks += _source_line(scenario, debrief.epilogue_source)
    return Section("epilogue", "Epilogue: what happened next", tuple(blocks))
