"""Who is told about a feedback item (feedback_pakn.md §4): the people who act on its next step,
the Office focal point and the agency's leader. The one query is core.access.members_with (the
active holders of a role); a `Recipients` asks it once per agency, unit and role, so that a daily
job over thousands of items makes a handful of queries.

- publication is the Office's (focal point);
- every other step is the assignee's, else the officers and head of the item's unit, else the
  Office's when the item has no unit yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.access import members_with
from core.models import Role
from feedback.models import Feedback

UNIT_HANDLERS = (Role.OFFICER, Role.UNIT_HEAD)


class Recipients:
    def __init__(self) -> None:
        self._found: dict[tuple[int, tuple[str, ...], int | None], frozenset[int]] = {}

    def members(self, agency_id: int, roles: Iterable[str], *, unit_id: int | None = None) -> frozenset[int]:
        key = (agency_id, tuple(sorted(roles)), unit_id)
        if key not in self._found:
            self._found[key] = frozenset(members_with(agency_id, key[1], unit_id=unit_id))
        return self._found[key]

    def office(self, agency_id: int) -> frozenset[int]:
        return self.members(agency_id, [Role.FOCAL_POINT])

    def leaders(self, agency_id: int) -> frozenset[int]:
        return self.members(agency_id, [Role.LEADER])

    def handlers(self, item: Feedback, step: str = "answer") -> set[int]:
        """Who acts on the item's next `step` ("publish", or any other)."""
        if step == "publish":
            return set(self.office(item.agency_id))
        if item.assignee_id:
            return {item.assignee_id}
        if item.unit_id:
            return set(self.members(item.agency_id, UNIT_HANDLERS, unit_id=item.unit_id))
        return set(self.office(item.agency_id))
