"""How numbers and qualified figures are written for staff: ``6,267``, ``over 6,267 person-times``.

One home for the admin's number formatting, so that every app's columns write a figure the same way.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jining.models import Qualifier

QUALIFIER_PREFIX = {
    Qualifier.EXACT: "",
    Qualifier.OVER: _("over"),
    Qualifier.NEARLY: _("nearly"),
    Qualifier.ABOUT: _("about"),
    Qualifier.ORDER: _("of the order of"),
}


def format_number(value: Decimal | int | float | None) -> str:
    """'6267.00' -> '6,267'; '1651.5' -> '1,651.50'; 12.5 -> '12.50'; None -> '-'."""
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def qualified_value(value: Decimal | None, qualifier: str, unit: str = "") -> str:
    """A figure as the source put it: 'over 6,267 person-times'."""
    text = format_number(value)
    prefix = QUALIFIER_PREFIX.get(qualifier, "")
    if prefix:
        text = f"{prefix} {text}"
    return f"{text} {unit}".strip()
