"""The signature block of an agency's documents: who signs documents of one use, as the agency's
administrator keeps them (core.models.Signer), with the defaults a document falls back on."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Agency, Signer


@dataclass(frozen=True)
class Signature:
    authority: str  # "KT. TRƯỞNG BAN", or "" when signing in one's own name
    title: str  # "PHÓ TRƯỞNG BAN"
    name: str


def configured_signer(agency: Agency, use: str) -> Signature | None:
    """The first active signer the administrator set for documents of `use` (Signer.Use), if any."""
    signer = Signer.objects.filter(agency=agency, use=use, active=True).order_by("order", "id").first()
    return None if signer is None else Signature(authority=signer.authority, title=signer.title, name=signer.name)


def signer_for(agency: Agency, use: str, *, default_title: str = "THỦ TRƯỞNG CƠ QUAN") -> Signature:
    """configured_signer, or a block with only `default_title` (the name is then signed by hand)."""
    return configured_signer(agency, use) or Signature(authority="", title=default_title, name="")
