from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JiningConfig(AppConfig):
    name = "jining"
    verbose_name = _("Program and sources")
