"""Page-number pagination: ``{"count", "next", "previous", "results"}``; ``?page_size=`` is capped.

``count`` is exact while it is below ``API_COUNT_CACHE_FROM`` rows (10,000): counting is cheap there.
A larger count (a province's 600,000 entrepreneurs take ~100 ms to count on PostgreSQL) is kept in
the cache for ``API_COUNT_CACHE_SECONDS`` (60 s) per query, so it may lag writes by that long.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class CountCachingPaginator(Paginator):
    """A paginator that remembers large counts for a short while (small ones are always exact)."""

    @cached_property
    def count(self):
        try:
            sql, params = self.object_list.query.sql_with_params()
        except (AttributeError, EmptyResultSet):
            return super().count
        digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        key = f"api-count:{digest}"
        count = cache.get(key)
        if count is None:
            count = super().count
            if count >= settings.API_COUNT_CACHE_FROM:
                cache.set(key, count, settings.API_COUNT_CACHE_SECONDS)
        return count


class PartnerPagination(PageNumberPagination):
    """``?page=N`` (404 past the last page), ``?page_size=N`` silently capped at ``API_MAX_PAGE_SIZE``."""

    page_size_query_param = "page_size"
    django_paginator_class = CountCachingPaginator

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def paginate_lazily(self, queryset, request, view=None):
        """Like ``paginate_queryset``, but returns the page's slice of ``queryset`` unevaluated.

        A view can then use the slice as a subquery (``pk__in=page``) and read the page's rows in
        the same query, rather than list the page and query again.
        """
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(
                self.invalid_page_message.format(page_number=page_number, message=str(exc))
            ) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return self.page.object_list
