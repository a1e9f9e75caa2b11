"""The ordering filter backend of the API (kept apart from the views: DRF imports it while loading)."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, filters


def ordering_pattern(allowed) -> str:
    """The schema's pattern of ``?ordering=``: comma-separated allowed fields, each maybe with a -;
    spaces around them and empty items are ignored, as ``get_ordering`` ignores them."""
    field = "-?(?:" + "|".join(re.escape(name) for name in allowed) + ")" if allowed else "(?!)"
    item = f"[ ]*(?:{field}[ ]*)?"
    return f"^{item}(?:,{item})*$"


class StrictOrderingFilter(filters.OrderingFilter):
    """``?ordering=a,-b`` over the view's ``ordering_fields``; an unknown field is a 400, not ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip(" ") for param in params.split(",") if param.strip(" ")]
            valid = self.remove_invalid_fields(queryset, fields, view, request)
            invalid = [field for field in fields if field not in valid]
            if invalid:
                allowed = ", ".join(self.allowed(view))
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            _("Unknown ordering field(s): %(invalid)s. Use one of: %(allowed)s.")
                            % {"invalid": ", ".join(invalid), "allowed": allowed}
                        ]
                    }
                )
            if valid:
                # The model's own ordering breaks ties, so pages stay deterministic.
                return valid + [f for f in queryset.model._meta.ordering if f not in valid]
        return self.get_default_ordering(view)

    def allowed(self, view):
        return list(getattr(view, "ordering_fields", None) or [])

    def get_schema_operation_parameters(self, view):
        allowed = self.allowed(view)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(
                    _(
                        "Sort by these fields, comma-separated; prefix a field with - for descending. "
                        "One of: %s."
                    )
                )
                % ", ".join(allowed),
                "schema": {"type": "string", "pattern": ordering_pattern(allowed)},
            }
        ]
