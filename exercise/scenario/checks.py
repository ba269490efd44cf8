"""Cross-reference and sense checks over a scenario's raw data.

These run on the data as read (not on the validated model), defensively, so that a
file with a structural mistake in one place still gets its broken references
reported everywhere else in the same pass. The data may be as large as the file limit
allows (2 MiB, far past the scenario limits), so every check here is linear in it: a
"did you mean" is left for the problems that are shown (:func:`~.problems.suggest`),
and the cycle search visits each element once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from exercise.scenario.cycles import requires_cycles
from exercise.scenario.fields import ID_PATTERN, parse_number
from exercise.scenario.limits import MAX_CONDITION_DEPTH, MAX_CONDITION_TESTS, MAX_ID
from exercise.scenario.model import STATUSES, condition_form
from exercise.scenario.problems import Hint, Problem, Severity
from exercise.scenario.yaml_source import Document

P = tuple[str | int, ...]
RESERVED_PARTY_IDS = frozenset({"facilitator", "public", "all"})
_ID_RE = re.compile(ID_PATTERN)


def _num(value: Any) -> float | None:
    try:
        return parse_number(value)
    except Exception:
        return None


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    seq = data.get(key) if isinstance(data, dict) else None
    if not isinstance(seq, list):
        return []
    return [(i, item) for i, item in enumerate(seq) if isinstance(item, dict)]


def _strs(value: Any) -> list[tuple[int, str]]:
    if not isinstance(value, list):
        return []
    return [(i, str(v)) for i, v in enumerate(value) if isinstance(v, str)]


def _keys(value: Any) -> list[str]:
    return [str(k) for k in value] if isinstance(value, dict) else []


@dataclass
class _Index:
    parties: dict[str, P] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    elements: dict[str, P] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    tracks: dict[str, dict[str, float | None]] = field(default_factory=dict)
    injects: dict[str, P] = field(default_factory=dict)
    sources: dict[str, P] = field(default_factory=dict)
    objectives: dict[str, P] = field(default_factory=dict)
    rounds: int | None = None

    @property
    def observers(self) -> set[str]:
        return {p for p, r in self.roles.items() if r == "observer"}


class Checker:
    """Runs every cross-reference check on one document and collects the problems."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.problems: list[Problem] = []
        self.ix = _Index()
        self.element_data: dict[str, dict[str, Any]] = {}
        self.inject_data: dict[str, dict[str, Any]] = {}
        self._excludes: dict[str, set[str]] | None = None
        self._targets: dict[str, set[str]] = {}
        self._scores: dict[str, tuple[float, float] | None] = {}
        self.tests = 0  # simple tests in the `when` conditions so far

    # --- reporting ---

    def error(self, path: P, message: str, *, key: bool = False,
              hint: Hint | None = None) -> None:
        self.problems.append(self.doc.problem(path, message, key=key, hint=hint))

    def warn(self, path: P, message: str, *, key: bool = False) -> None:
        self.problems.append(
            self.doc.problem(path, message, key=key, severity=Severity.WARNING)
        )

    def ref(
        self, path: P, value: str, known: dict[str, P], kind: str, *, key: bool = False
    ) -> bool:
        """Check that ``value`` names a known ``kind``; report it (with a suggestion) if not."""
        if value in known:
            return True
        self.error(path, f"unknown {kind} '{value[:MAX_ID]}'", key=key,
                   hint=Hint(value[:MAX_ID], known))
        return False

    # --- the run ---

    def run(self) -> list[Problem]:
        self.reserved()
        self.index()
        self.check_tracks()
        self.check_parties()
        self.check_elements()
        self.check_requires()
        self.check_injects()
        self.check_debrief()
        return self.problems

    def check_debrief(self) -> None:
        """The epilogue's source is one of the scenario's sources."""
        debrief = self.data.get("debrief")
        if isinstance(debrief, dict):
            source = debrief.get("epilogue_source")
            if isinstance(source, dict) and isinstance(source.get("ref"), str):
                self.ref(("debrief", "epilogue_source", "ref"), str(source["ref"]),
                         self.ix.sources, "source")

    def reserved(self) -> None:
        """Words the program uses for itself cannot be ids."""
        for i, item in _items(self.data, "parties"):
            if str(item.get("id")) in RESERVED_PARTY_IDS:
                self.error(("parties", i, "id"), f"'{item['id']}' is a reserved word; "
                                                 "choose another party id")
        for i, item in _items(self.data, "elements"):
            if str(item.get("id")) == "package":
                self.error(("elements", i, "id"), "'package' is a reserved word (package "
                                                  "ballots use it); choose another element id")

    def index(self) -> None:
        ix = self.ix
        rounds = _num(self.data.get("rounds"))
        ix.rounds = int(rounds) if isinstance(rounds, (int, float)) and rounds >= 1 else None
        self._collect("sources", "source", ix.sources)
        for i, item in enumerate(self.data.get("learning_objectives") or [], start=1):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                path: P = ("learning_objectives", i - 1, "id")
                self._add(ix.objectives, str(item["id"]), path, "learning objective")
            elif isinstance(item, str):
                ix.objectives.setdefault(f"objective-{i}", ("learning_objectives", i - 1))
        for _, item in self._collect("parties", "party", ix.parties):
            role = item.get("role", "principal")
            ix.roles[str(item["id"])] = str(role)
        for _, item in self._collect("elements", "element", ix.elements):
            self.element_data[str(item["id"])] = item
            if item.get("hidden") == "true" or item.get("hidden") is True:
                ix.hidden.add(str(item["id"]))
        for _, item in self._collect("tracks", "track", {}):
            tid = str(item["id"])
            ix.tracks[tid] = {
                k: _num(item.get(k, default))
                for k, default in (("start", None), ("min", 0), ("max", 10), ("collapse_at", None))
            }
        for _, item in self._collect("injects", "inject", ix.injects):
            self.inject_data[str(item["id"])] = item

    def _add(self, known: dict[str, P], ident: str, path: P, kind: str) -> bool:
        if ident in known:
            first = known[ident]
            where = self.doc.where(first)
            line = f" (first at line {where.line})" if where else ""
            self.error(path, f"duplicate {kind} id '{ident}'{line}; ids must be unique")
            return False
        known[ident] = path
        return True

    def _collect(
        self, key: str, kind: str, known: dict[str, P]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        out = []
        seen: dict[str, P] = known
        for i, item in _items(self.data, key):
            ident = item.get("id")
            if not isinstance(ident, str) or not _ID_RE.fullmatch(ident):
                continue  # the schema reports a malformed id; nothing can point at it
            if self._add(seen, str(ident), (key, i, "id"), kind):
                out.append((i, item))
        return iter(out)

    # --- tracks ---

    def check_tracks(self) -> None:
        for i, item in _items(self.data, "tracks"):
            t = {k: _num(item.get(k, d)) for k, d in (("start", None), ("min", 0), ("max", 10))}
            lo, hi, start = t["min"], t["max"], t["start"]
            collapse = _num(item.get("collapse_at"))
            if lo is not None and hi is not None and lo >= hi:
                self.error(("tracks", i, "max"), f"max ({hi}) must be greater than min ({lo})")
                continue
            if start is not None and lo is not None and hi is not None and not lo <= start <= hi:
                self.error(("tracks", i, "start"), f"start ({start}) is outside [{lo}, {hi}]")
            if collapse is not None and lo is not None and hi is not None:
                if not lo <= collapse <= hi:
                    self.error(
                        ("tracks", i, "collapse_at"),
                        f"collapse_at ({collapse}) is outside [{lo}, {hi}]; "
                        "values are clamped there, so it could never be reached",
                    )
                elif start is not None and collapse == start:
                    self.error(
                        ("tracks", i, "collapse_at"),
                        f"collapse_at equals start ({start}); the talks would collapse at once",
                    )

    # --- parties, turn order, ratification ---

    def check_parties(self) -> None:
        ix = self.ix
        voters = [p for p, r in ix.roles.items() if r != "observer"]
        if ix.roles and not voters:
            self.error(("parties",), "every party is an observer; at least one must vote")
        for i, pid in _strs(self.data.get("turn_order")):
            path: P = ("turn_order", i)
            if self.ref(path, pid, ix.parties, "party") and pid in ix.observers:
                self.error(path, f"'{pid}' is an observer; observers never propose")
        ratification = self.data.get("ratification")
        if isinstance(ratification, dict):
            for i, pid in _strs(ratification.get("required")):
                path = ("ratification", "required", i)
                if self.ref(path, pid, ix.parties, "party") and pid in ix.observers:
                    self.error(path, f"'{pid}' is an observer; observers never sign")
        elif ix.roles and "principal" not in ix.roles.values():
            self.warn(
                ("parties",),
                "no party is a principal, so an agreement needs no signature; "
                "list who must sign under ratification.required",
            )

    # --- elements ---

    def check_elements(self) -> None:
        ix = self.ix
        for i, item in _items(self.data, "elements"):
            base: P = ("elements", i)
            eid = str(item.get("id", ""))
            for j, pid in _strs(item.get("consent")):
                path: P = (*base, "consent", j)
                if self.ref(path, pid, ix.parties, "party") and pid in ix.observers:
                    self.error(path, f"'{pid}' is an observer; observers never vote, so "
                                     "their consent could never be given")
            for rel in ("requires", "excludes"):
                for j, other in _strs(item.get(rel)):
                    path = (*base, rel, j)
                    if self.ref(path, other, ix.elements, "element") and other == eid:
                        self.error(path, f"an element cannot {rel[:-1]} itself")
            for pid in _keys(item.get("stances")):
                self.ref((*base, "stances", pid), pid, ix.parties, "party", key=True)
            for pid in _keys(item.get("values")):
                path = (*base, "values", pid)
                if self.ref(path, pid, ix.parties, "party", key=True) and pid in ix.observers:
                    self.warn(path, f"'{pid}' is an observer and never scores", key=True)
            for rel in ("effects", "on_reject"):
                for tid in _keys(item.get(rel)):
                    self.ref((*base, rel, tid), tid, self.track_paths, "track", key=True)
            self.check_objectives(base, item)
            self.check_source(base, item)

    @property
    def track_paths(self) -> dict[str, P]:
        return dict.fromkeys(self.ix.tracks, ("tracks",))

    def check_objectives(self, base: P, item: dict[str, Any]) -> None:
        for j, oid in _strs(item.get("objectives")):
            self.ref((*base, "objectives", j), oid, self.ix.objectives, "learning objective")

    def check_source(self, base: P, item: dict[str, Any]) -> None:
        source = item.get("source")
        if isinstance(source, dict) and isinstance(source.get("ref"), str):
            self.ref((*base, "source", "ref"), str(source["ref"]), self.ix.sources, "source")

    def excludes_of(self, eid: str) -> set[str]:
        """Elements excluded by ``eid``, with the relation made symmetric."""
        if self._excludes is None:
            table: dict[str, set[str]] = {e: set() for e in self.element_data}
            for e, data in self.element_data.items():
                for _, other in _strs(data.get("excludes")):
                    table[e].add(other)
                    table.setdefault(other, set()).add(e)
            self._excludes = table
        return self._excludes.get(eid, set())

    def check_requires(self) -> None:
        """Cycles, and elements that could never be tabled because of what they need."""
        graph = {
            eid: [o for _, o in _strs(data.get("requires")) if o in self.element_data]
            for eid, data in self.element_data.items()
        }
        added = self.added_elements()
        for cycle in requires_cycles(graph):
            loop = " → ".join([*cycle, cycle[0]])
            self.error(
                (*self.ix.elements[cycle[0]][:2], "requires"),
                f"'requires' forms a cycle ({loop}); none of these could ever be tabled",
            )
        for eid, needs in graph.items():
            base = self.ix.elements[eid][:2]
            excluded = self.excludes_of(eid)
            for need in needs:
                if need in excluded:
                    self.error((*base, "requires"), f"requires '{need}' but also excludes it; "
                                                    "it could never be tabled")
                elif eid in self.excludes_of(need):
                    self.error((*base, "requires"), f"requires '{need}', whose adoption excludes "
                                                    "it; it could never be tabled")
                elif need in self.ix.hidden and need not in added:
                    self.warn((*base, "requires"), f"requires '{need}', which is hidden and no "
                                                   "inject adds it; it could never be tabled")
            if eid in self.ix.hidden and eid not in added:
                self.warn((*base, "hidden"), "hidden, and no inject's add_elements names it; "
                                             "it will never reach the table")

    def _effect_targets(self, key: str) -> set[str]:
        if key not in self._targets:
            out: set[str] = set()
            for data in self.inject_data.values():
                effects = data.get("effects")
                if isinstance(effects, dict):
                    out.update(o for _, o in _strs(effects.get(key)))
            self._targets[key] = out
        return self._targets[key]

    def added_elements(self) -> set[str]:
        """Elements some inject adds to the table."""
        return self._effect_targets("add_elements")

    def withdrawn_elements(self) -> set[str]:
        """Elements some inject withdraws."""
        return self._effect_targets("withdraw_elements")

    # --- injects ---

    def check_injects(self) -> None:
        ix = self.ix
        for i, item in _items(self.data, "injects"):
            base: P = ("injects", i)
            has_at, has_when = "at" in item, "when" in item
            if has_at and has_when:
                self.error((*base, "when"), "an inject fires either 'at' a round or 'when' a "
                                            "condition holds, not both", key=True)
            at = item.get("at")
            if isinstance(at, dict):
                rnd = _num(at.get("round"))
                if ix.rounds is not None and rnd is not None and rnd > ix.rounds:
                    self.error((*base, "at", "round"), f"round {rnd} is beyond the scenario's "
                                                       f"{ix.rounds} rounds; it would never fire")
            if has_at and item.get("repeat") in (True, "true"):
                self.warn((*base, "repeat"), "repeat has no effect on an inject timed with 'at'",
                          key=True)
            if not has_at and not has_when and "chance" in item:
                self.warn((*base, "chance"), "chance is ignored on an ad-hoc inject: it fires "
                                             "whenever the facilitator plays it", key=True)
            audience = item.get("audience")
            for j, pid in _strs(audience):
                self.ref((*base, "audience", j), pid, ix.parties, "party")
            self.check_effects((*base, "effects"), item.get("effects"))
            if has_when:
                reason = self.condition((*base, "when"), item.get("when"), str(item.get("id")))
                if reason:
                    self.error((*base, "when"), f"this condition can never hold ({reason}); "
                                                "the inject would never fire")
            self.check_objectives(base, item)
            self.check_source(base, item)
        if self.tests > MAX_CONDITION_TESTS:
            self.error(("injects",), f"the injects' `when` conditions hold {self.tests:,} tests "
                                     f"together; at most {MAX_CONDITION_TESTS:,} are allowed "
                                     "(every one is checked after every resolution)")

    def check_effects(self, base: P, effects: Any) -> None:
        if not isinstance(effects, dict):
            return
        ix = self.ix
        for tid in _keys(effects.get("tracks")):
            self.ref((*base, "tracks", tid), tid, self.track_paths, "track", key=True)
        for rel in ("values", "stances"):
            table = effects.get(rel)
            if not isinstance(table, dict):
                continue
            for pid in _keys(table):
                if self.ref((*base, rel, pid), pid, ix.parties, "party", key=True):
                    for eid in _keys(table.get(pid)):
                        self.ref((*base, rel, pid, eid), eid, ix.elements, "element", key=True)
        for pid in _keys(effects.get("walk_away")):
            self.ref((*base, "walk_away", pid), pid, ix.parties, "party", key=True)
        for j, eid in _strs(effects.get("add_elements")):
            path: P = (*base, "add_elements", j)
            if self.ref(path, eid, ix.elements, "element") and eid not in ix.hidden:
                self.warn(path, f"'{eid}' is not hidden, so adding it does nothing")
        for j, eid in _strs(effects.get("withdraw_elements")):
            self.ref((*base, "withdraw_elements", j), eid, ix.elements, "element")

    def condition(self, path: P, cond: Any, owner: str, depth: int = 0) -> str | None:
        """Check a condition's references and size; return why it can never hold, if that is
        decidable.

        Args:
            path: where the condition is.
            cond: the condition as read.
            owner: the inject it belongs to.
            depth: how many all/any/not hold it.
        """
        form = condition_form(cond)
        if form is None or not isinstance(cond, dict):
            return None  # the schema reports malformed conditions
        ix = self.ix
        if form in ("all", "any", "not") and depth >= MAX_CONDITION_DEPTH:
            self.error(path, f"conditions nest too deep: at most {MAX_CONDITION_DEPTH} levels of "
                             "all/any/not inside one another")
            return None
        if form not in ("all", "any", "not"):
            self.tests += 1
        if form in ("all", "any"):
            subs = cond.get(form)
            if not isinstance(subs, list):
                return None
            reasons = [self.condition((*path, form, j), sub, owner, depth + 1)
                       for j, sub in enumerate(subs)]
            if form == "all":
                return next((r for r in reasons if r), None)
            if not subs:
                return "'any' with no conditions never holds"
            return "none of its alternatives can hold" if all(reasons) else None
        if form == "not":
            self.condition((*path, "not"), cond.get("not"), owner, depth + 1)
            return None
        if form == "round":
            rnd = _num(cond.get("round_at_least"))
            if ix.rounds is not None and rnd is not None and rnd > ix.rounds:
                return f"round {rnd} is beyond the last round, {ix.rounds}"
            return None
        if form in ("element_status", "element_rejections"):
            eid = str(cond.get("element"))
            if not self.ref((*path, "element"), eid, ix.elements, "element"):
                return None
            return self.element_never(eid, cond)
        if form in ("track_at_least", "track_at_most"):
            tid = str(cond.get("track"))
            if not self.ref((*path, "track"), tid, self.track_paths, "track"):
                return None
            t = ix.tracks[tid]
            low = _num(cond.get("at_least"))
            high = _num(cond.get("at_most"))
            if low is not None and t["max"] is not None and low > t["max"]:
                return f"track '{tid}' never goes above its max, {t['max']}"
            if high is not None and t["min"] is not None and high < t["min"]:
                return f"track '{tid}' never goes below its min, {t['min']}"
            return None
        if form in ("score_at_least", "score_below"):
            pid = str(cond.get("party"))
            if not self.ref((*path, "party"), pid, ix.parties, "party"):
                return None
            if pid in ix.observers:
                return f"'{pid}' is an observer and has no score"
            return self.score_never(pid, cond)
        if form == "inject_fired":
            iid = str(cond.get("inject"))
            if not self.ref((*path, "inject"), iid, ix.injects, "inject"):
                return None
            fired = cond.get("fired")
            target = self.inject_data.get(iid, {})
            waits_for_itself = fired in (True, "true", "True", "TRUE") and iid == owner
            if waits_for_itself and target.get("repeat") not in (True, "true"):
                return "an inject cannot wait for itself to have fired"
            return None
        return None

    def element_never(self, eid: str, cond: dict[str, Any]) -> str | None:
        hidden = eid in self.ix.hidden
        reachable_open = not hidden or eid in self.added_elements()
        status = cond.get("status")
        if isinstance(status, str) and str(status) in STATUSES:
            status = str(status)
            if status == "hidden" and not hidden:
                return f"'{eid}' is not hidden and nothing hides elements"
            if status in ("open", "adopted") and not reachable_open:
                return f"'{eid}' is hidden and no inject adds it"
            if status == "excluded" and not self.excludes_of(eid):
                return f"nothing excludes '{eid}'"
            if status == "withdrawn" and eid not in self.withdrawn_elements():
                return f"no inject withdraws '{eid}'"
            return None
        need = _num(cond.get("rejections_at_least"))
        if need is not None and need > 0:
            if not reachable_open:
                return f"'{eid}' is hidden and no inject adds it"
            if self.ix.rounds is not None and need > self.ix.rounds:
                return (f"'{eid}' can be rejected at most once a round, and there are "
                        f"{self.ix.rounds} rounds")
        return None

    def score_never(self, pid: str, cond: dict[str, Any]) -> str | None:
        bounds = self.score_bounds(pid)
        if bounds is None:
            return None  # injects shift its values: bounds are not decidable here
        worst, best = bounds
        at_least = _num(cond.get("score_at_least"))
        below = _num(cond.get("score_below"))
        if at_least is not None and at_least > best:
            return f"'{pid}' can score at most {best}"
        if below is not None and below <= worst:
            return f"'{pid}' can score no less than {worst}"
        return None

    def score_bounds(self, pid: str) -> tuple[float, float] | None:
        """The lowest and highest score a party can reach, or None when injects shift its
        values (worked out once per party: conditions may ask thousands of times)."""
        if pid not in self._scores:
            shifted = any(
                isinstance(effects := data.get("effects"), dict)
                and pid in _keys(effects.get("values"))
                for data in self.inject_data.values())
            if shifted:
                self._scores[pid] = None
            else:
                values = [_num(data["values"].get(pid)) for data in self.element_data.values()
                          if isinstance(data.get("values"), dict)]
                nums = [v for v in values if v is not None]
                self._scores[pid] = (sum(v for v in nums if v < 0), sum(v for v in nums if v > 0))
        return self._scores[pid]


def check_references(doc: Document) -> list[Problem]:
    """Every cross-reference and sense problem in a scenario document."""
    return Checker(doc).run()
