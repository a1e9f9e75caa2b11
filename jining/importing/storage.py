"""Where an uploaded import file waits between preview and confirm.

The ``IMPORT_EXPORT_TMP_STORAGE_CLASS`` setting names ``DatabaseTmpStorage``. It keeps the file in
the ``imports`` cache (a database table), not on local disk, so any app server can confirm an
import that another one previewed.
"""

import uuid

from django.core.cache import caches
from import_export.tmp_storages import BaseStorage


class DatabaseTmpStorage(BaseStorage):
    """Keeps an uploaded file between preview and confirm in the database (the ``imports`` cache).

    Any app server can then confirm an import that another one previewed: nothing lives on local disk.
    """

    PREFIX = "import-upload-"

    def save(self, data):
        if not self.name:
            self.name = uuid.uuid4().hex
        caches["imports"].set(self.PREFIX + self.name, data)

    def read(self):
        return caches["imports"].get(self.PREFIX + self.name)

    def remove(self):
        caches["imports"].delete(self.PREFIX + self.name)
