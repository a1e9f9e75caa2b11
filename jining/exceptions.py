"""One error format for the API: every 4xx and 5xx under /api/ is JSON.

``{"detail": "<message>", "code": "<machine code>"}``, and for invalid input also
``"errors": {"<parameter>": ["<message>", ...]}`` naming each offending query parameter or field.
``api_exception_handler`` is DRF's EXCEPTION_HANDLER; ``handler400/403/404/500`` are Django's error views
(see jining/urls.py), answering JSON under /api/ and Django's usual pages elsewhere.
"""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler

API_PREFIX = "/api/"


def _flatten(detail):
    """ErrorDetail structures -> plain lists of strings per parameter."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat = []
        for item in detail:
            flat.extend(_flatten(item) if isinstance(item, (list, dict)) else [str(item)])
        return flat
    return [str(detail)]


def api_exception_handler(exc, context):
    if isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("The request was malformed or too large."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's handler500 answers (JSON under /api/)
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = _flatten(errors)
        names = ", ".join(sorted(errors))
        response.data = {
            "detail": _("Invalid input: %(names)s.") % {"names": names},
            "code": "invalid",
            "errors": errors,
        }
    else:
        codes = exc.get_codes()
        response.data = {"detail": str(exc.detail), "code": codes if isinstance(codes, str) else "error"}
    return response


def _is_api(request):
    return request.path.startswith(API_PREFIX)


def _json(status, detail, code):
    return JsonResponse(
        {"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def handler400(request, exception=None):
    if _is_api(request):
        return _json(400, _("The request was malformed or too large."), "bad_request")
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return _json(403, _("You do not have permission to perform this action."), "permission_denied")
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return _json(404, _("Not found: see /api/v1/ for the resources."), "not_found")
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return _json(500, _("Server error. Please try again later or contact the bureau."), "server_error")
    return defaults.server_error(request)
