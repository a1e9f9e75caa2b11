"""The project's URLs plus ``/bench-raw/<endpoint>/``: the raw baseline, served by the same gunicorn.

Only ``bench.settings`` routes this module; ``jining.urls`` never includes it.
"""

from django.urls import include, path

from bench.raw import raw_view

urlpatterns = [
    path("bench-raw/<slug:endpoint>/", raw_view),
    path("", include("jining.urls")),
]
