"""After-action reports: one document, written as Markdown, HTML or JSON; votes as CSV.

The writers load on first use (the HTML writer brings in a Markdown parser), so the core
modules that only need the document's types stay light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_FROM = {"FORMATS": "formats", "render": "formats", "render_report": "formats",
         "report_data": "formats", "vote_rows": "formats", "build_report": "model",
         "report_of": "model"}

__all__ = sorted(_FROM)


def __getattr__(name: str) -> Any:
    if name in _FROM:
        return getattr(import_module(f"exercise.reports.{_FROM[name]}"), name)
    raise AttributeError(f"module 'exercise.reports' has no attribute {name!r}")
