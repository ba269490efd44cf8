"""The words of an exercise package that every scenario shares, written once.

Ground rules, the note on teaching a live war, HSEEP's four-point rating scale, the
grading rubric, the feedback form and a small glossary. Scenario files add their own
(objective ``criteria``, ``glossary``, ``debrief.epilogue``); these are the project's defaults.
"""

from __future__ import annotations

import re

GROUND_RULES: tuple[str, ...] = (
    "This is a no-fault exercise: it tests ideas and positions, not people. Say what your "
    "delegation would say, and argue with the position, never with the person.",
    "Stay in your delegation's role during the rounds; step out of it only in the hot wash.",
    "Your private brief is yours: share what you choose, in your own words, but do not show "
    "it to another delegation.",
    "The scenario is the situation: do not fight it. If something in it seems wrong, note it "
    "and raise it in the hot wash.",
    "The facilitator keeps time, fires the injects and has the last word on the rules.",
    "Listen before you answer; one speaker at a time; keep within the round's time.",
    "What a person says in role stays in the room; quote the delegation, not the student.",
)

SENSITIVITY: tuple[str, ...] = (
    "This exercise is set in a war that is still being fought. Real people are dying in it, "
    "and the plans on the table decide real lives and real land. Treat every delegation's "
    "position, and the people behind it, with respect.",
    "Some of us have family, friends or roots in Ukraine, Russia or the countries around "
    "them, or have lived through this or another war. Playing a delegation is not endorsing "
    "it: no one is asked to defend a government as their own view, and no one is asked to "
    "speak for their country of origin.",
    "The exercise is a simplification. The plan elements and events come from news reports, "
    "but the points, votes and tracks are a model made for learning, and the talks are "
    "made up: they predict nothing, and the real talks involve far more.",
    "Anyone may ask for a different role, sit out a round or step out altogether, without "
    "giving a reason. Tell the facilitator, in person or in writing; a note-taking or "
    "observer role is always available.",
)

# HSEEP's rating scale for an objective or a capability.
RATINGS: tuple[tuple[str, str, str], ...] = (
    ("P", "Performed without challenges",
     "The delegation did what the objective asks, in time, without hurting the talks."),
    ("S", "Performed with some challenges",
     "It did it, but something (a missed chance, a late move) should have gone better."),
    ("M", "Performed with major challenges",
     "It did part of it, or did it in a way that cost the talks or another delegation."),
    ("U", "Unable to be performed",
     "It did not do it."),
)

# The grading rubric: what is graded, and what each level looks like.
RUBRIC_LEVELS: tuple[str, ...] = ("Excellent (4)", "Good (3)", "Developing (2)",
                                  "Beginning (1)")
RUBRIC: tuple[tuple[str, str, str, str, str], ...] = (
    ("Preparation", "Knows the brief, the elements and the sources, and uses them",
     "Knows the brief and the main elements", "Knows the brief only in outline",
     "Has not read the brief"),
    ("Interests and priorities", "Argues from the delegation's interests and ranks them; "
     "knows its walk-away and keeps to it", "States its interests and mostly keeps to them",
     "States positions without the interests behind them", "Has no clear aim"),
    ("Use of evidence", "Grounds claims in the reports and tells report from model",
     "Cites the reports now and then", "Relies on assertion", "Contradicts the material"),
    ("Bargaining", "Builds packages others can sign; trades what is cheap for what is dear",
     "Makes and answers offers", "Mostly accepts or refuses what others table",
     "Does not engage with others' offers"),
    ("Adapting to events", "Reads each inject's effect and changes course when it should",
     "Responds to most injects", "Notices injects late or not at all",
     "Ignores the events"),
    ("Communication and conduct", "Clear, concise and respectful in role; listens and "
     "keeps the ground rules", "Clear and respectful", "Hard to follow, or talks over "
     "others", "Breaks the ground rules"),
    ("Reflection", "In the hot wash, explains why the talks went as they did and what "
     "it would do differently", "Explains what happened", "Describes without explaining",
     "Does not take part"),
)

HOT_WASH_OPENERS: tuple[str, ...] = (
    "What happened? Each delegation in one minute: what it wanted, what it got, and why.",
    "Strengths: what went well at the table, and what should be kept?",
    "Areas for improvement: what went less well, and what would you do differently?",
)

FEEDBACK_FORM: tuple[tuple[str, int], ...] = (
    ("Your delegation (optional)", 1),
    ("Overall, the exercise was worth my time (1 = not at all, 5 = very much)", 1),
    ("The briefing and materials prepared me to play (1–5)", 1),
    ("The most useful thing I learned", 2),
    ("One strength of the exercise", 2),
    ("One thing to improve (the scenario, the rules, the timing, the facilitation)", 2),
    ("Was anything in the exercise upsetting or unfair? What should the facilitator know?", 2),
    ("Any other comments", 2),
)

# A small built-in glossary: (term, meaning, words whose presence makes the term relevant).
# A scenario's own `glossary` adds terms and replaces these by name.
GLOSSARY: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Article 5", "The clause of NATO's founding treaty by which an attack on one member "
     "is treated as an attack on all.", ("article 5", "article-5")),
    ("Buffer zone", "A strip of land between two armies that neither may hold; also called "
     "a demilitarized zone (DMZ).", ("buffer", "demilitarized", "dmz")),
    ("Ceasefire", "An agreement to stop the fighting, often along the current front line, "
     "before a settlement of everything else.", ("ceasefire", "truce", "freeze")),
    ("Coalition of the willing", "The group of mostly European states that offered to "
     "back a settlement in Ukraine with forces or support.", ("coalition",)),
    ("Consent (veto)", "An element that names a delegation's consent is adopted only if "
     "that delegation accepts it, whatever the others vote: that delegation holds a veto.",
     ("consent", "veto")),
    ("Guarantor", "A delegation that votes and backs the deal but need not sign for it to "
     "count.", ("guarantor",)),
    ("Inject", "An event the facilitator brings into the exercise: at a set round, when "
     "something happens at the table, or by hand.", ("inject",)),
    ("Majority", "An element passes when the share of accepting votes, among those who did "
     "not abstain, reaches the scenario's majority (and every consent party accepts).",
     ("majority", "vote")),
    ("Nash package", "Among the packages every signer would sign, the one that makes the "
     "product of the signers' gains over their walk-aways largest: a benchmark of a fair "
     "deal, not a prediction.", ("nash",)),
    ("Pareto frontier", "The packages no other package betters for every required signer.",
     ("pareto", "frontier")),
    ("Ratification", "The end of the talks: each required signer signs only if the adopted "
     "elements are worth at least its walk-away (or, where the scenario lets people choose, "
     "decides whether to sign).", ("ratif", "sign")),
    ("Security guarantee", "A promise by other states to help defend a country if it is "
     "attacked again.", ("guarantee",)),
    ("Track", "A shared meter, such as escalation, moved by votes and events; some end the "
     "talks when they reach a collapse line.", ("track", "escalation")),
    ("Walk-away (BATNA)", "The least a delegation will sign for: its best alternative to a "
     "negotiated agreement. Below it, no deal is better than this deal.",
     ("walk-away", "walk_away", "walk away", "batna")),
)


def glossary_for(text: str, own: tuple[tuple[str, str], ...] = ()) -> list[tuple[str, str]]:
    """The glossary for a scenario: the built-in terms its text uses, and its own terms.

    Args:
        text: every word of the scenario (and guide) the package shows.
        own: the scenario's own ``(term, meaning)`` pairs, which replace built-in ones.

    Returns:
        ``(term, meaning)`` pairs, sorted by term.
    """
    lowered = text.lower()
    terms: dict[str, tuple[str, str]] = {}
    for term, meaning, cues in GLOSSARY:
        if any(re.search(r"(?<![a-z])" + re.escape(cue), lowered) for cue in cues):
            terms[term.lower()] = (term, meaning)
    for term, meaning in own:
        terms[term.lower()] = (term, meaning)
    return sorted(terms.values(), key=lambda pair: pair[0].lower())
