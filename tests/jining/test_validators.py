"""Validators for resident ID-card numbers (GB 11643-1999), unified social credit codes
(GB 32100-2015) and mainland mobile numbers."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from jining.validators import (
    id_card_birth_date,
    id_card_check_char,
    id_card_gender,
    normalize_id_card,
    normalize_mobile,
    uscc_check_char,
    validate_credit_code,
    validate_id_card,
    validate_mobile,
)
from tests.factories import make_credit_code, make_id_card

# ID cards -----------------------------------------------------------------------------------------

# Worked by hand: S = sum(digit_i * weight_i) with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
# check = "10X98765432"[S mod 11].
HAND_COMPUTED_ID_CARDS = [
    # The example in GB 11643-1999: S = 167, 167 mod 11 = 2 -> X.
    ("11010519491231002", "X"),
    # The other example in the standard (born 1880): S = 195, 195 mod 11 = 8 -> 4.
    ("44052418800101001", "4"),
    # 集宁区 150902, born 1985-06-15, sequence 001: S = 270, 270 mod 11 = 6 -> 6.
    ("15090219850615001", "6"),
    # Sequence 004 adds 2 * (4 - 1) = 6: S = 276, mod 11 = 1 -> 0.
    ("15090219850615004", "0"),
    # Sequence 009 adds 2 * (9 - 1) = 16: S = 286 = 26 * 11, mod 11 = 0 -> 1.
    ("15090219850615009", "1"),
]


@pytest.mark.parametrize(("first17", "check"), HAND_COMPUTED_ID_CARDS)
def test_id_card_check_char(first17, check):
    assert id_card_check_char(first17) == check


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "150902198506150016",
        "150902198506150040",
        "150902198506150091",
        "11010519491231002x",
        " 1509 0219 8506 1500 16 ",
        make_id_card(1),
        make_id_card(2, birth=datetime.date(2000, 2, 29), male=False),
    ],
)
def test_valid_id_card(number):
    validate_id_card(number)


def valid_with(first17):
    """A number whose only fault, if any, is not its checksum."""
    return first17 + id_card_check_char(first17)


# A month ahead, not a day: collection and the run may fall either side of midnight.
FUTURE = datetime.date.today() + datetime.timedelta(days=30)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_card_checksum"),
        ("110105194912310X2X", "id_card_format"),
        ("150902198506150061", "id_card_checksum"),  # two digits swapped in 150902198506150016
        ("15090219850615001", "id_card_format"),
        ("1509021985061500166", "id_card_format"),
        ("150902850615001", "id_card_format"),  # the old 15-digit form
        ("15090219850615001Y", "id_card_format"),
        ("", "id_card_format"),
        (valid_with("15090219850230001"), "id_card_birth"),  # 30 February
        (valid_with("15090219851301001"), "id_card_birth"),  # month 13
        ("440524188001010014", "id_card_birth"),  # before 1900
        (valid_with(f"150902{FUTURE:%Y%m%d}001"), "id_card_birth"),
        # Full-width digits, as a Chinese input method types them.
        ("１５０９０２１９８５０６１５００１６", "id_card_format"),
        ("１１０１０５１９４９１２３１００２X", "id_card_format"),
    ],
)
def test_invalid_id_card(number, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_card(number)
    assert excinfo.value.code == code


def test_normalize_id_card():
    assert normalize_id_card(" 1101 0519 4912 3100 2x ") == "11010519491231002X"
    assert normalize_id_card(None) == ""


def test_id_card_birth_date_and_gender():
    assert id_card_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert id_card_birth_date("150902198502300016") is None
    assert id_card_gender("11010519491231002X") == "F"  # 17th digit 2: even
    assert id_card_gender("150902198506150016") == "M"  # 17th digit 1: odd


# Unified social credit codes ----------------------------------------------------------------------

KNOWN_CODE = "91350100M000100Y43"


def test_uscc_check_char_of_a_real_code():
    # Worked by hand: values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4, weights
    # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28: S = 1640, 1640 mod 31 = 28, 31 - 28 = 3.
    assert uscc_check_char(KNOWN_CODE[:17]) == "3"


@pytest.mark.parametrize(
    "code", [KNOWN_CODE, KNOWN_CODE.lower(), f" {KNOWN_CODE} ", make_credit_code(1), make_credit_code(4242)]
)
def test_valid_credit_code(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y44", "uscc_checksum"),  # last character mistyped
        ("91350100M000100Y53", "uscc_checksum"),  # one character mistyped
        ("91350100M000010Y43", "uscc_checksum"),  # two neighbours swapped
        ("91350100M000100Y4", "uscc_format"),
        ("91350100M000100Y433", "uscc_format"),
        ("", "uscc_format"),
        ("91A50100M000100Y43", "uscc_format"),  # letters in the region code
        *((KNOWN_CODE.replace("M", letter), "uscc_format") for letter in "IOSVZ"),
        # A full-width digit in the region code.
        ("91３50100M000100Y43", "uscc_format"),
    ],
)
def test_invalid_credit_code(code, error):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == error


# Mobile numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("13800000000", "13800000000"),
        ("+86 138-0000-0000", "13800000000"),
        ("+8613800000000", "13800000000"),
        ("0086 139 1234 5678", "13912345678"),
        ("(158) 1234-5678", "15812345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_mobile(typed, normalised):
    assert normalize_mobile(typed) == normalised


@pytest.mark.parametrize(
    "number", ["13800000000", "+86 138-0000-0000", "0086 19912345678", "(158) 1234-5678"]
)
def test_valid_mobile(number):
    validate_mobile(number)


@pytest.mark.parametrize(
    "number",
    [
        "12800000000",  # no mobile network starts 12
        "23800000000",
        "1380000000",
        "138000000000",
        "+1 138 0000 0000",
        "0471-1234567",  # a landline
        "1380000000O",
        "",
        "138００００００００",  # full-width digits
    ],
)
def test_invalid_mobile(number):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(number)
    assert excinfo.value.code == "mobile"
