"""The staff admin site: Chinese titles and the program dashboard on its index page."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class JiningAdminSite(admin.AdminSite):
    site_header = _("Jining returnee-entrepreneurship tracker")
    site_title = _("Jining returnee-entrepreneurship tracker")
    index_title = _("Program dashboard")

    def index(self, request, extra_context=None):
        from overview.dashboard import dashboard_context  # models are not ready when the site is built

        context = {**dashboard_context(), **(extra_context or {})}
        return super().index(request, extra_context=context)


class JiningAdminConfig(AdminConfig):
    default_site = "overview.admin_site.JiningAdminSite"
