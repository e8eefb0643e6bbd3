"""The report's one input error: a page that can't be written as asked."""

from __future__ import annotations

__all__ = ["ReportError"]


class ReportError(ValueError):
    """A report that can't be written as asked; one line naming the option, value and fix."""
