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
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from jining.concurrency import OptimisticConcurrencyMixin


@receiver(pre_save, dispatch_uid="jining.history.fixture_loads_unrecorded")
def fixture_loads_unrecorded(sender, instance, raw=False, **kwargs):
    """Fixture loads (``loaddata``, raw saves) are not changes by anyone: simple-history skips their
    row saves already; this makes it skip their many-to-many sets as well, so loading is repeatable."""
    if raw:
        instance.skip_history_when_saving = True


#: Fields left out of the "changes" column: they change on every save and say nothing.
UNINFORMATIVE_FIELDS = frozenset({"updated"})


class ChangesWithoutTimestamps(HistoricalRecordContextHelper):
    """The field-by-field changes of a version, without the ``updated`` timestamp."""

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field not in UNINFORMATIVE_FIELDS]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))


class HistoryAdmin(OptimisticConcurrencyMixin, SimpleHistoryAdmin):
    """A ModelAdmin base with a read-only history page for each record, and optimistic concurrency:
    a save is refused if someone else saved the record after the form was opened (jining.concurrency)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangesWithoutTimestamps(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
