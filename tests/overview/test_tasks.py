"""The stats recompute as a background job (overview/tasks.py), queued at most once."""

import pytest

from jining.models import Job
from overview import tasks
from overview.models import StatsSnapshot

pytestmark = pytest.mark.django_db


def test_a_queued_recompute_stores_the_snapshot():
    job = tasks.queue_stats_refresh(trigger="schedule")
    job.refresh_from_db()
    snapshot = StatsSnapshot.objects.get()
    assert job.state == Job.State.DONE and job.user is None
    assert snapshot.trigger == "schedule"
    assert job.result == {"figures": len(snapshot.tracked), "duration_ms": snapshot.duration_ms}


def test_a_recompute_waits_at_most_once():
    waiting = Job.objects.create(kind=tasks.KIND, title="t", user=None)
    assert tasks.queue_stats_refresh() == waiting
    assert not StatsSnapshot.objects.exists()  # nothing ran: the waiting one will
    assert Job.objects.filter(kind=tasks.KIND).count() == 1
