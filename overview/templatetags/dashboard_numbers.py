"""``{{ value|figure }}``: a dashboard number written as everywhere else in the admin (``300,000``)."""

from django import template

from jining.formatting import format_number

register = template.Library()


@register.filter
def figure(value):
    return format_number(value)
