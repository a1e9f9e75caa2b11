"""Top-level URLs: the staff admin and the partner API (/api/v1/, see overview/api/urls.py, included by name).

Django's error views answer JSON under /api/ and the usual pages elsewhere (jining/exceptions.py).
"""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("overview.api.urls", namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the admin's 中文 / English switch
]

handler400 = "jining.exceptions.handler400"
handler403 = "jining.exceptions.handler403"
handler404 = "jining.exceptions.handler404"
handler500 = "jining.exceptions.handler500"
