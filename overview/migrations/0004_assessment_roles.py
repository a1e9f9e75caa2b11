"""bureau_editors and bureau_viewers get their rights on the records of a base's assessment (issue 15:
capacities, mentors and their sessions, rule sets and thresholds, operating statuses, employee
rosters), as ``jining/0004_roles`` does; stored indicator values are derived (settings.DERIVED_MODELS)."""

from django.db import migrations

from jining.services import roles_sync_in_migration


class Migration(migrations.Migration):
    # Groups' permissions only, no program record (jining/backup.py); a restore of an older backup
    # brings back the groups as they were until `manage.py setup_roles` runs (docs/reliability.md).
    backup_relabel = {}

    dependencies = [
        ("overview", "0003_indicator_values"),
        ("incubators", "0004_assessment_records"),
        ("entrepreneurs", "0014_operating_status_and_roster"),
    ]

    operations = [migrations.RunPython(roles_sync_in_migration, migrations.RunPython.noop)]
