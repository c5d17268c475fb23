"""Counting requests per client in the shared cache (CACHE_URL=db in production, so every app
process counts together): the client is a salted hash of its address, the salt changing every
day, so no address is kept."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.middleware import client_address


def address_key(request, scope: str) -> str:
    salt = f"{settings.SECRET_KEY}:{timezone.localdate():%Y%m%d}"
    return f"rate:{scope}:" + hashlib.sha256(f"{salt}:{scope}:{client_address(request)}".encode()).hexdigest()


def over_limit(key: str, limit: int, window: int) -> bool:
    """Counts one more request under `key`; True once more than `limit` came within `window` s."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
