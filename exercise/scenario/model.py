"""The scenario format as frozen pydantic models: the contract of ``scenario-format.md``.

Every model forbids unknown keys (so a typo is caught, with a suggestion) and is
frozen; lists are tuples and mappings are read-only, so a loaded scenario cannot
be changed by anything that holds it. Cross-references between ids are checked
separately (:mod:`exercise.scenario.checks`), over the raw data, so that every
problem in a file is reported in one pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from exercise.scenario import limits as lim
from exercise.scenario.fields import (
    Color,
    Date,
    Flag,
    FrozenMap,
    Id,
    Markdown,
    Number,
    Text,
    at_most,
    bounded,
    choice,
    short_text,
)

STANCES = ("support", "oppose", "neutral")
STATUSES = ("open", "adopted", "excluded", "withdrawn", "hidden")
ROLES = ("principal", "guarantor", "observer")
PERSONAS = ("hardliner", "pragmatist", "cooperative")

if TYPE_CHECKING:  # what the validators produce, for the type checker
    Stance: TypeAlias = str
    Status: TypeAlias = str
    Role: TypeAlias = str
    Persona: TypeAlias = str
    Voting: TypeAlias = str
    RoundNumber: TypeAlias = int
    Rejections: TypeAlias = int
    PackageSize: TypeAlias = int
    SessionMinutes: TypeAlias = int
    Fraction01: TypeAlias = float
    Noise: TypeAlias = float
    Minutes: TypeAlias = float
    ShortText: TypeAlias = str
else:
    Stance = choice(*STANCES)
    Status = choice(*STATUSES)
    Role = choice(*ROLES)
    Persona = choice(*PERSONAS)
    Voting = choice("element", "package")
    RoundNumber = bounded(1, lim.MAX_ROUNDS, whole=True)
    Rejections = bounded(0, lim.MAX_ROUNDS, whole=True)
    PackageSize = bounded(1, lim.MAX_PACKAGE, whole=True)
    SessionMinutes = bounded(1, lim.MAX_LENGTH_MINUTES, whole=True)
    Fraction01 = bounded(0, 1, low_open=True)
    Noise = bounded(0, 1)
    Minutes = bounded(0, lim.MAX_ROUND_MINUTES)
    ShortText = short_text(4)

# Bounded lists and mappings (see exercise.scenario.limits).
PartyIds = Annotated[tuple[Id, ...], at_most(lim.MAX_PARTIES, "parties")]
ElementIds = Annotated[tuple[Id, ...], at_most(lim.MAX_ELEMENTS, "elements")]
ObjectiveIds = Annotated[tuple[Id, ...], at_most(lim.MAX_OBJECTIVES, "objectives")]
Texts = Annotated[tuple[Text, ...], at_most(lim.MAX_TEXTS)]
TrackChanges = Annotated[FrozenMap[Id, Number], at_most(lim.MAX_TRACKS, "tracks")]


class Model(BaseModel):
    """Base of every scenario model: frozen, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class Source(Model):
    """A report the scenario draws from."""

    id: Id
    outlet: Text
    title: Text
    date: Date
    url: Text | None = None
    file: Text | None = Field(None, description="the report's file name, for the record")


class Citation(Model):
    """The report sentence an element or inject rests on, quoted verbatim."""

    ref: Id
    quote: Text


class Objective(Model):
    """A learning objective that elements and injects may point at by id."""

    id: Id
    text: Text
    criteria: Texts = Field(
        (), description="what a delegation that meets the objective does (evaluation criteria)")


def _objective_tag(value: Any) -> str:
    return "objective:item" if isinstance(value, dict) else "objective:text"


LearningObjective = Annotated[
    Annotated[Text, Tag("objective:text")] | Annotated[Objective, Tag("objective:item")],
    Discriminator(_objective_tag),
]


class Track(Model):
    """A shared meter such as escalation, clamped to [min, max]."""

    id: Id
    label: Text
    start: Number
    min: Number = 0
    max: Number = 10
    collapse_at: Number | None = None
    description: Text | None = None


class BotHints(Model):
    """Hints for computer play of a party."""

    persona: Persona | None = None
    noise: Noise | None = None


class Party(Model):
    """A delegation at the table."""

    id: Id
    name: Text
    short: ShortText | None = None
    color: Color | None = None
    role: Role = "principal"
    public_brief: Markdown
    private_brief: Markdown | None = None
    walk_away: Number = 0
    bot: BotHints | None = None


class Element(Model):
    """A plan element the parties may adopt."""

    id: Id
    title: Text
    summary: Markdown
    category: Text | None = None
    source: Citation | None = None
    consent: PartyIds = ()
    requires: Annotated[tuple[Id, ...], at_most(lim.MAX_REQUIRES, "elements")] = ()
    excludes: ElementIds = ()
    hidden: Flag = False
    stances: Annotated[FrozenMap[Id, Stance], at_most(lim.MAX_PARTIES, "parties")] = Field(
        default_factory=dict)
    values: Annotated[FrozenMap[Id, Number], at_most(lim.MAX_PARTIES, "parties")] = Field(
        default_factory=dict)
    effects: TrackChanges = Field(default_factory=dict)
    on_reject: TrackChanges = Field(default_factory=dict)
    objectives: ObjectiveIds = ()


# --- conditions: data, never code -------------------------------------------------


class AllOf(Model):
    """Holds when every sub-condition holds."""

    all: Annotated[tuple[Condition, ...], at_most(lim.MAX_CONDITION_WIDTH, "conditions")]


class AnyOf(Model):
    """Holds when at least one sub-condition holds."""

    any: Annotated[tuple[Condition, ...], at_most(lim.MAX_CONDITION_WIDTH, "conditions")]


class NotCondition(Model):
    """Holds when its sub-condition does not."""

    not_: Condition = Field(alias="not")

    model_config = ConfigDict(populate_by_name=True)


class ElementStatusIs(Model):
    """Holds when an element has the given status."""

    element: Id
    status: Status


class ElementRejected(Model):
    """Holds when an element was rejected at least N times."""

    element: Id
    rejections_at_least: Rejections


class TrackAtLeast(Model):
    """Holds when a track is at least N."""

    track: Id
    at_least: Number


class TrackAtMost(Model):
    """Holds when a track is at most N."""

    track: Id
    at_most: Number


class RoundAtLeast(Model):
    """Holds from round N on."""

    round_at_least: RoundNumber


class ScoreAtLeast(Model):
    """Holds when a party's score is at least N."""

    party: Id
    score_at_least: Number


class ScoreBelow(Model):
    """Holds when a party's score is below N."""

    party: Id
    score_below: Number


class InjectFired(Model):
    """Holds when an inject has (or has not) fired."""

    inject: Id
    fired: Flag


CONDITION_FORMS: dict[str, type[Model]] = {
    "all": AllOf,
    "any": AnyOf,
    "not": NotCondition,
    "element_status": ElementStatusIs,
    "element_rejections": ElementRejected,
    "track_at_least": TrackAtLeast,
    "track_at_most": TrackAtMost,
    "round": RoundAtLeast,
    "score_at_least": ScoreAtLeast,
    "score_below": ScoreBelow,
    "inject_fired": InjectFired,
}
CONDITION_HELP = (
    "a condition is exactly one of: {all: [...]}, {any: [...]}, {not: ...}, "
    "{element: ID, status: S}, {element: ID, rejections_at_least: N}, "
    "{track: ID, at_least: N}, {track: ID, at_most: N}, {round_at_least: N}, "
    "{party: ID, score_at_least: N}, {party: ID, score_below: N}, {inject: ID, fired: true|false}"
)


def condition_form(value: Any) -> str | None:
    """Which condition form a mapping is meant to be, judged by its keys."""
    if not isinstance(value, dict):
        return None
    keys = set(value)
    for single in ("all", "any", "not"):
        if single in keys:
            return single
    if "round_at_least" in keys:
        return "round"
    pairs = (
        ("element", "status", "element_status"),
        ("element", "rejections_at_least", "element_rejections"),
        ("track", "at_least", "track_at_least"),
        ("track", "at_most", "track_at_most"),
        ("party", "score_at_least", "score_at_least"),
        ("party", "score_below", "score_below"),
        ("inject", "fired", "inject_fired"),
    )
    for subject, test, form in pairs:
        if subject in keys and test in keys:
            return form
    for subject, _test, form in pairs:
        if subject in keys:
            return form
    return None


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):  # serializing a condition already read: its own keys
        value = dict.fromkeys(f.alias or name for name, f in type(value).model_fields.items())
    form = condition_form(value)
    return f"cond:{form}" if form else None


Condition = Annotated[
    Annotated[AllOf, Tag("cond:all")]
    | Annotated[AnyOf, Tag("cond:any")]
    | Annotated[NotCondition, Tag("cond:not")]
    | Annotated[ElementStatusIs, Tag("cond:element_status")]
    | Annotated[ElementRejected, Tag("cond:element_rejections")]
    | Annotated[TrackAtLeast, Tag("cond:track_at_least")]
    | Annotated[TrackAtMost, Tag("cond:track_at_most")]
    | Annotated[RoundAtLeast, Tag("cond:round")]
    | Annotated[ScoreAtLeast, Tag("cond:score_at_least")]
    | Annotated[ScoreBelow, Tag("cond:score_below")]
    | Annotated[InjectFired, Tag("cond:inject_fired")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message=CONDITION_HELP,
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotCondition.model_rebuild()


# --- injects ------------------------------------------------------------------------


class InjectAt(Model):
    """When a timed inject fires: the start of a round."""

    round: RoundNumber


class InjectEffects(Model):
    """What an inject changes when it fires."""

    tracks: TrackChanges = Field(default_factory=dict)
    values: Annotated[
        FrozenMap[Id, Annotated[FrozenMap[Id, Number], at_most(lim.MAX_ELEMENTS, "elements")]],
        at_most(lim.MAX_PARTIES, "parties"),
    ] = Field(default_factory=dict)
    stances: Annotated[
        FrozenMap[Id, Annotated[FrozenMap[Id, Stance], at_most(lim.MAX_ELEMENTS, "elements")]],
        at_most(lim.MAX_PARTIES, "parties"),
    ] = Field(default_factory=dict)
    walk_away: Annotated[FrozenMap[Id, Number], at_most(lim.MAX_PARTIES, "parties")] = Field(
        default_factory=dict)
    add_elements: ElementIds = ()
    withdraw_elements: ElementIds = ()
    end: Text | None = None


def _audience_tag(value: Any) -> str:
    return "audience:parties" if isinstance(value, list) else "audience:all"


if TYPE_CHECKING:
    Audience: TypeAlias = str | tuple[str, ...]
else:
    Audience = Annotated[
        Annotated[choice("all"), Tag("audience:all")]
        | Annotated[PartyIds, Tag("audience:parties")],
        Discriminator(_audience_tag),
    ]


class Inject(Model):
    """A scripted event: timed, conditional, or an ad-hoc card for the facilitator."""

    id: Id
    title: Text
    text: Markdown
    source: Citation | None = None
    at: InjectAt | None = None
    when: Condition | None = None
    chance: Fraction01 = 1
    repeat: Flag = False
    audience: Audience = "all"
    effects: InjectEffects = Field(default_factory=InjectEffects)
    facilitator_note: Markdown | None = None
    expected_actions: Texts = ()
    questions: Texts = ()
    objectives: ObjectiveIds = ()
    msel: Annotated[FrozenMap[Text, Markdown], at_most(lim.MAX_TEXTS, "columns")] = Field(
        default_factory=dict,
        description="columns of a Master Scenario Events List (MSEL) spreadsheet that the "
        "format has no key for, by their header, kept so that 'exercise msel export' writes "
        "them back (see docs/msel.md)")

    @property
    def trigger(self) -> Literal["at", "when", "ad_hoc"]:
        """How the inject fires: at a round, when a condition holds, or by the facilitator."""
        if self.at is not None:
            return "at"
        if self.when is not None:
            return "when"
        return "ad_hoc"

    @property
    def is_private(self) -> bool:
        """True when only some seats (and the facilitator) see it."""
        return self.audience != "all"


class GlossaryTerm(Model):
    """A term the scenario uses, and what it means (for the handout's glossary)."""

    term: Text
    meaning: Text


class Ratification(Model):
    """Who must sign for an agreement, and how each party decides to."""

    required: PartyIds | None = None
    signing: Literal["automatic", "choice"] = Field(
        "automatic", description="automatic: each party signs when its score reaches its "
        "walk-away (the contract's rule); choice: people decide at ratification whether to "
        "sign, computer seats sign by their walk-away")


class Talks(Model):
    """Side talks between the votes: statements, private channels and offers."""

    enabled: bool = Field(
        True, description="whether delegations may talk (say), make offers and answer them "
        "between the votes; false turns side talks off")
    offers_per_round: Annotated[int, Field(ge=0, le=100)] | None = Field(
        None, description="at most this many offers per delegation per round (none: no limit)")


class Debrief(Model):
    """Prompts for the after-action discussion, and what happened next."""

    questions: Texts = ()
    epilogue: Markdown | None = Field(
        None, description="what the reports say happened after the moment the scenario is "
        "set in (Markdown), shown in the debrief and the report")
    epilogue_source: Citation | None = Field(
        None, description="the report sentence the epilogue rests on, quoted verbatim")


_FILE = "this file"  # what holds the top-level lists, for "at most 250 elements; this file has…"


class Scenario(Model):
    """A whole scenario file."""

    id: Id
    title: Text
    summary: Markdown
    background: Markdown
    learning_objectives: Annotated[
        tuple[LearningObjective, ...], at_most(lim.MAX_OBJECTIVES, "learning objectives", _FILE)
    ] = ()
    sources: Annotated[tuple[Source, ...], at_most(lim.MAX_SOURCES, "sources", _FILE)] = ()
    rounds: RoundNumber
    round_minutes: Minutes = 0
    length_minutes: SessionMinutes | None = Field(
        None, description="how long a session takes, briefing to debrief (shown in the picker)"
    )
    max_package: PackageSize = 3
    voting: Voting = "element"
    majority: Fraction01 = 0.5
    turn_order: Annotated[tuple[Id, ...], at_most(lim.MAX_TURN_ORDER, "proposers")] | None = None
    tracks: Annotated[tuple[Track, ...], at_most(lim.MAX_TRACKS, "tracks", _FILE)] = ()
    parties: Annotated[tuple[Party, ...], at_most(lim.MAX_PARTIES, "parties", _FILE)] = Field(
        min_length=2)
    elements: Annotated[tuple[Element, ...], at_most(lim.MAX_ELEMENTS, "elements", _FILE)] = Field(
        min_length=1)
    injects: Annotated[tuple[Inject, ...], at_most(lim.MAX_INJECTS, "injects", _FILE)] = ()
    ratification: Ratification = Field(default_factory=Ratification)
    talks: Talks = Field(default_factory=Talks)
    debrief: Debrief = Field(default_factory=Debrief)
    glossary: Annotated[tuple[GlossaryTerm, ...], at_most(lim.MAX_TEXTS, "terms", _FILE)] = ()

    # --- derived views (computed, never stored in the file) ---

    @property
    def voters(self) -> tuple[Party, ...]:
        """Parties that vote and propose: everyone but observers."""
        return tuple(p for p in self.parties if p.role != "observer")

    @property
    def proposers(self) -> tuple[str, ...]:
        """The turn order: as given, or the voters in file order."""
        if self.turn_order:
            return self.turn_order
        return tuple(p.id for p in self.voters)

    @property
    def required_signers(self) -> tuple[str, ...]:
        """Parties whose signature an agreement needs (default: every principal)."""
        if self.ratification.required is not None:
            return self.ratification.required
        return tuple(p.id for p in self.parties if p.role == "principal")

    @property
    def objectives(self) -> tuple[Objective, ...]:
        """Learning objectives, with positional ids (``objective-1``...) for plain ones."""
        out = []
        for i, item in enumerate(self.learning_objectives, start=1):
            out.append(item if isinstance(item, Objective) else Objective(id=f"objective-{i}",
                                                                         text=item))
        return tuple(out)

    def party(self, party_id: str) -> Party:
        """The party with this id."""
        return next(p for p in self.parties if p.id == party_id)

    def element(self, element_id: str) -> Element:
        """The element with this id."""
        return next(e for e in self.elements if e.id == element_id)

    def inject(self, inject_id: str) -> Inject:
        """The inject with this id."""
        return next(i for i in self.injects if i.id == inject_id)

    def cited(self, ref: str | None) -> str:
        """Where a citation comes from, in the one form every front end shows: the outlet,
        the headline in quotes and the date (the bare reference when no source has it)."""
        src = next((s for s in self.sources if s.id == ref), None)
        return f"{src.outlet}, “{src.title}”, {src.date}" if src else str(ref or "")

    @property
    def minutes(self) -> float:
        """Expected length of a session: as the author says, or rounds plus briefing and debrief."""
        if self.length_minutes is not None:
            return self.length_minutes
        per_round = self.round_minutes or 8
        return 10 + self.rounds * per_round + 15

    @property
    def period(self) -> str:
        """When the scenario is set: the latest date among the sources its elements and
        injects cite ('' if none; every source when none is cited). The epilogue's source
        tells what came after, not when the scenario is set."""
        cited = {e.source.ref for e in self.elements if e.source is not None} | \
            {i.source.ref for i in self.injects if i.source is not None}
        dates = [s.date for s in self.sources if s.id in cited] or \
            [s.date for s in self.sources]
        return max(dates, default="")
