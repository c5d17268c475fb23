"""Who may sign in to the pages. An integration account (a person holding Role.INTEGRATION, the
provincial system's account) works through API tokens only: it cannot sign in with a password,
and a session of it (say one made before the role was granted) is treated as signed out."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.models import Membership, Role


def is_integration_account(user) -> bool:
    return (
        bool(getattr(user, "pk", None)) and Membership.objects.filter(user_id=user.pk, role=Role.INTEGRATION).exists()
    )


class PeopleBackend(ModelBackend):
    """Django's ModelBackend for people; integration accounts get neither a log-in nor a session."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not is_integration_account(user)

    def get_user(self, user_id):
        # one query, as ModelBackend's: the person unless they hold an integration membership
        user = get_user_model()._default_manager.filter(pk=user_id).exclude(memberships__role=Role.INTEGRATION).first()
        return user if user is not None and super().user_can_authenticate(user) else None
