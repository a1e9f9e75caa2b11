"""Personal data, defined once: which fields of a model are personal, and how each is shown to a user
who lacks the permission to see it (``settings.PERSONAL_DATA_PERMISSION``, "查看个人敏感信息").

A model declares its personal fields as ``PERSONAL_DATA = PersonalData(...)``. Every place that shows
records reads that one declaration: the admin's change pages, changelists, search and filters
(``jining.personal_admin.PersonalDataAdminMixin``), history pages (``jining.history``), exports
(``jining.importing.resources``) and the API. A field added to the declaration is masked in all of
them at once; ``tests/test_personal_data.py`` walks every page type per role.

Three kinds of treatment:

- **masked**: shown in part, e.g. an ID-card number ``1509**********1234``, a mobile ``138****8000``,
  a date of birth as its year;
- **hidden**: not shown at all (disability, health, the free-text story);
- **sensitive many-to-many**: related rows flagged sensitive (``SpecialGroup.sensitive``, e.g. 残疾人)
  are left out, the others shown.

Partners never get personal fields (their serializers do not list them); staff get them only with
the permission, which ``bureau_editors`` and superusers hold and ``bureau_viewers`` do not.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

#: What a hidden value reads as.
HIDDEN = _("(hidden: personal data)")


def mask_id_card(value) -> str:
    """``150902198506150075`` → ``1509**********0075``: the region's first four digits and the last
    four, the birth date and sequence starred."""
    value = str(value or "")
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value) -> str:
    """``13800138000`` → ``138****8000``."""
    value = str(value or "")
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def year_only(value):
    """A date as its year (an int), None for none."""
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])  # a date as stored in a history row or a fixture
    return None


@dataclasses.dataclass(frozen=True)
class PersonalData:
    """The personal fields of a model and how each is shown without the permission.

    ``masked``: field name → function of the value; ``hidden``: names shown not at all;
    ``sensitive_related``: many-to-many field name → the related model's boolean field that marks
    a sensitive row (left out); ``searched``: the fields a search may match (ID card, phone), never
    searched without the permission.
    """

    masked: dict[str, Callable] = dataclasses.field(default_factory=dict)
    hidden: tuple[str, ...] = ()
    sensitive_related: dict[str, str] = dataclasses.field(default_factory=dict)
    searched: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Every personal field's name."""
        return (*self.masked, *self.hidden, *self.sensitive_related)

    def shown(self, name, value):
        """``value`` of field ``name`` as a user without the permission sees it (for the m2m fields:
        ``value`` is the related objects; the sensitive ones are left out)."""
        if name in self.masked:
            return self.masked[name](value) if value not in (None, "") else value
        if name in self.hidden:
            return HIDDEN if value not in (None, "") else value
        if name in self.sensitive_related:
            flag = self.sensitive_related[name]
            return [item for item in value if not getattr(item, flag, False)]
        return value


def personal_data(model) -> PersonalData:
    """The model's declaration (an empty one when it holds no personal data)."""
    return getattr(model, "PERSONAL_DATA", None) or PersonalData()


def may_view_personal_data(user) -> bool:
    """Whether ``user`` sees personal data unmasked (partners never: they hold no such permission)."""
    return bool(user and user.is_active and user.has_perm(settings.PERSONAL_DATA_PERMISSION))


def access_record(*, user, channel, model, fields, record=None, rows=None, path="", address=None):
    """Log that ``user`` saw the personal ``fields`` of ``model`` unmasked: of the one ``record``
    (a page) or of ``rows`` records (an export). Nothing is logged for no personal field."""
    from jining.models import AccessLog

    fields = [name for name in personal_data(model).fields if name in set(fields)]
    if not fields:
        return None
    return AccessLog.objects.create(
        user=user,
        username=getattr(user, "username", "") or "",
        channel=channel,
        record_type=model._meta.label_lower,
        record_id=getattr(record, "pk", None),
        record=str(record)[:200] if record is not None else "",
        fields="," + ",".join(fields) + ",",
        rows=rows,
        path=path[:500],
        address=address,
    )
