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


@job_task()
def assessment_task(run, year=None, start=None, end=None, incubator_ids=None):
    """Every base's (or the given bases') indicators for a year or a from–to period, stored."""
    import datetime

    from incubators.models import Incubator
    from overview.indicators import assess, year_period

    if year is not None:
        begins, ends = year_period(int(year))
    else:
        begins, ends = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    bases = Incubator.objects.filter(parent__isnull=True).order_by("pk")
    if incubator_ids:
        bases = bases.filter(pk__in=incubator_ids)
    bases = list(bases)
    run.progress(0, len(bases), stage=str(_("Computing the indicators")))
    for done, base in enumerate(bases, 1):
        assess(base, begins, ends)
        run.progress(done, len(bases))
    return {"bases": len(bases), "from": begins.isoformat(), "until": ends.isoformat()}


@job_task()
def dossier_task(run, incubator_id, start, end, rule_set_id=None):
    """The review dossier of one base for a period (overview/dossier.py): its indicators computed
    first, then the workbook, the job's output file."""
    import datetime

    from incubators.models import Incubator, RuleSet
    from jining.models import JobFile
    from overview.dossier import write_dossier
    from overview.indicators import assess

    base = Incubator.objects.get(pk=incubator_id)
    begins, ends = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    rule_set = RuleSet.objects.filter(pk=rule_set_id).first() if rule_set_id else None
    run.progress(0, 2, stage=str(_("Computing the indicators")))
    assess(base, begins, ends)
    run.progress(1, 2, stage=str(_("Writing the review dossier")))
    name = f"复评材料-{base.name}-{begins:%Y%m%d}-{ends:%Y%m%d}.xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with run.output(JobFile.Role.OUTPUT, name, content_type) as stream:
        counts = write_dossier(
            stream, base=base, start=begins, end=ends, user=run.job.user, rule_set=rule_set
        )
    run.progress(2, 2)
    return counts


@job_task()
def outcomes_task(run, months=12):
    """What came of the events within ``months``: every kind's, series' and event's funnel, stored
    (overview/outcomes.py)."""
    from overview.outcomes import SCOPES, store_outcomes

    run.progress(0, len(SCOPES), stage=str(_("Counting what came of the events")))
    stored = store_outcomes(int(months), progress=run.progress)
    return {"months": int(months), "rows": stored}
