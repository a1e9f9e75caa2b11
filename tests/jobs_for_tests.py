"""Tasks used by the job tests only (the worker imports them by name, like any task)."""

import time

from jining.jobs import JobError, job_task
from jining.models import JobFile


@job_task()
def count_task(run, n=3, pause=0.0, fail_at=None):
    """Counts to ``n``, reporting each step; writes the numbers as its result file."""
    run.progress(0, n, stage="counting")
    for i in range(1, n + 1):
        if fail_at == i:
            raise JobError(f"stopped at {i}")
        if pause:
            time.sleep(pause)
        run.progress(i)
    with run.output(JobFile.Role.OUTPUT, "numbers.txt", "text/plain") as stream:
        stream.write("\n".join(str(i) for i in range(1, n + 1)).encode())
    return {"rows": n}


@job_task()
def crash_task(run):
    raise ZeroDivisionError("boom")
