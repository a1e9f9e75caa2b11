"""Spreadsheet import and export for the admin, on top of django-import-export.

Bureau staff live in Excel and WPS, so this package adapts django-import-export to their files,
one job to a module: ``formats`` (reading a file, the CSV and xlsx formats), ``cells`` (a cell's
value read as text, made safe on export), ``widgets`` (what a column accepts and how it is
written), ``resources`` (``SpreadsheetResource``, the base of the apps' resources), ``bulk`` (the import
engine: a file validated in bulk into a plan, the plan written in bulk), ``jobs`` (the preview,
confirm and export background jobs), ``streaming`` (exports written in chunks) and ``admin`` (the
ModelAdmin mixins).

Import each name from the module that defines it: this package re-exports nothing.
"""
