"""Admin for the shared models (users, organisations, the programme, partner accounts and their tokens)
and the building blocks every app's admin uses.

The admin is the bureau staff's product: Chinese labels come from the translations in ``locale/``,
counts come from queryset annotations (never one query per row).
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, Max, OuterRef
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy
from django_tasks_db.models import DBTaskResult

from jining import jobs
from jining.aggregates import SubqueryCount, count_of
from jining.history import HistoryAdmin
from jining.importing.admin import SpreadsheetExportMixin, attachment_header
from jining.models import (
    AccessLog,
    ApiToken,
    BinEntry,
    Job,
    JobFile,
    Organisation,
    PartnerAccount,
    Programme,
    User,
)
from jining.personal import personal_data
from jining.recycle_bin import RestoreRefused, restore, rows_name
from jining.services import (
    PARTNER_GROUP,
    organisation_code,
    partner_create,
    token_issue,
    token_revoke,
    token_rotate,
)

# Strings of Django 5.2's admin and auth that its own zh_Hans catalogue lacks (screen-reader headers
# of the index, the add-user hint, the password-length message). Marked here so that makemessages
# keeps them in locale/zh_Hans and staff do not meet English in the admin.
DJANGO_CATALOGUE_GAPS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)

RECORD_FIELDSET = (_("Record"), {"fields": ("created", "updated"), "classes": ("collapse",)})
PROVENANCE_FIELDSET = (_("Provenance"), {"fields": ("source", "source_quote")})


class JoinedInline(admin.TabularInline):
    """A tabular inline whose row captions (``__str__``) follow foreign keys: join them in one query."""

    select_related: tuple[str, ...] = ()
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "organisation", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "organisation", "groups")
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    date_hierarchy = "date_joined"
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],
        (_("Organisation"), {"fields": ("organisation",)}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Organisation"), {"classes": ("wide",), "fields": ("organisation", "email")}),
    )


class OrganisationForm(forms.ModelForm):
    """The organisation form: the code may be left empty (as in the "+" popup of a bank or
    provider), and is then made from the name's pinyin initials, unique (``organisation_code``)."""

    class Meta:
        model = Organisation
        fields = ["code", "name"]  # and the others of the admin's fieldsets
        help_texts = {"code": _("Stable short key, e.g. jnq-ldjyj. Left empty, it is made from the name.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("code") and cleaned_data.get("name"):
            cleaned_data["code"] = organisation_code(cleaned_data["name"], exclude_pk=self.instance.pk)
            self.instance.code = cleaned_data["code"]
        elif not cleaned_data.get("code") and "code" not in self.errors:
            self.add_error("code", forms.ValidationError(_("Give a code or a name to make it from.")))
        return cleaned_data


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetExportMixin, HistoryAdmin):
    form = OrganisationForm
    list_display = ("name", "code", "kind", "parent", "head_name", "user_count")
    list_filter = ("kind", "serves_sensitive_group")
    search_fields = ("name", "name_en", "code", "head_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "kind", "parent", "serves_sensitive_group")}),
        (_("Head"), {"fields": ("head_name", "head_title")}),
        (_("Notes"), {"fields": ("notes",)}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=count_of(User, "organisation"))

    @admin.display(description=_("users"), ordering="user_count")
    def user_count(self, obj):
        return obj.user_count


@admin.register(Programme)
class ProgrammeAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("name", "area", "designated_year", "run_by", "designating_body_count", "source")
    list_filter = ("designated_year", "area")
    search_fields = ("name", "name_en", "code", "area", "run_by__name")
    list_select_related = ("run_by", "source")
    autocomplete_fields = ("run_by", "designated_by", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "area")}),
        (
            _("Designation"),
            {"fields": ("designated_year", "designated_by", "designating_body_count")},
        ),
        (_("How it is run"), {"fields": ("run_by", "special_group_approach", "description")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )


# --- Partner API access ---
# Staff create partner accounts and issue, revoke and rotate their API tokens here; the same
# services back `manage.py create_partner`. A token's key is shown once, in the admin message after
# it is issued; only its hash is stored, and the admin never shows the hash.


def show_new_key(request, token, key):
    """The only time a key is shown: a message to the staff member who issued it."""
    messages.warning(
        request,
        format_html(
            "{} <code style='user-select:all'>{}</code><br>{}",
            _("New API token for “%(user)s” (%(label)s):")
            % {"user": token.user, "label": token.label or "-"},
            key,
            _(
                "Copy it now and send it to the partner securely: it is shown only this once. "
                "The partner sends it as “Authorization: Token <key>”."
            ),
        ),
    )


class ApiTokenStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("usable", _("usable")),
            ("expired", _("expired")),
            ("revoked", _("revoked")),
            ("account_disabled", _("account disabled")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "usable":
            return queryset.filter(enabled=True, expires__gt=now, user__is_active=True)
        if self.value() == "expired":
            return queryset.filter(expires__lte=now)
        if self.value() == "revoked":
            return queryset.filter(enabled=False)
        if self.value() == "account_disabled":
            return queryset.filter(user__is_active=False)
        return queryset


def token_status(token) -> str:
    if not token.enabled:
        return _("revoked")
    if token.is_expired:
        return _("expired")
    if not token.user.is_active:
        return _("account disabled")
    return _("usable")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Partner API tokens: prefix, label, expiry, enabled flag and last use; never the key or its hash."""

    list_display = ("prefix_display", "label", "user", "status", "expires", "last_used", "created")
    list_display_links = ("prefix_display", "label")
    list_filter = (ApiTokenStatusFilter, "enabled")
    search_fields = ("prefix", "label", "user__username", "user__organisation__name")
    list_select_related = ("user",)
    date_hierarchy = "created"
    readonly_fields = ("prefix_display", "status", "last_used", "created", "updated")
    actions = ["revoke_tokens", "rotate_tokens"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "label", "expires")
        return (
            "prefix_display",
            "user",
            "label",
            "status",
            "enabled",
            "expires",
            "last_used",
            "created",
            "updated",
        )

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "user") if obj else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["expires"].required = False
            form.base_fields["expires"].help_text = _(
                "Leave empty for the default lifetime (%(days)s days)."
            ) % {"days": settings.API_TOKEN_LIFETIME_DAYS}
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                is_staff=False, is_superuser=False, is_active=True
            ).order_by("username")
            kwargs["help_text"] = _("A partner account (create one under “Partner accounts”).")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        partner_create(username=obj.user.username)  # makes sure the account can read
        token, key = token_issue(user=obj.user, label=obj.label, expires=obj.expires)
        for field in ApiToken._meta.concrete_fields:  # the admin goes on with the issued token
            setattr(obj, field.attname, getattr(token, field.attname))
        show_new_key(request, token, key)

    @admin.display(description=_("prefix"), ordering="prefix")
    def prefix_display(self, obj):
        return f"{obj.prefix}…" if obj.prefix else "-"

    @admin.display(description=_("status"))
    def status(self, obj):
        return token_status(obj)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        tokens = list(queryset.filter(enabled=True))
        for token in tokens:
            token_revoke(token=token)
        self.message_user(
            request, _("Revoked %(count)d token(s).") % {"count": len(tokens)}, messages.SUCCESS
        )

    @admin.action(
        description=_("Rotate the selected tokens (revoke, and issue a successor)"), permissions=["change"]
    )
    def rotate_tokens(self, request, queryset):
        for token in queryset.select_related("user"):
            new, key = token_rotate(token=token)
            show_new_key(request, new, key)


class ApiTokenInline(admin.TabularInline):
    """A partner's tokens, read-only: issue, revoke and rotate with the actions."""

    model = ApiToken
    fields = ("prefix_display", "label", "enabled", "expires", "last_used", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("prefix"))
    def prefix_display(self, obj):
        return f"{obj.prefix}…"


@admin.register(PartnerAccount)
class PartnerAccountAdmin(admin.ModelAdmin):
    """API accounts of partners (banks, incubators, agencies): the users who are not staff. Creating one
    or issuing it a token puts it in the partners group (read access); deactivating an account disables
    all its tokens at once."""

    list_display = (
        "username",
        "organisation",
        "is_active",
        "can_read",
        "token_count",
        "tokens_last_used",
        "date_joined",
    )
    list_filter = ("is_active", "organisation")
    search_fields = ("username", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    date_hierarchy = "date_joined"
    inlines = [ApiTokenInline]
    actions = ["issue_tokens", "deactivate_partners", "activate_partners"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(is_staff=False, is_superuser=False)
            .annotate(
                token_count=SubqueryCount(ApiToken.objects.filter(user=OuterRef("pk"), enabled=True)),
                tokens_last_used=Max("api_tokens__last_used"),
                can_read=Exists(
                    User.groups.through.objects.filter(user=OuterRef("pk"), group__name=PARTNER_GROUP)
                ),
            )
        )

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("username", "email", "organisation")
        return ("username", "email", "organisation", "is_active", "date_joined", "last_login")

    def get_readonly_fields(self, request, obj=None):
        return ("username", "date_joined", "last_login") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        user, _created = partner_create(username=obj.username, email=obj.email, organisation=obj.organisation)
        obj.pk = user.pk
        token, key = token_issue(user=user, label=str(_("issued in the admin")))
        show_new_key(request, token, key)

    @admin.display(description=_("read access (partners group)"), boolean=True, ordering="can_read")
    def can_read(self, obj):
        return obj.can_read

    @admin.display(description=_("enabled tokens"), ordering="token_count")
    def token_count(self, obj):
        return obj.token_count

    @admin.display(description=_("tokens last used"), ordering="tokens_last_used")
    def tokens_last_used(self, obj):
        return obj.tokens_last_used or "-"

    @admin.action(description=_("Issue a new token to the selected partners"), permissions=["change"])
    def issue_tokens(self, request, queryset):
        for user in queryset:
            try:
                partner_create(username=user.username)  # makes sure the account can read
                token, key = token_issue(user=user, label=str(_("issued in the admin")))
            except ValidationError as error:  # a disabled account
                self.message_user(request, f"{user.username}: {'; '.join(error.messages)}", messages.ERROR)
                continue
            show_new_key(request, token, key)

    @admin.action(
        description=_("Deactivate the selected partners (all their tokens stop working)"),
        permissions=["change"],
    )
    def deactivate_partners(self, request, queryset):
        count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(
            request, _("Deactivated %(count)d partner(s).") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Reactivate the selected partners"), permissions=["change"])
    def activate_partners(self, request, queryset):
        count = queryset.filter(is_active=False).update(is_active=True)
        self.message_user(
            request, _("Reactivated %(count)d partner(s).") % {"count": count}, messages.SUCCESS
        )


# The queue's own rows (django-tasks-db) stay out of the admin: the jobs page shows the work.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The jobs page (任务): a user's imports, exports and recomputations, with their progress,
    result and files. Staff see their own jobs, superusers everyone's. Read only: jobs are
    started where the work is (an import or export page) and cancelled here."""

    list_display = ("title", "state_badge", "progress", "result_summary", "downloads", "user", "created")
    list_display_links = ("title",)
    list_select_related = ("user",)
    list_filter = ("state", "kind")
    search_fields = ("title",)
    list_per_page = 50
    fields = (
        "title",
        "state_badge",
        "progress",
        "result_summary",
        "error",
        "downloads",
        "user",
        "created",
        "started",
        "finished",
    )
    readonly_fields = fields

    class Media:
        js = ("jining/jobs.js",)
        css = {"all": ("jining/jobs.css",)}

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # job files expire after JOB_FILE_RETENTION_DAYS, jobs after JOB_HISTORY_DAYS

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user").prefetch_related("files")
        return jobs.jobs_visible_to(request.user, queryset)

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return [name for name in self.list_display if name != "user"]

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, job):
        return format_html(
            '<span class="job-state job-state-{}">{}</span>', job.state, job.get_state_display()
        )

    @admin.display(description=_("progress"))
    def progress(self, job):
        return jobs.progress_html(job)

    @admin.display(description=_("result"))
    def result_summary(self, job):
        labels = {
            "new": _("new"),
            "updated": _("updated"),
            "unchanged": _("unchanged"),
            "errors": _("rows with errors"),
            "rows": _("rows"),
        }
        parts = [
            f"{labels.get(key, key)} {value:,}" for key, value in job.result.items() if isinstance(value, int)
        ]
        return "，".join(str(part) for part in parts) or "-"

    @admin.display(description=_("files"))
    def downloads(self, job):
        links = [
            format_html(
                '<a href="{}">{}</a>（{}）',
                reverse("admin:jining_job_download", args=[job.pk, job_file.role]),
                job_file.get_role_display(),
                job_file.name,
            )
            for job_file in job.files.all()
            if job_file.complete and job_file.role != JobFile.Role.INPUT
        ]
        return mark_safe("<br>".join(links)) or "-"  # each link escaped by format_html

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="jining_job_status",
            ),
            path(
                "<path:object_id>/download/<str:role>/",
                self.admin_site.admin_view(self.download_view),
                name="jining_job_download",
            ),
            path(
                "<path:object_id>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="jining_job_cancel",
            ),
        ]
        return urls + super().get_urls()

    def _job(self, request, object_id):
        job = Job.objects.filter(pk=object_id).first()
        if job is None:
            raise Http404
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return job

    def status_view(self, request, object_id):
        return JsonResponse(jobs.job_progress(self._job(request, object_id)))

    def download_view(self, request, object_id, role):
        job = self._job(request, object_id)
        job_file = (
            JobFile.objects.filter(job=job, role=role, complete=True).exclude(role=JobFile.Role.INPUT).first()
        )
        if job_file is None:
            raise Http404(_("This file does not exist or has expired."))
        response = StreamingHttpResponse(jobs.file_chunks(job_file), content_type=job_file.content_type)
        response["Content-Disposition"] = attachment_header(job_file.name)
        response["Content-Length"] = str(job_file.size)
        return response

    def cancel_view(self, request, object_id):
        job = self._job(request, object_id)
        if request.method != "POST":
            return redirect("admin:jining_job_change", job.pk)
        if job.is_finished:
            self.message_user(request, _("The job has already ended."), messages.WARNING)
        else:
            jobs.job_cancel(job)
            self.message_user(
                request,
                _("Cancelled. Work already written in one step is undone; nothing is half-written."),
                messages.SUCCESS,
            )
        return redirect("admin:jining_job_change", job.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        job = self.get_object(request, object_id)
        if job is not None and not job.is_finished:
            extra_context["cancel_url"] = reverse("admin:jining_job_cancel", args=[job.pk])
        if job is not None and job.kind == "import-preview" and job.state == Job.State.DONE:
            opts = apps.get_model(job.params["model"])._meta
            extra_context["preview_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_import_preview", args=[job.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)


def personal_field_choices():
    """(name, label) of every personal field of every model (jining/personal.py), for the log's filter."""
    choices = {}
    for model in apps.get_models():
        for name in personal_data(model).fields:
            choices.setdefault(name, f"{model._meta.get_field(name).verbose_name}")
    return list(choices.items())


class AccessLogFieldFilter(admin.SimpleListFilter):
    """Entries that include one personal field (e.g. the ID-card number)."""

    title = _("fields")
    parameter_name = "field"

    def lookups(self, request, model_admin):
        return personal_field_choices()

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in dict(personal_field_choices()):
            raise IncorrectLookupParameters(value)
        return queryset.filter(fields__contains=f",{value},")


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who saw whose personal data unmasked (jining.models.AccessLog): superusers only, read-only.
    Search a person's name, filter the field and the year: "who looked at 张智杰's ID number this year?"."""

    list_display = ("when", "username", "channel", "record_link", "fields_display", "rows", "address")
    list_filter = ("channel", AccessLogFieldFilter, "record_type")
    search_fields = ("record", "username", "path")
    date_hierarchy = "when"
    list_select_related = ()
    fields = (
        "when",
        "username",
        "channel",
        "record_type",
        "record_id",
        "record",
        "fields_display",
        "rows",
        "path",
        "address",
    )
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("record"), ordering="record")
    def record_link(self, obj):
        if obj.record_id is None:
            return obj.record or "-"
        app_label, model_name = obj.record_type.split(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.record_id])
        except NoReverseMatch:
            return obj.record
        return format_html('<a href="{}">{}</a>', url, obj.record)

    @admin.display(description=_("fields"))
    def fields_display(self, obj):
        labels = dict(personal_field_choices())
        return "、".join(str(labels.get(name, name)) for name in obj.fields.strip(",").split(",") if name)


class BinEntryStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("in_bin", _("in the bin")), ("restored", _("restored")))

    def queryset(self, request, queryset):
        if self.value() == "in_bin":
            return queryset.filter(restored_at__isnull=True)
        if self.value() == "restored":
            return queryset.filter(restored_at__isnull=False)
        return queryset


@admin.register(BinEntry)
class BinEntryAdmin(admin.ModelAdmin):
    """The recycle bin (回收站, jining/recycle_bin.py): what was deleted or merged away, by whom, when
    and why. Editors restore entries (the action, or the button on an entry's page); nobody edits
    them; only a superuser deletes an entry for good ("empty")."""

    list_display = (
        "record",
        "record_type_display",
        "kind",
        "contents_display",
        "reason",
        "deleted_by_name",
        "deleted_at",
        "state",
    )
    list_filter = (BinEntryStateFilter, "kind", "record_type")
    search_fields = ("record", "reason", "deleted_by_name")
    date_hierarchy = "deleted_at"
    actions = ("restore_selected",)
    fields = (
        "record",
        "record_type_display",
        "kind",
        "record_count",
        "contents_display",
        "reason",
        "deleted_by_name",
        "deleted_at",
        "state",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload").select_related("restored_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_restore_permission(self, request, obj=None):
        return request.user.has_perm("jining.restore_binentry")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            function, name, _description = actions["delete_selected"]
            actions["delete_selected"] = (function, name, _("Empty: delete the selected entries for good"))
        return actions

    @admin.display(description=_("kind of record"), ordering="record_type")
    def record_type_display(self, obj):
        return rows_name(obj.record_type)

    @admin.display(description=_("contents"))
    def contents_display(self, obj):
        return "；".join(f"{rows_name(label)} {count}" for label, count in obj.contents.items())

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.restored_at is None:
            return _("in the bin")
        who = obj.restored_by.username if obj.restored_by else "-"
        return _("restored %(when)s by %(user)s") % {
            "when": timezone.localtime(obj.restored_at).strftime("%Y-%m-%d %H:%M"),
            "user": who,
        }

    @admin.action(permissions=["restore"], description=_("Restore the selected entries"))
    def restore_selected(self, request, queryset):
        for entry in queryset.filter(restored_at__isnull=True).order_by("-deleted_at", "-id"):
            self._restore(request, entry)

    def _restore(self, request, entry):
        try:
            count = restore(entry, user=request.user)
        except RestoreRefused as refusal:
            self.message_user(request, f"{entry.record}: {refusal}", messages.ERROR)
            return False
        self.message_user(
            request,
            _("Restored “%(record)s”: %(count)d rows are back as they were.")
            % {"record": entry.record, "count": count},
            messages.SUCCESS,
        )
        return True

    def get_urls(self):
        return [
            path(
                "<int:entry_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="jining_binentry_restore",
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request, entry_id):
        """The restore button of an entry's page (a POST)."""
        if request.method != "POST":
            return redirect("admin:jining_binentry_change", entry_id)
        if not self.has_restore_permission(request):
            raise PermissionDenied
        entry = BinEntry.objects.filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        if entry.restored:
            self.message_user(request, _("This entry has been restored already."), messages.WARNING)
        else:
            self._restore(request, entry)
        return redirect("admin:jining_binentry_change", entry_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_restore": self.has_restore_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)
