from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorsConfig(AppConfig):
    name = "incubators"
    verbose_name = _("Incubators and platforms")
