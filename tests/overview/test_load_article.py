import pytest
from django.core.management import call_command

from incubators.models import Incubator
from overview.models import ReportedFigure


@pytest.mark.django_db
def test_load_article_loads_once_and_keeps_staff_corrections():
    call_command("load_article", verbosity=0)
    figures = ReportedFigure.objects.count()
    assert figures > 0
    incubator = Incubator.objects.get(code="aichuang")
    incubator.address = "staff correction"
    incubator.save()

    call_command("load_article", verbosity=0)

    incubator.refresh_from_db()
    assert incubator.address == "staff correction"
    assert ReportedFigure.objects.count() == figures


@pytest.mark.django_db
def test_load_article_force_reloads():
    call_command("load_article", verbosity=0)
    Incubator.objects.filter(code="aichuang").update(address="staff correction")
    call_command("load_article", force=True, verbosity=0)
    assert Incubator.objects.get(code="aichuang").address != "staff correction"
