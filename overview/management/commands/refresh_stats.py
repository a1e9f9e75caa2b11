"""``manage.py refresh_stats``: recompute the stats snapshot now (``/api/v1/stats/``, the dashboard).

Reads never recompute the snapshot, so run this from cron, e.g. every minute (docs/deploy.md).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from overview.stats import stats_refresh


class Command(BaseCommand):
    help = "Recompute the stats snapshot (/api/v1/stats/, the admin dashboard) now; print how long it took."

    def handle(self, *args, **options):
        snapshot = stats_refresh(trigger="refresh_stats")
        when = timezone.localtime(snapshot.computed_at).isoformat(timespec="seconds")
        self.stdout.write(
            f"Stats recomputed in {snapshot.duration_ms} ms, as of {when} "
            f"({len(snapshot.tracked)} reported figures)."
        )
