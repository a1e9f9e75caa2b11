"""Benchmark settings: the project's settings plus the raw-baseline URL (never routed in normal operation).

Used only by ``bench/run.py`` (in process and for the gunicorn it starts). Everything else comes from
``jining.settings`` and the environment, exactly as in production.
"""

from jining.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
