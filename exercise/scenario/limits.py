"""The published limits of the scenario format: how big a valid scenario may be.

"Valid" is a promise: a scenario that passes ``exercise validate`` plays to the end
(``run --bots all``), simulates (``simulate -n 100``) and reports in seconds, whatever
its size within these limits. So every count, length and number in a file has a bound.
The bounds are generous for real exercises (the bundled scenarios have at most 6
parties, 17 elements, 12 injects and 7 rounds, and no text over 3,000 characters) and
were chosen by measurement (``benchmarks/bench_limits.py``, and the worst-case scenarios
of ``tests/test_hostile_scenarios.py``). They appear in the JSON Schema (``maxItems``,
``maxLength``, ``minimum``/``maximum``), in validate's messages, and in
``docs/readings.md``; :data:`LIMITS` lists them for that page, and a test keeps it true.
"""

from __future__ import annotations

MAX_ROUNDS = 20
MAX_PARTIES = 20
MAX_ELEMENTS = 250
MAX_INJECTS = 500
MAX_TRACKS = 20
MAX_PACKAGE = 6
MAX_SOURCES = 100
MAX_OBJECTIVES = 50  # learning objectives, and the objectives one element or inject serves
MAX_REQUIRES = 50  # elements one element requires
MAX_TEXTS = 50  # questions, expected actions, debrief questions, criteria, glossary terms
MAX_TURN_ORDER = MAX_ROUNDS  # one proposer a round at most: more would never be reached

MAX_CONDITION_WIDTH = 50  # conditions in one all: or any:
MAX_CONDITION_DEPTH = 8  # all/any/not inside one another
MAX_CONDITION_TESTS = 1_000  # simple tests in all the injects' `when` conditions together

MAX_ID = 64  # characters
MAX_LINE = 500  # characters of one-line text: names, titles, labels, quotes, questions
MAX_MARKDOWN = 20_000  # characters of Markdown: summaries, background, briefs, inject text

MAX_NUMBER = 1_000_000  # |x| of every score, value, walk-away, track bound and change
MAX_ROUND_MINUTES = 1_440  # a day
MAX_LENGTH_MINUTES = 10_080  # a week

LIMITS: tuple[tuple[str, int], ...] = (
    ("rounds", MAX_ROUNDS),
    ("parties", MAX_PARTIES),
    ("elements", MAX_ELEMENTS),
    ("injects", MAX_INJECTS),
    ("tracks", MAX_TRACKS),
    ("max_package", MAX_PACKAGE),
    ("sources", MAX_SOURCES),
    ("learning objectives; objectives of one element or inject", MAX_OBJECTIVES),
    ("requires of one element", MAX_REQUIRES),
    ("excludes of one element; add_elements, withdraw_elements; the elements under one "
     "party in effects.values or effects.stances", MAX_ELEMENTS),
    ("consent, audience, ratification.required; keys of stances, values, walk_away",
     MAX_PARTIES),
    ("keys of effects, on_reject, effects.tracks", MAX_TRACKS),
    ("questions, expected_actions, debrief.questions; criteria of an objective; glossary",
     MAX_TEXTS),
    ("turn_order", MAX_TURN_ORDER),
    ("conditions in one all: or any:", MAX_CONDITION_WIDTH),
    ("depth of all/any/not", MAX_CONDITION_DEPTH),
    ("tests in all `when` conditions together", MAX_CONDITION_TESTS),
    ("characters of an id", MAX_ID),
    ("characters of one-line text", MAX_LINE),
    ("characters of Markdown text", MAX_MARKDOWN),
    ("size of any number (plus or minus)", MAX_NUMBER),
    ("round_minutes", MAX_ROUND_MINUTES),
    ("length_minutes", MAX_LENGTH_MINUTES),
)
"""Every limit, as the "Limits" table of ``docs/readings.md`` lists it."""
