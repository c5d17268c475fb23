"""News and bulletins the Office publishes on the agency's CCHC page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Agency


class Post(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        BULLETIN = "bulletin", _("Bulletin")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="posts", verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a new paragraph."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
