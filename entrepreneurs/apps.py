from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntrepreneursConfig(AppConfig):
    name = "entrepreneurs"
    verbose_name = _("Entrepreneurs and enterprises")
