"""JSON API of the register of tasks assigned by the province (issue 22)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assigned tasks"])
