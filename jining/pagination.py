"""Page-number pagination: ``{"count", "next", "previous", "results"}``; ``?page_size=`` is capped."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class PartnerPagination(PageNumberPagination):
    """``?page=N`` (404 past the last page), ``?page_size=N`` silently capped at ``API_MAX_PAGE_SIZE``."""

    page_size_query_param = "page_size"

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE
