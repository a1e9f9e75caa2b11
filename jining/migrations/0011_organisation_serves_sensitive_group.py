"""Organisations that serve a sensitive group (jining.models.Organisation.serves_sensitive_group):
the disabled persons' federations (残联, 残疾人联合会) on file are marked, so that partners never see
their support linked to a person. This changes stored rows: a backup written before it restores
with the earlier version, then ``migrate`` (jining/backup.py)."""

from django.db import migrations, models
from django.db.models import Q


def mark_disability_federations(apps, schema_editor):
    Organisation = apps.get_model("jining", "Organisation")
    Organisation.objects.filter(Q(name__contains="残联") | Q(name__contains="残疾人联合会")).update(
        serves_sensitive_group=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ('jining', '0010_access_log'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalorganisation',
            name='serves_sensitive_group',
            field=models.BooleanField(default=False, help_text='e.g. 残联: support it gives a person reveals a sensitive fact (a disability), so partners never see such support linked to a person.', verbose_name='serves a sensitive group'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='serves_sensitive_group',
            field=models.BooleanField(default=False, help_text='e.g. 残联: support it gives a person reveals a sensitive fact (a disability), so partners never see such support linked to a person.', verbose_name='serves a sensitive group'),
        ),
        migrations.RunPython(mark_disability_federations, migrations.RunPython.noop),
    ]
