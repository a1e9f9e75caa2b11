"""Signals of the shared base.

``records_bulk_written(sender=model, using=alias)``: rows of ``model`` were written in bulk
(``bulk_create``/``bulk_update``/deletes by difference, e.g. a spreadsheet import), which sends no
``post_save``; apps that follow writes (the stats' stale mark) listen to this one too.
"""

from django.dispatch import Signal

records_bulk_written = Signal()
