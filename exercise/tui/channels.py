"""The side talks channel by channel: the channels a viewer is in (c), and a seat's unread
private talk at a shared screen (shown after that seat's hand-over).

Both are given one viewer's :class:`~exercise.view.View` and show its
:attr:`~exercise.view.View.channels` only: which channels a viewer may read is decided
there, never here. Every line is a student's words among the program's, so each is shown
as literal text.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from exercise.tui.literal import line, styled
from exercise.view import Channel, TalkLine, View


def channel_label(channel: Channel) -> Content:
    """A channel as a line of the list: whom it is between, how many lines, closed or not."""
    what = "the whole room (public)" if not channel.private else channel.name
    count = len(channel.lines)
    return styled(what, (f" · {count} line{'s' * (count != 1)}", "dim"),
                  (" · closed", "dim") if channel.closed else "")


def thread(lines: tuple[TalkLine, ...]) -> Content:
    """A channel's lines, oldest first, each with its round (literal text)."""
    if not lines:
        return Content("(nothing said here yet)")
    return Content("\n").join(styled((f"R{item.round} ", "dim"), line(item.text))
                              for item in lines)


@dataclass(frozen=True, slots=True)
class ChannelAction:
    """What the one who runs the room chose in the channel view."""

    kind: str  # "close" (the channel ``members``) or "talks" (pause or resume them)
    members: tuple[str, ...] = ()  # () for the whole room


class ChannelsScreen(ModalScreen[ChannelAction | None]):
    """The channels ``view``'s viewer may read; the highlighted one's thread beside them.

    For whoever runs the room it can also close the highlighted channel (x) and pause or
    resume the talks (p), when the view's legal moves allow it.
    """

    DEFAULT_CSS = """
    ChannelsScreen #channels-body { height: 1fr; }
    ChannelsScreen #channel-list { width: 42; height: 1fr; }
    ChannelsScreen #channel-thread { width: 1fr; height: 1fr; max-height: 100%;
                                     padding: 0 0 0 1; }
    """

    BINDINGS = [
        Binding("escape,c,q", "close", "Back", id="close"),
        Binding("x", "close_channel", "Close channel", id="close-channel"),
        Binding("p", "pause_talks", "Pause/resume talks", id="pause-talks"),
    ]

    def __init__(self, view: View, *, title: str):
        """The channels of ``view`` under ``title`` (literal text)."""
        super().__init__()
        self.view = view
        self.channels = view.channels
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide tall"):
            yield Label(line(self.heading), classes="dialog-title")
            if not self.channels:
                yield Static("The side talks are off in this scenario.", classes="hint")
            with Horizontal(id="channels-body"):
                yield OptionList(*(Option(channel_label(c), id=str(n))
                                   for n, c in enumerate(self.channels)), id="channel-list")
                with VerticalScroll(id="channel-thread"):
                    yield Static(id="thread")
            yield Static("↑↓ choose a channel · newest at the end · esc goes back",
                         classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Back (esc)", id="do-close", action="screen.close",
                             variant="primary", compact=True)
            yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one("#channel-list", OptionList)
        listing.focus()
        if self.channels:
            listing.highlighted = 0
            self.show(0)

    def show(self, index: int) -> None:
        """Show the thread of the channel at ``index``, scrolled to its newest line."""
        self.query_one("#thread", Static).update(thread(self.channels[index].lines))
        self.query_one("#channel-thread", VerticalScroll).scroll_end(animate=False)

    @on(OptionList.OptionHighlighted, "#channel-list")
    def follow_highlight(self, event: OptionList.OptionHighlighted) -> None:
        """The thread follows the cursor."""
        if event.option.id is not None:
            self.show(int(event.option.id))

    def highlighted(self) -> Channel | None:
        """The channel under the cursor."""
        index = self.query_one("#channel-list", OptionList).highlighted
        return None if index is None else self.channels[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Closing and pausing only for whoever runs the room, when the rules allow it."""
        legal = self.view.legal
        if action == "close_channel":
            return bool(legal.close_channels)
        if action == "pause_talks":
            return legal.pause_talks or legal.resume_talks
        return True

    def action_close_channel(self) -> None:
        """Close the highlighted channel for good."""
        channel = self.highlighted()
        if channel is None or channel.members not in self.view.legal.close_channels:
            self.notify("This channel cannot be closed now.", severity="warning")
            return
        self.dismiss(ChannelAction("close", channel.members))

    def action_pause_talks(self) -> None:
        """Pause the side talks, or resume them."""
        self.dismiss(ChannelAction("talks"))

    def action_close(self) -> None:
        """Back to the table."""
        self.dismiss(None)


class PrivateTalk(ModalScreen[str | None]):
    """A seat's side talk it has not read yet (at a shared screen, after its hand-over):
    each new line under its channel; an open offer to it can be answered from here (a)
    and the seat can reply (t). Returns "answer", "talk" or None."""

    BINDINGS = [
        Binding("escape,enter,space", "close", "Done", id="close"),
        Binding("a", "answer", "Answer offer", id="answer"),
        Binding("t", "talk", "Reply", id="talk"),
    ]

    def __init__(self, view: View, unread: tuple[tuple[Channel, TalkLine], ...]):
        """``view``'s seat reads ``unread`` (channel and line each)."""
        super().__init__()
        assert view.seat is not None
        self.view = view
        self.unread = unread

    def compose(self) -> ComposeResult:
        view = self.view
        assert view.seat is not None
        by_channel: dict[tuple[str, ...], list[TalkLine]] = {}
        names: dict[tuple[str, ...], str] = {}
        for channel, item in self.unread:
            by_channel.setdefault(channel.members, []).append(item)
            names[channel.members] = channel.name
        parts: list[Content] = []
        for members, lines in by_channel.items():
            parts.append(styled(("Between " + names[members], "bold")))
            parts.append(thread(tuple(lines)))
            parts.append(Content(""))
        offers = len(view.legal.answer)
        keys = ["enter: done"]
        if offers:
            keys.insert(0, f"a: answer the open offer{'s' * (offers > 1)} to you ({offers})")
        if view.legal.talk:
            keys.insert(0 if not offers else 1, "t: reply")
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(view.name(view.seat), " only — new in your side talks (private)"),
                        classes="dialog-title")
            with VerticalScroll():
                yield Static(Content("\n").join(parts))
            yield Static(" · ".join(keys), classes="hint")
            with Horizontal(classes="buttons"):
                if offers:
                    yield Button("Answer (a)", id="do-answer", action="screen.answer",
                                 compact=True)
                yield Button("Done (enter)", id="do-close", action="screen.close",
                             variant="primary", compact=True)
            yield Footer()

    def on_mount(self) -> None:
        # Enter means "done", whichever button is drawn first.
        self.query_one("#do-close", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Answer only with an open offer to the seat; reply only while talks are open."""
        if action == "answer":
            return bool(self.view.legal.answer)
        if action == "talk":
            return self.view.legal.talk
        return True

    def action_answer(self) -> None:
        """Answer the open offers, one by one."""
        self.dismiss("answer")

    def action_talk(self) -> None:
        """Say something back, or make an offer."""
        self.dismiss("talk")

    def action_close(self) -> None:
        """Back to the table."""
        self.dismiss(None)
