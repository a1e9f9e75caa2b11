"""Workflows on entrepreneurs that the admin and imports share."""

from django.db.models import Q, QuerySet

from entrepreneurs.models import Entrepreneur


def same_person_likely(a, b) -> bool:
    """The likely-duplicate rule of two people (any objects with ``name``, ``hometown_county`` and
    ``birth_year``): the same name and the same hometown county or the same year of birth, as
    ``entrepreneur_likely_duplicates`` finds them on record."""
    name = (a.name or "").strip()
    if not name or name != (b.name or "").strip():
        return False
    county = (a.hometown_county or "").strip()
    return bool(county and county == (b.hometown_county or "").strip()) or bool(
        a.birth_year and a.birth_year == b.birth_year
    )


def entrepreneur_likely_duplicates(
    *, name: str, hometown_county: str = "", birth_year: int | None = None, exclude_pk=None
) -> QuerySet[Entrepreneur]:
    """Recorded entrepreneurs who are probably the same person: same name and the same hometown
    county or the same year of birth. ``exclude_pk`` leaves out the record being edited.

    Same-ID-card duplicates are refused outright by a constraint; this catches the records entered
    without an ID-card number. Nothing is compared when the name is empty or neither the county nor
    the birth year is known.
    """
    name = (name or "").strip()
    hometown_county = (hometown_county or "").strip()
    same_place_or_age = Q(pk__in=[])
    if hometown_county:
        same_place_or_age |= Q(hometown_county=hometown_county)
    if birth_year:
        same_place_or_age |= Q(birth_year=birth_year)
    if not name or not (hometown_county or birth_year):
        return Entrepreneur.objects.none()
    duplicates = Entrepreneur.objects.filter(same_place_or_age, name=name)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.order_by("pk")
