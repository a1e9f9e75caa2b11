"""Serializers for organisations and sources, plus the pieces every app shares.

Serializers are contracts: literal ``fields`` lists, never ``__all__``; related objects in the brief
nested form built by ``brief_serializer`` (``{id, name or title, url}``); counts are queryset annotations.
"""

from functools import cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jining.models import Organisation, Source

#: Models shown nested but without an endpoint of their own: brief form is id, code and name.
UNLINKED_BRIEF_FIELDS = ["id", "code", "name"]


@cache
def brief_serializer(model, linked=True):
    """The one brief nested form of ``model``: ``{id, name, url}`` (``title`` for events and sources).

    Cached, so every serializer nesting ``model`` shares one class (and one schema component).
    ``linked=False`` is for lookup models with no endpoint (services, segments, special groups).
    """
    label = model._meta.label_lower
    if not linked:
        fields = UNLINKED_BRIEF_FIELDS
    else:
        fields = settings.API_BRIEF_FIELDS.get(label) or [
            "id",
            "name" if any(f.name == "name" for f in model._meta.fields) else "title",
            "url",
        ]
    attrs = {
        "Meta": type("Meta", (), {"model": model, "fields": fields, "read_only_fields": fields}),
        "__doc__": f"Brief form of {model._meta.verbose_name}: enough to show it and link to it.",
        "__module__": __name__,
    }
    if linked:
        attrs["url"] = serializers.HyperlinkedIdentityField(view_name=f"api:{model._meta.model_name}-detail")
    return type(f"Brief{model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


def brief(model, *, null=False, many=False, linked=True, **kwargs):
    """A read-only brief nested field: ``organiser = brief(Organisation)``, ``null=True`` for optional FKs."""
    return brief_serializer(model, linked)(read_only=True, allow_null=null, many=many, **kwargs)


def url_field(model):
    """The API address of an object of ``model`` (router basename = model name, namespace ``api``)."""
    return serializers.HyperlinkedIdentityField(view_name=f"api:{model._meta.model_name}-detail")


class PartnerSerializer(serializers.ModelSerializer):
    """Base of every resource serializer: the ``url`` field is the object's API address; all read-only."""

    def build_url_field(self, field_name, model_class):
        return serializers.HyperlinkedIdentityField, {
            "view_name": f"api:{model_class._meta.model_name}-detail"
        }

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class OrganisationSerializer(PartnerSerializer):
    parent = brief(Organisation, null=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "code",
            "name",
            "name_en",
            "kind",
            "parent",
            "head_name",
            "head_title",
            "created",
            "updated",
        ]


class SourceSerializer(PartnerSerializer):
    url = url_field(Source)
    web_address = serializers.CharField(
        source="url", read_only=True, help_text=_("The source on the web; empty when it is not online.")
    )
    cited_in = brief(Source, null=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "code",
            "kind",
            "title",
            "publisher",
            "authors",
            "published_on",
            "published_precision",
            "web_address",
            "cited_in",
            "created",
            "updated",
        ]


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField(help_text=_("What is wrong, for a person to read."))
    code = serializers.CharField(help_text=_("A machine-readable code, e.g. not_authenticated, invalid."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For invalid input (400): the messages per query parameter."),
    )
