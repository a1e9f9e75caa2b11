"""Rate limit per API token (per session user for staff, per IP address for anonymous requests)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from jining.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """``API_THROTTLE_RATE`` requests per token, e.g. "1000/hour"; past it, 429 with Retry-After.

    The rate is read from settings on every request (DRF's own classes freeze it at import time).
    Counters live in Django's default cache: per process unless a shared cache is configured.
    """

    scope = "token"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
