"""JSON API of the plan's targets (issue 22)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["targets"])
