"""Creating a plan (issue 22): the one service behind the page `plans:new_plan` and the command
`manage.py new_plan`, audited as "plan.created" with every field given."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.models import Agency, User
from core.services import diff, log_action
from plans.models import Plan, PlanStatus

FIELDS = (
    "year",
    "number",
    "title",
    "issued_on",
    "issuer",
    "signer",
    "signer_title",
    "legal_basis",
    "parent",
    "parent_reference",
    "status",
)


def plan_values(plan: Plan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in FIELDS}


@transaction.atomic
def create_plan(*, actor: User | None, agency: Agency, data: dict[str, Any]) -> Plan:
    """A new plan of `agency`; issued when it has its date of issue, else a draft. The issuer
    defaults to the agency's name."""
    values = {name: data[name] for name in FIELDS if name in data and name != "status"}
    for name in ("number", "title", "issuer", "signer", "signer_title", "legal_basis", "parent_reference"):
        values[name] = str(values.get(name) or "").strip()
    values["issuer"] = values["issuer"] or agency.name
    status = PlanStatus.ISSUED if values.get("issued_on") else PlanStatus.DRAFT
    plan = Plan.objects.create(agency=agency, status=status, **values)
    log_action(actor=actor, agency=agency, action="plan.created", obj=plan, changes=diff({}, plan_values(plan)))
    return plan
