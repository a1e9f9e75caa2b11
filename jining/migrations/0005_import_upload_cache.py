"""Create the database cache table that holds import uploads between preview and confirm."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", "imports", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("jining", "0004_roles")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
