"""ModelAdmin mixins for spreadsheet import and export, and their export form.

``SpreadsheetImportExportMixin``: the two-step import (the upload queues a preview job; its page
shows the progress, then the problems or the preview; the confirm queues the write, one
transaction), a downloadable template per import, the export of the filtered changelist.
``SpreadsheetExportMixin``: the export alone, for the changelists nobody imports into.

The export page says how many rows it will export; the file is called after the records and the
day in Shanghai (返乡创业人员-2026-12-02.xlsx), sent with an RFC 6266/5987 ``Content-Disposition``
(``attachment_header``).
"""

import io
import re
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from jining.importing.formats import FORMATS, XLSX, ImportFileError, check_size
from jining.importing.jobs import (
    PREVIEW_KIND,
    confirm_job_of,
    confirm_refusal,
    export_start,
    import_confirm_start,
    import_start,
)
from jining.importing.resources import export_resource_for
from jining.jobs import progress_html
from jining.models import Job, JobFile
from jining.personal import may_view_personal_data

#: What Windows refuses in a file name (and control characters).
FILE_NAME_FORBIDDEN_RE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
#: The export page counts the rows up to this many, and says "more than" beyond.
EXPORT_COUNT_LIMIT = 10_000


def file_stem(text) -> str:
    """``text`` (a model's plural name) as the first part of a file name."""
    return FILE_NAME_FORBIDDEN_RE.sub("", str(text)).strip(" .") or "export"


def attachment_header(filename, fallback=None) -> str:
    """The ``Content-Disposition`` of a download called ``filename`` (RFC 6266): the name as
    ``filename*`` in UTF-8 (RFC 5987), which browsers read, and a plain ASCII ``filename`` for a
    client that does not (``fallback``, by default the ASCII part of the name)."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        pass
    else:
        return content_disposition_header(True, filename)
    if fallback is None:
        stem, dot, extension = filename.rpartition(".")
        if not dot:
            stem, extension = filename, ""
        stem = re.sub(r"[^A-Za-z0-9._-]+", "", stem).strip("-_.")
        fallback = f"{stem or 'download'}{dot}{extension}"
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", fallback)
    return f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(filename, safe='')}"


def export_count_text(count) -> str:
    """What the export page says of the ``count`` rows it will export."""
    if count > EXPORT_COUNT_LIMIT:
        return gettext("More than %(count)s records will be exported.") % {"count": f"{EXPORT_COUNT_LIMIT:,}"}
    return ngettext("%(count)s record will be exported.", "%(count)s records will be exported.", count) % {
        "count": f"{count:,}"
    }


class ExportFieldsForm(SelectableFieldsExportForm):
    """The export form, with each column labelled by its Chinese header, in Chinese throughout."""

    def __init__(self, formats, resources, **kwargs):
        kwargs.setdefault("label_suffix", pgettext_lazy("form label suffix", ":"))
        super().__init__(formats, resources, **kwargs)
        self.fields["resource"].label = gettext_lazy("What to export")

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name

    def _validate_any_field_selected(self, resource):
        if not any(
            value for name, value in self.cleaned_data.items() if name in resource().get_export_order()
        ):
            raise ValidationError(gettext("Select at least one column to export."), code="invalid")


class ExportJobMixin:
    """The export page queues a background job (jining/importing/jobs.py) and sends the clerk to it
    on the jobs page, instead of writing the file in the request."""

    def get_export_filename(self, request, queryset, file_format):
        """返乡创业人员-2026-12-02.xlsx: the records' name in the clerk's language and the day in
        Shanghai (``TIME_ZONE``), not in UTC."""
        name = file_stem(self.model._meta.verbose_name_plural)
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def init_request_context_data(self, request, form):
        """The export page's context, with how many rows the export will write (``export_count``,
        counted up to ``EXPORT_COUNT_LIMIT`` + 1) and the sentence that says so."""
        context = super().init_request_context_data(request, form)
        selected = form["export_items"].value()  # the rows selected on the changelist, if any
        if selected:
            count = len(selected)
        else:  # the changelist's filters and search, as export_start's job reads them
            queryset = self.get_export_queryset(request).order_by()
            count = queryset[: EXPORT_COUNT_LIMIT + 1].count()
        context["export_count"] = count
        context["export_count_text"] = export_count_text(count)
        return context

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        job = export_start(self, request, export_form, file_format)
        messages.success(
            request,
            gettext(
                "The export has started. Follow it here; the file can be downloaded when it is "
                "ready (you may leave this page)."
            ),
        )
        return HttpResponseRedirect(reverse("admin:jining_job_change", args=[job.pk]))


class SpreadsheetExportMixin(ExportJobMixin, ExportMixin):
    """Export of the filtered changelist to .xlsx and CSV (UTF-8 with BOM), for viewers too.

    Without ``resource_classes`` every field is exported, headed by its verbose name.
    """

    export_formats = FORMATS
    export_form_class = ExportFieldsForm

    def get_export_resource_classes(self, request):
        if not getattr(self, "resource_classes", None):
            return [export_resource_for(self.model)]
        return super().get_export_resource_classes(request)


class SpreadsheetImportExportMixin(ExportJobMixin, ImportExportMixin):
    """Import (a preview job, then a confirm job writing in one transaction) and export for a ModelAdmin.

    Import needs the add and the change permission; export needs the view permission, and users
    without the personal-data permission export personal columns masked or not at all
    (``SpreadsheetResource.for_viewers``, jining/personal.py).
    """

    import_formats = FORMATS
    export_formats = FORMATS
    import_template_name = "admin/jining/import.html"
    export_form_class = ExportFieldsForm

    def has_import_permission(self, request):
        """Bureau editors only: an import adds and changes records."""
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def get_export_resource_classes(self, request):
        classes = super().get_export_resource_classes(request)
        if may_view_personal_data(request.user):
            return classes
        return [resource_class.for_viewers() for resource_class in classes]

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_preview_view),
                name="{}_{}_import_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        """An .xlsx with the Chinese header row of the import, and a sheet explaining each column."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        import openpyxl
        from openpyxl.styles import Font

        resource = self.get_import_resource_classes(request)[0]()
        headers, notes = resource.template_rows()
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = gettext("Data")
        sheet.append(headers)
        codes = {field.column_name for field in resource.code_columns()}
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            column = sheet.column_dimensions[cell.column_letter]
            column.width = max(12, len(cell.value) * 3)
            if cell.value in codes:
                column.width = 22
                column.number_format = "@"  # Text: what is typed or pasted below stays as typed
        guide = book.create_sheet(gettext("How to fill in"))
        guide.append([gettext("Column"), gettext("What to write")])
        for header, note in zip(headers, notes, strict=True):
            guide.append([header, note])
        guide.column_dimensions["A"].width = 20
        guide.column_dimensions["B"].width = 80
        content = io.BytesIO()
        book.save(content)
        response = HttpResponse(content.getvalue(), content_type=XLSX.CONTENT_TYPE)
        template = gettext("import template")
        response["Content-Disposition"] = attachment_header(
            f"{file_stem(self.model._meta.verbose_name_plural)}-{template}.xlsx",
            fallback=f"{self.model.__name__}-import-template.xlsx",
        )
        return response

    def get_import_form_class(self, request):
        """The library's import form, refusing a file over ``IMPORT_MAX_BYTES`` before it is read."""
        form_class = super().get_import_form_class(request)

        def clean_import_file(form):
            import_file = form.cleaned_data["import_file"]
            try:
                check_size(import_file.size)
            except ImportFileError as error:
                raise ValidationError(str(error)) from None
            return import_file

        return type(form_class)(
            f"Limited{form_class.__name__}", (form_class,), {"clean_import_file": clean_import_file}
        )

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["template_url"] = reverse(
            "admin:{}_{}_import_template".format(*self.get_model_info()), current_app=self.admin_site.name
        )
        return context

    def import_action(self, request, **kwargs):
        """The upload: stores the file and queues its preview (a job), then shows the preview page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method == "POST" and form.is_valid():
            job = import_start(self, request, form)
            return HttpResponseRedirect(self._import_url("import_preview", job.pk))
        return self._import_page(request, form=form)

    def import_preview_view(self, request, job_id):
        """The preview page of an upload: its progress while the rows are validated, then every
        problem by row and column, or the preview with the confirm button."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = self._preview_job(request, job_id)
        form = None
        if job.state in (Job.State.FAILED, Job.State.CANCELLED):
            form = self.create_import_form(request)
            form.cleaned_data = {}  # an unbound form, given the job's reason as the file's error
            form.add_error("import_file", job.error or str(job.get_state_display()))
        return self._import_page(request, form=form, job=job)

    def process_import(self, request, **kwargs):
        """The confirm: queues the write of what the preview validated, and shows it on the jobs page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self._import_url("import"))
        job = self._preview_job(request, request.POST.get("job"))
        confirm = confirm_refusal(job)
        if confirm:
            messages.error(request, confirm)
            return HttpResponseRedirect(self._import_url("import_preview", job.pk))
        confirm_job = import_confirm_start(self, request, job)
        messages.success(
            request,
            gettext("The import has started. Follow it here (you may leave this page)."),
        )
        return HttpResponseRedirect(reverse("admin:jining_job_change", args=[confirm_job.pk]))

    def _preview_job(self, request, job_id):
        try:
            job = Job.objects.get(pk=int(job_id), kind=PREVIEW_KIND, params__model=self.model._meta.label)
        except (TypeError, ValueError, Job.DoesNotExist):
            raise Http404(gettext("This import does not exist or has expired.")) from None
        if job.user_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        return job

    def _import_url(self, name, *args):
        info = self.get_model_info()
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args, current_app=self.admin_site.name)

    def _import_page(self, request, form=None, job=None):
        context = self.get_import_context_data()
        context.update(self.admin_site.each_context(request))
        context.update(
            title=gettext("Import"),
            opts=self.model._meta,
            form=form if form is not None else (self.create_import_form(request) if job is None else None),
            job=job,
            media=self.media,
        )
        if job is not None:
            context["progress"] = progress_html(job)
            context["problems"] = (
                job.result.get("problems", [])
                if job.state == Job.State.DONE
                else [job.error]
                if job.error
                else []
            )
            context["confirm_refusal"] = confirm_refusal(job)
            context["confirm_job"] = confirm_job_of(job)
            context["rejected_url"] = (
                reverse("admin:jining_job_download", args=[job.pk, JobFile.Role.REJECTED])
                if job.result.get("errors")
                else None
            )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)
