"""The one router of the partner API, mounted at /api/v1/ with namespace ``api``.

URL names are ``api:<model>-list`` and ``api:<model>-detail``.

Resources are registered with the model name as basename, so ``api:incubator-detail`` is an incubator.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from entrepreneurs.api.views import (
    EnterpriseViewSet,
    EntrepreneurViewSet,
    FinancingViewSet,
    SupportMeasureViewSet,
)
from events.api.views import AttendanceViewSet, EventSeriesViewSet, EventViewSet
from incubators.api.views import IncubatorViewSet, ResidencyViewSet
from jining.api.views import OrganisationViewSet, SourceViewSet
from jining.exceptions import handler404
from overview.api.views import IncubatorIndicatorsView, ReportedFigureViewSet, StatsView

app_name = "api"


def api_not_found(request, *args, **kwargs):
    return handler404(request)


class PartnerRootView(APIRootView):
    """The resources of the partner API, plus the headline figures and the documentation."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for name in ("stats", "schema", "docs"):
            response.data[name] = reverse(f"api:{name}", request=request)
        return response


class PartnerRouter(DefaultRouter):
    APIRootView = PartnerRootView


router = PartnerRouter()
router.register("incubators", IncubatorViewSet, basename="incubator")
router.register("residencies", ResidencyViewSet, basename="residency")
router.register("entrepreneurs", EntrepreneurViewSet, basename="entrepreneur")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("financing", FinancingViewSet, basename="financing")
router.register("support-measures", SupportMeasureViewSet, basename="supportmeasure")
router.register("event-series", EventSeriesViewSet, basename="eventseries")
router.register("events", EventViewSet, basename="event")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("figures", ReportedFigureViewSet, basename="reportedfigure")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("sources", SourceViewSet, basename="source")

urlpatterns = [
    path("stats/", StatsView.as_view(), name="stats"),
    path("incubators/<int:pk>/indicators/", IncubatorIndicatorsView.as_view(), name="incubator-indicators"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    *router.urls,
    # Anything else under /api/v1/ ending in a slash: a JSON 404, even with DEBUG on.
    re_path(r"^.*/$", api_not_found),
]
