"""Demo tasks assigned by the province (issue 22)."""

from __future__ import annotations

import datetime as dt


def load_assigned_demo(*, today: dt.date) -> None:
    """Filled in by the assigned-tasks work."""
