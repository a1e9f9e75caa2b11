"""OpenAPI schema (drf-spectacular): token authentication and the error responses of every operation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from jining.api.serializers import ErrorSerializer
from jining.filtersets import ID_MAX, ID_MIN, IdMultipleChoiceFilter

ERROR_RESPONSES = {
    "400": _("Invalid query parameter: `errors` names each parameter and what is wrong with it."),
    "401": _("No token, or an invalid, revoked or expired one (header `WWW-Authenticate: Token`)."),
    "403": _("The account may not read this resource (or tried to write: the API is read-only)."),
    "404": _("No such object, or a page past the last one."),
    "414": _("The query string is too long."),
    "429": _("Too many requests for this token: wait the number of seconds in `Retry-After`."),
}

HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": _("The authentication scheme to use: `Token`."),
        }
    },
    "429": {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": _("Seconds to wait before the next request."),
        }
    },
}


def _admits_empty(schema):
    """Whether "" is a valid value of a query parameter of this schema (free text, or a list of it)."""
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    return schema.get("type") == "string" and not ({"enum", "format", "pattern", "minLength"} & set(schema))


def _state_the_limits(schema, filter_):
    """What a query parameter is refused for, said in its schema: an integer outside its filter's
    bounds (a column's range; 64 bits for an id), an amount below 0, past its column's digits or
    with more decimals than it keeps, a NUL character in a string."""
    if schema.get("type") == "integer" and filter_ is not None:
        bounds = (filter_.extra.get("min_value"), filter_.extra.get("max_value"))
        if isinstance(filter_, IdMultipleChoiceFilter):
            bounds = (ID_MIN, ID_MAX)
        for key, bound in zip(("minimum", "maximum"), bounds, strict=True):
            if bound is not None:
                schema.setdefault(key, bound)
    elif schema.get("type") == "number" and filter_ is not None:
        if filter_.extra.get("min_value") is not None:
            schema.setdefault("minimum", filter_.extra["min_value"])
        digits, places = filter_.extra.get("max_digits"), filter_.extra.get("decimal_places")
        if digits is not None and places is not None:
            schema.setdefault("maximum", 10 ** (digits - places))
            schema.setdefault("exclusiveMaximum", True)  # OpenAPI 3.0: a flag on maximum
            schema.setdefault("multipleOf", float(f"1e-{places}") if places else 1)
    elif schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = "^[^\\x00]*$"


class PartnerAutoSchema(AutoSchema):
    """Adds the JSON error responses (400, 401, 403, 404, 414, 429) to every operation."""

    def _get_parameters(self):
        """Query parameters may be sent empty (``?kind=``): an empty value means "not filtering".

        Said with ``allowEmptyValue`` where the type does not already admit "" (numbers, dates, choices).
        """
        parameters = super()._get_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            if parameter.get("in") != "query":
                continue
            schema = parameter.get("schema", {})
            if not _admits_empty(schema):
                parameter["allowEmptyValue"] = True
            item = schema.get("items", schema) if schema.get("type") == "array" else schema
            _state_the_limits(item, filters.get(parameter.get("name")))
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_RESPONSES.items():
            if code == "404" and self._is_list_view() and not self.view.paginator:
                continue
            response = self._get_response_for_code(OpenApiResponse(ErrorSerializer, description), code)
            if code in HEADERS:
                response["headers"] = HEADERS[code]
            responses.setdefault(code, response)
        return responses


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Token KEY`` for jining.authentication.TokenAuthentication."""

    target_class = "jining.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "A partner API token, sent as `Authorization: Token KEY`. "
                    "Get one from the bureau (`manage.py create_partner NAME` or the admin)."
                )
            ),
        }
