"""The import engine: every row of a file validated once, in bulk; the result written in one step.

``validate(resource, dataset)`` is the preview. It makes a fixed number of queries whatever the
number of rows:

1. **lookups**: every related record the file names (``LookupWidget`` / ``ListWidget`` columns),
   one query per column (``widget.table(texts)``);
2. **existing records**: the resource's ``candidates()``, one query per 5,000 rows, matched in
   memory by the resource's ``match()`` (ID-card number, credit code, name and year ...);
3. **each row**: its cells cleaned by the columns' widgets and set on the matched record (or a new
   one); the model's ``full_clean()`` without its per-row queries (related records come from 1;
   check constraints are evaluated in Python, uniqueness in 4); derived fields filled
   (``fill_derived()``, what ``save()`` does); compared with what is stored;
4. **uniqueness**: within the file and against the database, one query per unique constraint;
5. **warnings**: the resource's ``warnings()`` of the rows to write (a likely duplicate, a county
   outside the known divisions): shown on the preview to check, they do not stop the import.

Each row ends as ``new``, ``update``, ``unchanged`` or ``error``. The ``Plan`` keeps, per row, the
values to write and the ``updated`` time of the record it changes. ``write(plan)`` (the confirm)
writes exactly that, refusing if a matched record changed since the preview or a record now matches
a new row: new rows with ``bulk_create``, changes with ``bulk_update``, list columns (many-to-many)
by difference, history rows (django-simple-history) and admin log entries in bulk, all in the
caller's transaction.
"""

import datetime
import gzip
import json
import operator
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from jining.importing.cells import cell_text
from jining.importing.widgets import ListWidget, LookupWidget
from jining.signals import records_bulk_written

#: Rows per ``candidates()`` query and per write statement.
BATCH = 5000
#: Rows of the preview kept for the preview page, problems kept for the page.
PREVIEW_ROWS = 100
PROBLEM_LINES = 500

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
AUTO_FIELDS = ("created", "updated")


class ImportConflict(Exception):
    """The confirm found the records changed since the preview; its message says which rows."""


# --- Values in the plan (JSON) ---


def encode(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode(model_field, value):
    return None if value is None else model_field.to_python(value)


# --- The plan ---


@dataclass
class RowPlan:
    number: int  # the spreadsheet row (the header is row 1)
    action: str
    pk: int | None = None
    stamp: str | None = None  # the matched record's ``updated`` when previewed
    fields: dict = field(default_factory=dict)  # attname -> encoded value (changed ones for an update)
    m2m: dict = field(default_factory=dict)  # many-to-many name -> the pks it is set to
    changed: list = field(default_factory=list)  # the columns whose value changes
    errors: list = field(default_factory=list)  # problem lines, with the row number
    warnings: list = field(default_factory=list)  # lines to check before confirming (not errors)


@dataclass
class Plan:
    model: str  # app_label.ModelName
    headers: list
    rows: list

    def counts(self):
        counts = {"rows": len(self.rows), NEW: 0, "updated": 0, UNCHANGED: 0, "errors": 0}
        key = {NEW: NEW, UPDATE: "updated", UNCHANGED: UNCHANGED, ERROR: "errors"}
        for row in self.rows:
            counts[key[row.action]] += 1
        return counts

    def problems(self):
        return [line for row in self.rows for line in row.errors]

    def warnings(self):
        return [line for row in self.rows for line in row.warnings]

    def dumps(self) -> bytes:
        data = {"model": self.model, "headers": self.headers, "rows": [row.__dict__ for row in self.rows]}
        return gzip.compress(json.dumps(data, ensure_ascii=False).encode(), compresslevel=1)

    @classmethod
    def loads(cls, data: bytes):
        data = json.loads(gzip.decompress(data))
        return cls(data["model"], data["headers"], [RowPlan(**row) for row in data["rows"]])


# --- Records in memory ---


class RecordIndex:
    """Records looked up by any combination of fields, in memory (built once per combination).

    Records added later (the new rows of the file) are found too, which is how a row repeating an
    earlier row of the same file is recognised.
    """

    def __init__(self, model, records=()):
        self.model = model
        self.records = list(records)
        self.tables = {}

    def add(self, record):
        self.records.append(record)
        for names, table in self.tables.items():
            table[tuple(getattr(record, name) for name in names)].append(record)

    def all(self, **lookups):
        names = tuple(sorted(lookups))
        table = self.tables.get(names)
        if table is None:
            table = self.tables[names] = defaultdict(list)
            for record in self.records:
                table[tuple(getattr(record, name) for name in names)].append(record)
        return table.get(tuple(lookups[name] for name in names), [])

    def one(self, where=None, **lookups):
        """The single record matching, None when none does; an error when several do."""
        found = [record for record in self.all(**lookups) if where is None or where(record)]
        if len(found) > 1:
            raise ValidationError(
                _("Several %(models)s on record match this row: correct them in the admin first.")
                % {"models": self.model._meta.verbose_name_plural}
            )
        return found[0] if found else None


def load_candidates(resource, probes):
    """The records on file that may match the probes (the resource's query, per batch)."""
    model = resource._meta.model
    found = {}
    for start in range(0, len(probes), BATCH):
        condition = resource.candidates(probes[start : start + BATCH])
        if condition is not None:
            for record in model._default_manager.filter(condition):
                found[record.pk] = record
    return RecordIndex(model, found.values())


# --- Constraints in Python ---

_LOOKUPS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class _Unsupported(Exception):
    pass


def q_holds(q, record):
    """SQL's verdict on ``q`` for ``record``: True, False or None (unknown, which a CHECK passes).

    Knows the lookups constraints here use (exact, gt, gte, lt, lte, isnull; F() of the same row);
    anything else raises ``_Unsupported``, and the caller asks the database instead.
    """
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(q_holds(child, record))
            continue
        name, argument = child
        parts = name.split("__")
        if len(parts) > 2 or (len(parts) == 2 and parts[1] not in {*_LOOKUPS, "isnull"}):
            raise _Unsupported(name)
        attname = record._meta.get_field(parts[0]).attname
        value = getattr(record, attname)
        lookup = parts[1] if len(parts) == 2 else "exact"
        if isinstance(argument, F):
            argument = getattr(record, record._meta.get_field(argument.name).attname)
        elif hasattr(argument, "resolve_expression"):
            raise _Unsupported(name)
        if lookup == "isnull":
            results.append((value is None) == bool(argument))
        elif value is None or argument is None:
            results.append(None)
        else:
            results.append(_LOOKUPS[lookup](value, argument))
    if q.connector == Q.AND:
        verdict = False if False in results else None if None in results else True
    else:
        verdict = True if True in results else None if None in results else False
    if q.negated and verdict is not None:
        verdict = not verdict
    return verdict


def check_constraints(record):
    """The check constraints ``record`` breaks, as a ValidationError of non-field messages."""
    problems = []
    for constraint in record._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            broken = q_holds(constraint.condition, record) is False
        except _Unsupported:
            try:
                constraint.validate(type(record), record)
                broken = False
            except ValidationError:
                broken = True
        if broken:
            problems.append(constraint.get_violation_error_message())
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})


def unique_keys(model):
    """(attnames, condition, constraint) of every uniqueness rule of ``model`` but the primary key."""
    rules = [
        ((model_field.attname,), None, None)
        for model_field in model._meta.concrete_fields
        if model_field.unique and not model_field.primary_key
    ]
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields and not constraint.expressions:
            names = tuple(model._meta.get_field(name).attname for name in constraint.fields)
            rules.append((names, constraint.condition, constraint))
    return rules


# --- Validation (the preview) ---


@dataclass
class _Row:
    number: int
    cells: list
    values: dict = field(default_factory=dict)  # Field -> (cleaned value, cell was empty)
    errors: dict = field(default_factory=dict)  # column (or NON_FIELD_ERRORS) -> messages
    probe: object = None
    record: object = None


def validate(resource, dataset, progress=None) -> Plan:
    """Validate every row of ``dataset`` for ``resource`` (see the module docstring)."""
    progress = progress or (lambda done, total=None, stage=None: None)
    model = resource._meta.model
    opts = model._meta
    headers = list(dataset.headers or [])
    resource.before_import(dataset)  # the required columns
    fields = [f for f in resource.get_import_fields() if f.column_name in headers and f.attribute]
    rows = [_Row(number + 2, list(cells)) for number, cells in enumerate(dataset)]
    total = len(rows)
    progress(0, total, stage=_("reading the related records"))

    tables = {}
    for import_field in fields:
        widget = import_field.widget
        if isinstance(widget, LookupWidget | ListWidget):
            position = headers.index(import_field.column_name)
            texts = set()
            for row in rows:
                texts.update(widget.names(row.cells[position]))
            tables[import_field] = widget.table(texts)

    m2m_names = {model_field.name for model_field in opts.many_to_many}
    foreign_keys = [model_field for model_field in opts.concrete_fields if model_field.is_relation]
    exclude = [*m2m_names, *(model_field.name for model_field in foreign_keys)]

    # Pass 1: clean every cell once, and match each row to a record on file (or none)
    for done, row in enumerate(rows, 1):
        cells = dict(zip(headers, row.cells, strict=False))
        for import_field in fields:
            raw = cells.get(import_field.column_name)
            empty = cell_text(raw) == ""
            try:
                value = import_field.widget.clean(raw, row=cells, table=tables.get(import_field))
            except ValueError as error:
                row.errors.setdefault(import_field.column_name, []).append(str(error))
                continue
            row.values[import_field] = (value, empty)
        for column, value in cells.items():
            if isinstance(value, str) and value.lstrip().startswith("="):
                row.errors.setdefault(column, []).append(
                    _("“%(value)s” is a spreadsheet formula: type the value itself, not a formula.")
                    % {"value": value[:50]}
                )
        row.probe = _apply(model(), row.values)
        try:
            row.probe.fill_derived() if hasattr(row.probe, "fill_derived") else None
        except ValueError:
            pass  # a malformed value: reported when the row is validated
        if done % 500 == 0:
            progress(done // 2)
    progress(total // 2, stage=_("matching the records on file"))
    index = load_candidates(resource, [row.probe for row in rows])
    stored = {}
    claimed = {}  # id(record) -> the row that matched or created it
    for row in rows:
        try:
            record = resource.match(row.probe, index)
        except ValidationError as error:
            row.errors.setdefault(NON_FIELD_ERRORS, []).extend(error.messages)
            continue
        if record is not None and id(record) in claimed:
            row.errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("This row describes the same %(model)s as row %(other)s: keep one of them.")
                % {"model": opts.verbose_name, "other": claimed[id(record)]}
            )
            continue
        if record is None:
            record = row.probe
            index.add(record)
        else:
            stored[record.pk] = {name: getattr(record, name) for name in _attnames(model)}
        claimed[id(record)] = row.number
        row.record = record

    # Current list-column (many-to-many) values of the matched records, one query per column
    current = {}
    for import_field in fields:
        if import_field.attribute in m2m_names:
            current[import_field.attribute] = _m2m_pairs(model, import_field.attribute, stored)

    # Pass 2: set the values on the matched record, validate, compare
    plan_rows = []
    columns = {f.attribute: f.column_name for f in resource.get_import_fields() if f.attribute}
    for done, row in enumerate(rows, 1):
        plan_row = RowPlan(row.number, ERROR)
        plan_rows.append(plan_row)
        record = row.record
        if record is not None and record.pk is not None:
            _apply(record, row.values)
        if record is not None and not row.errors:
            try:
                _clean(record, exclude, foreign_keys)
                if hasattr(record, "fill_derived"):
                    record.fill_derived()
                check_constraints(record)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    key = columns.get(
                        name, NON_FIELD_ERRORS if name == NON_FIELD_ERRORS else _label(model, name)
                    )
                    row.errors.setdefault(key, []).extend(messages)
        if row.errors:
            plan_row.errors = _lines(row)
        else:
            _plan(plan_row, row, record, stored, current, columns)
        if done % 500 == 0:
            progress(total // 2 + done // 2)

    _check_unique(model, rows, plan_rows)
    written = [
        (row.number, row.record, plan_row.action == NEW)
        for row, plan_row in zip(rows, plan_rows, strict=True)
        if plan_row.action in (NEW, UPDATE)
    ]
    warnings = resource.warnings(written) if written else {}
    for row, plan_row in zip(rows, plan_rows, strict=True):
        for message in warnings.get(row.number, ()):
            plan_row.warnings.append(_("Row %(row)s: %(message)s") % {"row": row.number, "message": message})
    return Plan(opts.label, headers, plan_rows)


def _attnames(model):
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name not in AUTO_FIELDS]


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _apply(record, values):
    """Set the cleaned values on ``record``: an empty cell clears a value (to the model's default), an
    empty list cell is ignored; list columns wait in ``record._import_m2m`` (pks)."""
    m2m = {}
    for import_field, (value, empty) in values.items():
        model_field = record._meta.get_field(import_field.attribute)
        if model_field.many_to_many:
            if not empty:
                m2m[model_field.name] = sorted({item.pk for item in value})
            continue
        if empty and not model_field.null and (model_field.has_default() or model_field.blank):
            value = model_field.get_default()
        setattr(record, import_field.attribute, value)
    record._import_m2m = m2m
    return record


def _clean(record, exclude, foreign_keys):
    """``full_clean()`` without its queries: related records were found by the lookups (only their
    absence is checked here), check constraints and uniqueness are checked apart."""
    errors = {}
    for model_field in foreign_keys:
        if getattr(record, model_field.attname) is None and not model_field.null:
            errors[model_field.name] = [model_field.error_messages["null"]]
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _lines(row):
    lines = []
    for column, messages in row.errors.items():
        for message in messages:
            if column == NON_FIELD_ERRORS:
                lines.append(_("Row %(row)s: %(message)s") % {"row": row.number, "message": message})
            else:
                lines.append(
                    _("Row %(row)s, column “%(column)s”: %(message)s")
                    % {"row": row.number, "column": column, "message": message}
                )
    return lines


def _m2m_pairs(model, name, stored):
    through, source, target = _through(model, name)
    pairs = defaultdict(set)
    pks = list(stored)
    for start in range(0, len(pks), BATCH):
        for owner, other in through.objects.filter(
            **{f"{source}__in": pks[start : start + BATCH]}
        ).values_list(source, target):
            pairs[owner].add(other)
    return pairs


def _through(model, name):
    """The through model of many-to-many ``name`` and its two foreign-key attnames."""
    model_field = model._meta.get_field(name)
    through = model_field.remote_field.through
    source = target = None
    for through_field in through._meta.concrete_fields:
        if not through_field.is_relation:
            continue
        if through_field.related_model is model and source is None:
            source = through_field.attname
        elif through_field.related_model is model_field.related_model:
            target = through_field.attname
    return through, source, target


def _plan(plan_row, row, record, stored, current, columns):
    model = type(record)
    wanted = record._import_m2m
    if record.pk is None:
        plan_row.action = NEW
        plan_row.fields = {name: encode(getattr(record, name)) for name in _attnames(model)}
        plan_row.m2m = {name: pks for name, pks in wanted.items() if pks}
        return
    plan_row.pk = record.pk
    plan_row.stamp = record.updated.isoformat() if getattr(record, "updated", None) else None
    before = stored[record.pk]
    changed = [name for name in _attnames(model) if getattr(record, name) != before[name]]
    plan_row.fields = {name: encode(getattr(record, name)) for name in changed}
    plan_row.m2m = {
        name: pks for name, pks in wanted.items() if set(pks) != current[name].get(record.pk, set())
    }
    by_attname = {model._meta.get_field(name).attname: name for name in columns}
    plan_row.changed = [columns[by_attname[name]] for name in [*changed, *plan_row.m2m] if name in by_attname]
    plan_row.action = UPDATE if plan_row.fields or plan_row.m2m else UNCHANGED


def _check_unique(model, rows, plan_rows):
    """Uniqueness within the file and against the database, one query per rule."""
    checked = [
        (row, plan_row) for row, plan_row in zip(rows, plan_rows, strict=True) if plan_row.action != ERROR
    ]
    for names, condition, constraint in unique_keys(model):
        keys = {}
        for row, plan_row in checked:
            record = row.record
            key = tuple(getattr(record, name) for name in names)
            if any(value in (None, "") for value in key):
                continue
            if condition is not None and q_holds(condition, record) is False:
                continue
            if key in keys:
                _reject(plan_row, row, _("It repeats row %(other)s.") % {"other": keys[key][0].number})
                continue
            keys[key] = (row, plan_row)
        if not keys:
            continue
        values = list({key[0] for key in keys})
        for start in range(0, len(values), BATCH):
            queryset = model._default_manager.filter(**{f"{names[0]}__in": values[start : start + BATCH]})
            if condition is not None:
                queryset = queryset.filter(condition)
            for pk, *key in queryset.values_list("pk", *names):
                found = keys.get(tuple(key))
                if found and found[0].record.pk != pk:
                    row, plan_row = found
                    if (
                        constraint is not None
                        and constraint.violation_error_message != constraint.default_violation_error_message
                    ):
                        message = constraint.get_violation_error_message()
                    else:
                        unique_names = [
                            model._meta.get_field(n).name
                            for n in (constraint.fields if constraint else names)
                        ]
                        message = row.record.unique_error_message(model, unique_names).messages[0]
                    _reject(plan_row, row, message)


def _reject(plan_row, row, message):
    plan_row.action = ERROR
    plan_row.fields, plan_row.m2m, plan_row.changed = {}, {}, []
    plan_row.errors.append(_("Row %(row)s: %(message)s") % {"row": row.number, "message": message})


# --- Writing (the confirm) ---


def write(plan: Plan, resource, *, user=None, reason="", progress=None):
    """Write what ``plan`` validated, in the caller's transaction. Returns the counts.

    Raises ``ImportConflict`` (writing nothing) when a record the plan changes was changed since the
    preview, or when a record now on file matches a row the plan adds.
    """
    progress = progress or (lambda done, total=None, stage=None: None)
    model = apps.get_model(plan.model)
    opts = model._meta
    new_rows = [row for row in plan.rows if row.action == NEW]
    update_rows = [row for row in plan.rows if row.action == UPDATE]
    total = len(new_rows) + len(update_rows)
    progress(0, total, stage=_("checking that nothing changed since the preview"))
    _check_fresh(model, resource, new_rows, update_rows)
    now = timezone.now()
    progress(0, total, stage=_("writing"))

    created = [model(**_decoded(model, row.fields)) for row in new_rows]
    for start in range(0, len(created), BATCH):
        model._default_manager.bulk_create(created[start : start + BATCH])
        progress(start + len(created[start : start + BATCH]))
    changed = {}
    records = model._default_manager.in_bulk([row.pk for row in update_rows]) if update_rows else {}
    for row in update_rows:
        record = records[row.pk]
        for name, value in _decoded(model, row.fields).items():
            setattr(record, name, value)
        record.updated = now
        changed[row.pk] = (record, [*row.fields, "updated"] if row.fields else [])
    by_fields = defaultdict(list)
    for record, names in changed.values():
        if names:
            by_fields[tuple(names)].append(record)
    for names, group in by_fields.items():
        for start in range(0, len(group), 1000):
            model._default_manager.bulk_update(
                group[start : start + 1000], [opts.get_field(n).name for n in names]
            )
    progress(total)

    m2m_records = {}
    for row, record in [
        *zip(new_rows, created, strict=True),
        *((row, records[row.pk]) for row in update_rows),
    ]:
        for name, pks in row.m2m.items():
            m2m_records.setdefault(name, {})[record.pk] = set(pks)
    touched_through = []
    with _history_by(user):
        for name, wanted in m2m_records.items():
            touched_through.append(_write_m2m(model, name, wanted, user, reason, now))
    written = [*created, *(record for record, _names in changed.values())]
    _write_history(model, created, "+", user, reason, now)
    _write_history(model, [record for record, _names in changed.values()], "~", user, reason, now)
    if user is not None:
        for action_flag, logged in ((ADDITION, created), (CHANGE, written[len(created) :])):
            if logged:
                LogEntry.objects.log_actions(user.pk, logged, action_flag, change_message=reason)
    for sender in {model, *touched_through}:
        records_bulk_written.send(sender=sender, using=model._default_manager.db)
    return plan.counts()


def _decoded(model, encoded):
    return {
        name: decode(model._meta.get_field(_field_name(model, name)), value)
        for name, value in encoded.items()
    }


def _field_name(model, attname):
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field.name
    return attname


def _check_fresh(model, resource, new_rows, update_rows):
    problems = []
    pks = [row.pk for row in update_rows]
    stamps = {}
    for start in range(0, len(pks), BATCH):
        stamps.update(
            model._default_manager.filter(pk__in=pks[start : start + BATCH]).values_list("pk", "updated")
        )
    for row in update_rows:
        stamp = stamps.get(row.pk)
        if stamp is None or stamp.isoformat() != row.stamp:
            problems.append(row.number)
    if new_rows:
        probes = [model(**_decoded(model, row.fields)) for row in new_rows]
        index = load_candidates(resource, probes)
        for row, probe in zip(new_rows, probes, strict=True):
            try:
                if resource.match(probe, index) is not None:
                    problems.append(row.number)
            except ValidationError:
                problems.append(row.number)
    if problems:
        problems.sort()
        shown = "、".join(str(number) for number in problems[:10])
        raise ImportConflict(
            _(
                "Nothing was imported: the records of %(count)d row(s) (rows %(rows)s) were changed or "
                "added by someone else since the preview. Upload the file again to preview it anew."
            )
            % {"count": len(problems), "rows": shown + ("…" if len(problems) > 10 else "")}
        )


def _write_m2m(model, name, wanted, user, reason, now):
    """Set many-to-many ``name`` of the records in ``wanted`` (pk -> set of pks), by difference."""
    through, source, target = _through(model, name)
    existing = defaultdict(dict)
    owners = list(wanted)
    for start in range(0, len(owners), BATCH):
        rows = through.objects.filter(**{f"{source}__in": owners[start : start + BATCH]})
        for pk, owner, other in rows.values_list("pk", source, target):
            existing[owner][other] = pk
    removed, added = [], []
    for owner, others in wanted.items():
        have = existing.get(owner, {})
        removed.extend(pk for other, pk in have.items() if other not in others)
        added.extend(through(**{source: owner, target: other}) for other in others if other not in have)
    for start in range(0, len(removed), BATCH):
        # An ordinary delete: a through model with history records each removal itself
        # (django-simple-history's post_delete, by the import's user: see write()).
        through.objects.filter(pk__in=removed[start : start + BATCH]).delete()
    for start in range(0, len(added), BATCH):
        through.objects.bulk_create(added[start : start + BATCH])
    if hasattr(through, "history"):
        _write_history(through, added, "+", user, reason, now)
    return through


@contextmanager
def _history_by(user):
    """History that django-simple-history writes itself (a delete's) is by ``user``, as in a
    request of theirs (what its HistoryRequestMiddleware sets)."""
    context = HistoricalRecords.context
    before = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if before is None:
            del context.request
        else:
            context.request = before


def _write_history(model, records, history_type, user, reason, now):
    """The history rows (django-simple-history) of ``records``, with their many-to-many state."""
    if not records or not hasattr(model, "history"):
        return
    historical = model.history.model
    rows = []
    for record in records:
        row = historical(
            history_date=now,
            history_user=user,
            history_change_reason=reason[:100],
            history_type=history_type,
            **{f.attname: getattr(record, f.attname) for f in historical.tracked_fields},
        )
        if hasattr(historical, "history_relation"):
            row.history_relation_id = record.pk
        rows.append(row)
    for start in range(0, len(rows), BATCH):
        historical.objects.bulk_create(rows[start : start + BATCH])
    m2m_fields = getattr(historical, "_history_m2m_fields", [])
    if not m2m_fields:
        return
    by_pk = {getattr(row, model._meta.pk.attname): row for row in rows}
    for m2m_field in m2m_fields:
        m2m_history = HistoricalRecords.m2m_models[m2m_field]
        through, source, _target = _through(model, m2m_field.name)
        names = [f.attname for f in through._meta.concrete_fields]
        copies = []
        pks = list(by_pk)
        for start in range(0, len(pks), BATCH):
            for values in through.objects.filter(**{f"{source}__in": pks[start : start + BATCH]}).values(
                *names
            ):
                copies.append(m2m_history(history=by_pk[values[source]], **values))
        for start in range(0, len(copies), BATCH):
            m2m_history.objects.bulk_create(copies[start : start + BATCH])
