"""Reads need the model's view_ permission (stock DRF lets any authenticated user read everything)."""

from rest_framework.permissions import DjangoModelPermissions


class ModelViewPermission(DjangoModelPermissions):
    """GET, HEAD and OPTIONS require ``<app>.view_<model>``; writes require add/change/delete as usual.

    Partner accounts only hold view permissions, so their writes are refused with 403 before the
    read-only viewsets would answer 405.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
