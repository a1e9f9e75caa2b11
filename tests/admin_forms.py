"""Post an admin add/change form the way a browser would: start from the data the page renders."""

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
