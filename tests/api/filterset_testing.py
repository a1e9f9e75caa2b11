"""Base of the per-app FilterSet tests (NetBox style): one short test per filter, and a check that
no filter goes untested."""

import pytest


class FilterSetTests:
    """Subclass with ``filterset`` and an autouse ``data`` fixture; name the tests ``test_<filter>``."""

    filterset = None

    def count(self, **params):
        filterset = self.filterset(params, self.filterset._meta.model.objects.all())
        assert filterset.is_valid(), filterset.errors
        return filterset.qs.count()

    def invalid(self, **params):
        filterset = self.filterset(params, self.filterset._meta.model.objects.all())
        return not filterset.is_valid()

    @pytest.mark.django_db
    def test_every_filter_has_a_test(self):
        missing = [name for name in self.filterset.base_filters if not hasattr(self, f"test_{name}")]
        assert not missing, f"untested filters of {self.filterset.__name__}: {missing}"
