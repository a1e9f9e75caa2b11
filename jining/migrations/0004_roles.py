"""Create the groups bureau_editors, bureau_viewers and partners with their permissions.

Permissions are normally created after all migrations (``post_migrate``); they are created here
first so that the groups get them on a fresh database. ``manage.py setup_roles`` re-syncs the groups.
"""

from django.db import migrations

from jining.services import roles_sync_in_migration


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("jining", "0003_history"),
        ("incubators", "0003_history"),
        ("entrepreneurs", "0004_fill_name_pinyin"),
        ("events", "0004_history"),
    ]

    operations = [migrations.RunPython(roles_sync_in_migration, migrations.RunPython.noop)]
