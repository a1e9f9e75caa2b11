"""The admin side of personal data (jining/personal.py): a ModelAdmin base that shows a model's
``PERSONAL_DATA`` only to users with the permission, and the sidebar filter that hides sensitive rows.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from jining.models import AccessLog
from jining.personal import access_record, may_view_personal_data, personal_data
from jining.security import client_ip

#: ``<prefix><field>`` names the read-only display of a personal field as a user without the
#: permission sees it, in fieldsets and list_display.
MASKED_PREFIX = "masked_"


class RelatedRowsFilter(admin.SimpleListFilter):
    """A sidebar filter on a many-to-many field (``field_name``), by an ``Exists`` subquery: no join,
    so the changelist needs no ``DISTINCT`` (which PostgreSQL cannot apply to its JSON annotations).
    Rows flagged ``flag`` (sensitive) are offered only when ``include_sensitive``; otherwise a URL
    that filters by one is refused (the admin's invalid-filter page). Subclassed per field by
    ``PersonalDataAdminMixin.get_list_filter``; the parameter is the one Django's own filter uses."""

    field_name = ""
    flag = "sensitive"
    include_sensitive = False

    def __init__(self, request, params, model, model_admin):
        self.field = model._meta.get_field(self.field_name)
        self.title = self.field.verbose_name
        self.parameter_name = f"{self.field_name}__id__exact"
        super().__init__(request, params, model, model_admin)

    def rows(self):
        rows = self.field.related_model._default_manager.order_by("pk")
        return rows if self.include_sensitive else rows.filter(**{self.flag: False})

    def lookups(self, request, model_admin):
        return [(str(row.pk), str(row)) for row in self.rows()]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            found = self.rows().filter(pk=value).exists()
        except (ValueError, TypeError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error
        if not found:
            raise IncorrectLookupParameters(f"no {self.field.name} {value!r} to filter by")
        through = self.field.remote_field.through._default_manager.filter(
            **{self.field.m2m_field_name(): OuterRef("pk"), self.field.m2m_reverse_field_name(): value}
        )
        return queryset.filter(Exists(through))


class PersonalDataAdminMixin:
    """A ModelAdmin base that shows the model's ``PERSONAL_DATA`` only to users with the permission.

    Without it: in fieldsets (change, add and history pages) and list_display each personal field is
    replaced by a read-only display of its masked value (so it is not in the form either: such a user
    cannot change it); search fields on personal data (ID card, phone) are dropped and the sidebar
    filters on them removed, a sensitive many-to-many's filter offering the non-sensitive rows only
    (``RelatedRowsFilter``, used with the permission too).
    A no-op for models without personal data. ``jining.history.HistoryAdmin`` includes it, so every
    program model's admin does.
    """

    def personal_data_shown(self, request) -> bool:
        """Whether this request's user sees the model's personal data unmasked (always, for a model
        that holds none; never without a request)."""
        if not personal_data(self.model).fields:
            return True
        return request is not None and may_view_personal_data(request.user)

    def _masked(self, names):
        personal = set(personal_data(self.model).fields)

        def swap(entry):
            if isinstance(entry, list | tuple):
                return tuple(swap(item) for item in entry)
            return MASKED_PREFIX + entry if entry in personal else entry

        return swap(names)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.personal_data_shown(request):
            return fieldsets
        return [
            (title, {**options, "fields": self._masked(options["fields"])}) for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self.personal_data_shown(request):
            return readonly
        return (*readonly, *(MASKED_PREFIX + name for name in personal_data(self.model).fields))

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        return list_display if self.personal_data_shown(request) else self._masked(list_display)

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        declaration = personal_data(self.model)
        if not declaration.fields:
            return list_filter
        shown = self.personal_data_shown(request)
        kept = []
        for entry in list_filter:
            name = entry if isinstance(entry, str) else entry[0] if isinstance(entry, list | tuple) else None
            if name in declaration.sensitive_related:
                attrs = {
                    "field_name": name,
                    "flag": declaration.sensitive_related[name],
                    "include_sensitive": shown,
                }
                kept.append(type(f"{name}_filter", (RelatedRowsFilter,), attrs))
            elif shown or name not in declaration.fields:
                kept.append(entry)
        return kept

    def get_search_fields(self, request):
        search_fields = super().get_search_fields(request)
        if self.personal_data_shown(request):
            return search_fields
        searched = set(personal_data(self.model).searched)
        return tuple(name for name in search_fields if name.lstrip("=^@") not in searched)

    # Each view of unmasked personal data is logged (jining.models.AccessLog).

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log_access(request, response, object_id, AccessLog.Channel.PAGE)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._log_access(request, response, object_id, AccessLog.Channel.HISTORY)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._log_access(request, response, object_id, AccessLog.Channel.HISTORY)
        return response

    def _log_access(self, request, response, object_id, channel):
        declaration = personal_data(self.model)
        if not declaration.fields or request.method != "GET" or response.status_code != 200:
            return
        if not self.personal_data_shown(request):
            return  # masked: nothing personal was seen
        record = self.get_object(request, unquote(object_id))
        if record is None:
            return
        access_record(
            user=request.user,
            channel=channel,
            model=self.model,
            fields=declaration.fields,
            record=record,
            path=request.get_full_path(),
            address=client_ip(request),
        )

    def __getattr__(self, name):
        """``masked_<field>``: the display of a personal field without the permission."""
        if name.startswith(MASKED_PREFIX):
            field_name = name.removeprefix(MASKED_PREFIX)
            model = self.__dict__.get("model")
            if model is not None and field_name in personal_data(model).fields:
                return masked_display(model, field_name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def masked_display(model, field_name):
    """A read-only admin display (a function of the record) of ``field_name`` as shown without the
    permission, labelled with the field's verbose name."""
    declaration = personal_data(model)
    field = model._meta.get_field(field_name)

    def display(obj):
        value = getattr(obj, field_name)
        if field.many_to_many:
            items = declaration.shown(field_name, list(value.all()))
            return "、".join(str(item) for item in items) or "-"
        shown = declaration.shown(field_name, value)
        return "-" if shown in (None, "") else shown

    display.short_description = field.verbose_name
    return display
