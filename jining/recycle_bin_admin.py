"""Deletes in the admin go to the recycle bin (jining/recycle_bin.py), with a reason.

``RecycleBinAdminMixin`` is part of every program model's admin (through ``HistoryAdmin``): the
delete page and the bulk "delete selected" action ask why (``REASON_FIELD``; templates
``admin/jining/delete_confirmation.html`` and ``admin/jining/delete_selected_confirmation.html``,
which also say what to do instead when other records protect them) and refuse to go
on without a reason; the records, with what they carry, become one bin entry; a row removed from an
inline on a change page goes to the bin too, with the page as the reason.
"""

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from jining.recycle_bin import move_to_bin

#: The name of the reason's field on the delete pages.
REASON_FIELD = "bin_reason"


def _reason(request) -> str:
    return request.POST.get(REASON_FIELD, "").strip()


def _no_reason_message(request):
    messages.error(
        request, _("Say why the records are deleted: the reason is kept with them in the recycle bin.")
    )


def _announce(request, entry):
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("Moved to the recycle bin: an editor can restore it there, with everything it carried."),
            reverse("admin:jining_binentry_change", args=[entry.pk]),
            _("Open the recycle bin entry"),
        ),
    )


def delete_selected_to_bin(modeladmin, request, queryset):
    """Django's "delete selected" action (its confirmation page, its checks), with the reason:
    confirming without one shows the page again with a message."""
    if request.POST.get("post") and not _reason(request):
        _no_reason_message(request)
        request.POST = request.POST.copy()
        del request.POST["post"]
    return delete_selected(modeladmin, request, queryset)


class RecycleBinAdminMixin:
    """Deletes of this model's records go to the recycle bin, with who, when and why."""

    delete_confirmation_template = "admin/jining/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/jining/delete_selected_confirmation.html"

    def delete_view(self, request, object_id, extra_context=None):
        # Django deletes on any POST; without the permission, it refuses (403) as it does.
        if request.method == "POST" and self.has_delete_permission(request) and not _reason(request):
            _no_reason_message(request)
            return redirect(request.get_full_path())
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_to_bin, name, description)
        return actions

    def delete_model(self, request, obj):
        _announce(request, move_to_bin([obj], user=request.user, reason=_reason(request)))

    def delete_queryset(self, request, queryset):
        _announce(request, move_to_bin(list(queryset), user=request.user, reason=_reason(request)))

    def save_formset(self, request, form, formset, change):
        """Rows removed from an inline go to the bin (one entry per inline), the rest is saved as
        Django saves it."""
        instances = formset.save(commit=False)
        if formset.deleted_objects:
            reason = _("Removed on the page of “%(record)s”.") % {"record": form.instance}
            _announce(request, move_to_bin(list(formset.deleted_objects), user=request.user, reason=reason))
        for instance in instances:
            instance.save()
        formset.save_m2m()
