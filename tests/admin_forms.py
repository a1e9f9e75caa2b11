"""Post an admin add/change form the way a browser would: start from the data the page renders."""

from dataclasses import dataclass

from django.forms.formsets import BaseFormSet


def _field_values(form):
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = form.add_prefix(name)
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[key] = [str(item) for item in value]
            continue
        data[key] = str(value)
    return data


def form_data(response) -> dict:
    """The POST data of the admin form in ``response`` (main form, inlines and their management forms)."""
    context = response.context
    data = _field_values(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset: BaseFormSet = inline.formset
        data.update({formset.management_form.add_prefix(k): str(v) for k, v in _management(formset).items()})
        for form in formset.forms:
            data.update(_field_values(form))
    return data


def _management(formset):
    management = formset.management_form
    return {
        name: management[name].value() if management[name].value() is not None else ""
        for name in management.fields
    }


@dataclass
class Download:
    """A file downloaded from the admin: its bytes and response headers."""

    content: bytes
    headers: dict


def run_export(client, url, data) -> Download:
    """Post the export form at ``url``, as a clerk does: the export runs as a job (at once, in
    tests), the page sends the clerk to the job, whose page links the file. Returns the file."""
    from django.urls import reverse

    from jining.models import Job

    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    job = Job.objects.order_by("-pk").first()
    assert response["Location"] == reverse("admin:jining_job_change", args=[job.pk])
    assert job.state == Job.State.DONE, job.error
    page = client.get(response["Location"])
    assert page.status_code == 200
    download_url = reverse("admin:jining_job_download", args=[job.pk, "output"])
    assert download_url in page.content.decode()
    download = client.get(download_url)
    assert download.status_code == 200
    return Download(b"".join(download.streaming_content), dict(download.headers))


def run_import_preview(client, url, data):
    """Upload a file on the import page at ``url``, as a clerk does: the preview runs as a job (at
    once, in tests) and the upload sends the clerk to its page. Returns that page (200)."""
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def confirmable(preview_page) -> bool:
    """Whether the preview page offers the confirm button."""
    return 'class="import-confirm"' in preview_page.content.decode()


def confirm_import(client, preview_page):
    """Press the confirm button of ``preview_page``; the write runs as a job (at once, in tests).
    Returns the job."""
    from django.urls import reverse

    from jining.models import Job

    assert confirmable(preview_page), preview_page.context.get("problems")
    job = preview_page.context["job"]
    opts = preview_page.context["opts"]
    response = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_process_import"), {"job": str(job.pk)}
    )
    assert response.status_code == 302
    confirm_job = Job.objects.get(kind="import", params__preview=job.pk)
    assert response["Location"] == reverse("admin:jining_job_change", args=[confirm_job.pk])
    return confirm_job
