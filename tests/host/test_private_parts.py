"""The parts of Textual and Rich that the seat driver relies on but that are not public API.

A Textual upgrade (within ``textual>=8.2,<9``) that renames or changes one of these fails
here first, naming the part, rather than as a seat that silently misbehaves in class.
"""

from __future__ import annotations

import inspect
import time

import textual.app
from rich.console import Console
from textual import constants
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.driver import Driver

from exercise.host.driver import ESCAPE_TICK, SeatDriver


def test_textual_still_swaps_the_streams_through_the_names_we_replace():
    """`App._process_messages` calls `redirect_stdout`/`redirect_stderr` looked up in
    `textual.app` (what `share_process_streams` replaces)."""
    source = inspect.getsource(App._process_messages)
    assert "redirect_stdout(" in source and "redirect_stderr(" in source
    assert callable(textual.app.redirect_stdout) and callable(textual.app.redirect_stderr)


def test_the_xterm_parser_feeds_and_ticks_and_our_tick_outlasts_its_escape_delay():
    """`XTermParser.feed` takes text; a lone Escape comes out of `tick` only after the
    escape delay, which our scheduled tick waits longer than."""
    parser = XTermParser()
    assert next(iter(parser.feed("a"))).key == "a"
    assert list(parser.feed("\x1b")) == []
    assert constants.ESCAPE_DELAY < ESCAPE_TICK
    time.sleep(ESCAPE_TICK)
    assert [event.key for event in parser.tick()] == ["escape"]


def test_the_private_attributes_we_set_or_read_exist():
    """`App._exception` (a crash, read by seats), `App._devtools_redirector` (cleared),
    `App.error_console` (silenced) and Rich's `Console._color_system` (set per client)."""
    app = App()
    assert hasattr(app, "_exception")
    assert hasattr(app, "_devtools_redirector")
    assert isinstance(app.error_console, Console)
    assert hasattr(app.console, "_color_system")


def test_the_driver_implements_every_abstract_method():
    """Textual's `Driver` has not grown an abstract method the seat driver lacks."""
    assert not SeatDriver.__abstractmethods__
    assert Driver.__abstractmethods__ <= set(vars(SeatDriver))


def test_the_parsers_key_cache_can_be_cleared():
    """`XTermParser._parse_extended_key` is still an lru_cache (keyed by the parser, so a
    closed seat's parser stays in it until the cache is cleared)."""
    assert callable(XTermParser._parse_extended_key.cache_clear)
