"""Reading an uploaded file into a dataset, and the two formats of import and export.

``CSV`` reads UTF-8 (with or without BOM) and GBK/GB18030 (what Chinese Excel and WPS write by
default) and writes UTF-8 with a BOM so that Excel opens it correctly; ``XLSX`` reads the first
sheet. Blank lines and blank trailing columns are dropped, headers are trimmed.

A file over the size limit, or a workbook that would expand too far when opened, is refused
before it is parsed, a file with too many rows as soon as the row past the limit is read: with an
``ImportFileError``, whose message is shown on the import form.
"""

import csv
import io
import zipfile

import tablib
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from jining.importing.cells import cell_text


class ImportFileError(ValueError):
    """A file that cannot be read at all; its message is shown on the import form."""


# --- Limits (settings IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_MAX_UNCOMPRESSED_BYTES) ---


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 10_000)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def check_size(size: int) -> None:
    """Refuse a file larger than ``IMPORT_MAX_BYTES`` before reading it."""
    if size > max_bytes():
        raise ImportFileError(
            _("The file is too large (%(size)s MB; at most %(max)s MB). Split it into smaller files.")
            % {"size": megabytes(size), "max": megabytes(max_bytes())}
        )


def check_workbook_zip(data: bytes) -> None:
    """An .xlsx is a zip: refuse one that is not, or whose members would expand beyond
    ``IMPORT_MAX_UNCOMPRESSED_BYTES`` (a zip bomb), before openpyxl decompresses anything.

    The sizes are those the zip declares; Python's zipfile never inflates a member beyond its
    declared size (it stops there and fails the checksum), so a lying zip cannot get past this.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ImportFileError(
            _("This is not an Excel workbook (.xlsx). Choose the format that matches the file.")
        ) from error
    expanded = sum(member.file_size for member in members)
    if expanded > max_uncompressed_bytes() or len(members) > 10_000:
        raise ImportFileError(
            _(
                "This workbook would expand to %(size)s MB when opened (at most %(max)s MB): "
                "it is not an ordinary spreadsheet. Save the data in a new workbook and upload that."
            )
            % {"size": megabytes(expanded), "max": megabytes(max_uncompressed_bytes())}
        )


def decode_text(data: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise ImportFileError(
                _(
                    "The file contains null characters: it is not a plain text CSV file (perhaps it "
                    "was saved as UTF-16). In Excel or WPS, save it as “CSV UTF-8”, then upload it again."
                )
            )
        return text
    raise ImportFileError(
        _(
            "The file is neither UTF-8 nor GBK text. In Excel or WPS, save it as “CSV UTF-8” "
            "or as an Excel workbook (.xlsx), then upload it again."
        )
    )


def build_dataset(rows) -> tablib.Dataset:
    """A dataset from rows of cells: first row the headers, blank rows and blank columns dropped.

    More than ``IMPORT_MAX_ROWS`` data rows is an error (read no further than one row past it).
    """
    kept = []
    for row in rows:
        row = list(row)
        if not any(cell_text(cell) for cell in row):
            continue
        kept.append(row)
        if len(kept) > max_rows() + 1:  # the header row and max_rows() data rows
            raise ImportFileError(
                _("The file has more than %(max)d rows. Split it into files of at most %(max)d rows each.")
                % {"max": max_rows()}
            )
    rows = kept
    if not rows:
        return tablib.Dataset()
    headers = [cell_text(cell) for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in rows[1:]:
        cells = [cell.strip() if isinstance(cell, str) else cell for cell in row[:width]]
        dataset.append(cells + [""] * (width - len(cells)))
    return dataset


# --- Formats ---


class CSV(base_formats.CSV):
    """CSV read in UTF-8 or GBK (detected), written in UTF-8 with a BOM for Excel and WPS."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def get_title(self):
        return "csv"

    def is_binary(self):
        return True  # the bytes reach create_dataset, which detects the encoding

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        check_size(len(in_stream))
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream)
        try:
            rows = list(csv.reader(io.StringIO(in_stream)))
        except csv.Error as error:
            raise ImportFileError(_("The CSV file is damaged: %(error)s") % {"error": error}) from error
        return build_dataset(rows)

    def export_data(self, dataset, **kwargs):
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")


class XLSX(base_formats.XLSX):
    """An Excel workbook; rows are read from its first sheet."""

    def get_title(self):
        return "xlsx"

    def create_dataset(self, in_stream):
        import openpyxl

        check_size(len(in_stream))
        check_workbook_zip(in_stream)
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as error:
            raise ImportFileError(
                _("This is not an Excel workbook (.xlsx). Choose the format that matches the file.")
            ) from error
        return build_dataset(book.worksheets[0].iter_rows(values_only=True))


FORMATS = [XLSX, CSV]
