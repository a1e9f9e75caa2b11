"""Create the groups bureau_editors, bureau_viewers and partners with their permissions.

Permissions are normally created after all migrations (``post_migrate``); they are created here
first so that the groups get them on a fresh database. ``manage.py setup_roles`` re-syncs the groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from jining.services import roles_sync


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("jining", "0003_history"),
        ("incubators", "0003_history"),
        ("entrepreneurs", "0004_fill_name_pinyin"),
        ("events", "0004_history"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
