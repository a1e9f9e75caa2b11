"""Quick attendance: resolve a pasted list of names or ID-card numbers and record who attended."""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Entrepreneur
from events.models import Attendance, Event
from jining.validators import normalize_id_card

#: What separates the entries of a pasted list: new lines, commas (, ，), 、, semicolons (; ；), spaces.
LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")
ID_CARD_LIKE = re.compile(r"^(\d{17}[\dXx]|\d{15})$")


def attendance_resolve_names(*, text: str) -> list[Entrepreneur]:
    """The entrepreneurs a pasted list names, in the list's order (each once).

    An entry is a full name (exact match) or an ID-card number. Entries that match nobody, and names
    that match several people, are all reported in one ``ValidationError``; then nothing is resolved.
    """
    entries = list(dict.fromkeys(entry for entry in LIST_SEPARATORS.split(text or "") if entry))
    found: dict[int, Entrepreneur] = {}
    unknown, ambiguous = [], []
    for entry in entries:
        if ID_CARD_LIKE.match(entry):
            matches = list(Entrepreneur.objects.filter(id_card_number=normalize_id_card(entry))[:2])
        else:
            matches = list(Entrepreneur.objects.filter(name=entry)[:2])
        if not matches:
            unknown.append(entry)
        elif len(matches) > 1:
            ambiguous.append(entry)
        else:
            found.setdefault(matches[0].pk, matches[0])
    errors = []
    if unknown:
        errors.append(
            ValidationError(
                _("No entrepreneur is recorded as: %(entries)s.") % {"entries": "、".join(unknown)},
                code="unknown",
            )
        )
    if ambiguous:
        errors.append(
            ValidationError(
                _(
                    "Several entrepreneurs are called %(names)s: give their ID-card numbers instead, "
                    "or pick them in the box above."
                )
                % {"names": "、".join(ambiguous)},
                code="ambiguous",
            )
        )
    if errors:
        raise ValidationError(errors)
    return list(found.values())


@transaction.atomic
def attendance_add_many(
    *, event: Event, entrepreneurs: Iterable[Entrepreneur], role: str = Attendance.Role.PARTICIPANT
) -> list[Attendance]:
    """Record each of ``entrepreneurs`` as attending ``event``; those already recorded are skipped.

    Returns the new Attendance rows. Rows are saved one by one so the audit history records each.
    """
    already = set(event.attendances.values_list("entrepreneur_id", flat=True))
    added = []
    for entrepreneur in entrepreneurs:
        if entrepreneur.pk in already:
            continue
        already.add(entrepreneur.pk)
        added.append(Attendance.objects.create(event=event, entrepreneur=entrepreneur, role=role))
    return added
