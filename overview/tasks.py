"""Background jobs of the overview: the stats snapshot recomputed off the request path.

``queue_stats_refresh()`` queues one recompute unless one already waits (``job_start_unique``: at
most one waits and one runs); workers call it on the schedule of ``settings.JOB_SCHEDULE``.
"""

from django.utils.translation import gettext_lazy as _

from jining.jobs import job_start_unique, job_task
from overview.stats import stats_refresh

KIND = "stats_refresh"


@job_task()
def stats_refresh_task(run, trigger="job"):
    snapshot = stats_refresh(trigger=trigger)
    return {"figures": len(snapshot.tracked), "duration_ms": snapshot.duration_ms}


def queue_stats_refresh(trigger="schedule"):
    """Queue a recompute of the stats snapshot (deduplicated); returns the waiting job."""
    return job_start_unique(
        stats_refresh_task,
        kind=KIND,
        title=str(_("Recompute the stats")),
        params={"trigger": trigger},
        kwargs={"trigger": trigger},
    )
