"""The portal's menu entry (core.navigation): the agency's news and bulletins, for those who
edit them (its managers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.navigation import register_menu, works_here
from portal.access import can_edit_posts

register_menu(
    area="feedback",
    label=gettext_lazy("News and bulletins"),
    url_name="portal:posts",
    order=590,
    allowed=lambda user, agency: agency is not None and works_here(user, agency) and can_edit_posts(user, agency.pk),
)
