"""Validators for Chinese identifiers, shared by models, forms, imports and the API."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CARD_CHECK_CHARS = "10X98765432"
ID_CARD_RE = re.compile(r"^\d{17}[\dX]$", re.ASCII)

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)


def id_card_check_char(first17: str) -> str:
    """The check character of a resident ID-card number (GB 11643-1999)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return ID_CARD_CHECK_CHARS[total % 11]


def normalize_id_card(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def id_card_birth_date(value: str) -> datetime.date | None:
    """The birth date encoded in a valid 18-digit ID-card number, or None."""
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def id_card_gender(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd = male)."""
    return "M" if int(value[16]) % 2 else "F"


def validate_id_card(value: str) -> None:
    value = normalize_id_card(value)
    if not ID_CARD_RE.match(value):
        raise ValidationError(
            _("An ID-card number has 17 digits followed by a digit or X."), code="id_card_format"
        )
    birth = id_card_birth_date(value)
    if birth is None or not (datetime.date(1900, 1, 1) <= birth <= datetime.date.today()):
        raise ValidationError(
            _("The birth date inside this ID-card number is not valid."), code="id_card_birth"
        )
    if id_card_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("This ID-card number fails its checksum: check for a mistyped digit."), code="id_card_checksum"
        )


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    value = (value or "").strip().upper()
    if not USCC_RE.match(value):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "except I, O, S, V and Z."
            ),
            code="uscc_format",
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("This unified social credit code fails its checksum: check for a mistyped character."),
            code="uscc_checksum",
        )


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86/0086 prefix from a mainland mobile number."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(_("A mainland mobile number has 11 digits and starts with 1."), code="mobile")
