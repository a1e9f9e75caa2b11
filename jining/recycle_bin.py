"""The recycle bin (回收站): deletes that can be undone, and merges that can be undone.

``move_to_bin(objects, user=..., reason=...)`` is how every program record is deleted (the admin's
delete page, its bulk delete, a row removed from an inline, a merge). It asks Django's own
``Collector`` what the delete removes (the records, the rows that cascade with them such as an
event's attendance, their many-to-many links, and the foreign keys elsewhere that the delete sets to
null), stores all of it with Django's serializer in one ``BinEntry`` (who, when, why), and then
deletes it the ordinary way: the rows leave every list, search, export, API response and statistic,
django-simple-history records the delete of each row (the user, and the reason as the change
reason), and the stats are marked stale.

``restore(entry, user=...)`` puts every row back as it was, in one transaction: the same ids, the
same values, the same timestamps (raw saves, as ``loaddata`` does), the nulled foreign keys set again
and, for a merge, the moved rows moved back and the surviving record as it was before. The records'
tables are then identical to before the delete (tests/test_recycle_bin.py compares checksums); the
history tables say that the rows were deleted and restored, and by whom. A restore that cannot be
done (a record with the same ID-card number was entered since; a record it points to was deleted
since) is refused with a message that says so, and changes nothing.

Why not soft deletion (django-safedelete, a ``deleted`` flag on every table): the flag would have to
be honoured by every query that counts or lists (the stats' SQL, the lean API pages, the search's
index scans, the exports, the unique ID-card constraint), and one forgotten filter shows deleted
rows. A hard delete leaves nothing to forget; simple-history, which this project already keeps,
records it; the bin adds only what simple-history does not keep (the many-to-many links, the nulled
keys, the grouping of one delete, its reason).
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import get_history_manager_for_model

from jining.models import BinEntry
from jining.signals import records_bulk_written


class RestoreRefused(Exception):
    """A bin entry cannot be restored; the message says why, in the staff's language."""


@dataclass
class _Removal:
    """What one or more deletes remove, as the bin stores it."""

    rows: list = field(default_factory=list)  # Django's "python" serialization
    nulled: list = field(default_factory=list)  # {"model", "field", "rows": [[pk, old value], ...]}
    models: set = field(default_factory=set)


def has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


class _ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times to the microsecond (Django's keeps milliseconds): a restored
    row's timestamps must be the stored ones exactly."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def serialize_rows(model, instances) -> list:
    """Every concrete column of ``instances`` (many-to-many links are rows of their own tables), as
    JSON values."""
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    ordered = sorted(instances, key=lambda instance: instance.pk)
    return json.loads(json.dumps(serializers.serialize("python", ordered, fields=names), cls=_ExactEncoder))


def _collect_and_delete(objects, *, using, user, reason, removal: _Removal):
    """Delete ``objects`` (one model) with everything Django's delete takes with them, after
    serializing it into ``removal``. ``ProtectedError``/``RestrictedError`` propagate unchanged."""
    collector = Collector(using=using, origin=objects)
    collector.collect(objects)
    for model, instances in collector.data.items():
        removal.rows.extend(serialize_rows(model, instances))
        removal.models.add(model)
        for instance in instances:
            instance._history_user = user
            instance._change_reason = reason
    for queryset in collector.fast_deletes:
        removal.rows.extend(serialize_rows(queryset.model, list(queryset)))
        removal.models.add(queryset.model)
    for (nulled_field, _value), batches in collector.field_updates.items():
        model = nulled_field.model
        rows = []
        for batch in batches:
            if hasattr(batch, "values_list"):
                rows.extend(batch.values_list("pk", nulled_field.attname))
            else:
                rows.extend((obj.pk, getattr(obj, nulled_field.attname)) for obj in batch)
        removal.nulled.append(
            {
                "model": model._meta.label_lower,
                "field": nulled_field.attname,
                "rows": [list(row) for row in rows],
            }
        )
        removal.models.add(model)
    collector.delete()


def _contents(rows) -> dict:
    """``{app_label.model: count}`` of the stored rows."""
    counts = defaultdict(int)
    for row in rows:
        counts[row["model"]] += 1
    return dict(counts)


def rows_name(label) -> str:
    """What the staff call the rows of model ``label`` (a many-to-many table: "<model> · <field>")."""
    try:
        model = _model(label)
    except LookupError:
        return label
    if model._meta.auto_created:
        source = model._meta.auto_created
        m2m = next(f for f in source._meta.many_to_many if f.remote_field.through is model)
        return f"{capfirst(source._meta.verbose_name)} · {m2m.verbose_name}"
    return str(capfirst(model._meta.verbose_name_plural))


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _describe(objects) -> str:
    names = [str(obj) for obj in objects[:3]]
    if len(objects) > 3:
        names.append(_("… %(count)d in all") % {"count": len(objects)})
    return "、".join(names)[:500]


def move_to_bin(groups, *, user, reason, kind=BinEntry.Kind.DELETE, merge=None) -> BinEntry:
    """Delete the records of ``groups`` (a list of records of one model, or a list of such lists,
    deleted in that order) with all they carry, into one new bin entry, and return it.

    ``reason`` is required (who deletes records says why). ``merge`` is the merge's undo
    information (jining/merge.py). Runs in one transaction: a ``ProtectedError`` (other records
    point to one of them) leaves everything as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A record goes to the recycle bin with a reason.")
    if groups and not isinstance(groups[0], list | tuple):
        groups = [groups]
    groups = [list(group) for group in groups if group]
    if not groups:
        raise ValueError("Nothing to delete.")
    first = groups[-1]  # the records the user asked to delete (a merge's conflicting rows go first)
    model = type(first[0])
    using = router.db_for_write(model)
    removal = _Removal()
    pks, description = [obj.pk for obj in first], _describe(first)
    with transaction.atomic(using=using):
        for group in groups:
            _collect_and_delete(group, using=using, user=user, reason=reason, removal=removal)
        entry = BinEntry.objects.using(using).create(
            kind=kind,
            record_type=model._meta.label_lower,
            record=description,
            record_count=len(first),
            contents=_contents(removal.rows),
            reason=reason,
            deleted_by=user if user is not None and user.pk else None,
            deleted_by_name=getattr(user, "username", "") or "",
            payload={
                "model": model._meta.label_lower,
                "pks": pks,
                "rows": removal.rows,
                "nulled": removal.nulled,
                **({"merge": merge} if merge else {}),
            },
        )
        for changed in removal.models:
            records_bulk_written.send(sender=changed, using=using)
    return entry


def _refusal_for(error, objects) -> RestoreRefused:
    """The clearest reason a restore failed: the first stored row whose unique values or
    constraints now clash with a record (Django's own validation messages), else the error."""
    for deserialized in objects:
        obj = deserialized.object
        try:
            obj.validate_unique()
            obj.validate_constraints()
        except ValidationError as clash:
            return RestoreRefused(
                _("“%(record)s” cannot be put back: %(problem)s Correct or delete that record first.")
                % {"record": obj, "problem": " ".join(clash.messages)}
            )
    return RestoreRefused(
        _(
            "The records cannot be put back: a record they point to no longer exists (it may be in "
            "the recycle bin too: restore it first). Details: %(error)s"
        )
        % {"error": error}
    )


def restore(entry: BinEntry, *, user) -> int:
    """Put back every row of ``entry`` as it was; return how many rows came back. Raises
    ``RestoreRefused`` (and changes nothing) when that cannot be done."""
    using = router.db_for_write(BinEntry)
    reason = _("Restored from the recycle bin (entry %(id)s)") % {"id": entry.pk}
    with transaction.atomic(using=using):
        entry = BinEntry.objects.using(using).select_for_update().get(pk=entry.pk)
        if entry.restored:
            raise RestoreRefused(_("This entry has been restored already."))
        payload = entry.payload
        merge = payload.get("merge")
        if merge:
            _survivor_as_before(merge, using=using, reason=reason, user=user)
        objects = list(serializers.deserialize("python", payload["rows"], using=using))
        try:
            with transaction.atomic(using=using):
                for deserialized in reversed(objects):  # the deleted records first, then what they carried
                    deserialized.save(using=using, force_insert=True)
                for nulled in payload["nulled"]:
                    _set_again(nulled, using=using)
                if merge:
                    _move_back(merge, using=using, reason=reason, user=user)
                connections[using].check_constraints()
        except IntegrityError as error:
            raise _refusal_for(error, objects) from error
        by_model = defaultdict(list)
        for deserialized in objects:
            by_model[type(deserialized.object)].append(deserialized.object)
        for model, instances in by_model.items():
            if has_history(model):
                get_history_manager_for_model(model).bulk_history_create(
                    instances, default_user=user, default_change_reason=reason
                )
            records_bulk_written.send(sender=model, using=using)
        entry.restored_at = timezone.now()
        entry.restored_by = user
        entry.payload = {}
        entry.save(update_fields=["restored_at", "restored_by", "payload"])
    return len(objects)


def _set_again(nulled, *, using):
    """Set again the foreign keys the delete set to null, on the rows that still hold null."""
    model = _model(nulled["model"])
    by_value = defaultdict(list)
    for pk, value in nulled["rows"]:
        by_value[value].append(pk)
    for value, pks in by_value.items():
        model._base_manager.using(using).filter(pk__in=pks, **{nulled["field"]: None}).update(
            **{nulled["field"]: value}
        )


def _survivor_as_before(merge, *, using, reason, user):
    """Undo a merge, first step: the surviving record as it was before the merge, provided nobody
    changed it since (an undo would silently lose that change)."""
    survivor = merge["survivor"]
    model = _model(survivor["model"])
    current = model._base_manager.using(using).filter(pk=survivor["pk"]).first()
    if current is None:
        raise RestoreRefused(
            _(
                "The record this one was merged into has been deleted since: restore it from the "
                "recycle bin first."
            )
        )
    if serialize_rows(model, [current]) != survivor["after"]:
        raise RestoreRefused(
            _(
                "“%(record)s” has been changed since the merge; undoing the merge would lose that "
                "change. Undo the change first, or correct the records by hand."
            )
            % {"record": current}
        )
    for deserialized in serializers.deserialize("python", survivor["row"], using=using):
        deserialized.save(using=using, force_update=True)
        if has_history(model):
            get_history_manager_for_model(model).bulk_history_create(
                [deserialized.object], update=True, default_user=user, default_change_reason=reason
            )


def _move_back(merge, *, using, reason, user):
    """Undo a merge, last step: the rows the merge moved point to the restored record again."""
    survivor_pk, other_pk = merge["survivor"]["pk"], merge["other_pk"]
    for moved in merge["moved"]:
        model = _model(moved["model"])
        manager = model._base_manager.using(using)
        manager.filter(pk__in=moved["pks"], **{moved["field"]: survivor_pk}).update(
            **{moved["field"]: other_pk}
        )
        if has_history(model):
            get_history_manager_for_model(model).bulk_history_create(
                list(manager.filter(pk__in=moved["pks"])),
                update=True,
                default_user=user,
                default_change_reason=reason,
            )
        records_bulk_written.send(sender=model, using=using)
