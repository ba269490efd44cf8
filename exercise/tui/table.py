"""The negotiation table: the screen the exercise is played on, and the flow of a round.

The screen asks the conductor what happens next and does it: a computer seat moves
after a short visible pause (on a timer, so the UI never freezes); a person is
prompted (and, at a shared screen, handed the keyboard first); news is shown as a
card to those allowed to read it. Everything shown comes from the engine; no rule is
re-implemented here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header

from exercise.conduct import PUBLIC, Conductor, StepKind
from exercise.engine import (
    CallRatification,
    CallVote,
    EndExercise,
    Event,
    EventKind,
    FireInject,
    IllegalMoveError,
    Move,
    Phase,
)
from exercise.timer import DiscussionTimer
from exercise.tui.dialogs import (
    ConfirmDialog,
    HandOver,
    InfoDialog,
    ProposalDialog,
    VoteDialog,
    element_markdown,
    inject_markdown,
)
from exercise.tui.facilitator import ConsoleAction, FacilitatorConsole, TimerControls
from exercise.tui.help import HelpfulScreen, app_of
from exercise.tui.literal import plain
from exercise.tui.stopped import stops_on_log_failure
from exercise.tui.widgets import (
    ElementsTable,
    ElementStrip,
    Feed,
    PartiesPanel,
    StatusLine,
    TracksPanel,
)

if TYPE_CHECKING:
    from exercise.tui.app import ExerciseApp

Task = Callable[[Callable[[], None]], None]  # runs, then calls its continuation


class TableScreen(HelpfulScreen):
    """Where the exercise is played."""

    CSS_PATH = "exercise.tcss"  # app-wide once loaded: the dialogs use it too

    BINDINGS = [
        Binding("p", "propose", "Propose", id="propose"),
        Binding("v", "vote", "Vote", id="vote"),
        Binding("o", "open_voting", "Open voting", id="open-voting"),
        Binding("d", "details", "Element", id="details"),
        Binding("f", "facilitator", "Facilitator", id="facilitator"),
        Binding("m", "my_seat", "My seat", id="my-seat"),
        Binding("b", "briefing", "Briefing", id="briefing"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit_exercise", "Quit", id="quit"),
    ]

    def __init__(self, conductor: Conductor, clock: Callable[[], float]):
        super().__init__()
        self.conductor = conductor
        self.viewer = conductor.home_viewer()
        self.timer = DiscussionTimer(clock)
        self.prompted: tuple[int, Phase] | None = None
        self.tasks: deque[Task] = deque()
        self.busy = False
        self.thinking: str | None = None
        self.deferred: str | None = None  # a person's turn put off at a hand-over
        self.seen_events = 0
        self.reacted_round = -1
        self.timed_round = -1

    @property
    def exercise_app(self) -> ExerciseApp:
        """The app, typed."""
        return app_of(self)

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusLine(id="status")
        with Horizontal(id="table-body"):
            with Vertical(id="left"):
                yield ElementsTable(id="elements")
                yield ElementStrip(id="strip")
                yield Feed(id="feed")
            with Vertical(id="right"):
                yield PartiesPanel(id="parties")
                yield TracksPanel(id="tracks")
        yield Footer()

    def on_mount(self) -> None:
        self.title = plain(self.conductor.scenario.title)
        self.query_one(ElementsTable).focus()
        if self.exercise_app.live_clock:
            self.set_interval(1.0, self.tick)
        self.seen_events = 0
        self.after_change()

    def on_resize(self) -> None:
        self.render_all()

    # --- rendering ---------------------------------------------------------------------

    def waiting_text(self) -> str:
        """What the table waits for, from the viewer's side."""
        if self.thinking:
            return f"{self.thinking} is deciding…"
        step = self.conductor.next_step()
        name = self.conductor.scenario.party(step.party).name if step.party else ""
        if self.conductor.game.phase is Phase.VOTING and self.viewer in \
                self.conductor.pending_humans():
            return "you: v to vote"
        if step.kind is StepKind.HUMAN:
            who = "you" if step.party == self.viewer else name
            if step.phase is Phase.PROPOSAL:
                return f"{who}: p to propose"
            return f"{who}: v to vote"
        if step.kind is StepKind.DISCUSSION:
            return "o: open voting"
        if step.kind is StepKind.OVER:
            return "the exercise has ended"
        return ""

    def render_all(self) -> None:
        """Redraw every panel from the engine's state."""
        if not self.is_mounted:
            return
        conductor, viewer = self.conductor, self.viewer
        wide = self.size.width >= 120
        self.query_one(StatusLine).show(conductor, viewer, self.timer.text(), self.waiting_text())
        elements = self.query_one(ElementsTable)
        elements.show(conductor, viewer, wide)
        self.query_one(ElementStrip).show(conductor, elements.selected_element)
        self.query_one(PartiesPanel).show(conductor, viewer)
        tracks = self.query_one(TracksPanel)
        tracks.show(conductor, width=max(10, tracks.size.width - 1 if tracks.size.width else 24))
        self.query_one(Feed).show(conductor, viewer)
        self.refresh_bindings()

    def tick(self) -> None:
        """Once a second: the timer, and its warning when time is up."""
        if self.timer.deadline is None or self.exercise_app.log_failure is not None:
            return
        left = self.timer.left()
        if left is not None and left <= 0 and not self.timer.warned:
            self.timer.warned = True
            self.app.bell()
            self.notify("Time is up for this discussion. Open voting when ready (o) — "
                        "or extend the timer from the facilitator's console (f).",
                        title="Timer", severity="warning", timeout=8)
        self.query_one(StatusLine).show(self.conductor, self.viewer, self.timer.text(),
                                        self.waiting_text())

    # --- the flow ----------------------------------------------------------------------

    def after_change(self) -> None:
        """After any move: queue cards for new events, redraw, then carry on."""
        events = self.conductor.game.events[self.seen_events:]
        self.seen_events = len(self.conductor.game.events)
        self.queue_cards(events)
        if self.conductor.game.phase is not Phase.DISCUSSION:
            self.timer.stop()
        self.render_all()
        self.advance()

    def queue_cards(self, events: list[Event]) -> None:
        """Inject cards for new events, each shown only to those allowed to read it."""
        scenario = self.conductor.scenario
        for event in events:
            if event.kind is not EventKind.INJECT_FIRED:
                continue
            inject = scenario.inject(event.data["inject"])
            if event.audience is None:
                self.tasks.append(self.card_task(inject.id, None))
                continue
            for reader in event.audience:
                if reader not in self.conductor.humans:
                    continue  # a computer seat's card: the facilitator's console lists it
                if self.conductor.hot_seat:
                    self.tasks.append(self.card_task(inject.id, reader))
                elif reader == self.viewer:
                    self.tasks.append(self.card_task(inject.id, None))

    def card_task(self, inject_id: str, reader: str | None) -> Task:
        """Show an inject card (after a hand-over when it is private at a shared screen)."""

        def run(done: Callable[[], None]) -> None:
            inject = self.conductor.scenario.inject(inject_id)
            card = InfoDialog(inject_markdown(self.conductor.scenario, inject),
                              title="News" if not inject.is_private else "Private news",
                              classes="inject-card")
            if reader is None:
                self.app.push_screen(card, lambda _: done())
                return
            name = self.conductor.scenario.party(reader).name

            def after_handover(ready: bool | None) -> None:
                if ready:
                    self.app.push_screen(card, lambda _: self.hand_back(done))
                else:
                    self.tasks.appendleft(self.card_task(inject_id, reader))
                    done()

            self.app.push_screen(HandOver(name, "A private message has arrived for you."),
                                 after_handover)

        return run

    def hand_back(self, done: Callable[[], None]) -> None:
        """After a private moment at a shared screen, back to the shared view."""
        self.app.push_screen(HandOver("the room", "Private information is now hidden."),
                             lambda _: done())

    def advance(self) -> None:
        """Do what comes next: a card, a computer's move, a prompt, or the debrief."""
        if self.busy or self.app.screen is not self:
            return
        if self.tasks:
            self.busy = True
            task = self.tasks.popleft()

            def done() -> None:
                self.busy = False
                self.render_all()
                self.advance()

            task(done)
            return
        self.prompt_solo()
        step = self.conductor.next_step()
        if step.kind is StepKind.OVER:
            self.exercise_app.show_debrief()
        elif step.kind is StepKind.COMPUTER:
            if self.thinking is None:
                assert step.party is not None
                self.thinking = self.conductor.scenario.party(step.party).name
                self.render_all()
                delay = self.exercise_app.bot_delay
                if delay > 0:
                    self.set_timer(delay, self.computer_moves)
                else:  # Textual's timers need a positive delay
                    self.call_later(self.computer_moves)
        elif step.kind is StepKind.DISCUSSION:
            self.start_discussion()
        elif (step.kind is StepKind.HUMAN and self.conductor.hot_seat
              and self.deferred != step.party):
            self.human_turn()


    def prompt_solo(self) -> None:
        """Tell a solo player, once per phase, that their move is awaited."""
        game = self.conductor.game
        solo = self.conductor.solo
        if solo is None or solo not in self.conductor.pending_humans():
            return
        if self.prompted != (game.round, game.phase):
            self.prompted = (game.round, game.phase)
            what = "propose (p)" if game.phase is Phase.PROPOSAL else "vote (v)"
            self.notify(f"Your turn to {what}.", title=f"Round {game.round}", timeout=4)

    @stops_on_log_failure
    def computer_moves(self) -> None:
        """A computer seat makes its move (called after its visible pause)."""
        self.thinking = None
        if self.exercise_app.log_failure is not None:
            return  # the session has stopped: no move may be made that the log cannot hold
        if self.conductor.next_step().kind is StepKind.COMPUTER:
            self.conductor.computer_move()
        self.after_change()

    @stops_on_log_failure
    def start_discussion(self) -> None:
        """A package is on the table: reactions, and the timer starts."""
        game = self.conductor.game
        if self.reacted_round != game.round:
            self.reacted_round = game.round
            self.conductor.reactions()
        minutes = self.conductor.scenario.round_minutes
        if minutes and self.timed_round != game.round:
            self.timed_round = game.round
            self.timer.start(minutes * 60)
            self.conductor.timer_changed("start", minutes * 60)
        self.render_all()

    def human_turn(self, party: str | None = None) -> None:
        """A person must propose or vote: hand over (at a shared screen), then the dialog."""
        pending = self.conductor.pending_humans()
        if party is None:
            party = pending[0] if pending else None
        if party is None or party not in pending:
            return
        phase = self.conductor.game.phase
        dialog = ProposalDialog if phase is Phase.PROPOSAL else VoteDialog
        if not self.conductor.hot_seat:
            self.busy = True
            self.app.push_screen(dialog(self.conductor, party), self.take_move)
            return
        name = self.conductor.scenario.party(party).name
        why = "It is your turn to propose." if phase is Phase.PROPOSAL else \
            "It is your turn to vote (your ballot stays secret)."
        self.busy = True

        def after_handover(ready: bool | None) -> None:
            if not ready:
                self.busy = False
                self.deferred = party
                self.render_all()
                return
            self.deferred = None
            self.viewer = party

            def after_dialog(move: Move | None) -> None:
                self.viewer = PUBLIC
                if move is None:
                    self.deferred = party
                self.take_move(move, hand_back=True)

            self.app.push_screen(dialog(self.conductor, party), after_dialog)

        self.app.push_screen(HandOver(name, why), after_handover)

    def take_move(self, move: Move | None, hand_back: bool = False) -> None:
        """Apply a person's move from a dialog."""

        def finish() -> None:
            self.busy = False
            if move is not None:
                self.push(move)
            else:
                self.render_all()

        if hand_back:
            self.hand_back(finish)
        else:
            finish()

    @stops_on_log_failure
    def push(self, move: Move) -> None:
        """Make a move through the engine; an illegal one is a notice, not a crash."""
        try:
            self.conductor.push(move)
        except IllegalMoveError as exc:
            self.notify(str(exc), title="Not allowed", severity="error", timeout=8)
            self.render_all()
            return
        self.after_change()

    # --- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the actions that make sense now."""
        step = self.conductor.next_step()
        if action == "propose":
            return step.kind is StepKind.HUMAN and step.phase is Phase.PROPOSAL
        if action == "vote":
            game = self.conductor.game
            return game.phase is Phase.VOTING and bool(self.conductor.pending_humans())
        if action == "open_voting":
            return step.kind is StepKind.DISCUSSION
        if action == "my_seat":
            return self.conductor.hot_seat
        if action == "facilitator":
            return not self.conductor.game.is_over
        return True

    def action_propose(self) -> None:
        """Open the proposal dialog for the person whose turn it is."""
        if self.check_action("propose", ()) and not self.busy:
            self.deferred = None
            self.human_turn()

    def action_vote(self) -> None:
        """Open the ballot for the next person to vote (computers may still be deciding)."""
        if self.check_action("vote", ()) and not self.busy:
            self.deferred = None
            pending = self.conductor.pending_humans()
            self.human_turn(self.viewer if self.viewer in pending else None)

    def action_open_voting(self) -> None:
        """Close the discussion and open voting."""
        if self.check_action("open_voting", ()):
            self.push(CallVote())

    def action_details(self) -> None:
        """Show the highlighted element in full, with its source."""
        element = self.query_one(ElementsTable).selected_element
        if element:
            self.app.push_screen(InfoDialog(element_markdown(self.conductor, element,
                                                             self.viewer)))

    @on(DataTable.RowHighlighted, "#elements")
    def describe_highlighted(self) -> None:
        """The strip under the table follows the cursor."""
        self.query_one(ElementStrip).show(self.conductor,
                                          self.query_one(ElementsTable).selected_element)

    @on(DataTable.RowSelected, "#elements")
    def details_on_enter(self) -> None:
        """Enter (or a click) on an element shows its detail."""
        self.action_details()

    def action_facilitator(self) -> None:
        """Open the facilitator's console."""
        controls = TimerControls(
            describe=lambda: f"Discussion timer: {self.timer.text() or 'not running'}",
            toggle=self.toggle_timer,
            extend=self.extend_timer,
        )
        self.app.push_screen(FacilitatorConsole(self.conductor,
                                                self.exercise_app.facilitator_guide(), controls),
                             self.console_done)

    @stops_on_log_failure
    def toggle_timer(self) -> None:
        """Pause or resume the discussion timer (from the facilitator's console)."""
        self.timer.toggle()
        self.conductor.timer_changed("pause" if self.timer.paused_left is not None
                                     else "resume", self.timer.left())

    @stops_on_log_failure
    def extend_timer(self, seconds: int) -> None:
        """Give the discussion more time (from the facilitator's console)."""
        self.timer.extend(seconds)
        self.conductor.timer_changed("extend", self.timer.left())

    def restore_timer(self, records: list[dict[str, object]]) -> None:
        """After a resume: the discussion timer as the log left it, paused."""
        game = self.conductor.game
        if game.phase is not Phase.DISCUSSION or not self.conductor.scenario.round_minutes:
            return
        current = [r for r in records if r.get("round") == game.round]
        left = self.conductor.scenario.round_minutes * 60.0
        if current and isinstance(current[-1].get("left"), (int, float)):
            left = float(current[-1]["left"])  # type: ignore[arg-type]
        self.timed_round = game.round
        self.timer.start(max(left, 0))
        self.timer.toggle()  # paused: the facilitator resumes when the room is ready

    @stops_on_log_failure
    def console_done(self, action: ConsoleAction | None) -> None:
        """Carry out what the facilitator chose."""
        if action is None:
            self.render_all()
            self.advance()
            return
        if action.kind == "note" and action.text:
            self.conductor.note(action.text)
            self.notify("Observation recorded.", title="Facilitator", timeout=3)
            self.advance()
            return
        if action.kind == "fire" and action.inject:
            self.push(FireInject(action.inject))
        elif action.kind == "ratify":
            self.confirm("Call ratification now? The talks stop and each delegation decides "
                         "whether to sign.", lambda: self.push(CallRatification()))
        elif action.kind == "end":
            self.confirm("End the exercise now, without ratification?",
                         lambda: self.push(EndExercise()))

    def confirm(self, question: str, then: Callable[[], None]) -> None:
        """Ask, and act only on yes."""

        def answered(yes: bool | None) -> None:
            if yes:
                then()
            else:
                self.advance()

        self.app.push_screen(ConfirmDialog(question), answered)

    def action_my_seat(self) -> None:
        """At a shared screen: one seat reads its own private view, after a hand-over."""
        self.exercise_app.show_seat_picker(self.conductor)

    def action_briefing(self) -> None:
        """Read the briefing again (public, plus the solo seat's private brief)."""
        self.exercise_app.show_briefing_card(self.viewer)

    def action_quit_exercise(self) -> None:
        """Leave, after asking."""
        self.app.push_screen(ConfirmDialog("Quit the exercise?"),
                             lambda yes: self.app.exit() if yes else None)

    def on_screen_resume(self) -> None:
        """Back on the table after a dialog: carry on."""
        self.render_all()
        self.call_after_refresh(self.advance)
