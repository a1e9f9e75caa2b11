"""The staff's language: Simplified Chinese whatever the browser asks for, English on request.

``StaffLanguageMiddleware`` replaces Django's ``LocaleMiddleware``. Pages outside the API speak
``settings.LANGUAGE_CODE`` (简体中文) unless the user chose another language with the 中文 / English
switch in the admin's header (Django's ``set_language`` view at ``/i18n/setlang/``, which stores the
choice in the language cookie); a browser's ``Accept-Language`` is not asked, since a bureau
computer set up in English must still show the bureau's Chinese admin. The API negotiates
``Accept-Language`` as before: its clients are partners' programs, which say what they want.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def chosen_language(request) -> str:
    """The language the user chose with the switch, else the default."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and translation.check_for_language(chosen):
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class StaffLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None
