"""Exports run as background jobs (``jining.jobs``): the export page queues one and sends the clerk
to the jobs page (任务), where the file waits for download.

The job keeps what the clerk chose (the model, the changelist's filters and search, the selected
rows, the export form's data) and the worker rebuilds the same export as the clerk's own request
would: the ModelAdmin's queryset, permissions and resource (without personal columns for users
without the change permission), and writes it streamed, chunk by chunk (``streaming.write_export``,
the same file as the library's export), reporting the rows written as progress.
"""

from contextlib import nullcontext

from django.apps import apps
from django.contrib import admin
from django.http import QueryDict
from django.test.client import RequestFactory
from django.utils.translation import gettext as _
from django.utils.translation import override

from jining.importing.streaming import write_export
from jining.jobs import JobError, job_start, job_task
from jining.models import JobFile


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
    return {"rows": written}
