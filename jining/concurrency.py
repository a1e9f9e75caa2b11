"""Optimistic concurrency for the admin: the second of two simultaneous edits is refused.

Every program model has ``updated`` (``auto_now``), and the admin's change view saves the record on
every successful POST (``save_model`` runs even when only an inline changed), so ``updated`` is a
version stamp of the record: it changes on each save, to the microsecond, on SQLite and PostgreSQL.

The change form carries, in a hidden field, the ``updated`` the page was rendered with. On POST the
record is locked (``SELECT … FOR UPDATE``, inside the admin's transaction) and read again; if its
``updated`` is no longer the one in the form, someone else saved it meanwhile and the form is
invalid with a clear message: nothing of the second save is written, inlines included (the admin
saves nothing unless the form and every inline formset are valid). The add view is unaffected.

``queryset.update()`` and ``bulk_update()`` bypass ``auto_now``; no program code uses them on program
models (imports save row by row).
"""

from datetime import UTC

from django import forms
from django.utils.translation import gettext_lazy as _

#: Name of the hidden form field (and POST key) that carries the version.
VERSION_FIELD = "concurrency_version"

CONFLICT_MESSAGE = _(
    "This record has been changed by someone else since you opened it, so your changes were not "
    "saved. Please open the record again, then make your changes."
)


#: The same conflict when the record's last save was the user's own, in another tab or window.
OWN_CONFLICT_MESSAGE = _(
    "This record has been saved again since you opened this page, by you (in another tab or window), "
    "so the changes on this page were not saved. Please open the record again, then make your changes."
)


def last_saver_id(obj):
    """The id of the user of the record's latest history row (django-simple-history), or None."""
    history = getattr(obj, "history", None)
    if history is None:
        return None
    latest = history.order_by("-history_date", "-history_id").values_list("history_user_id", flat=True)[:1]
    return next(iter(latest), None)


def version_of(obj, field_name="updated") -> str:
    """The version stamp of ``obj`` as a string: its ``updated`` time in UTC, ISO 8601."""
    value = getattr(obj, field_name, None)
    if value is None:
        return ""
    if getattr(value, "tzinfo", None) is not None:
        value = value.astimezone(UTC)
    return value.isoformat()


def _versioned_form(form_class, version_field_name, user_id=None):
    class VersionedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields[VERSION_FIELD] = forms.CharField(
                required=False,
                widget=forms.HiddenInput,
                initial=version_of(self.instance, version_field_name),
            )

        def clean(self):
            cleaned_data = super().clean()
            posted = (self.data.get(self.add_prefix(VERSION_FIELD)) or "").strip()
            if posted != version_of(self.instance, version_field_name):
                own = user_id is not None and last_saver_id(self.instance) == user_id
                message = OWN_CONFLICT_MESSAGE if own else CONFLICT_MESSAGE
                self.add_error(None, forms.ValidationError(message, code="concurrent_edit"))
            return cleaned_data

    VersionedForm.__name__ = form_class.__name__
    VersionedForm.__qualname__ = form_class.__qualname__
    VersionedForm.__module__ = form_class.__module__
    return VersionedForm


class OptimisticConcurrencyMixin:
    """A ModelAdmin mixin: refuse a change-form save if the record changed since the form was rendered.

    The field is added in the form's ``__init__`` (not a declared field), so it is in no fieldset;
    ``templates/admin/change_form.html`` renders it, hidden, at the top of the form.
    Models without a ``concurrency_version_field`` are left alone.
    """

    concurrency_version_field = "updated"

    def _uses_concurrency(self):
        try:
            self.model._meta.get_field(self.concurrency_version_field)
        except Exception:
            return False
        return True

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST" and self._uses_concurrency():
            # Lock the row until the admin's transaction ends, then read it again: a save that
            # committed while we waited for the lock is seen, and none can commit until we are done.
            manager = type(obj)._base_manager.db_manager(obj._state.db)
            list(manager.select_for_update().filter(pk=obj.pk).values_list("pk"))
            obj.refresh_from_db()
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.pk is not None and self._uses_concurrency():
            form = _versioned_form(form, self.concurrency_version_field, request.user.pk)
        return form
