from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """What reads every app: reported figures, stats, the dashboard, the API router, synthetic data."""

    name = "overview"
    verbose_name = _("Program overview")

    def ready(self):
        from overview.stats import connect_signals

        connect_signals()  # writes to the records the stats count mark the stats snapshot stale
