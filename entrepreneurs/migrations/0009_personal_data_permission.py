"""The permission to see personal data unmasked (``view_personal_data``, jining/personal.py), given
to bureau_editors: the permission is created here (``post_migrate`` would create it only after all
migrations) and the roles re-synced, as ``jining/0004_roles`` does."""

from django.db import migrations

from jining.services import roles_sync_in_migration


class Migration(migrations.Migration):
    # A backup written before this migration restores into a database that has it (jining/backup.py):
    # the migration adds a permission and a group's hold of it, no program record. Such a restore
    # brings back the groups as they were, without it, so editors see personal data masked (the
    # safe side) until `manage.py setup_roles` gives it again (docs/reliability.md).
    backup_relabel = {}

    dependencies = [
        ("entrepreneurs", "0008_phone_index"),
        ("jining", "0009_jobfile_plan"),
        ("overview", "0002_statssnapshot_dashboard"),
        ("events", "0004_history"),
        ("incubators", "0003_history"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="entrepreneur",
            options={
                "ordering": ["name", "id"],
                "permissions": [("view_personal_data", "Can view personal data")],
                "verbose_name": "entrepreneur",
                "verbose_name_plural": "entrepreneurs",
            },
        ),
        migrations.RunPython(roles_sync_in_migration, migrations.RunPython.noop),
    ]
