"""``Authorization: Token KEY`` against hashed ApiToken rows (DRF's authtoken stores keys in plain text)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from jining.models import ApiToken
from jining.services import token_hash


class TokenAuthentication(authentication.BaseAuthentication):
    """Looks the key up by its SHA-256 hash; the token must be enabled, unexpired and its user active.

    On success ``request.auth`` is the ApiToken (throttling keys on it). ``last_used`` is written at most
    once per ``API_TOKEN_LAST_USED_INTERVAL`` seconds, not on every request.
    """

    keyword = "Token"

    def authenticate(self, request):
        parts = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give it as “Authorization: Token KEY”, the key without spaces."),
                code="token_header_invalid",
            )
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, key):
        token = None
        if key.isascii():
            token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."), code="token_invalid")
        if not token.enabled:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."), code="token_revoked")
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("This token has expired."), code="token_expired")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("This partner account is disabled."), code="account_disabled"
            )
        self.touch(token)
        return token.user, token

    def touch(self, token):
        now = timezone.now()
        interval = datetime.timedelta(seconds=settings.API_TOKEN_LAST_USED_INTERVAL)
        if token.last_used is None or now - token.last_used >= interval:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now

    def authenticate_header(self, request):
        return self.keyword
