"""Merging two records in the admin (jining/merge.py): the action "Merge the two selected records"
and the merge page, which shows both records side by side, lets the editor choose the surviving
value of each field (and which record stays), and says what moves.

``MergeAdminMixin`` goes before ``HistoryAdmin`` in the admins of the models that can be recorded
twice (entrepreneurs, enterprises). Merging needs the change and the delete permission (the other
record goes to the recycle bin); personal data on the page is shown as the user may see it.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jining.merge import MergeRefused, chosen_fields, linked_counts, merge
from jining.personal import personal_data

SURVIVOR, OTHER = "survivor", "other"


class MergeAdminMixin:
    merge_template = "admin/jining/merge.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_merge_permission(request):
            actions["merge_selected"] = self.get_action("merge_selected")
        return actions

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description=gettext_lazy("Merge the two selected records"))
    def merge_selected(self, request, queryset):
        pks = sorted(queryset.values_list("pk", flat=True)[:3])
        if len(pks) != 2:
            self.message_user(request, _("Select exactly two records to merge."), messages.WARNING)
            return None
        return redirect(self.merge_url(*pks))

    def merge_url(self, survivor_pk, other_pk):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_merge", args=[survivor_pk, other_pk])

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:survivor_id>/merge/<int:other_id>/",
                self.admin_site.admin_view(self.merge_view),
                name=f"{opts.app_label}_{opts.model_name}_merge",
            ),
            *super().get_urls(),
        ]

    def _shown(self, request, obj, field):
        value = getattr(obj, field.name)
        if not self.personal_data_shown(request) and field.name in personal_data(self.model).fields:
            value = personal_data(self.model).shown(field.name, value)
            return "-" if value in (None, "") else value
        return display_for_field(value, field, "-")

    def merge_view(self, request, survivor_id, other_id):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        manager = self.model._default_manager
        survivor = manager.filter(pk=survivor_id).first()
        other = manager.filter(pk=other_id).first()
        if survivor is None or other is None:
            raise Http404(_("One of the two records no longer exists (it may be in the recycle bin)."))
        fields = chosen_fields(self.model)
        if request.method == "POST":
            take = [field.name for field in fields if request.POST.get(f"choice_{field.name}") == OTHER]
            try:
                entry = merge(
                    survivor,
                    other,
                    take_from_other=take,
                    user=request.user,
                    reason=request.POST.get("reason", ""),
                )
            except MergeRefused as refusal:
                self.message_user(
                    request, _("The records were not merged: %(why)s") % {"why": refusal}, messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _(
                            "Merged: “%(other)s” went to the recycle bin; everything linked to it "
                            "is now on “%(survivor)s”."
                        )
                        % {"other": other, "survivor": survivor},
                        reverse("admin:jining_binentry_change", args=[entry.pk]),
                        _("Undo: restore the recycle bin entry"),
                    ),
                    messages.SUCCESS,
                )
                opts = self.model._meta
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", survivor.pk)
        rows = []
        for field in fields:
            mine, theirs = self._shown(request, survivor, field), self._shown(request, other, field)
            differ = getattr(survivor, field.attname) != getattr(other, field.attname)
            empty = getattr(survivor, field.attname) in (None, "")
            rows.append(
                {
                    "name": field.name,
                    "label": field.verbose_name,
                    "survivor": mine,
                    "other": theirs,
                    "differ": differ,
                    "take_other": differ and empty,  # an empty value takes the other's by default
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Merge two records"),
            "survivor": survivor,
            "other": other,
            "rows": rows,
            "survivor_links": linked_counts(survivor),
            "other_links": linked_counts(other),
            "swap_url": self.merge_url(other.pk, survivor.pk),
            "survivor_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[survivor.pk]
            ),
            "other_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[other.pk]
            ),
        }
        return TemplateResponse(request, self.merge_template, context)
