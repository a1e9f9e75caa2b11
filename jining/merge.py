"""Merging two records of the same person (or enterprise) into one, on purpose and undoably.

``merge(survivor, other, take_from_other=..., user=...)``, in one transaction:

1. every row that points to ``other`` (found from the model's relations, so a new kind of linked
   record cannot be forgotten: enterprises' founder links, attendance, support, financing,
   residencies, special groups, coverage…) is moved to ``survivor``; a row that would then be a
   duplicate of one the survivor has (both attended the same event) stays with ``other``;
2. ``other``, with those duplicate rows, goes to the recycle bin (jining/recycle_bin.py) as a merge
   entry that holds what was moved and the survivor as it was;
3. the survivor takes the values chosen from ``other`` and is validated and saved.

Both histories say so: the survivor's new version and each moved row's name the merge as the change
reason, and ``other``'s delete does too. Restoring the bin entry undoes the merge exactly.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.utils.translation import gettext as _
from simple_history.utils import get_history_manager_for_model

from jining.models import BinEntry
from jining.recycle_bin import has_history, move_to_bin, rows_name, serialize_rows

#: Fields never offered for a choice: they describe the row, not the person.
NOT_CHOSEN = frozenset({"created", "updated"})


class MergeRefused(Exception):
    """The two records cannot be merged; the message says why, in the staff's language."""


def chosen_fields(model) -> list:
    """The fields whose surviving value the user chooses, in the model's order."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in NOT_CHOSEN
    ]


def pointing_fields(model) -> list:
    """Every foreign key of another table (many-to-many tables included, history tables left out)
    that points to ``model``."""
    fields = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        if relation.related_model._meta.model_name.startswith("historical"):
            continue
        fields.append(relation.field)
    return fields


def _unique_sets(model, fk) -> list[tuple[str, ...]]:
    """The sets of fields of ``model`` that are unique together and include ``fk``."""
    sets = [tuple(names) for names in model._meta.unique_together]
    sets += [tuple(constraint.fields) for constraint in model._meta.total_unique_constraints]
    if fk.unique:
        sets.append((fk.name,))
    return [names for names in sets if fk.name in names]


def linked_counts(obj) -> dict:
    """``{what: count}`` of the rows that point to ``obj``, for the merge page."""
    counts = {}
    for fk in pointing_fields(type(obj)):
        count = fk.model._base_manager.filter(**{fk.attname: obj.pk}).count()
        if not count:
            continue
        what = rows_name(fk.model._meta.label_lower)
        counts[what] = counts.get(what, 0) + count
    return counts


def _move_links(survivor, other, *, using, user, reason):
    """Point every row that points to ``other`` to ``survivor``; return ``(moved, left)``: what was
    moved (for the undo) and the rows left behind because the survivor has the same one."""
    moved, left = [], []
    for fk in pointing_fields(type(other)):
        model = fk.model
        manager = model._base_manager.using(using)
        unique_sets = _unique_sets(model, fk)
        move, stay = [], []
        for row in manager.filter(**{fk.attname: other.pk}).order_by("pk"):
            duplicate = any(
                manager.filter(
                    **{fk.attname: survivor.pk},
                    **{
                        model._meta.get_field(name).attname: getattr(row, model._meta.get_field(name).attname)
                        for name in names
                        if name != fk.name
                    },
                ).exists()
                for names in unique_sets
            )
            (stay if duplicate else move).append(row)
        if stay:
            left.append(stay)
        if not move:
            continue
        pks = [row.pk for row in move]
        manager.filter(pk__in=pks).update(**{fk.attname: survivor.pk})
        moved.append({"model": model._meta.label_lower, "field": fk.attname, "pks": pks})
        if has_history(model):
            get_history_manager_for_model(model).bulk_history_create(
                list(manager.filter(pk__in=pks)), update=True, default_user=user, default_change_reason=reason
            )
    return moved, left


def merge(survivor, other, *, take_from_other=(), user, reason="") -> BinEntry:
    """Merge ``other`` into ``survivor`` (see the module docstring); ``take_from_other`` names the
    fields whose value comes from ``other``. Return the bin entry that undoes it. Raises
    ``MergeRefused`` (and changes nothing) when the result would not be a valid record."""
    model = type(survivor)
    if type(other) is not model:
        raise MergeRefused(_("Only two records of the same kind can be merged."))
    if survivor.pk == other.pk:
        raise MergeRefused(_("Choose two different records to merge."))
    names = {field.name for field in chosen_fields(model)}
    unknown = set(take_from_other) - names
    if unknown:
        raise MergeRefused(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    using = router.db_for_write(model)
    note = reason.strip()
    survivor_reason = _("Merged: the record “%(other)s” (id %(id)s) was merged into this one.") % {
        "other": other,
        "id": other.pk,
    }
    other_reason = _("Merged into “%(survivor)s” (id %(id)s).") % {"survivor": survivor, "id": survivor.pk}
    if note:
        survivor_reason, other_reason = f"{survivor_reason} {note}", f"{other_reason} {note}"
    try:
        with transaction.atomic(using=using):
            survivor = model._base_manager.using(using).select_for_update().get(pk=survivor.pk)
            other = model._base_manager.using(using).select_for_update().get(pk=other.pk)
            before = serialize_rows(model, [survivor])
            moved, left = _move_links(survivor, other, using=using, user=user, reason=survivor_reason)
            for name in take_from_other:
                attname = model._meta.get_field(name).attname
                setattr(survivor, attname, getattr(other, attname))
            entry = move_to_bin(
                [*left, [other]],
                user=user,
                reason=other_reason,
                kind=BinEntry.Kind.MERGE,
                merge={
                    "survivor": {"model": model._meta.label_lower, "pk": survivor.pk, "row": before},
                    "other_pk": other.pk,
                    "moved": moved,
                },
            )
            survivor.full_clean()
            survivor._history_user = user
            survivor._change_reason = survivor_reason
            survivor.save()
            saved = model._base_manager.using(using).get(pk=survivor.pk)
            entry.payload["merge"]["survivor"]["after"] = serialize_rows(model, [saved])
            entry.save(update_fields=["payload"])
    except ValidationError as error:
        raise MergeRefused(" ".join(error.messages)) from error
    except IntegrityError as error:
        raise MergeRefused(_("The records cannot be merged: %(error)s") % {"error": error}) from error
    return entry
