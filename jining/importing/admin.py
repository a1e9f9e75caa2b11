"""ModelAdmin mixins for spreadsheet import and export, and their export form.

``SpreadsheetImportExportMixin``: the two-step import (preview, then confirm in one transaction),
a downloadable template per import, the export of the filtered changelist.
``SpreadsheetExportMixin``: the export alone, for the changelists nobody imports into.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from jining.importing.formats import FORMATS, XLSX, ImportFileError, check_size
from jining.importing.jobs import export_start
from jining.importing.resources import export_resource_for, row_problems


class ExportFieldsForm(SelectableFieldsExportForm):
    """The export form, with each column labelled by its Chinese header."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class ExportJobMixin:
    """The export page queues a background job (jining/importing/jobs.py) and sends the clerk to it
    on the jobs page, instead of writing the file in the request."""

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
    """Import (preview, then confirm in one transaction) and export for a ModelAdmin.

    Import needs the add and the change permission; export needs the view permission, and users
    without the change permission export without the personal columns (ID-card number, phone).
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
        if self.has_change_permission(request):
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
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) * 3)
        guide = book.create_sheet(gettext("How to fill in"))
        guide.append([gettext("Column"), gettext("What to write")])
        for header, note in zip(headers, notes, strict=True):
            guide.append([header, note])
        guide.column_dimensions["A"].width = 20
        guide.column_dimensions["B"].width = 80
        content = io.BytesIO()
        book.save(content)
        response = HttpResponse(content.getvalue(), content_type=XLSX.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.model.__name__}-import-template.xlsx"'
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
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None:
            response.context_data["problems"] = row_problems(result)
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                gettext("The file could not be read. Check that the format chosen matches the file."),
            )

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True  # a confirm that fails writes nothing
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = row_problems(result)
            messages.error(
                request,
                gettext("Nothing was imported: %(problems)s") % {"problems": " ".join(problems[:5])},
            )
            return HttpResponseRedirect(
                reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)
            )
        return super().process_result(result, request)
