"""The MSEL's columns: ours, in the order export writes them, and the other names the
common templates give them (HSEEP's MSEL, OpenAEV's XLS import, Conducttr's MEL and
their many local variants), which import accepts.

A header is matched after :func:`header_key` folds case and drops spaces, so
``Expected  action`` and ``EXPECTED ACTION`` are both ``Expected Action``.
"""

from __future__ import annotations

import re

# Our columns, in the order export writes them (issue 14).
NUMBER = "No."
ID = "ID"
ROUND = "Round"
TIME = "Time"
TRIGGER = "Trigger"
CONDITION = "Condition"
CHANCE = "Chance"
REPEAT = "Repeat"
INJECT_TYPE = "Inject Type"
DELIVERY = "Delivery Method"
FROM = "From"
TO = "To"
SUBJECT = "Subject"
MESSAGE = "Message"
EXPECTED = "Expected Action"
OBJECTIVES = "Objectives"
QUESTIONS = "Discussion Questions"
NOTES = "Facilitator Notes"
SOURCE = "Source"
QUOTE = "Source Quote"
EFFECTS = "Effects"

COLUMNS = (NUMBER, ID, ROUND, TIME, TRIGGER, CONDITION, CHANCE, REPEAT, INJECT_TYPE, DELIVERY,
           FROM, TO, SUBJECT, MESSAGE, EXPECTED, OBJECTIVES, QUESTIONS, NOTES, SOURCE, QUOTE,
           EFFECTS)

# What a session log adds (export --log); import reads past them.
FIRED = "Fired (round)"
ACTUAL_TIME = "Actual Time"
STATUS = "Status"
LOG_COLUMNS = (FIRED, ACTUAL_TIME, STATUS)

# Columns of ours that the format has no key for: kept in the inject's `msel:` mapping
# under these names, as the columns an importer does not know are under their own.
KEPT = (INJECT_TYPE, DELIVERY, FROM)

_ALIASES: dict[str, tuple[str, ...]] = {
    NUMBER: ("No", "Seq No", "Seq. No.", "Seq #", "Sequence", "Number", "MSEL #", "MSEL No",
             "MSEL No.", "#", "Inject #", "Inject No", "Inject No.", "Event #", "Event No.",
             "Serial", "Ser"),
    ID: ("Inject ID", "Event ID", "Ref", "Reference", "Key"),
    ROUND: ("Move", "Turn", "Exercise Round", "Round No"),
    TIME: ("Date/Time Delivered", "Timeline", "Scenario time", "Scenario Date/Time",
           "Exercise Time", "Delivery Time", "Planned Time", "Scheduled Time", "Date/Time",
           "Designated Time", "Designated Scenario Time", "Time of delivery", "Trigger Time",
           "When", "Timing"),
    TRIGGER: ("Trigger Type",),
    CONDITION: ("Trigger Condition", "Conditions"),
    CHANCE: ("Probability",),
    REPEAT: ("Repeats", "Repeatable"),
    INJECT_TYPE: ("Type", "Event Type", "Inject Category", "Category", "Kind"),
    DELIVERY: ("Method", "Delivery", "Channel", "Mode", "Media", "Inject Mode",
               "Delivery Channel"),
    FROM: ("Sender", "Originator", "Simulated Sender", "Sent by", "Inject From"),
    TO: ("Recipient", "Recipients", "Teams", "Team", "Intended player", "Intended players",
         "Player", "Players", "Audience", "Inject To", "Receiving Player", "Targets",
         "Participants"),
    SUBJECT: ("Title", "Inject Title", "Event Title", "Event", "Headline", "Name",
              "Inject Name", "Inject"),
    MESSAGE: ("Content", "Inject description", "Description", "Text", "Body",
              "Inject Text", "Event Description", "Details", "Inject Details",
              "Inject Content", "Message Content", "Narrative", "Synopsis", "Event Synopsis"),
    EXPECTED: ("Expected Outcome", "Expected participant response", "Expected Actions",
               "Expected Player Action", "Expected Player Actions", "Expected Response",
               "Expected Player Response", "Expected Outcomes", "Expectations"),
    OBJECTIVES: ("Objective", "Exercise Objective", "Exercise Objectives",
                 "Learning Objectives", "Objective ID", "Objective IDs"),
    QUESTIONS: ("Questions", "Key Questions", "Discussion Question", "Prompts"),
    NOTES: ("Notes", "Facilitator Note", "Controller Notes", "Controller Note",
            "Notes for Facilitator", "Notes for Controller", "Remarks"),
    SOURCE: ("Source Ref", "Source ID", "Citation"),
    QUOTE: ("Quote", "Source Text"),
    EFFECTS: ("Effect",),
    FIRED: ("Fired", "Fired round", "Fired in round"),
    ACTUAL_TIME: ("Actual Delivery Time", "Time Delivered", "Actual"),
    STATUS: ("Inject Status", "Delivered"),
}


def header_key(text: str) -> str:
    """A header as it is matched: case folded, spaces and underscores dropped."""
    return re.sub(r"[\s_]+", "", text).casefold()


ALIASES: dict[str, str] = {}
for _column, _names in _ALIASES.items():
    for _name in (_column, *_names):
        _key = header_key(_name)
        assert ALIASES.get(_key, _column) == _column, f"{_name} names two columns"
        ALIASES[_key] = _column


def column_of(header: str) -> str | None:
    """Our column that a sheet's header names, or None for a column we do not know."""
    return ALIASES.get(header_key(header))
