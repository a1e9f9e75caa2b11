"""``Authorization: Token KEY`` against hashed ApiToken rows (DRF's authtoken stores keys in plain text)."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from jining.models import ApiToken, User
from jining.prepared import Prepared
from jining.services import PARTNER_GROUP, token_hash, token_refusal


def permissions_of_token_user() -> RawSQL:
    """``"app.codename,…"``: the permissions the token's user holds directly or through a group.

    Read in the same query as the token, so a request pays no extra queries for permission checks
    (Django's ModelBackend would run two). NULL when the user holds none.
    """
    token = ApiToken._meta.db_table
    agg = "STRING_AGG(perm, ',')" if connection.vendor == "postgresql" else "GROUP_CONCAT(perm, ',')"
    sql = (
        f"SELECT {agg} FROM (SELECT ct.app_label || '.' || p.codename AS perm "
        f"FROM {Permission._meta.db_table} p "
        f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id "
        f"WHERE p.id IN (SELECT permission_id FROM {User.user_permissions.through._meta.db_table} "
        f"WHERE user_id = {token}.user_id) "
        f"OR p.id IN (SELECT gp.permission_id FROM {Group.permissions.through._meta.db_table} gp "
        f"JOIN {User.groups.through._meta.db_table} ug ON ug.group_id = gp.group_id "
        f"WHERE ug.user_id = {token}.user_id)) perms"
    )
    return RawSQL(sql, [])


TOKEN_FIELDS = [field.attname for field in ApiToken._meta.concrete_fields]
USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _token_row(key_hash: str):
    """The token with that hash: its columns, its user's, the user's permissions and whether the user
    is in the partners group (one query)."""
    return (
        ApiToken.objects.annotate(
            user_permissions=permissions_of_token_user(),
            user_is_partner=Exists(
                User.groups.through.objects.filter(user=OuterRef("user_id"), group__name=PARTNER_GROUP)
            ),
        )
        .filter(key_hash=key_hash)
        .values_list(
            *TOKEN_FIELDS, *(f"user__{name}" for name in USER_FIELDS), "user_permissions", "user_is_partner"
        )
    )


#: Compiled once per connection (jining/prepared.py); the placeholder is not a possible hash.
_TOKEN_LOOKUP = Prepared(_token_row, placeholder="(token hash)")


def token_lookup(key_hash: str, *, using: str = DEFAULT_DB_ALIAS) -> ApiToken | None:
    """The ApiToken whose key has that hash, with its ``user``, and ``user_permissions`` (``"app.codename,…"``
    or None) and ``user_is_partner`` read in the same query; None if there is none."""
    rows = _TOKEN_LOOKUP.rows(key_hash, using=using, limit=1)
    if not rows:
        return None
    row, tokens = rows[0], len(TOKEN_FIELDS)
    token = ApiToken.from_db(using, TOKEN_FIELDS, row[:tokens])
    token.user = User.from_db(using, USER_FIELDS, row[tokens : tokens + len(USER_FIELDS)])
    token.user_permissions, token.user_is_partner = row[-2:]
    return token


class TokenAuthentication(authentication.BaseAuthentication):
    """Looks the key up by its SHA-256 hash; the token must be enabled, unexpired and its user an
    active partner account (not staff, in the partners group).

    On success ``request.auth`` is the ApiToken (throttling keys on it). ``last_used`` is written at most
    once per ``API_TOKEN_LAST_USED_INTERVAL`` seconds, not on every request. The user's permissions come
    with the token (one query) and are put where ModelBackend caches them for the request.
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
        token = token_lookup(token_hash(key)) if key.isascii() else None
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
        problem = token_refusal(token.user, in_partner_group=token.user_is_partner)
        if problem:  # a staff account, or one taken out of the partners group, since the token was issued
            raise exceptions.AuthenticationFailed(problem, code="account_not_partner")
        self.touch(token)
        # ModelBackend.get_all_permissions() reads this cache instead of querying (per request).
        token.user._perm_cache = set(token.user_permissions.split(",")) if token.user_permissions else set()
        return token.user, token

    def touch(self, token):
        now = timezone.now()
        interval = datetime.timedelta(seconds=settings.API_TOKEN_LAST_USED_INTERVAL)
        if token.last_used is None or now - token.last_used >= interval:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now

    def authenticate_header(self, request):
        return self.keyword
