"""The Office's posts on the agency's public page: saved, published or taken down, each logged."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.models import Agency, User
from core.services import log_action
from portal.models import Post


@transaction.atomic
def save_post(*, actor: User, agency: Agency, post: Post, publish: bool | None) -> Post:
    """Saves the post (new or edited) of the agency; `publish` True publishes it now (a published
    post keeps its date), False takes it down, None leaves it as it is."""
    post.agency = agency
    post.created_by = post.created_by or actor
    if publish and post.published_at is None:
        post.published_at = timezone.now()
    elif publish is False:
        post.published_at = None
    post.save()
    action = "post.published" if post.published_at else "post.saved"
    log_action(actor=actor, agency=agency, action=action, obj=post, note=post.title)
    return post
