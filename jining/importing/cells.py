"""A spreadsheet cell's value, read in and written out.

``cell_text`` reads any cell (a phone number Excel stored as 13800000000.0, a datetime) as trimmed
text, for the file readers and the widgets alike; ``neutralise`` makes an exported text cell that
Excel or WPS would run as a formula inert, ``neutralise_column`` a whole column of them.
"""

import datetime
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")
COLUMN_SEPARATOR = "\x1f"
FORMULA_START_IN_COLUMN_RE = re.compile(
    f"(?:^|{COLUMN_SEPARATOR})[{re.escape(''.join(FORMULA_PREFIXES))}]"  # the prefixes are characters
)


def neutralise(value):
    """A text cell that Excel/WPS would run as a formula, made inert with a leading apostrophe.

    Plain numbers such as ``-1200.50`` stay as they are: a spreadsheet reads them as numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER_RE.match(value):
        return "'" + value
    return value


def neutralise_column(values) -> list:
    """``neutralise`` of each value, calling it only for the text that starts like a formula.

    A column of text is first searched whole (joined by a separator) for a cell that starts with
    one of the prefixes: most columns have none and are returned as they are.
    """
    values = list(values)
    try:
        joined = COLUMN_SEPARATOR.join(values)
    except TypeError:  # not all text
        pass
    else:
        if not FORMULA_START_IN_COLUMN_RE.search(joined):
            return values
    return [
        neutralise(value) if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value
        for value in values
    ]


def cell_text(value) -> str:
    """A cell as trimmed text: 13800000000.0 from a spreadsheet becomes '13800000000'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()
