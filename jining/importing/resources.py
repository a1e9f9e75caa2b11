"""``SpreadsheetResource``, the base of the apps' import/export resources, and what goes with it.

Chinese column names and widgets for import and export (the import itself, validating every row by
the model's rules in bulk, is ``jining.importing.bulk``); cells a spreadsheet would run as a
formula are neutralised on export; personal columns are masked or left out for users without the
personal-data permission (``for_viewers``).
``export_resource_for`` makes an export-only resource of every field of a model.

Column names are plain Chinese strings, not translations: they are the file format, and a file
exported with the admin in English must import again.
"""

import copy

from django.utils.translation import gettext
from import_export import resources, widgets
from import_export.fields import Field

from jining.importing.cells import neutralise
from jining.importing.formats import ImportFileError
from jining.importing.widgets import ChoiceWidget, DateWidget, MaskedWidget, YesNoWidget, export_widget
from jining.personal import personal_data


class SpreadsheetResource(resources.ModelResource):
    """A resource with Chinese column names, full model validation and safe exports.

    Subclasses declare their fields, ``required_columns`` (checked before any row) and
    ``candidates``/``match`` for their match key. Which columns are personal data, and how they are
    masked, comes from the model's ``PERSONAL_DATA`` (jining/personal.py).
    """

    required_columns: tuple[str, ...] = ()
    include_personal = True

    class Meta:
        import_id_fields = []

    @classmethod
    def for_viewers(cls):
        """The same resource as a user without the personal-data permission exports it (the model's
        ``PERSONAL_DATA``): masked columns masked (ID card ``1509**********1234``, date of birth as
        its year), hidden columns left out, sensitive related rows (残疾人) left out of their lists."""
        if "_for_viewers" in cls.__dict__:
            return cls.__dict__["_for_viewers"]
        declaration = personal_data(cls._meta.model)
        attrs = {"__module__": cls.__module__, "include_personal": False}
        for name in declaration.fields:
            field = cls.fields.get(name)
            if field is None:
                continue
            if name in declaration.masked:
                widget = MaskedWidget(declaration.masked[name])
            elif name in declaration.sensitive_related:
                widget = copy.copy(field.widget)
                widget.excluded = {declaration.sensitive_related[name]: True}
            else:
                continue  # hidden: left out of the export order
            attrs[name] = Field(attribute=field.attribute, column_name=field.column_name, widget=widget)
        viewers = cls if not declaration.fields else type(cls)(f"{cls.__name__}ForViewers", (cls,), attrs)
        cls._for_viewers = viewers
        return viewers

    @classmethod
    def get_display_name(cls):
        return cls._meta.model._meta.verbose_name_plural

    def get_export_order(self):
        order = super().get_export_order()
        if self.include_personal:
            return order
        hidden = personal_data(self._meta.model).hidden
        return tuple(name for name in order if name not in hidden)

    def get_import_order(self):
        return super().get_export_order()

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    # Import (the engine is jining.importing.bulk)

    def candidates(self, probes):
        """A ``Q`` for the records on file that may match any of ``probes`` (new, unsaved records
        carrying a row's values each), or None when none can: one query for many rows."""
        return None

    def match(self, probe, index):
        """The record on file that the row ``probe`` updates, None for a new record; ``index`` (a
        ``bulk.RecordIndex``) holds the candidates and the earlier rows' new records."""
        return None

    def before_import(self, dataset, **kwargs):
        missing = [column for column in self.required_columns if column not in (dataset.headers or [])]
        if missing:
            raise ImportFileError(
                gettext("The file lacks the column(s) %(columns)s: start from the import template.")
                % {"columns": "、".join(missing)}
            )

    # Template

    def template_rows(self):
        """The header row of the import template, and a note on what each column takes."""
        headers, notes = [], []
        for field in self.get_import_fields():
            headers.append(field.column_name)
            note = []
            if field.column_name in self.required_columns:
                note.append(gettext("required"))
            if isinstance(field.widget, ChoiceWidget):
                note.append(gettext("one of: %(choices)s") % {"choices": field.widget.allowed()})
            elif isinstance(field.widget, widgets.ManyToManyWidget):
                note.append(gettext("several names separated by 、"))
            elif isinstance(field.widget, YesNoWidget):
                note.append(gettext("是 or 否"))
            elif isinstance(field.widget, DateWidget):
                note.append(gettext("a date such as 2019-05-01"))
            notes.append("; ".join(note))
        return headers, notes


def export_resource_for(model):
    """An export-only resource of every field of ``model``, headed by the fields' verbose names."""
    attrs = {"__module__": __name__}
    names = []
    for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if model_field.primary_key:
            continue
        attrs[model_field.name] = resources.Field(
            attribute=model_field.name,
            column_name=model_field.verbose_name,
            widget=export_widget(model_field),
            readonly=True,
        )
        names.append(model_field.name)
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": tuple(names), "export_order": tuple(names)})
    return type(SpreadsheetResource)(f"{model.__name__}ExportResource", (SpreadsheetResource,), attrs)
