"""Keep citizens' personal data out of the logs (Personal Information Protection Law).

``RedactPersonalData`` is attached to every handler in ``settings.LOGGING`` (and to gunicorn's error
and access logs through ``jining/gunicorn_logging.py``). It rewrites each record before it is
written: resident ID-card numbers (18 characters, or the old 15 digits) and mainland mobile numbers
in the message, its arguments, the traceback and the stack are replaced by a marker that keeps the
last 4 characters at most, e.g. ``[ID-card redacted …007X]``.
"""

import logging
import numbers
import re

# 18-character ID: 6-digit area, birth date 18xx-20xx, 3-digit sequence, check digit or X;
# 15-digit old ID: 6-digit area, 6-digit birth date (yymmdd), 3-digit sequence.
# Not inside a longer run of digits (an order number, a timestamp in ms) nor of letters and digits.
ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?:[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
    r"|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})"
    r"(?![0-9A-Za-z])"
)
# Mainland mobile: 1[3-9] then 9 digits, optionally with +86 / 86 / 0086 in front and spaces or
# hyphens in 3-4-4 groups.
MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")


def redact(text):
    """``text`` with ID-card and mobile numbers replaced; anything not a str is returned as is."""
    if not isinstance(text, str):
        return text
    text = ID_CARD.sub(lambda m: f"[ID-card redacted …{m.group()[-4:]}]", text)
    return MOBILE.sub(lambda m: f"[mobile redacted …{m.group()[-4:]}]", text)


def _redact_arg(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, numbers.Number) or value is None:
        return value
    if isinstance(value, dict):
        return {key: _redact_arg(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_redact_arg(item) for item in value)
    # Anything else (a request, a path object, an exception) is rendered now and redacted.
    return redact(str(value))


class RedactPersonalData(logging.Filter):
    """A handler filter that never drops a record, only redacts it in place."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        elif record.msg is not None and not isinstance(record.msg, numbers.Number):
            record.msg = redact(str(record.msg))
        if record.args:
            record.args = _redact_arg(record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
