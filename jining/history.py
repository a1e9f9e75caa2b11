"""Read-only audit history in the admin, on top of django-simple-history.

Every program model has ``history = HistoricalRecords()``; its ModelAdmin has ``HistoryAdmin`` as a
base, which adds the record's history page (who, when, what changed: each field before and after).
History is never editable: ``SIMPLE_HISTORY_REVERT_DISABLED`` hides the revert button, and a POST to
a historical version's page is refused here (simple-history would otherwise save the old version).
The historical tables themselves are not registered in the admin.
"""

import dataclasses

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.html import conditional_escape
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from jining.concurrency import OptimisticConcurrencyMixin
from jining.personal import HIDDEN, personal_data
from jining.personal_admin import PersonalDataAdminMixin
from jining.recycle_bin_admin import RecycleBinAdminMixin


@receiver(pre_save, dispatch_uid="jining.history.fixture_loads_unrecorded")
def fixture_loads_unrecorded(sender, instance, raw=False, **kwargs):
    """Fixture loads (``loaddata``, raw saves) are not changes by anyone: simple-history skips their
    row saves already; this makes it skip their many-to-many sets as well, so loading is repeatable."""
    if raw:
        instance.skip_history_when_saving = True


#: A value that is empty, on the history page.
EMPTY = _("(empty)")
#: simple-history's column header, which its own Chinese catalogue leaves untranslated.
HISTORY_PAGE_STRINGS = (gettext_noop("Changes"),)

#: Fields left out of the "changes" column: they change on every save and say nothing.
UNINFORMATIVE_FIELDS = frozenset({"updated"})


class ChangesWithoutTimestamps(HistoricalRecordContextHelper):
    """The field-by-field changes of a version, without the ``updated`` timestamp; with
    ``mask_personal_data``, personal fields' values as a user without the permission sees them
    (jining/personal.py; a sensitive many-to-many's change hidden whole)."""

    mask_personal_data = False

    def prepare_delta_change_value(self, change, value):
        """A value as staff read it: a choice's label, 是/否, and “（空）” for nothing (not "None")."""
        value = super().prepare_delta_change_value(change, value)
        if value is None or value == "" or value == []:
            return EMPTY
        model_field = self.model._meta.get_field(change.field)
        if getattr(model_field, "choices", None) and not isinstance(value, list):
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        return value

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field not in UNINFORMATIVE_FIELDS]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        declaration = personal_data(self.model)
        if not self.mask_personal_data or change.field not in declaration.fields:
            return formatted
        if change.field in declaration.masked:
            old, new = (
                conditional_escape(declaration.shown(change.field, value))
                for value in (change.old, change.new)
            )
        else:
            old = new = conditional_escape(HIDDEN)
        return dataclasses.replace(formatted, old=old, new=new)


class HistoryAdmin(
    RecycleBinAdminMixin, PersonalDataAdminMixin, OptimisticConcurrencyMixin, SimpleHistoryAdmin
):
    """A ModelAdmin base with a read-only history page for each record, personal data shown by
    permission (jining.personal_admin), deletes into the recycle bin (jining.recycle_bin_admin), and
    optimistic concurrency: a save is refused if someone else saved the record after the form was
    opened (jining.concurrency)."""

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        """The changes of each version, and no "None" for a version saved without a reason."""
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        for record in historical_records:
            if record.history_change_reason is None:
                record.history_change_reason = ""

    def get_historical_record_context_helper(self, request, historical_record):
        helper = ChangesWithoutTimestamps(self.model, historical_record)
        helper.mask_personal_data = not self.personal_data_shown(request)
        return helper

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
