"""Demo targets: the seed plan's targets and their history (issue 22)."""

from __future__ import annotations

import datetime as dt


def load_targets_demo(*, today: dt.date) -> None:
    """Filled in by the targets work."""
