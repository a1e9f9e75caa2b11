"""``SpreadsheetResource``, the base of the apps' import/export resources, and what goes with it.

Chinese column names, every row validated by the model's ``full_clean()``, errors keyed by the
column name; cells a spreadsheet would run as a formula are neutralised on export; personal
columns are left out for users who may only view. ``row_problems`` lists an import's problems by
spreadsheet row; ``export_resource_for`` makes an export-only resource of every field of a model.

Column names are plain Chinese strings, not translations: they are the file format, and a file
exported with the admin in English must import again.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from import_export import resources, widgets

from jining.importing.cells import cell_text, neutralise
from jining.importing.formats import ImportFileError
from jining.importing.widgets import ChoiceWidget, DateWidget, YesNoWidget, export_widget


class SpreadsheetResource(resources.ModelResource):
    """A resource with Chinese column names, full model validation and safe exports.

    Subclasses declare their fields, ``required_columns`` (checked before any row), the
    ``personal_columns`` that viewers never export, and ``get_instance`` for their match key.
    """

    required_columns: tuple[str, ...] = ()
    personal_fields: tuple[str, ...] = ()
    include_personal = True

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        import_id_fields = []

    @classmethod
    def for_viewers(cls):
        """The same resource without the personal columns, for users who may only view."""
        if not cls.personal_fields:
            return cls
        return type(cls)(
            f"{cls.__name__}ForViewers", (cls,), {"__module__": cls.__module__, "include_personal": False}
        )

    @classmethod
    def get_display_name(cls):
        return cls._meta.model._meta.verbose_name_plural

    def get_export_order(self):
        order = super().get_export_order()
        if self.include_personal:
            return order
        return tuple(name for name in order if name not in self.personal_fields)

    def get_import_order(self):
        return super().get_export_order()

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    # Import

    def cleaned(self, row, field_name):
        """The cleaned value of a column of the row, or None when absent or not valid."""
        field = self.fields[field_name]
        if field.column_name not in row:
            return None
        try:
            return field.clean(row)
        except ValueError:
            return None

    def match(self, *conditions: Q, **lookups):
        """The single record matching, None when none does; an error when several do."""
        matches = list(self._meta.model._default_manager.filter(*conditions, **lookups)[:2])
        if len(matches) > 1:
            raise ValidationError(
                gettext("Several %(models)s on record match this row: correct them in the admin first.")
                % {"models": self._meta.model._meta.verbose_name_plural}
            )
        return matches[0] if matches else None

    def before_import(self, dataset, **kwargs):
        missing = [column for column in self.required_columns if column not in (dataset.headers or [])]
        if missing:
            raise ImportFileError(
                gettext("The file lacks the column(s) %(columns)s: start from the import template.")
                % {"columns": "、".join(missing)}
            )

    def init_instance(self, row=None):
        return self._meta.model()

    def import_instance(self, instance, row, **kwargs):
        """Also check the list columns now, so their problems are reported with the row's others."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error))]
        for column, value in row.items():
            if isinstance(value, str) and value.lstrip().startswith("="):
                errors.setdefault(column, []).append(
                    ValidationError(
                        gettext("“%(value)s” is a spreadsheet formula: type the value itself, not a formula.")
                        % {"value": value[:50]}
                    )
                )
        if errors:
            raise ValidationError(errors)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """An empty cell clears the value (back to the model's default); an empty list cell is ignored."""
        if field.attribute and field.column_name in row and cell_text(row[field.column_name]) == "":
            if is_m2m:
                return
            model_field = instance._meta.get_field(field.attribute)
            if not model_field.null and (model_field.has_default() or model_field.blank):
                setattr(instance, field.attribute, model_field.get_default())
                return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Run ``full_clean()`` and key every problem by the column it comes from."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {
                field.attribute: field.column_name for field in self.fields.values() if field.attribute
            }
            keyed = {}
            for name, messages_ in error.message_dict.items():
                if name in columns:
                    key = columns[name]
                elif name == NON_FIELD_ERRORS:
                    key = NON_FIELD_ERRORS
                else:
                    try:
                        key = str(instance._meta.get_field(name).verbose_name)
                    except Exception:
                        key = name
                keyed.setdefault(key, []).extend(messages_)
            raise ValidationError(keyed) from None

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


def row_problems(result) -> list[str]:
    """Every problem of an import result as one line of plain text with its spreadsheet row number.

    Row 1 of the spreadsheet is the header row, so data row ``n`` is spreadsheet row ``n + 1``.
    """
    lines = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(gettext("Row %(row)s: %(message)s") % {"row": number + 1, "message": error.error})
    for row in result.invalid_rows:
        for column, messages_ in row.field_specific_errors.items():
            for message in messages_:
                lines.append(
                    gettext("Row %(row)s, column “%(column)s”: %(message)s")
                    % {"row": row.number + 1, "column": column, "message": message}
                )
        for message in row.non_field_specific_errors:
            lines.append(gettext("Row %(row)s: %(message)s") % {"row": row.number + 1, "message": message})
    return lines


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
