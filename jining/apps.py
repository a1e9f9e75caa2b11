from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JiningConfig(AppConfig):
    name = "jining"
    verbose_name = _("Program and sources")

    def ready(self):
        from jining.stats import connect_signals

        connect_signals()  # writes to the records the stats count mark the stats snapshot stale
