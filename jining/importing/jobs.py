"""Imports and exports run as background jobs (``jining.jobs``): the export page queues one and
sends the clerk to the jobs page (任务), where the file waits for download.

The job keeps what the clerk chose (the model, the changelist's filters and search, the selected
rows, the export form's data) and the worker rebuilds the same export as the clerk's own request
would: the ModelAdmin's queryset, permissions and resource (without personal columns for users
without the change permission), and writes it streamed, chunk by chunk (``streaming.write_export``,
the same file as the library's export), reporting the rows written as progress.

An import is two jobs. The upload queues the preview (``import_preview_task``): it reads the file,
validates every row once in bulk (``jining.importing.bulk``) and keeps the result (the plan, a file
of the job), with the rejected rows as an xlsx with a problems column. The clerk's confirm queues
``import_confirm_task``, which writes what the preview validated in one transaction, refusing if
the records changed since.
"""

from contextlib import nullcontext

from django.apps import apps
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.test.client import RequestFactory
from django.utils.translation import gettext as _
from django.utils.translation import override

from jining.importing import bulk
from jining.importing.cells import cell_text, neutralise
from jining.importing.formats import XLSX, ImportFileError
from jining.importing.streaming import write_export
from jining.jobs import JobError, job_start, job_task, read_file
from jining.models import AccessLog, Job, JobFile
from jining.personal import access_record
from jining.security import client_ip


def export_start(model_admin, request, export_form, file_format):
    """Queue the export that ``export_form`` describes; returns the job."""
    pks = None
    if "export_items" in export_form.changed_data:
        pks = [str(pk) for pk in export_form.cleaned_data["export_items"]]
    form_data = {
        key: request.POST.getlist(key)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", "export_items")
    }
    opts = model_admin.model._meta
    return job_start(
        export_task,
        user=request.user,
        kind="export",
        title=_("Export: %(records)s (%(format)s)")
        % {"records": opts.verbose_name_plural, "format": file_format.get_title()},
        params={
            "model": opts.label,
            "query": request.GET.urlencode(),
            "form": form_data,
            "pks": pks,
            "language": getattr(request, "LANGUAGE_CODE", None),
            "path": request.get_full_path(),
            "address": client_ip(request),
        },
    )


def _request_for(job):
    """A GET request as the clerk's, with the changelist's filters, for the ModelAdmin's methods."""
    request = RequestFactory().get("/", QueryDict(job.params.get("query", "")))
    request.user = job.user
    return request


@job_task()
def export_task(run):
    job = run.job
    params = job.params
    if job.user is None or not (job.user.is_active and job.user.is_staff):
        raise JobError(_("The user who started this export may no longer export."))
    model = apps.get_model(params["model"])
    model_admin = admin.site._registry[model]
    request = _request_for(job)
    language = params.get("language")
    with override(language) if language else nullcontext():
        if not (model_admin.has_export_permission(request) and model_admin.has_view_permission(request)):
            raise JobError(_("You no longer have the permission to export these records."))
        formats = model_admin.get_export_formats()
        form_data = QueryDict(mutable=True)
        for key, values in params["form"].items():
            form_data.setlist(key, values)
        form = model_admin.get_export_form_class()(
            formats, model_admin.get_export_resource_classes(request), data=form_data
        )
        if not form.is_valid():
            raise JobError(
                _("The export's choices are no longer valid: %(errors)s") % {"errors": form.errors}
            )
        file_format = formats[int(form.cleaned_data["format"])]()
        queryset = model_admin.get_export_queryset(request)
        if params.get("pks") is not None:
            queryset = queryset.filter(pk__in=params["pks"])
        total = queryset.count()
        run.progress(0, total, stage=_("writing the file"))
        resource = model_admin.choose_export_resource_class(form, request)(
            **model_admin.get_export_resource_kwargs(request, export_form=form)
        )
        name = model_admin.get_export_filename(request, queryset, file_format)
        with run.output(JobFile.Role.OUTPUT, name, file_format.get_content_type()) as stream:
            written = write_export(
                resource,
                queryset,
                file_format.get_extension(),
                stream,
                export_fields=model_admin.get_export_resource_fields_from_form(form),
                progress=run.progress,
            )
        if resource.include_personal:  # unmasked: the access log says who exported whose data
            exported = resource.get_export_fields(model_admin.get_export_resource_fields_from_form(form))
            access_record(
                user=job.user,
                channel=AccessLog.Channel.EXPORT,
                model=model,
                fields=[field.attribute for field in exported],
                rows=written,
                path=params.get("path", ""),
                address=params.get("address"),
            )
    return {"rows": written}


# --- Imports: the preview validates every row once (a job), the confirm writes what it validated ---


def import_start(model_admin, request, import_form):
    """Queue the preview of the file ``import_form`` uploaded; returns the job. The request only
    stores the file (its size was checked by the form)."""
    import_file = import_form.cleaned_data["import_file"]
    data = b"".join(import_file.chunks())
    opts = model_admin.model._meta
    return job_start(
        import_preview_task,
        user=request.user,
        kind=PREVIEW_KIND,
        title=_("Import preview: %(records)s (%(file)s)")
        % {"records": opts.verbose_name_plural, "file": import_file.name},
        params={
            "model": opts.label,
            "format": int(import_form.cleaned_data["format"]),
            "resource": int(import_form.cleaned_data.get("resource") or 0),
            "file_name": import_file.name,
            "language": getattr(request, "LANGUAGE_CODE", None),
        },
        files=[(JobFile.Role.INPUT, import_file.name, import_file.content_type or "", data)],
    )


def import_confirm_start(model_admin, request, preview):
    opts = model_admin.model._meta
    return job_start(
        import_confirm_task,
        user=request.user,
        kind=CONFIRM_KIND,
        title=_("Import: %(records)s (%(file)s)")
        % {"records": opts.verbose_name_plural, "file": preview.params.get("file_name", "")},
        params={
            "model": opts.label,
            "preview": preview.pk,
            "resource": preview.params.get("resource", 0),
            "language": getattr(request, "LANGUAGE_CODE", None),
        },
    )


PREVIEW_KIND, CONFIRM_KIND = "import-preview", "import"


def _import_admin(job):
    """The ModelAdmin of the job's model and a request as the job's user's; refuses a user who may
    no longer import."""
    model_admin = admin.site._registry[apps.get_model(job.params["model"])]
    request = _request_for(job)
    if job.user is None or not (job.user.is_active and model_admin.has_import_permission(request)):
        raise JobError(_("You no longer have the permission to import these records."))
    return model_admin, request


def _language(job):
    language = job.params.get("language")
    return override(language) if language else nullcontext()


@job_task()
def import_preview_task(run):
    job = run.job
    with _language(job):
        model_admin, request = _import_admin(job)
        file_format = model_admin.get_import_formats()[job.params["format"]]()
        run.progress(0, stage=_("reading the file"))
        try:
            dataset = file_format.create_dataset(run.read_input())
        except ImportFileError as error:
            raise JobError(str(error)) from None
        except Exception:
            raise JobError(
                _("The file could not be read. Check that the format chosen matches the file.")
            ) from None
        if not len(dataset):
            raise JobError(_("The file has no rows to import below its header row."))
        resource = model_admin.get_import_resource_classes(request)[job.params["resource"]]()
        try:
            plan = bulk.validate(resource, dataset, progress=run.progress)
        except ImportFileError as error:
            raise JobError(str(error)) from None
        with run.output(JobFile.Role.PLAN, "plan.json.gz", "application/gzip") as stream:
            stream.write(plan.dumps())
        counts = plan.counts()
        if counts["errors"]:
            name = f"{job.params['file_name'].rsplit('.', 1)[0]}-{_('rejected rows')}.xlsx"
            with run.output(JobFile.Role.REJECTED, name, XLSX.CONTENT_TYPE) as stream:
                write_rejected(stream, dataset, plan)
    return {
        **counts,
        "headers": plan.headers,
        "problems": plan.problems()[: bulk.PROBLEM_LINES],
        "warnings": plan.warnings()[: bulk.PROBLEM_LINES],
        "preview": preview_rows(dataset, plan),
    }


def preview_rows(dataset, plan):
    """The first rows of the preview page: row number, what happens, the cells, the changed columns."""
    rows = []
    for cells, row in zip(dataset, plan.rows, strict=True):
        if len(rows) == bulk.PREVIEW_ROWS:
            break
        rows.append(
            {
                "row": row.number,
                "action": row.action,
                "cells": [cell_text(cell)[:200] for cell in cells],
                "changed": row.changed,
            }
        )
    return rows


def write_rejected(stream, dataset, plan):
    """The rows with problems, as they were, with the row number first and the problems last: the
    clerk corrects them here and imports this file (the two extra columns are ignored)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("rejected rows"))
    sheet.append([_("Row"), *plan.headers, _("Problems")])
    for cells, row in zip(dataset, plan.rows, strict=True):
        if row.action == bulk.ERROR:
            sheet.append([row.number, *(neutralise(cell) for cell in cells), "\n".join(row.errors)])
    book.save(stream)


@job_task()
def import_confirm_task(run):
    job = run.job
    with _language(job):
        model_admin, request = _import_admin(job)
        preview = Job.objects.filter(pk=job.params["preview"], user=job.user, kind=PREVIEW_KIND).first()
        if preview is None or preview.state != Job.State.DONE:
            raise JobError(_("The preview of this import is gone: upload the file again."))
        try:
            plan = bulk.Plan.loads(read_file(preview, JobFile.Role.PLAN))
        except JobFile.DoesNotExist:
            raise JobError(_("The preview of this import has expired: upload the file again.")) from None
        if plan.counts()["errors"]:
            raise JobError(_("The preview found problems: correct the file and upload it again."))
        resource = model_admin.get_import_resource_classes(request)[job.params["resource"]]()
        reason = _("Spreadsheet import (job %(job)s)") % {"job": job.pk}
        try:
            with transaction.atomic():
                return bulk.write(plan, resource, user=job.user, reason=reason, progress=run.progress)
        except bulk.ImportConflict as error:
            raise JobError(str(error)) from None
        except IntegrityError:
            raise JobError(
                _(
                    "Nothing was imported: a record this file refers to was changed or deleted since "
                    "the preview. Upload the file again to preview it anew."
                )
            ) from None


def confirm_job_of(preview):
    """The confirm job started from ``preview`` that has not failed, if any."""
    return (
        Job.objects.filter(kind=CONFIRM_KIND, params__preview=preview.pk)
        .exclude(state__in=(Job.State.FAILED, Job.State.CANCELLED))
        .first()
    )


def confirm_refusal(preview):
    """Why ``preview`` cannot be confirmed (a message), or "" when it can."""
    if preview.state != Job.State.DONE:
        return (
            _("The preview has not finished.")
            if not preview.is_finished
            else _("The preview did not finish.")
        )
    if preview.result.get("errors"):
        return _("The preview found problems: correct the file and upload it again.")
    if not (preview.result.get("new") or preview.result.get("updated")):
        return _("Every row is already on record as it is: there is nothing to import.")
    if confirm_job_of(preview):
        return _("This file has already been imported (or is being imported).")
    return ""
