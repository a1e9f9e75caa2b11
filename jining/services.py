"""Partner API access: partner accounts and their tokens.

Plain keyword-only functions, called alike by ``manage.py create_partner`` and the admin. A token's key
is returned once, by ``token_issue`` and ``token_rotate``; only its SHA-256 hash is stored.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from jining.models import ApiToken, Organisation, User

PARTNER_GROUP = "partners"

KEY_PREFIX = "jn_"
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 8


def token_hash(key: str) -> str:
    """The stored form of a key: hex SHA-256 (the key is 256 random bits, so no salt or stretching)."""
    return hashlib.sha256(key.encode()).hexdigest()


def partner_group_ensure() -> Group:
    """The partners group, with exactly the view permissions of the partner-visible models."""
    group, _created = Group.objects.get_or_create(name=PARTNER_GROUP)
    perms = Permission.objects.none()
    for label in settings.PARTNER_VISIBLE_MODELS:
        app_label, model = label.split(".")
        perms |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model, codename=f"view_{model}"
        )
    group.permissions.set(perms)
    return group


@transaction.atomic
def partner_create(
    *, username: str, email: str = "", organisation: Organisation | None = None
) -> tuple[User, bool]:
    """Create the read-only partner account ``username``, or find it if it exists: ``(user, created)``.

    A partner is not staff, has no usable password (it never logs in to the admin) and is in the
    partners group. An existing staff account is refused rather than turned into a partner.
    """
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Give the partner account a name.")})
    User._meta.get_field("username").run_validators(username)
    group = partner_group_ensure()
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username, email=email, organisation=organisation)
        user.set_unusable_password()
        user.save()
    elif user.is_staff or user.is_superuser:
        raise ValidationError(
            {
                "username": _("“%(username)s” is a staff account, not a partner account.")
                % {"username": username}
            }
        )
    user.groups.add(group)
    return user, created


def token_refusal(user: User, *, in_partner_group: bool | None = None) -> str:
    """Why ``user`` may not hold or use an API token, or ``""`` when it may (a partner account).

    ``in_partner_group`` is the answer when the caller already has it (authentication reads it with
    the token); otherwise it is queried.
    """
    if user.is_staff or user.is_superuser:
        return _(
            "API tokens are for partner accounts only: “%(username)s” is a staff account, which "
            "signs in to the admin instead."
        ) % {"username": user.username}
    if not user.is_active:
        return _("This partner account is disabled.")
    if in_partner_group is None:
        in_partner_group = user.groups.filter(name=PARTNER_GROUP).exists()
    if not in_partner_group:
        return _(
            "API tokens are for partner accounts only: “%(username)s” is not in the partners group "
            "(create it as a partner account first)."
        ) % {"username": user.username}
    return ""


def token_issue(
    *, user: User, label: str = "", expires: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a new token for ``user``: ``(token, key)``. The key is not stored: show it once.

    Tokens belong to partner accounts only (active, not staff, in the partners group): a token would
    let a staff account skip the admin's lockout and session expiry. Anything else is refused.
    """
    problem = token_refusal(user)
    if problem:
        raise ValidationError({"user": problem})
    if expires is None:
        expires = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        label=label,
        prefix=key[:DISPLAY_PREFIX_LENGTH],
        key_hash=token_hash(key),
        expires=expires,
    )
    return token, key


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Disable ``token`` at once; it is kept (disabled) so its history stays visible."""
    if token.enabled:
        token.enabled = False
        token.save(update_fields=["enabled", "updated"])
    return token


@transaction.atomic
def token_rotate(*, token: ApiToken) -> tuple[ApiToken, str]:
    """Revoke ``token`` and issue its successor (same user and label, a fresh lifetime): ``(new, key)``."""
    token_revoke(token=token)
    return token_issue(user=token.user, label=token.label)


# --- Roles (docs/roles-and-history.md) ---
# Group names are stable codes; docs/roles-and-history.md gives their Chinese meaning.

EDITOR_GROUP = "bureau_editors"  # 业务编辑：增删改查、导入
VIEWER_GROUP = "bureau_viewers"  # 只读查看：查看、导出

#: The apps whose models make up the program's records.
#: Models of the program apps (``settings.PROGRAM_APPS``) that are accounts or the access log, not
#: program records: no group gets rights on them here (nor on ``settings.DERIVED_MODELS``); the
#: access log is for superusers only.
ACCOUNT_MODELS = frozenset(
    {"jining.user", "jining.apitoken", "jining.partneraccount", "jining.accesslog", "jining.binentry"}
)
#: What editors may do with the recycle bin (jining/recycle_bin.py): see it and restore from it.
#: Emptying it (deleting an entry for good) is for superusers only.
RECYCLE_BIN_PERMISSIONS = ("jining.view_binentry", "jining.restore_binentry")


def program_model_labels(*, apps=None) -> list[str]:
    """``app_label.model_name`` of every program model (history tables and accounts left out)."""
    if apps is None:
        from django.apps import apps
    labels = []
    skipped = ACCOUNT_MODELS | set(settings.DERIVED_MODELS)
    for app_label in settings.PROGRAM_APPS:
        try:
            app_config = apps.get_app_config(app_label)
        except LookupError:  # an app with no models yet at this point of the migrations
            continue
        for model in app_config.get_models():
            label = f"{app_label}.{model._meta.model_name}"
            if model._meta.model_name.startswith("historical") or label in skipped:
                continue
            labels.append(label)
    return labels


def _group_with_permissions(
    *, apps, name: str, labels: list[str], actions: tuple[str, ...], extra: tuple[str, ...] = ()
):
    """The group ``name`` with exactly the ``actions`` on the models ``labels``, plus the ``extra``
    permissions (``"app_label.codename"``)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _created = group_model.objects.get_or_create(name=name)
    wanted = Q(pk__in=[])
    for permission in extra:
        app_label, codename = permission.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    for label in labels:
        app_label, model = label.split(".")
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.set(permission_model.objects.filter(wanted))
    return group


def roles_sync_in_migration(apps, schema_editor):
    """A migration's ``RunPython``: create the permissions first (``post_migrate`` would create them
    only after every migration), then ``roles_sync`` with the migration's app registry."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps=apps)


def roles_sync(*, apps=None) -> dict:
    """Create or update the three groups with exactly their permissions; safe to run again.

    * ``bureau_editors``: view, add, change and delete every program record; import (the change
      permission, see ``IMPORT_EXPORT_IMPORT_PERMISSION_CODE``); ``import_``/``export_`` permissions
      too if a model defines them; personal data unmasked (``PERSONAL_DATA_PERMISSION``).
    * ``bureau_viewers``: view every program record, personal data masked; export (the view
      permission).
    * ``partners``: view the partner-visible models through the API (``settings.PARTNER_VISIBLE_MODELS``);
      partner accounts are not staff, so they never get into the admin.

    ``apps`` is the app registry of a migration; the live one by default. The permissions must exist
    (``post_migrate`` creates them; the roles migration creates them first).
    """
    if apps is None:
        from django.apps import apps
    labels = program_model_labels(apps=apps)
    return {
        EDITOR_GROUP: _group_with_permissions(
            apps=apps,
            name=EDITOR_GROUP,
            labels=labels,
            actions=("view", "add", "change", "delete", "import", "export"),
            extra=(settings.PERSONAL_DATA_PERMISSION, *RECYCLE_BIN_PERMISSIONS),
        ),
        VIEWER_GROUP: _group_with_permissions(
            apps=apps, name=VIEWER_GROUP, labels=labels, actions=("view", "export")
        ),
        PARTNER_GROUP: _group_with_permissions(
            apps=apps, name=PARTNER_GROUP, labels=settings.PARTNER_VISIBLE_MODELS, actions=("view",)
        ),
    }


def organisation_code(name: str, *, exclude_pk=None) -> str:
    """A code for a new organisation: its name's pinyin initials (中国农业银行 → ``zgnyyh``), or
    ``org`` for a name without Chinese or Latin letters, with ``-2``, ``-3`` … until no other
    organisation has it."""
    initials = "".join(
        syllable[0] for syllable in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default") if syllable
    )
    base = (slugify(initials.lower()) or "org")[:50]
    taken = set(
        Organisation.objects.filter(code__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("code", flat=True)
    )
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}-{number}"
    return code
